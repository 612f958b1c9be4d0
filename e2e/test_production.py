"""The production path, with the files in deploy/: nginx (Debian's package) terminating TLS with a
self-signed certificate, in front of the web unit's page and live processes, the worker and
the scheduler units' commands, on a PostgreSQL and a Redis of the test's own.

Through the proxy: readiness, a page walk, and a live session whose phones' API and streams the
proxy sends to the live processes (`serve --live-workers`) while the wall shows every answer.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench._common import free_port
from e2e.services import ROOT, manage, missing, script

pytestmark = pytest.mark.timeout(600)
DEPLOY = ROOT / "deploy"


def unit_command(name: str, port: int, live_port: int = 0) -> list[str]:
    """The ExecStart of a systemd unit in deploy/, run from this checkout on test ports."""
    text = (DEPLOY / "systemd" / name).read_text()
    (line,) = re.findall(r"^ExecStart=(.+)$", text, flags=re.M)
    words = shlex.split(line)
    assert words[0] == "/srv/verbindend/.venv/bin/python"
    words[0] = sys.executable
    if "--port" in words:
        words[words.index("--port") + 1] = str(port)
    if "--live-port" in words:
        words[words.index("--live-port") + 1] = str(live_port)
    return words


def env_file() -> dict[str, str]:
    """deploy/env.example's settings, read as systemd's EnvironmentFile reads plain lines."""
    settings = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings


def nginx_config(folder: Path, *, https: int, http: int, upstream: int, live: int) -> Path:
    """deploy/nginx/verbindend.conf with the test's ports and certificate, in a main config."""
    site = (DEPLOY / "nginx" / "verbindend.conf").read_text()
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    site = site.replace("server 127.0.0.1:8001;", f"server 127.0.0.1:{live};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    site = re.sub(r"\s*listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("/etc/verbindend/tls/", f"{folder}/")
    assert all(str(port) in site for port in (upstream, live, https)) and str(folder) in site
    (folder / "site.conf").write_text(site)
    main = f"""
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main)
    return path


def self_signed(folder: Path) -> Path:
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return folder / "cert.pem"


def test_live_session_and_page_walk_through_nginx(
    tmp_path: Path, own_database: str, own_redis: Any
) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        missing("nginx was not found (make setup as root installs Debian's nginx)")
    cert = self_signed(tmp_path)
    web_port, live_port, https, http = free_port(), free_port(), free_port(), free_port()
    env = {
        **os.environ,
        **env_file(),  # as shipped, but for what is this machine's:
        "DATABASE_URL": own_database,
        "REDIS_URL": own_redis.url,
        "VERBINDEND_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": f"https://localhost:{https}",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "WORKER_HEARTBEAT_SECONDS": "1",
    }
    began = time.monotonic()
    manage(own_database, "collectstatic", "--noinput", "-v", "0", env=env)
    print(f"collectstatic in {time.monotonic() - began:.1f}s")
    began = time.monotonic()
    prep = script(
        own_database, "from bench.live import _prepare\nprint(json.dumps(_prepare(20)))", env=env
    )
    print(f"prepared in {time.monotonic() - began:.1f}s")
    web_log = tmp_path / "web.log"
    processes = [
        subprocess.Popen(
            unit_command(unit, web_port, live_port),
            cwd=ROOT,
            env=env,
            stderr=web_log.open("w") if unit == "verbindend-web.service" else None,
        )
        for unit in (
            "verbindend-web.service",
            "verbindend-worker.service",
            "verbindend-scheduler.service",
        )
    ]
    config = nginx_config(tmp_path, https=https, http=http, upstream=web_port, live=live_port)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / sub).mkdir()
    subprocess.run([nginx, "-t", "-c", str(config)], check=True, capture_output=True)
    processes.append(subprocess.Popen([nginx, "-c", str(config)]))
    base = f"https://localhost:{https}"
    try:
        live = live_processes(processes[0].pid, live_port, web_log)
        asyncio.run(_through_the_proxy(base, f"http://localhost:{http}", cert, prep, live))
        asyncio.run(_from_another_address(base, cert, own_database))
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    assert "[emerg]" not in (tmp_path / "error.log").read_text()


async def _from_another_address(base: str, cert: Path, database_url: str) -> None:
    """A visitor on 127.0.0.2: not the proxy's address, so the app must see theirs, not nginx's
    (TRUSTED_PROXIES in env.example), and nginx keeps the inside's endpoints from them."""
    import psycopg

    context = ssl.create_default_context(cafile=str(cert))
    transport = httpx.AsyncHTTPTransport(verify=context, local_address="127.0.0.2")
    async with httpx.AsyncClient(transport=transport, timeout=30) as visitor:
        assert (await visitor.get(f"{base}/metrics")).status_code == 403
        assert (await visitor.get(f"{base}/readyz")).status_code == 403
        form = await visitor.get(f"{base}/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, form.text[:500]
        refused = await visitor.post(
            f"{base}/accounts/login/",
            data={
                "csrfmiddlewaretoken": token[1],
                "username": "nobody@example.org",
                "password": "not the password",
            },
            headers={"Referer": f"{base}/accounts/login/"},
        )
        assert refused.status_code == 200 and "csrf" not in refused.text.lower()[:200]
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT host(ip_address) FROM axes_accessattempt WHERE username = 'nobody@example.org'"
        ).fetchall()
    assert rows == [("127.0.0.2",)]  # the visitor's address, not the proxy's


def live_processes(serve: int, live_port: int, log: Path) -> set[int]:
    """The process ids of the live pool that `serve` started on its live port, once all four
    web processes (two for pages, two live) have started their application."""
    import psutil

    deadline, last = time.monotonic() + 120, []
    while log.read_text().count("Application startup complete.") < 4:
        assert time.monotonic() < deadline, log.read_text()[-2000:]
        time.sleep(0.2)
    while True:
        for child in psutil.Process(serve).children():
            if f"--port {live_port} " in " ".join(child.cmdline()):
                workers = {
                    p.pid
                    for p in child.children()
                    if "resource_tracker" not in " ".join(p.cmdline())
                }
                if len(workers) == 2:
                    return workers
                last = [p.cmdline() for p in child.children()]
        assert time.monotonic() < deadline, f"the live processes did not start: {last}"
        time.sleep(0.2)


async def _through_the_proxy(
    base: str, plain: str, cert: Path, prep: dict[str, Any], live: set[int]
) -> None:
    context = ssl.create_default_context(cafile=str(cert))
    async with httpx.AsyncClient(verify=context, timeout=30) as client:
        deadline, last = time.monotonic() + 300, ""
        while True:  # ready: database, Redis and the worker's heartbeat
            try:
                ready = await client.get(f"{base}/readyz")
                if ready.status_code == 200:
                    break
                last = f"{ready.status_code} {ready.text[:300]}"
            except httpx.HTTPError as error:
                last = repr(error)
            assert time.monotonic() < deadline, f"never ready through the proxy: {last}"
            await asyncio.sleep(0.5)
        print(f"ready after {time.monotonic() - deadline + 300:.1f}s")
        assert ready.json()["checks"] == {
            "database": {"ok": True},
            "redis": {"ok": True},
            "worker": {"ok": True, "alive": 1},
        }
        assert (await client.get(f"{plain}/healthz")).json() == {"ok": True}
        moved = await client.get(f"{plain}/overview/")
        assert moved.status_code == 301
        assert moved.headers["location"] == "https://localhost/overview/"

        # A page walk as the facilitator (a logged-in session), over TLS.
        walker = {"Cookie": prep["wall_cookie"]}  # per request: the walk's own session
        for path in (
            "/",
            "/overview/",
            f"/live/{prep['session_pk']}/",
            f"/live/{prep['session_pk']}/wall/",
        ):
            page = await client.get(base + path, headers=walker)
            assert page.status_code == 200, (path, page.status_code)
            assert "text/html" in page.headers["content-type"]
            assert page.headers.get("strict-transport-security"), "HSTS in production"
        assert (await client.get(base + "/overview/")).status_code == 302  # nobody: to login

        await _live_session(client, base, prep, live)

        metrics = await client.get(f"{base}/metrics")
        assert metrics.status_code == 200  # nginx lets the inside (loopback) scrape
        text = metrics.text
        assert "verbindend_live_acks_total 20.0" in text
        assert "verbindend_live_ack_seconds_count 20.0" in text
        assert "verbindend_workers_alive 1.0" in text


async def _live_session(
    client: httpx.AsyncClient, base: str, prep: dict[str, Any], live: set[int]
) -> None:
    wall_seen: list[int] = []
    presence: dict[str, int] = {}
    first_state: list[dict[str, Any]] = []
    stop = asyncio.Event()

    async def read(url: str, cookie: str, on_event: Any, ready: asyncio.Event) -> None:
        headers = {"Cookie": cookie}
        async with client.stream("GET", url, headers=headers, timeout=None) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            ready.set()
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    on_event(json.loads(line[6:]))
                if stop.is_set():
                    return

    def on_wall(event: dict[str, Any]) -> None:
        if event.get("type") == "contribution":
            wall_seen.append(event["seq"])
        elif event.get("type") == "presence":
            presence[event["pid"]] = event["count"]

    wall_ready = asyncio.Event()
    tasks = [
        asyncio.create_task(
            read(
                f"{base}/live/{prep['session_pk']}/stream/",
                prep["wall_cookie"],
                on_wall,
                wall_ready,
            )
        )
    ]
    await asyncio.wait_for(wall_ready.wait(), 30)
    readies = []
    for token in prep["tokens"]:
        ready = asyncio.Event()
        readies.append(ready)
        tasks.append(
            asyncio.create_task(
                read(
                    f"{base}/live/api/{prep['public_id']}/events",
                    f"{prep['cookie_name']}={token}",
                    first_state.append,
                    ready,
                )
            )
        )
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
    deadline = time.monotonic() + 30
    while len(first_state) < len(prep["tokens"]):  # unbuffered: the first event arrives at once
        assert time.monotonic() < deadline, "streams are buffered by the proxy"
        await asyncio.sleep(0.1)
    assert {e["type"] for e in first_state} == {"state"}

    acks = []
    for token in prep["tokens"]:
        answer = await client.post(
            f"{base}/live/api/{prep['public_id']}/contributions",
            json={"client_id": str(uuid.uuid4()), "step": prep["step"], "text": "via nginx"},
            headers={"Origin": base, "Cookie": f"{prep['cookie_name']}={token}"},
        )
        assert answer.status_code == 200, answer.text
        acks.append(answer.json()["seq"])
    deadline = time.monotonic() + 30
    while len(wall_seen) < len(acks) or sum(presence.values()) < len(prep["tokens"]):
        assert time.monotonic() < deadline, (wall_seen, presence)
        await asyncio.sleep(0.1)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert sorted(acks) == wall_seen == list(range(1, 21))
    # The streams went to the live processes only (the proxy routes them there); which of the
    # two holds which is the kernel's choice, and the wall, wherever it is, saw every answer.
    holders = {int(pid.rsplit("-", 1)[1]) for pid in presence}
    print(f"streams per process: {presence}")
    assert holders and holders <= live, (presence, live)
