"""Run benchmarks: ``python -m bench all`` or ``python -m bench NAME`` (a module bench/NAME.py).

Each benchmark prints one JSON object as its last line, with a baseline measured in the same run.
``BENCH_SMOKE=1`` runs each once at a small size, as a smoke test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    return sorted(
        p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_") and p.stem != "__main__"
    )


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m bench all|" + "|".join(available()))
        return 2
    # `make bench-live-many` runs bench/live_many.py
    names = available() if argv[0] == "all" else [n.replace("-", "_") for n in argv]
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(available())}")
        return 2
    failed = []
    for name in names:
        print(f"== bench {name}", flush=True)
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
