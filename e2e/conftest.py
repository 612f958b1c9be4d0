"""Browser tests: the real app under uvicorn on loopback, driven in Debian's Chromium.

Chromium missing → the tests skip with a message on a developer's machine and fail under CI=true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
ON_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def missing(what: str) -> None:
    message = f"{what}; the browser tests cannot run."
    if ON_CI:
        pytest.fail(message)
    pytest.skip(message + " Install it (make setup as root installs Debian's chromium).")


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    missing("Chromium was not found")
    raise AssertionError  # unreachable


@dataclass
class App:
    base_url: str
    database_url: str
    media_root: str

    def manage(self, *args: str) -> str:
        """Run a management command against the app's database (to check what was saved)."""
        env = {**os.environ, "DATABASE_URL": self.database_url, "MEDIA_ROOT": self.media_root}
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout


def start_app(
    tmp: str, *, extra_env: dict[str, str] | None = None
) -> tuple[App, subprocess.Popen[bytes]]:
    from bench._common import free_port

    database_url = f"sqlite:///{tmp}/e2e.sqlite3"
    app = App(base_url="", database_url=database_url, media_root=f"{tmp}/media")
    app.manage("migrate", "--noinput", "-v", "0")
    app.manage("load_demo")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": app.media_root,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "verbindend.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    app.base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(app.base_url + "/healthz", timeout=1).read()
            return app, process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the app did not start") from None
            time.sleep(0.1)


@pytest.fixture(scope="session")
def app() -> Iterator[App]:
    with tempfile.TemporaryDirectory(prefix="verbindend-e2e-") as tmp:
        running, process = start_app(tmp)
        try:
            yield running
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop page; console errors (CSP violations included) fail the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"errors in the browser console: {errors}"


def new_phone_page(browser: Browser) -> Page:
    """A touch phone viewport (360×740)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True, locale="nl-BE"
    )
    return context.new_page()


def assert_accessible(page: Page, *, context: str = "") -> None:
    """axe-core finds no serious or critical violation on the current page."""
    if not AXE.exists():
        missing("axe-core is not installed (npm packages missing)")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert not bad, f"accessibility violations {context}: {bad}"


def log_in(page: Page, app: App, email: str, password: str = "verbindend-demo") -> None:
    page.goto(app.base_url + "/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/overview/")


# -- our own PostgreSQL and Redis, for the fault and proxy tests ------------------------------


@pytest.fixture(scope="session")
def own_postgres() -> Iterator[Any]:
    """A PostgreSQL cluster of the test's own, with a migrated template database."""
    from bench._instances import OwnPostgres, Unavailable
    from e2e.services import manage
    from e2e.services import missing as unavailable

    pg = OwnPostgres()
    try:
        pg.init()
    except Unavailable as error:
        unavailable(str(error))
    try:
        pg.sql("CREATE DATABASE verbindend_template")
        manage(pg.url("verbindend_template"), "migrate", "--noinput", "-v", "0")
        yield pg
    finally:
        pg.destroy()


@pytest.fixture
def own_database(own_postgres: Any, request: pytest.FixtureRequest) -> str:
    """A fresh migrated database in our own cluster, copied from the template."""
    name = "t_" + "".join(ch for ch in request.node.name.lower() if ch.isalnum())[:40]
    own_postgres.sql(f'DROP DATABASE IF EXISTS "{name}"')
    own_postgres.sql(f'CREATE DATABASE "{name}" TEMPLATE verbindend_template')
    return str(own_postgres.url(name))


@pytest.fixture
def own_redis() -> Iterator[Any]:
    from bench._instances import OwnRedis, Unavailable
    from e2e.services import missing as unavailable

    redis = OwnRedis()
    try:
        redis.start()
    except Unavailable as error:
        unavailable(str(error))
    try:
        yield redis
    finally:
        redis.stop()
