"""Redis and PostgreSQL instances that a test starts itself, on free ports, to restart or kill.

Never the machine's own services, which other tests use. Missing binaries skip the test on a
developer's machine and fail it under CI=true.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from bench._instances import _wait

ROOT = Path(__file__).resolve().parent.parent
ON_CI = os.environ.get("CI", "").lower() == "true"


def missing(what: str) -> None:
    if ON_CI:
        pytest.fail(f"{what}; this test cannot run.")
    pytest.skip(f"{what}; this test cannot run here.")


def manage(database_url: str, *args: str, env: dict[str, str] | None = None) -> str:
    full = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def script(database_url: str, code: str, env: dict[str, str] | None = None) -> Any:
    """Run Python with Django set up against the database; return the JSON it prints last."""
    prelude = (
        "import json, sys\n"
        "from bench._common import setup_django\n"
        f"setup_django({database_url!r})\n"
    )
    full = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env=full,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def wait_http(url: str, seconds: float = 120) -> None:
    def ok() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    _wait(ok, f"{url} did not answer", seconds)
