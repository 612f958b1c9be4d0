"""Start-up cost: ``manage.py check`` against a bare ``django.setup()`` of the same project.

Every command, worker and test process pays the start-up; heavy libraries (scikit-learn,
WeasyPrint) are imported where they are used, so checking the project costs little more than
setting Django up. Each is run in a fresh interpreter; the median of several runs is reported.

    make bench-startup          7 runs of each
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench._common import emit, median, size

ROOT = Path(__file__).resolve().parent.parent
BARE = "import django; django.setup()"


def _seconds(command: list[str]) -> float:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "verbindend.settings"}
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    runs = size(7, 2)
    check, bare = [], []
    for _ in range(runs):  # interleaved, so a busy moment weighs on both alike
        bare.append(_seconds([sys.executable, "-c", BARE]))
        check.append(_seconds([sys.executable, "manage.py", "check"]))
    manage_check_s, bare_setup_s = median(check), median(bare)
    emit(
        {
            "bench": "startup",
            "runs": runs,
            "manage_check_s": round(manage_check_s, 3),
            "bare_setup_s": round(bare_setup_s, 3),
            "ratio": round(manage_check_s / bare_setup_s, 2),
        }
    )


if __name__ == "__main__":
    main()
