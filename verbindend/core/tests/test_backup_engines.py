"""SQLite → PostgreSQL → SQLite through `manage.py backup` and `manage.py restore`.

Each step runs the real commands in a subprocess with its own DATABASE_URL and MEDIA_ROOT, as an
operator would. Every table of every app is then compared row by row with the original, and the
uploaded files byte by byte. The databases are this test's own (a random PostgreSQL name and
temporary SQLite files), so the SQLite and the PostgreSQL suite runs can both run it.
"""

from __future__ import annotations

import json
import os
import pickle
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from conftest import ON_CI

ADMIN_URL = os.environ.get(
    "BACKUP_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def _admin_connection() -> Any:
    import psycopg

    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database of this test's own, dropped afterwards."""
    import psycopg

    try:
        admin = _admin_connection()
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at {ADMIN_URL} ({error})."
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message + " The SQLite ↔ PostgreSQL backup test needs it.")
    name = f"verbindend_restore_{secrets.token_hex(5)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


class Instance:
    """One database plus MEDIA_ROOT, driven through the management commands in a subprocess."""

    def __init__(self, url: str, media: Path) -> None:
        self.media = media
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(media),
            "VERBINDEND_ENV": "development",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        }

    def run(self, *steps: list[str]) -> str:
        """Run the steps (see backup_tools) in one fresh process with this instance's settings."""
        encoded = [json.dumps(step) for step in steps]
        return _run(self.env, "-m", "verbindend.core.tests.backup_tools", *encoded)

    @staticmethod
    def tables(out: Path) -> dict[str, list[tuple[Any, ...]]]:
        with out.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 — written by this test a moment ago

    def files(self) -> dict[str, bytes]:
        return {
            path.relative_to(self.media).as_posix(): path.read_bytes()
            for path in sorted(self.media.rglob("*"))
            if path.is_file()
        }


def _assert_same(original: dict[str, list[Any]], copy: dict[str, list[Any]], what: str) -> None:
    assert sorted(copy) == sorted(original), f"{what}: other tables"
    for table, rows in original.items():
        assert len(copy[table]) == len(rows), f"{what}: {table} has other row count"
        for mine, theirs in zip(rows, copy[table], strict=True):
            assert theirs == mine, f"{what}: {table} row differs"


def test_backup_moves_every_table_and_file_from_sqlite_to_postgresql_and_back(
    tmp_path: Path, postgres_url: str
) -> None:
    first = tmp_path / "from-sqlite.tar.gz"
    second = tmp_path / "from-postgres.tar.gz"
    source = Instance(f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path / "media-source")
    output = source.run(
        ["manage", "migrate", "--noinput", "--verbosity=0"],
        ["manage", "load_demo"],
        ["fill"],
        ["dump", str(tmp_path / "source.pickle")],
        ["manage", "backup", "-o", str(first)],
    )
    assert "Backed up" in output
    original = source.tables(tmp_path / "source.pickle")
    original_files = source.files()

    # The test data reaches the tables the demo leaves empty, and every kind of app.
    filled = {table for table, rows in original.items() if rows}
    for table in [
        "django_admin_log",
        "django_session",
        "auth_group_permissions",
        "accounts_user_groups",
        "otp_totp_totpdevice",
        "django_tasks_database_dbtaskresult",
        "live_livesession_co_facilitators",
        "studies_document",
        "analysis_code",
        "scan_answer",
        "historyline_moment",
    ]:
        assert table in filled, f"no test data in {table}"
    assert any(name.startswith("studies/originals/") for name in original_files)

    postgres = Instance(postgres_url, tmp_path / "media-postgres")
    output = postgres.run(
        ["manage", "migrate", "--noinput", "--verbosity=0"],
        ["manage", "restore", str(first)],
        ["dump", str(tmp_path / "postgres.pickle")],
        ["manage", "backup", "-o", str(second)],
        ["new_key"],
    )
    assert "verified" in output
    _assert_same(original, postgres.tables(tmp_path / "postgres.pickle"), "PostgreSQL copy")
    assert postgres.files() == original_files
    # PostgreSQL's sequences continue after the restored keys: a new row gets a fresh one.
    new_pk, highest = output.split("new key")[1].split()
    assert new_pk == highest

    back = Instance(f"sqlite:///{tmp_path / 'back.sqlite3'}", tmp_path / "media-back")
    output = back.run(
        ["manage", "migrate", "--noinput", "--verbosity=0"],
        ["manage", "restore", str(second)],
        ["dump", str(tmp_path / "back.pickle")],
    )
    assert "verified" in output
    _assert_same(original, back.tables(tmp_path / "back.pickle"), "SQLite copy")
    assert back.files() == original_files
