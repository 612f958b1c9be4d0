"""Start the web server (uvicorn, ASGI), the task worker and the scheduler together.

One command, one Ctrl-C: the three run as child processes and stop together.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run web server, background worker and scheduler together (Ctrl-C stops all three)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
        parser.add_argument("--no-worker", action="store_true", help="web server only")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        manage = [python, "manage.py"]
        commands = {
            "web": [
                python,
                "-m",
                "uvicorn",
                "verbindend.asgi:application",
                "--host",
                options["host"],
                "--port",
                str(options["port"]),
                "--workers",
                str(options["workers"]),
                "--no-access-log",
                # No "Server: uvicorn" header; client addresses from proxies are read by the
                # app itself, only from TRUSTED_PROXIES (uvicorn would trust any local peer).
                "--no-server-header",
                "--no-proxy-headers",
                "--timeout-graceful-shutdown",
                "3",
            ],
        }
        if not options["no_worker"]:
            # No autoreloader: its child would outlive a stopped parent.
            commands["worker"] = [*manage, "db_worker", "--queue-name", "*", "--no-reload"]
            commands["scheduler"] = [*manage, "crontask", "--no-heartbeat"]
        children = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        self.stdout.write(
            self.style.SUCCESS(
                f"Verbindend runs at http://{options['host']}:{options['port']}/ "
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
            sys.exit(0)

        signal.signal(signal.SIGTERM, stop_and_exit)
        signal.signal(signal.SIGINT, stop_and_exit)  # even when started with SIGINT ignored
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} stopped (exit {child.returncode}); stopping all.")
                    stop()
                    sys.exit(child.returncode or 1)
            time.sleep(0.5)
