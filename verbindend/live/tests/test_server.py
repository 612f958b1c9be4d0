"""The real server in a subprocess: the participants' fast path, a SIGKILL mid-burst, and Redis.

Each test starts uvicorn on a free loopback port against its own temporary SQLite database.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from verbindend.core.tests.redis_tools import redis_url

ROOT = Path(__file__).resolve().parents[3]
ON_CI = os.environ.get("CI", "").lower() == "true"

PREPARE = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from verbindend.accounts.models import User
from verbindend.live import services
from verbindend.live.models import cookie_name
from verbindend.live.models import LiveSession, Participant, State
from verbindend.networks.models import Network

network = Network.objects.create(name="Server", slug="server")
user = User.objects.create_superuser(username="f@x.test", email="f@x.test", password="x")
session = services.create_session(creator=user, template="blank", network=network)
step = services.add_step(session=session, kind="open_answer", prompt="Q")
step.alone_first = False
step.save()
LiveSession.objects.filter(pk=session.pk).update(state=State.RUNNING, current_step=step)
people = Participant.objects.bulk_create(Participant(session=session) for _ in range(COUNT))
store = SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(json.dumps({"pk": session.pk, "public_id": session.public_id, "step": step.pk,
    "cookie": cookie_name(session.public_id), "tokens": [p.token for p in people],
    "wall_cookie": store.session_key}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, database: Path, *, workers: int = 1, redis: str = "") -> None:
        self.database = database
        self.url = f"sqlite:///{database}"
        self.workers = workers
        self.redis = redis
        self.process: subprocess.Popen[bytes] | None = None
        self.base = ""

    def env(self) -> dict[str, str]:
        env = {**os.environ, "DATABASE_URL": self.url, "REDIS_URL": self.redis}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return env

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def start(self) -> None:
        port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "verbindend.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env(),
        )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1).read()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Any]:
    started: list[Server] = []

    def make(count: int = 20, **kwargs: Any) -> tuple[Server, dict[str, Any]]:
        server = Server(tmp_path / "live.sqlite3", **kwargs)
        server.manage("migrate", "--noinput", "-v", "0")
        prep = json.loads(
            server.manage("shell", "-c", PREPARE.replace("COUNT", str(count))).splitlines()[-1]
        )
        server.start()
        started.append(server)
        return server, prep

    yield make
    for server in started:
        server.stop()


def submit(client: httpx.Client, prep: dict[str, Any], token: str, **body: Any) -> httpx.Response:
    body.setdefault("client_id", str(uuid.uuid4()))
    body.setdefault("step", prep["step"])
    return client.post(
        f"/live/api/{prep['public_id']}/contributions",
        json=body,
        headers={"Cookie": f"{prep['cookie']}={token}"},
    )


def stored(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return {
            str(uuid.UUID(cid)): pk
            for cid, pk in db.execute("SELECT client_id, id FROM live_contribution")
        }


def test_the_fast_path_acks_refuses_and_streams(make_server: Any) -> None:
    server, prep = make_server(3)
    token = prep["tokens"][0]
    with httpx.Client(base_url=server.base, timeout=10) as client:
        client_id = str(uuid.uuid4())
        first = submit(client, prep, token, client_id=client_id, text="<script>x</script>")
        again = submit(client, prep, token, client_id=client_id, text="<script>x</script>")
        assert first.status_code == 200 and again.status_code == 200
        assert again.json()["id"] == first.json()["id"] and again.json()["duplicate"]
        too_long = submit(client, prep, token, text="x" * 1001)
        assert too_long.status_code == 400 and too_long.json()["code"] == "live.too_long"
        stranger = submit(client, prep, "nope", text="x")
        assert stranger.status_code == 403
        garbage = client.post(
            f"/live/api/{prep['public_id']}/contributions",
            content=b"{not json",
            headers={"Content-Type": "application/json", "Cookie": f"{prep['cookie']}={token}"},
        )
        assert garbage.status_code == 400 and garbage.json()["code"] == "live.bad_request"
        form = client.post(
            f"/live/api/{prep['public_id']}/contributions",
            data={"text": "x"},
            headers={"Cookie": f"{prep['cookie']}={token}"},
        )
        assert form.status_code == 400
        cross = client.post(
            f"/live/api/{prep['public_id']}/contributions",
            json={"client_id": str(uuid.uuid4()), "step": prep["step"], "text": "x"},
            headers={"Cookie": f"{prep['cookie']}={token}", "Origin": "http://evil.test"},
        )
        assert cross.status_code == 403
        assert client.get(f"/live/api/{prep['public_id']}/contributions").status_code == 405
        assert client.get(f"/live/api/{prep['public_id']}/events").status_code == 403
        with client.stream(
            "GET",
            f"/live/api/{prep['public_id']}/events",
            headers={"Cookie": f"{prep['cookie']}={token}"},
        ) as phone:
            assert phone.status_code == 200
            lines = phone.iter_lines()
            data = next(line for line in lines if line.startswith("data: "))
            state = json.loads(data[6:])
            assert state["type"] == "state" and state["step"] == prep["step"]
    assert len(stored(server.database)) == 1


async def _burst(
    base: str, prep: dict[str, Any], ids: dict[str, str], acked: dict[str, int]
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:

        async def one(index: int, token: str) -> None:
            await asyncio.sleep(index * 0.004)
            try:
                response = await client.post(
                    f"/live/api/{prep['public_id']}/contributions",
                    json={"client_id": ids[token], "step": prep["step"], "text": f"t{index}"},
                    headers={"Cookie": f"{prep['cookie']}={token}"},
                )
            except httpx.HTTPError:
                return  # the server died under this request: not acked
            if response.status_code == 200:
                acked[ids[token]] = response.json()["id"]

        await asyncio.gather(*(one(i, t) for i, t in enumerate(prep["tokens"])))


def test_sigkill_mid_burst_loses_no_acknowledged_answer_and_retries_duplicate_nothing(
    make_server: Any,
) -> None:
    server, prep = make_server(300)
    ids = {token: str(uuid.uuid4()) for token in prep["tokens"]}
    acked: dict[str, int] = {}

    async def burst_and_kill() -> None:
        burst = asyncio.create_task(_burst(server.base, prep, ids, acked))
        while len(acked) < 50 and not burst.done():  # kill once the burst is well under way
            await asyncio.sleep(0.01)
        server.kill()
        await burst

    asyncio.run(burst_and_kill())
    assert 0 < len(acked) < len(ids), "the kill should land in the middle of the burst"
    before = stored(server.database)
    for client_id, pk in acked.items():
        assert before.get(client_id) == pk  # every acknowledged answer survived the kill

    server.start()  # restart on the same database
    retried_acked = list(acked)[: len(acked) // 2]
    with httpx.Client(base_url=server.base, timeout=10) as client:
        for token, client_id in ids.items():
            if client_id in acked and client_id not in retried_acked:
                continue
            response = submit(client, prep, token, client_id=client_id, text="retry")
            assert response.status_code == 200
            if client_id in acked:
                assert response.json()["id"] == acked[client_id]
                assert response.json()["duplicate"]
    after = stored(server.database)
    assert set(after) == set(ids.values())  # every answer is there once: keys are unique
    with sqlite3.connect(server.database) as db:
        rows = db.execute("SELECT COUNT(*), COUNT(DISTINCT client_id) FROM live_contribution")
        total, distinct = rows.fetchone()
        sequences = [s for (s,) in db.execute("SELECT sequence FROM live_event ORDER BY sequence")]
    assert total == distinct == len(ids)
    assert sequences == sorted(set(sequences))


def test_two_processes_with_redis_bring_every_answer_to_the_wall_in_order(
    make_server: Any,
) -> None:
    url = redis_url()
    server, prep = make_server(60, workers=2, redis=url)
    seen: list[dict[str, Any]] = []

    async def run() -> None:
        async with httpx.AsyncClient(base_url=server.base, timeout=10) as client:
            ready = asyncio.Event()

            async def wall() -> None:
                async with client.stream(
                    "GET",
                    f"/live/{prep['pk']}/stream/",
                    headers={"Cookie": f"sessionid={prep['wall_cookie']}"},
                ) as response:
                    assert response.status_code == 200
                    ready.set()
                    async for line in response.aiter_lines():
                        if line.startswith("data: "):
                            event = json.loads(line[6:])
                            if event.get("type") == "contribution":
                                seen.append(event)
                                if len(seen) >= len(prep["tokens"]):
                                    return

            task = asyncio.create_task(wall())
            await asyncio.wait_for(ready.wait(), 10)

            async def one(token: str) -> None:
                async with httpx.AsyncClient(base_url=server.base, timeout=10) as own:
                    response = await own.post(
                        f"/live/api/{prep['public_id']}/contributions",
                        json={"client_id": str(uuid.uuid4()), "step": prep["step"], "text": "r"},
                        headers={"Cookie": f"{prep['cookie']}={token}"},
                    )
                    assert response.status_code == 200

            await asyncio.gather(*(one(t) for t in prep["tokens"]))
            await asyncio.wait_for(task, 20)

    asyncio.run(run())
    sequences = [e["seq"] for e in seen]
    assert len(set(e["id"] for e in seen)) == len(prep["tokens"]) == len(seen)
    assert sequences == sorted(sequences)


def test_a_graceful_shutdown_ends_open_streams(make_server: Any) -> None:
    server, prep = make_server(1)
    with (
        httpx.Client(base_url=server.base, timeout=30) as client,
        client.stream(
            "GET",
            f"/live/api/{prep['public_id']}/events",
            headers={"Cookie": f"{prep['cookie']}={prep['tokens'][0]}"},
        ) as phone,
        client.stream(
            "GET",
            f"/live/{prep['pk']}/stream/",
            headers={"Cookie": f"sessionid={prep['wall_cookie']}"},
        ) as wall,
    ):
        assert phone.status_code == 200 and wall.status_code == 200
        assert server.process is not None
        server.process.terminate()
        # uvicorn re-raises SIGTERM after its graceful shutdown: -15 is a clean exit here
        assert server.process.wait(timeout=20) in (0, -15)  # not held open by the streams
        list(phone.iter_lines())  # both streams ended cleanly
        list(wall.iter_lines())
