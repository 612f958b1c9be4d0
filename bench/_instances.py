"""Redis and PostgreSQL instances of our own, on free ports, to restart or kill at will.

Used by the fault and proxy tests (e2e/) and by the benchmarks that need PostgreSQL and Redis
when none is given: never the machine's own services, which others use.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._common import free_port


class Unavailable(RuntimeError):
    """The binaries to start the service are not installed."""


def _as_postgres_user() -> list[str]:
    """initdb and postgres refuse to run as root: run them as the `postgres` account then."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@dataclass
class OwnRedis:
    port: int = field(default_factory=free_port)
    folder: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="verbindend-redis-"))
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise Unavailable("redis-server was not found")
        self.process = subprocess.Popen(
            [
                str(binary),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.folder,
            ],
            stdout=subprocess.DEVNULL,
        )
        _wait(lambda: _redis_ping(self.port), "Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def restart(self, down_seconds: float = 1.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()


def _redis_ping(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@dataclass
class OwnPostgres:
    port: int = field(default_factory=free_port)
    folder: str = ""
    bin: Path = Path()

    def init(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise Unavailable("PostgreSQL's initdb was not found under /usr/lib/postgresql/*/bin")
        self.bin = Path(found[-1]).parent
        self.folder = tempfile.mkdtemp(prefix="verbindend-pg-")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            [
                *_as_postgres_user(),
                str(self.bin / "initdb"),
                "-D",
                f"{self.folder}/data",
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd="/",
        )
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            [
                *_as_postgres_user(),
                str(self.bin / "pg_ctl"),
                "-D",
                f"{self.folder}/data",
                "-o",
                options,
                "-l",
                f"{self.folder}/log",
                "-w",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd="/",
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            [
                *_as_postgres_user(),
                str(self.bin / "pg_ctl"),
                "-D",
                f"{self.folder}/data",
                "-m",
                mode,
                "-w",
                "stop",
            ],
            check=False,
            stdout=subprocess.DEVNULL,
            cwd="/",
        )

    def restart(self, down_seconds: float = 1.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def _wait(ready: Any, message: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(message)
        time.sleep(0.1)
