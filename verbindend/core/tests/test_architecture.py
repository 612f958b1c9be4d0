"""The house rules, checked on the code's own imports (see docs/architecture.md).

- No app imports another app's views: shared logic lives in that app's services or queries.
- No two modules import each other, directly or round a longer circle (imports needed only by
  the type checker, under ``if TYPE_CHECKING:``, do not count: they never run).
- ``core`` is the ground floor: it imports no domain app; the apps fill its registries (scopes,
  demo, navigation, overview panels, …) in their ``ready()``.
- No module is over 600 lines, except those in ``STILL_TOO_LONG``; that list may only shrink.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT.name

#: modules still over the size limit, to be split along their seams; the list may only shrink
STILL_TOO_LONG: set[str] = set()
MAX_LINES = 600


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
            continue
        yield path


def _runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: at module level or inside functions."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in _runtime_imports_of(child))
            continue
        yield from _runtime_imports_of(node)


def _runtime_imports_of(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
        return
    yield from _runtime_imports(node)


def _graph() -> dict[str, set[str]]:
    modules = {_module(path): path for path in _sources()}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith(PACKAGE + "."):
                    graph[name].add(target)
    return graph


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_app_imports_another_apps_views() -> None:
    graph = _graph()
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if target.rpartition(".")[2].endswith("views")
        and _app(target) != _app(module)
        and _app(module) not in {"urls", ""}  # the project's URL table joins every app's views
    )
    assert not wrong, "\n".join(wrong)


def test_no_import_circles() -> None:
    circles = _circles(_graph())
    assert not circles, "\n".join(" ↔ ".join(group) for group in circles)


def test_core_imports_no_domain_app() -> None:
    """The ground floor: domain apps fill core's registries in ``ready()``, never the reverse."""
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} - {"core"}
    reaching = {
        module: sorted({_app(t) for t in targets} & apps)
        for module, targets in _graph().items()
        if _app(module) == "core" and {_app(t) for t in targets} & apps
    }
    assert not reaching, f"core reaches up into domain apps: {reaching}"


def test_no_module_is_over_the_size_limit_beyond_the_known_ones() -> None:
    long = {
        str(path.relative_to(ROOT.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in _sources()
    }
    over = {name: n for name, n in long.items() if n > MAX_LINES and name not in STILL_TOO_LONG}
    assert not over, f"split these along their seams: {over}"
    done = {name for name in STILL_TOO_LONG if long.get(name, 0) <= MAX_LINES}
    assert not done, f"take these off STILL_TOO_LONG: {done}"


def test_the_checks_see_what_they_should() -> None:
    """The graph is not empty and finds a circle when there is one."""
    graph = _graph()
    assert "verbindend.live.engine" in graph["verbindend.live.services"]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
