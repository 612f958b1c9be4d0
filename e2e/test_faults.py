"""Faults survived, against a Redis and a PostgreSQL that these tests start, restart and kill.

- Redis restarted mid-session: the streams recover, and the wall has every answer exactly once,
  in order; a screen that reconnects with Last-Event-ID gets exactly what it missed.
- PostgreSQL restarted mid-burst: no acknowledgement without a commit, the writer retries, and
  phones that got an error send again until acknowledged; nothing is lost or stored twice.
- A worker killed during a report or an import: another worker takes the task up again by
  itself; the import ends with every file imported once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bench._common import free_port
from bench.live import _request, _stream
from e2e.services import ROOT, script, wait_http

pytestmark = pytest.mark.timeout(300)


@contextmanager
def two_web_processes(database_url: str, redis_url: str) -> Iterator[int]:
    """`manage.py serve --workers 2` (web only) on a free port; yields the port."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "DEBUG": "0"}
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "serve",
            "--workers",
            "2",
            "--no-worker",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def prepare(database_url: str, phones: int) -> dict[str, Any]:
    return dict(
        script(
            database_url, f"from bench.live import _prepare\nprint(json.dumps(_prepare({phones})))"
        )
    )


class Phone:
    """A participant that sends one answer and sends it again until it is acknowledged."""

    def __init__(self, port: int, prep: dict[str, Any], token: str) -> None:
        self.port, self.prep, self.token = port, prep, token
        self.client_id = str(uuid.uuid4())
        self.ack: dict[str, Any] | None = None
        self.failures = 0

    async def send(self, give_up_after: float = 60) -> None:
        body = json.dumps(
            {
                "client_id": self.client_id,
                "step": self.prep["step"],
                "text": f"idea {self.token[:6]}",
            }
        ).encode()
        raw = (
            f"POST /live/api/{self.prep['public_id']}/contributions HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{self.port}\r\nContent-Type: application/json\r\n"
            f"Cookie: {self.prep['cookie_name']}={self.token}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode() + body
        deadline = time.monotonic() + give_up_after
        while time.monotonic() < deadline:
            try:
                status, answer = await asyncio.wait_for(_request("127.0.0.1", self.port, raw), 15)
            except (OSError, TimeoutError, asyncio.IncompleteReadError):
                status, answer = 0, b""
            if status == 200:
                self.ack = json.loads(answer)
                return
            assert status in (0, 502, 503), (status, answer)  # only "try again" errors
            self.failures += 1
            await asyncio.sleep(0.3)


class Wall:
    """A wall's event stream, recording the sequence numbers it receives."""

    def __init__(self, port: int, prep: dict[str, Any]) -> None:
        self.port, self.prep = port, prep
        self.seen: list[int] = []
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def on_event(self, event: dict[str, Any]) -> None:
        if event.get("type") == "contribution":
            self.seen.append(event["seq"])

    async def open(self, after: int = 0) -> None:
        ready = asyncio.Event()
        query = f"?after={after}" if after else ""
        self.task = asyncio.create_task(
            _stream(
                "127.0.0.1",
                self.port,
                f"/live/{self.prep['session_pk']}/stream/{query}",
                self.prep["wall_cookie"],
                ready,
                self.on_event,
                self.stop,
            )
        )
        await asyncio.wait_for(ready.wait(), 30)

    async def wait_for(self, count: int, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while len(self.seen) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        self.stop.set()
        if self.task:
            await asyncio.gather(self.task, return_exceptions=True)


def query(database_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows straight from the database (quicker than starting Django for a look)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        return list(conn.execute(sql, params).fetchall())  # type: ignore[arg-type]


def stored(database_url: str, session_pk: int) -> list[dict[str, Any]]:
    rows = query(
        database_url,
        "SELECT id, sequence, client_id FROM live_contribution "
        "WHERE session_id = %s ORDER BY sequence",
        session_pk,
    )
    return [{"id": i, "seq": s, "client_id": str(c)} for i, s, c in rows]


def test_redis_restart_mid_session(own_database: str, own_redis: Any) -> None:
    prep = prepare(own_database, 30)
    tokens = prep["tokens"]
    with two_web_processes(own_database, own_redis.url) as port:

        async def run() -> tuple[list[int], list[int], list[Phone]]:
            wall = Wall(port, prep)
            await wall.open()
            phones = [Phone(port, prep, t) for t in tokens]
            await asyncio.gather(*(p.send() for p in phones[:10]))
            await wall.wait_for(10)
            own_redis.stop()  # Redis goes away mid-session ...
            await asyncio.gather(*(p.send() for p in phones[10:20]))
            own_redis.start()  # ... and comes back
            await asyncio.gather(*(p.send() for p in phones[20:]))
            await wall.wait_for(30)
            await wall.close()
            # A screen that lost its connection at event 12 resumes from there.
            late = Wall(port, prep)
            await late.open(after=12)
            await late.wait_for(18)
            await late.close()
            return wall.seen, late.seen, phones

        seen, resumed, phones = asyncio.run(run())
    rows = stored(own_database, prep["session_pk"])
    assert all(p.ack for p in phones), "every phone got its answer acknowledged"
    assert [r["seq"] for r in rows] == list(range(1, 31))
    assert sorted(p.ack["seq"] for p in phones if p.ack) == list(range(1, 31))
    assert seen == list(range(1, 31)), "the wall shows every answer once, in order"
    assert resumed == list(range(13, 31)), "Last-Event-ID resume gives exactly what was missed"


def test_postgres_restart_mid_burst(own_postgres: Any, own_database: str, own_redis: Any) -> None:
    prep = prepare(own_database, 60)
    with two_web_processes(own_database, own_redis.url) as port:

        async def run() -> list[Phone]:
            phones = [Phone(port, prep, t) for t in prep["tokens"]]

            async def later(phone: Phone) -> None:
                await asyncio.sleep(random.uniform(0, 6))
                await phone.send()

            burst = asyncio.gather(*(later(p) for p in phones))
            await asyncio.sleep(2)
            await asyncio.to_thread(own_postgres.restart, 1.0)  # mid-burst
            await burst
            return phones

        phones = asyncio.run(run())
    rows = stored(own_database, prep["session_pk"])
    acked = {p.client_id: p.ack for p in phones if p.ack}
    assert len(acked) == 60, "every phone was acknowledged in the end"
    by_client = {r["client_id"]: r for r in rows}
    assert len(rows) == len(by_client) == 60, "nothing stored twice"
    for client_id, ack in acked.items():  # no acknowledgement without its commit
        assert by_client[client_id]["id"] == ack["id"]
        assert by_client[client_id]["seq"] == ack["seq"]
    assert sorted(r["seq"] for r in rows) == list(range(1, 61))
    print(f"phones that had to send again: {sum(1 for p in phones if p.failures)}")


WORKER_ENV = {"WORKER_HEARTBEAT_SECONDS": "0.5", "WORKER_STALE_SECONDS": "3"}


def request_report(database_url: str) -> int:
    """Load the demo and ask for its network's full report; the report version's id."""
    return int(
        script(
            database_url,
            "from verbindend.core.demo import load_demo\n"
            "from verbindend.reports import render, services\n"
            "from verbindend.reports.models import ReportKind\n"
            "network = load_demo()\n"
            "keys = [s.key for s in render.available(ReportKind.NETWORK)]\n"
            "v = services.request_report(scope=network, by=None, sections=keys, language='nl')\n"
            "print(json.dumps(v.pk))",
        )
    )


def report_status(database_url: str, version: int) -> list[Any]:
    """[the report's status, its task's status, the workers that took the task up]."""
    (report,) = query(
        database_url, "SELECT status FROM reports_reportversion WHERE id = %s", version
    )
    (task,) = query(  # the demo queues other tasks too: this report's is the one to follow
        database_url,
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'verbindend.reports.services.render_version' "
        "AND (args_kwargs -> 'kwargs' ->> 'version_id')::int = %s",
        version,
    )
    return [report[0], task[0], task[1]]


def start_worker(
    database_url: str, name: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--queue-name",
            "*",
            "--no-reload",
            "--worker-id",
            name,
            "--no-startup-delay",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, **WORKER_ENV, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_running(database_url: str, version: int) -> None:
    deadline = time.monotonic() + 120
    while report_status(database_url, version)[0] != "running":
        assert time.monotonic() < deadline, "the report never started"
        time.sleep(0.05)


def test_worker_killed_during_report(own_database: str) -> None:
    version = request_report(own_database)
    first = start_worker(own_database, "first")
    second = None
    try:
        wait_until_running(own_database, version)
        import psutil

        (heartbeat,) = psutil.Process(first.pid).children()
        first.send_signal(signal.SIGKILL)  # killed mid-render
        first.wait()
        heartbeat.wait(timeout=5)  # its heartbeat stops with it: the worker now looks dead
        report, task, workers = report_status(own_database, version)
        assert (report, task, workers) == ("running", "RUNNING", ["first"])
        second = start_worker(own_database, "second")
        deadline = time.monotonic() + 180
        while (state := report_status(own_database, version))[0] != "done":
            assert time.monotonic() < deadline, f"the task was not taken up again: {state}"
            time.sleep(0.5)
        assert state == ["done", "SUCCESSFUL", ["first", "second"]]
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.kill()


IMPORT_FILES = 5


def request_import(database_url: str, media: str) -> int:
    """Load the demo and queue the import of five 30-page PDFs into its study; the batch's id."""
    return int(
        script(
            database_url,
            "from django.core.files.uploadedfile import SimpleUploadedFile\n"
            "from verbindend.accounts.models import User\n"
            "from verbindend.core.demo import DEMO_STUDY_SLUG, load_demo\n"
            "from verbindend.studies import samples, services\n"
            "from verbindend.studies.models import Study\n"
            "load_demo()\n"
            "study = Study.objects.get(slug=DEMO_STUDY_SLUG)\n"
            "files = [SimpleUploadedFile(f'report-{n}.pdf', samples.pdf_of_words(30))\n"
            f"         for n in range({IMPORT_FILES})]\n"
            "batch = services.start_import(study=study, files=files, kind='network_document',\n"
            "    user=User.objects.filter(is_superuser=False).first())\n"
            "print(json.dumps(batch.pk))",
            env={"MEDIA_ROOT": media},
        )
    )


def import_status(database_url: str, batch: int) -> list[Any]:
    """[the batch's status, its items' statuses, its documents, the workers that took it up]."""
    (status,) = query(database_url, "SELECT status FROM studies_importbatch WHERE id = %s", batch)
    items = query(
        database_url,
        "SELECT status, document_id FROM studies_importitem WHERE batch_id = %s ORDER BY id",
        batch,
    )
    (task,) = query(
        database_url,
        "SELECT worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'verbindend.studies.services.import_batch' "
        "AND (args_kwargs -> 'kwargs' ->> 'batch_id')::int = %s",
        batch,
    )
    return [status[0], [i[0] for i in items], [i[1] for i in items], task[0]]


def test_worker_killed_during_import(own_database: str, tmp_path: Any) -> None:
    media = {"MEDIA_ROOT": str(tmp_path)}
    batch = request_import(own_database, str(tmp_path))
    first = start_worker(own_database, "first", media)
    second = None
    try:
        deadline = time.monotonic() + 120
        while "done" not in (state := import_status(own_database, batch))[1]:
            assert time.monotonic() < deadline, f"the import never got going: {state}"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)  # killed between one file and the next
        first.wait()
        status, items, _documents, workers = import_status(own_database, batch)
        assert status == "running" and workers == ["first"]
        assert items.count("done") < IMPORT_FILES, "the import finished before the kill"
        second = start_worker(own_database, "second", media)
        deadline = time.monotonic() + 180
        while (state := import_status(own_database, batch))[0] != "finished":
            assert time.monotonic() < deadline, f"the import was not taken up again: {state}"
            time.sleep(0.5)
        status, items, documents, workers = state
        assert items == ["done"] * IMPORT_FILES
        assert workers == ["first", "second"]
        (count,) = query(
            own_database,
            "SELECT count(*) FROM studies_document WHERE id = ANY(%s)",
            documents,
        )
        assert count[0] == IMPORT_FILES == len(set(documents))  # each file imported once
        (titles,) = query(  # and no document of these files beside them
            own_database,
            "SELECT count(*) FROM studies_document WHERE title LIKE 'report-%%'",
        )
        assert titles[0] == IMPORT_FILES
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.kill()


def _burn(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_worker_yields_the_cpu_but_keeps_beating(own_database: str) -> None:
    """A report renders in the idle class; the heartbeat keeps the worker's nice priority.

    With every core busy at normal priority (as the web processes are in a burst) the render
    waits, but the worker's heartbeat goes on, so no one takes its task for a dead worker's.
    """
    import multiprocessing

    import psutil

    version = request_report(own_database)
    worker = start_worker(own_database, "busy")
    burners: list[Any] = []
    try:
        wait_until_running(own_database, version)
        process = psutil.Process(worker.pid)
        assert process.nice() == 10, "background work yields the CPU to the web"
        assert os.sched_getscheduler(worker.pid) == os.SCHED_IDLE, "tasks run in the idle class"
        (heartbeat,) = process.children()
        assert os.sched_getscheduler(heartbeat.pid) == os.SCHED_OTHER, "the heartbeat does not"
        assert heartbeat.nice() == 10

        context = multiprocessing.get_context("spawn")
        burners = [context.Process(target=_burn, args=(12.0,)) for _ in range(os.cpu_count() or 2)]
        for burner in burners:
            burner.start()

        def task_cpu() -> float:
            (main,) = [t for t in process.threads() if t.id == worker.pid]
            return float(main.user_time + main.system_time)

        before = task_cpu()
        beats: list[float] = []
        began = time.monotonic()
        while time.monotonic() - began < 10:
            ((seen,),) = query(
                own_database,
                "SELECT extract(epoch FROM seen_at) FROM core_workerheartbeat "
                "WHERE worker_id = 'busy'",
            )
            beats.append(float(seen))
            time.sleep(0.25)
        share = (task_cpu() - before) / (time.monotonic() - began)
        moments = sorted(set(beats))
        longest = max(b - a for a, b in itertools.pairwise(moments))
        print(
            f"while the cores burned: {len(moments)} heartbeats, longest gap {longest:.2f} s; "
            f"the render had {share:.1%} of a core"
        )
        assert len(moments) >= 8, f"the heartbeat stalled under load: {moments}"
        assert longest < 3, "the worker would have been taken for dead"
        assert share < 0.05, "the render took CPU the web processes wanted"
        state = report_status(own_database, version)
        assert state[1:] == ["RUNNING", ["busy"]], f"the task was taken from a live worker: {state}"
        for burner in burners:
            burner.join()
        deadline = time.monotonic() + 180
        while (state := report_status(own_database, version))[0] != "done":
            assert time.monotonic() < deadline, f"the report did not finish after the load: {state}"
            time.sleep(0.5)
        assert state == ["done", "SUCCESSFUL", ["busy"]]
    finally:
        for burner in burners:
            if burner.is_alive():
                burner.kill()
        if worker.poll() is None:
            worker.kill()
