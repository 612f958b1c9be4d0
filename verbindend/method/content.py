"""The method of "Verbindend leren" as versioned, bilingual content.

All method text (concepts, conditions, levels, principles, reflection questions, exercises,
scan statements, ...) lives in the TOML files in ``content/`` beside this module, in Dutch
(``nl``) and English (``en``). This module loads them once, validates them and exposes a small,
typed, read-only API. Code and templates refer to content only by its stable keys.

Shape of the content files
--------------------------
Every top-level table of every ``content/*.toml`` file is one *node*. Its table name is the
node's full key, always quoted so that TOML does not nest it::

    ["principle.p1"]
    kind = "principle"                  # required: what sort of node this is
    order = 1                           # optional integer: position among its siblings
    title.nl = "Samen doen"             # localized text field: a table with exactly nl and en
    title.en = "Act together"
    summary = { nl = "...", en = "..." }   # the same, written as an inline table
    origin = "report"                   # plain attribute (string, number, boolean or a list)

    ["principle.p1.r1"]                 # a child: the parent's key plus one dotted part
    kind = "reflection"
    order = 1
    question.nl = "..."
    question.en = "..."

Rules, checked when the content is loaded (a broken file raises :class:`ContentError` naming
every problem it found):

- Keys are lower case dotted names (``[a-z0-9_]`` parts); a key is defined only once across all
  files. A key with three or more parts is a child, and its parent must exist.
- ``kind`` is a non-empty string; ``order``, when present, an integer, unique among siblings of
  the same kind.
- A table value is a localized text field. Its name must be one of :data:`TEXT_FIELDS`, and it
  holds exactly the languages of :data:`LANGUAGES`, each a non-empty string.
- Any other value is an attribute: a string, number, boolean or list of those.
- Attributes named in :data:`REFERENCE_ATTRS` hold one key or a list of keys; each must exist
  (and be of the listed kind, where one is given).
- ``origin`` is ``"report"`` (paraphrased from the report) or ``"ours"`` (our own elaboration,
  not in the report); absent means ``"report"``. ``prompt_type`` names a live-session prompt type
  from :data:`PROMPT_TYPES`.

Keys and versions
-----------------
The version in ``meta.toml`` (:func:`version`) is recorded by every instrument that uses the
content (scan rounds, live sessions, codebooks), so that results stay comparable. The rule:

- an item keeps its key as long as its meaning stays the same (polishing the wording is fine);
- when an item's meaning changes, it gets a new key (the old key is not reused);
- the version is raised whenever the meaning of any text changes.

``content/keys.lock`` records a hash of every key's texts for the current version; a test fails
when a text changed while neither its key nor the version did. ``manage.py method_snapshot``
updates it (see :mod:`verbindend.method.versioning`).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

__all__ = [
    "CONTENT_DIR",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Catalogue",
    "ContentError",
    "Node",
    "UnknownField",
    "UnknownKey",
    "all_keys",
    "catalogue",
    "credit",
    "exists",
    "get",
    "load",
    "of_kind",
    "version",
]

CONTENT_DIR = Path(__file__).resolve().parent / "content"

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

#: Names a localized text field may have.
TEXT_FIELDS = frozenset(
    {
        "title",
        "summary",
        "body",
        "question",
        "label",
        "statement",
        "stem",
        "caption",
        "alt",
        "help",
        "credit",
        "x_axis",
        "y_axis",
        "peak_label",
        "valley_label",
        "source",
    }
)

#: Attributes whose values are content keys, with the kinds they may point to (None: any kind).
REFERENCE_ATTRS: Mapping[str, frozenset[str] | None] = MappingProxyType(
    {
        "concept": frozenset({"concept"}),
        "condition": frozenset({"condition"}),
        "level": frozenset({"level"}),
        "levels": frozenset({"level"}),
        "step": frozenset({"research_step"}),
        "principle": frozenset({"principle"}),
        "reflection": frozenset({"reflection"}),
        "exercise": frozenset({"exercise", "exercise_pattern"}),
        "exercises": frozenset({"exercise", "exercise_pattern"}),
        "aid": frozenset({"aid"}),
        "items": None,
        "options": None,
        "see": None,
    }
)

#: Prompt types of the live engine that an exercise may name in ``prompt_type``.
PROMPT_TYPES = frozenset(
    {
        "open_answer",
        "sentence_completion",
        "scale",
        "choice",
        "dot_vote",
        "farewell_letter",
        "history_line",
        "principle_card",
    }
)

ORIGINS = frozenset({"report", "ours"})

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$")

type Scalar = str | int | float | bool
type AttrValue = Scalar | tuple[Scalar, ...]


class ContentError(Exception):
    """The content files are broken; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("invalid method content:\n" + "\n".join(f"  - {p}" for p in self.problems))


class UnknownKey(KeyError):
    """No content node has this key."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key

    def __str__(self) -> str:
        return f"unknown method content key {self.key!r}"


class UnknownField(KeyError):
    """The node has no localized text field of this name."""

    def __init__(self, key: str, field_name: str) -> None:
        super().__init__(f"{key}:{field_name}")
        self.key = key
        self.field = field_name

    def __str__(self) -> str:
        return f"method content node {self.key!r} has no text field {self.field!r}"


def _language(lang: str | None) -> str:
    """Normalise a language code ("en-gb", "nl_BE", None → active language) to nl or en."""
    if lang is None:
        try:
            lang = translation.get_language()
        except ImproperlyConfigured:  # Django settings not configured: plain scripts
            lang = None
    if not lang:
        return DEFAULT_LANGUAGE
    base = lang.replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Node:
    """One piece of method content: read-only; equal and hashed by key."""

    key: str
    kind: str
    order: int | None = field(default=None, compare=False)
    attrs: Mapping[str, AttrValue] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )
    #: every localized text field: field name → {language → text}
    texts: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )
    _catalogue: Catalogue | None = field(default=None, compare=False, repr=False)

    def has(self, field_name: str) -> bool:
        return field_name in self.texts

    def text(self, field_name: str, lang: str | None = None) -> str:
        """The text of ``field_name`` in ``lang`` (default: Django's active language)."""
        try:
            values = self.texts[field_name]
        except KeyError:
            raise UnknownField(self.key, field_name) from None
        return values[_language(lang)]

    def _optional(self, field_name: str) -> str:
        return self.text(field_name) if field_name in self.texts else ""

    @property
    def title(self) -> str:
        return self._optional("title")

    @property
    def summary(self) -> str:
        return self._optional("summary")

    @property
    def body(self) -> str:
        return self._optional("body")

    @property
    def origin(self) -> str:
        """Where the text comes from: report (paraphrased) or ours (our own elaboration)."""
        value = self.attrs.get("origin", "report")
        return value if isinstance(value, str) else "report"

    def _require_catalogue(self) -> Catalogue:
        if self._catalogue is None:
            raise RuntimeError(f"node {self.key!r} does not belong to a catalogue")
        return self._catalogue

    @property
    def parent(self) -> Node | None:
        catalogue = self._require_catalogue()
        parent_key = catalogue.parent_key(self.key)
        return catalogue.get(parent_key) if parent_key else None

    def children(self, kind: str | None = None) -> list[Node]:
        """Direct children, ordered; only those of ``kind`` when given."""
        return self._require_catalogue().children_of(self.key, kind)

    def refs(self, attr: str) -> list[Node]:
        """The nodes a reference attribute (e.g. ``reflection``, ``exercises``) points to."""
        value = self.attrs.get(attr)
        if value is None:
            return []
        keys = value if isinstance(value, tuple) else (value,)
        catalogue = self._require_catalogue()
        return [catalogue.get(str(k)) for k in keys]

    def __str__(self) -> str:
        return self.title or self.key


class Catalogue:
    """A validated set of nodes, loaded from one content directory."""

    def __init__(self, version: str) -> None:
        self._version = version
        self._nodes: dict[str, Node] = {}
        self._children: dict[str, tuple[str, ...]] = {}
        self._by_kind: dict[str, tuple[str, ...]] = {}
        self._sort: dict[str, tuple[tuple[int, int, str], ...]] = {}

    # -- building (used by load) --------------------------------------------------------------

    def _freeze(self, nodes: dict[str, Node]) -> None:
        self._nodes = nodes
        for key in nodes:
            self._sort[key] = self._sort_key(key)
        children: dict[str, list[str]] = {}
        by_kind: dict[str, list[str]] = {}
        for key in sorted(nodes, key=self._sort.__getitem__):
            parent = self.parent_key(key)
            if parent is not None:
                children.setdefault(parent, []).append(key)
            by_kind.setdefault(nodes[key].kind, []).append(key)
        self._children = {k: tuple(v) for k, v in children.items()}
        self._by_kind = {k: tuple(v) for k, v in by_kind.items()}

    def _sort_key(self, key: str) -> tuple[tuple[int, int, str], ...]:
        # Document order: the orders along the chain of ancestors, then the key's own order;
        # nodes without an order come after ordered siblings, by key.
        chain: list[tuple[int, int, str]] = []
        current: str | None = key
        while current is not None:
            node = self._nodes[current]
            last = current.rsplit(".", 1)[-1]
            chain.append((0, node.order, last) if node.order is not None else (1, 0, last))
            current = self.parent_key(current)
        return tuple(reversed(chain))

    # -- reading --------------------------------------------------------------------------------

    def parent_key(self, key: str) -> str | None:
        """The parent's key for a key of three or more parts, else None (top level)."""
        if key.count(".") < 2:
            return None
        return key.rsplit(".", 1)[0]

    def version(self) -> str:
        return self._version

    def get(self, key: str) -> Node:
        try:
            return self._nodes[key]
        except KeyError:
            raise UnknownKey(key) from None

    def exists(self, key: str) -> bool:
        return key in self._nodes

    def of_kind(self, kind: str) -> list[Node]:
        """All nodes of ``kind`` in document order (by order, ancestors' order first)."""
        return [self._nodes[k] for k in self._by_kind.get(kind, ())]

    def children_of(self, key: str, kind: str | None = None) -> list[Node]:
        self.get(key)
        nodes = [self._nodes[k] for k in self._children.get(key, ())]
        return nodes if kind is None else [n for n in nodes if n.kind == kind]

    def all_keys(self) -> list[str]:
        return sorted(self._nodes)

    def kinds(self) -> list[str]:
        return sorted(self._by_kind)

    def __len__(self) -> int:
        return len(self._nodes)

    def __contains__(self, key: object) -> bool:
        return key in self._nodes


# -- loading and validation -----------------------------------------------------------------------


def _attr_value(value: object) -> AttrValue | None:
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list) and all(isinstance(v, str | bool | int | float) for v in value):
        return tuple(value)
    return None


def _parse_node(
    key: str, raw: Mapping[str, object], where: str, problems: list[str]
) -> Node | None:
    if not _KEY_RE.match(key):
        problems.append(f"{where}: key must be lower-case dotted parts of [a-z0-9_]")
        return None
    kind = raw.get("kind")
    if not isinstance(kind, str) or not kind.strip():
        nested = [name for name, value in raw.items() if isinstance(value, dict)]
        hint = (
            f' (quote the table name: ["{key}.{nested[0]}"], not [{key}.{nested[0]}])'
            if nested and all(name not in TEXT_FIELDS for name in nested)
            else ""
        )
        problems.append(f"{where}: 'kind' is missing or empty{hint}")
        return None
    order = raw.get("order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        problems.append(f"{where}: 'order' must be an integer")
        order = None
    texts: dict[str, Mapping[str, str]] = {}
    attrs: dict[str, AttrValue] = {}
    for name, value in raw.items():
        if name in ("kind", "order"):
            continue
        if isinstance(value, dict):
            if name not in TEXT_FIELDS:
                problems.append(
                    f"{where}: {name!r} is a table but not a known text field "
                    f"({', '.join(sorted(TEXT_FIELDS))})"
                )
                continue
            langs = set(value)
            for lang in LANGUAGES:
                if lang not in langs:
                    problems.append(f"{where}: text field {name!r} lacks {lang!r}")
            for lang in sorted(langs - set(LANGUAGES)):
                problems.append(f"{where}: text field {name!r} has unknown language {lang!r}")
            localized: dict[str, str] = {}
            for lang in LANGUAGES:
                text = value.get(lang)
                if lang not in langs:
                    continue
                if not isinstance(text, str) or not text.strip():
                    problems.append(f"{where}: text field {name!r} is empty in {lang!r}")
                    continue
                localized[lang] = text.strip()
            if len(localized) == len(LANGUAGES):
                texts[name] = MappingProxyType(localized)
        elif name in TEXT_FIELDS:
            problems.append(
                f"{where}: text field {name!r} must be a table {{ nl = ..., en = ... }}"
            )
        else:
            attr = _attr_value(value)
            if attr is None:
                problems.append(
                    f"{where}: attribute {name!r} must be a string, number, boolean or a list"
                )
                continue
            attrs[name] = attr
    return Node(
        key=key,
        kind=kind.strip(),
        order=order,
        attrs=MappingProxyType(attrs),
        texts=MappingProxyType(texts),
    )


def _check_links(nodes: Mapping[str, Node], where: Mapping[str, str], problems: list[str]) -> None:
    seen_orders: dict[tuple[str | None, str, int], str] = {}
    for key, node in nodes.items():
        at = where[key]
        parts = key.split(".")
        parent = ".".join(parts[:-1]) if len(parts) >= 3 else None
        if parent is not None and parent not in nodes:
            problems.append(f"{at}: parent node {parent!r} does not exist")
        if node.order is not None:
            slot = (parent, node.kind, node.order)
            if slot in seen_orders:
                problems.append(
                    f"{at}: order {node.order} is also used by sibling {seen_orders[slot]!r}"
                )
            else:
                seen_orders[slot] = key
        for attr, allowed in REFERENCE_ATTRS.items():
            value = node.attrs.get(attr)
            if value is None:
                continue
            targets = value if isinstance(value, tuple) else (value,)
            for target in targets:
                if not isinstance(target, str):
                    problems.append(f"{at}: {attr!r} must name content keys")
                elif target not in nodes:
                    problems.append(f"{at}: {attr!r} points to unknown key {target!r}")
                elif allowed is not None and nodes[target].kind not in allowed:
                    problems.append(
                        f"{at}: {attr!r} must point to a {' or '.join(sorted(allowed))}, "
                        f"but {target!r} is a {nodes[target].kind}"
                    )
        origin = node.attrs.get("origin")
        if origin is not None and origin not in ORIGINS:
            problems.append(f"{at}: 'origin' must be one of {sorted(ORIGINS)}")
        prompt_type = node.attrs.get("prompt_type")
        if prompt_type is not None and prompt_type not in PROMPT_TYPES:
            problems.append(f"{at}: unknown 'prompt_type' {prompt_type!r}")


def load(directory: Path | str = CONTENT_DIR) -> Catalogue:
    """Load and validate every ``*.toml`` file in ``directory``; raise ContentError if broken."""
    directory = Path(directory)
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise ContentError([f"no content files (*.toml) in {directory}"])
    problems: list[str] = []
    nodes: dict[str, Node] = {}
    where: dict[str, str] = {}
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:  # also reports keys duplicated within a file
            problems.append(f"{path.name}: invalid TOML: {exc}")
            continue
        for key, raw in data.items():
            at = f"{path.name} [{key!r}]"
            if key in where:
                problems.append(f"{at}: duplicate key, already defined in {where[key]}")
                continue
            if not isinstance(raw, dict):
                problems.append(f"{at}: must be a table (a node), not a bare value")
                continue
            node = _parse_node(key, raw, at, problems)
            if node is not None:
                nodes[key] = node
                where[key] = at
    _check_links(nodes, where, problems)
    content_version = ""
    meta = nodes.get("meta")
    if meta is None:
        problems.append("a node 'meta' (with 'version' and 'credit') must exist")
    else:
        value = meta.attrs.get("version")
        if isinstance(value, str) and value.strip():
            content_version = value.strip()
        else:
            problems.append("the node 'meta' must have a non-empty string attribute 'version'")
        if "credit" not in meta.texts:
            problems.append("the node 'meta' must have a text field 'credit'")
    if problems:
        raise ContentError(problems)
    catalogue = Catalogue(content_version)
    catalogue._freeze({key: _with_catalogue(node, catalogue) for key, node in nodes.items()})
    return catalogue


def _with_catalogue(node: Node, catalogue: Catalogue) -> Node:
    return Node(
        key=node.key,
        kind=node.kind,
        order=node.order,
        attrs=node.attrs,
        texts=node.texts,
        _catalogue=catalogue,
    )


# -- the application's content: loaded once -------------------------------------------------------


@functools.cache
def catalogue() -> Catalogue:
    """The shipped content, loaded and validated on first use."""
    return load(CONTENT_DIR)


def version() -> str:
    """The content version (recorded with each scan round)."""
    return catalogue().version()


def credit(lang: str | None = None) -> str:
    """The credit to the report, in ``lang`` (default: the active language)."""
    return catalogue().get("meta").text("credit", lang)


def get(key: str) -> Node:
    """The node with ``key``; raises UnknownKey (a KeyError) when there is none."""
    return catalogue().get(key)


def exists(key: str) -> bool:
    return catalogue().exists(key)


def of_kind(kind: str) -> list[Node]:
    """All nodes of ``kind``, in document order."""
    return catalogue().of_kind(kind)


def all_keys() -> list[str]:
    return catalogue().all_keys()
