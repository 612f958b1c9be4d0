"""Start the web server (uvicorn, ASGI), the task worker and the scheduler together.

One command, one Ctrl-C: the three run as child processes and stop together. The web server runs
``--workers N`` processes on one port (default: one per core). Any process serves any request
and any event stream: with more than one, set ``DATABASE_URL`` to PostgreSQL and ``REDIS_URL``
so that their streams wake each other. Their Prometheus figures are summed through a shared
folder (``PROMETHEUS_MULTIPROC_DIR``, a fresh temporary one unless set).

``--live-workers M`` adds M processes of their own on ``--live-port`` for the live API and event
streams, which the proxy sends there (deploy/nginx/verbindend.conf). The page processes then run
``WEB_PAGE_NICE`` lower: a page, an export or a report's preview can no longer hold the
interpreter lock that a phone's acknowledgement waits for, nor take its CPU (``bench/mixed.py``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run web server, background worker and scheduler together (Ctrl-C stops all three)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS", "0")) or default_workers(),
            help="web server processes (default: WEB_WORKERS, else one per core)",
        )
        parser.add_argument(
            "--live-workers",
            type=int,
            default=int(os.environ.get("LIVE_WORKERS", "0")),
            help="processes of their own for the live API and streams, on --live-port "
            "(default: LIVE_WORKERS, else 0: the web processes serve them too)",
        )
        parser.add_argument(
            "--live-port",
            type=int,
            default=int(os.environ.get("LIVE_PORT", "0")),
            help="the live processes' port (default: LIVE_PORT, else --port + 1)",
        )
        parser.add_argument("--no-worker", action="store_true", help="web server only")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers must be 1 or more.")
        if options["live_workers"] < 0:
            raise CommandError("--live-workers must be 0 or more.")
        live_port = options["live_port"] or options["port"] + 1
        if options["live_workers"] and live_port == options["port"]:
            raise CommandError("--live-port must differ from --port.")
        processes = options["workers"] + options["live_workers"]
        if processes > 1 and "sqlite" in settings.DATABASES["default"]["ENGINE"]:
            self.stderr.write(
                "Several web processes on SQLite work, but one writer at a time: "
                "use PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) for more than one."
            )
        metrics_dir, own_dir = _metrics_dir()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        python = sys.executable
        manage = [python, "manage.py"]
        commands = {"web": _uvicorn(options["host"], options["port"], options["workers"])}
        if options["live_workers"]:
            commands["live"] = _uvicorn(options["host"], live_port, options["live_workers"])
        if not options["no_worker"]:
            # No autoreloader: its child would outlive a stopped parent.
            commands["worker"] = [*manage, "worker", "--queue-name", "*", "--no-reload"]
            commands["scheduler"] = [*manage, "crontask", "--no-heartbeat"]
        page_nice = settings.WEB_PAGE_NICE if options["live_workers"] else 0
        children = {
            name: subprocess.Popen(cmd, preexec_fn=_nicer(page_nice) if name == "web" else None)
            for name, cmd in commands.items()
        }
        live = (
            f"; live API and streams also at http://{options['host']}:{live_port}/"
            if options["live_workers"]
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Verbindend runs at http://{options['host']}:{options['port']}/{live} "
                f"({', '.join(children)}). Press Ctrl-C to stop."
            )
        )

        def stop(*_args: Any) -> None:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for child in children.values():
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()

        def stop_and_exit(*_args: Any) -> None:
            stop()
            if own_dir:
                shutil.rmtree(metrics_dir, ignore_errors=True)
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop_and_exit)
        signal.signal(signal.SIGINT, stop_and_exit)  # even when started with SIGINT ignored
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} stopped (exit {child.returncode}); stopping all.")
                    stop()
                    if own_dir:
                        shutil.rmtree(metrics_dir, ignore_errors=True)
                    sys.exit(child.returncode or 1)
            time.sleep(0.5)


def _nicer(by: int) -> Any:
    """What a child runs before it starts: lowering its own priority (or nothing for 0)."""
    return (lambda: os.nice(by)) if by > 0 else None


def _uvicorn(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "verbindend.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        # No "Server: uvicorn" header; client addresses from proxies are read by the app
        # itself, only from TRUSTED_PROXIES (uvicorn would trust any local peer).
        "--no-server-header",
        "--no-proxy-headers",
        "--timeout-graceful-shutdown",
        "3",
    ]


def default_workers() -> int:
    """One web process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _metrics_dir() -> tuple[Path, bool]:
    """The metrics folder, emptied (figures of an earlier run must not add up); and whether
    it is a temporary one of our own."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not given:
        return Path(tempfile.mkdtemp(prefix="verbindend-metrics-")), True
    path = Path(given)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)
    return path, False
