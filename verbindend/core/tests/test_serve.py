"""`manage.py serve` starts web server, worker and scheduler, and one signal stops all three."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[3]


def _migrated_sqlite(folder: Path) -> dict[str, str]:
    """The environment of a server on a fresh, migrated SQLite database in ``folder``."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/serve.sqlite3"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return env


def _wait_healthy(*ports: int) -> None:
    deadline = time.monotonic() + 120  # several processes start; the machine may be busy
    for port in ports:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                assert time.monotonic() < deadline, f"nothing answered on port {port}"
                time.sleep(0.2)


@pytest.mark.skipif(
    os.environ.get("VERBINDEND_REQUIRE_DB") == "postgres",
    reason="independent of the database engine; runs in the SQLite suite",
)
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_one_signal_stops_web_worker_and_scheduler(tmp_path: Path, stop_signal: int) -> None:
    from bench._common import free_port

    env = _migrated_sqlite(tmp_path)
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)], cwd=ROOT, env=env
    )
    try:
        _wait_healthy(port)
        health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert health.headers.get("Server") is None  # the server's name and version stay private
        children = psutil.Process(serve.pid).children(recursive=True)
        commands = " ".join(" ".join(c.cmdline()) for c in children)
        assert "uvicorn" in commands and " worker " in commands and "crontask" in commands
        serve.send_signal(stop_signal)
        serve.wait(timeout=20)
        _gone, alive = psutil.wait_procs(children, timeout=10)
        assert not alive, [p.cmdline() for p in alive]
    finally:
        if serve.poll() is None:
            serve.kill()


@pytest.mark.skipif(
    os.environ.get("VERBINDEND_REQUIRE_DB") == "postgres",
    reason="independent of the database engine; runs in the SQLite suite",
)
def test_live_processes_of_their_own_and_nicer_pages(tmp_path: Path) -> None:
    """`--live-workers` starts a second pool on its own port; the page processes run nicer."""
    from bench._common import free_port

    env = _migrated_sqlite(tmp_path)
    port, live_port = free_port(), free_port()
    serve = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "serve",
            "--no-worker",
            "--workers",
            "1",
            "--port",
            str(port),
            "--live-workers",
            "1",
            "--live-port",
            str(live_port),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_healthy(port, live_port)
        pools = {
            int(c.cmdline()[c.cmdline().index("--port") + 1]): c
            for c in psutil.Process(serve.pid).children()
            if "uvicorn" in c.cmdline()
        }
        assert set(pools) == {port, live_port}
        assert pools[port].nice() == 5, "the page processes yield to the live ones"
        assert pools[live_port].nice() == 0
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=20)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--live-workers", "-1"], "--live-workers must be 0 or more."),
        (["--port", "8123", "--live-workers", "1", "--live-port", "8123"], "must differ"),
    ],
)
def test_live_options_that_make_no_sense_are_refused(options: list[str], message: str) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=message):
        call_command("serve", *options)
