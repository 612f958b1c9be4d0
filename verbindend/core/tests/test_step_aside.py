"""Background work steps aside while live work is busy: the worker's heartbeat stops the task
during a burst, continues it afterwards, never longer than allowed, and never leaves it stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from verbindend.core.tests.redis_tools import redis_url
from verbindend.core.tests.test_serve import ROOT, _migrated_sqlite
from verbindend.core.workers import LIVE_BUSY_KEY, StepAside, live_busy, mark_live_busy
from verbindend.live.engine.writer import Load


def _state(pid: int) -> str:
    """The process's state letter: T when stopped, R or S when it runs or sleeps."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _wait(pid: int, stopped: bool, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while (_state(pid) == "T") != stopped:
        assert time.monotonic() < deadline, f"process {pid} state {_state(pid)}, want {stopped=}"
        time.sleep(0.05)


@pytest.fixture
def sleeper() -> Iterator[int]:
    process = subprocess.Popen([sys.executable, "-c", "import time\nwhile True: time.sleep(0.01)"])
    try:
        yield process.pid
    finally:
        process.kill()
        process.wait()


def test_a_task_is_stopped_while_live_is_busy_and_continued_after(sleeper: int) -> None:
    aside = StepAside(sleeper, pause_max=30, resume=3)
    aside.tick(False, 0.0)
    assert _state(sleeper) != "T"
    aside.tick(True, 0.2)
    _wait(sleeper, stopped=True)
    aside.tick(True, 20.0)
    assert _state(sleeper) == "T"
    aside.tick(False, 20.2)
    _wait(sleeper, stopped=False)


def test_a_long_busy_spell_pauses_at_most_the_maximum_then_lets_the_task_run(
    sleeper: int,
) -> None:
    aside = StepAside(sleeper, pause_max=30, resume=3)
    aside.tick(True, 0.0)
    _wait(sleeper, stopped=True)
    aside.tick(True, 30.0)  # paused long enough: it runs, although live is still busy
    _wait(sleeper, stopped=False)
    aside.tick(True, 32.9)
    assert _state(sleeper) != "T"
    aside.tick(True, 33.0)  # its turn is over: it steps aside again
    _wait(sleeper, stopped=True)
    aside.release()
    _wait(sleeper, stopped=False)


def test_the_live_writer_marks_busy_only_past_the_rate_and_once_a_second(settings: Any) -> None:
    from django.core.cache import cache

    settings.LIVE_BUSY_RATE = 20
    cache.delete(LIVE_BUSY_KEY)
    load = Load()
    load.add(10, 100.0)
    assert not live_busy()
    load.add(10, 100.5)
    assert live_busy()
    cache.delete(LIVE_BUSY_KEY)
    load.add(50, 100.9)  # already marked in this second
    assert not live_busy()
    load.add(19, 101.0)  # a new second, below the rate
    assert not live_busy()
    settings.LIVE_BUSY_RATE = 0  # turned off
    load.add(500, 102.0)
    assert not live_busy()


@pytest.mark.skipif(
    os.environ.get("VERBINDEND_REQUIRE_DB") == "postgres",
    reason="independent of the database engine; runs in the SQLite suite",
)
def test_the_real_worker_steps_aside_for_a_burst_and_is_never_left_stopped(
    tmp_path: Path, settings: Any
) -> None:
    url, prefix = redis_url(), f"step-aside-{uuid.uuid4().hex[:8]}"
    env = {**_migrated_sqlite(tmp_path), "REDIS_URL": url, "REDIS_PREFIX": prefix}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--queue-name", "*", "--no-reload"],
        cwd=ROOT,
        env=env,
    )
    settings.CACHES = {
        "default": {
            "BACKEND": "verbindend.core.cache.SharedPoolRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        deadline = time.monotonic() + 60
        while not psutil.Process(worker.pid).children():  # its heartbeat has started
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.1)
        mark_live_busy()  # as a live process in a burst does, through Redis
        _wait(worker.pid, stopped=True)
        _wait(worker.pid, stopped=False)  # the mark ran out: the worker goes on by itself

        mark_live_busy()
        _wait(worker.pid, stopped=True)
        (heartbeat,) = psutil.Process(worker.pid).children()
        heartbeat.terminate()  # its heartbeat stopped mid-pause: the worker must not stay stopped
        _wait(worker.pid, stopped=False)
    finally:
        worker.send_signal(signal.SIGCONT)
        worker.terminate()
        worker.wait(30)
