"""`make fuzz`: the fuzzer of `verbindend.testing.fuzz` against a demo copy on a loopback server.

A fresh SQLite copy of the demo (its names made hostile) is served on 127.0.0.1; each demo
persona and nobody crawl and fuzz it over real HTTP. The last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit

from verbindend.testing.fuzz import Answer, Sender, run


class HttpSender:
    """A real HTTP client on a loopback server (`make fuzz`)."""

    def __init__(self, base: str, email: str | None, password: str | None) -> None:
        import httpx

        assert urlsplit(base).hostname in {"127.0.0.1", "localhost", "::1"}, "loopback only"
        self.http = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
        if email:
            page = self.http.get("/accounts/login/")
            token = self.http.cookies.get("csrftoken", "")
            answer = self.http.post(
                "/accounts/login/",
                data={"username": email, "password": password or "", "csrfmiddlewaretoken": token},
                headers={"Referer": base + "/accounts/login/"},
            )
            assert answer.status_code == 302, (email, answer.status_code, page.status_code)

    def _answer(self, response: Any) -> Answer:
        if response is None:  # no answer within the timeout: a hung request counts as a failure
            return Answer(599, {}, b"")
        return Answer(
            response.status_code,
            {k.lower(): v for k, v in response.headers.items()},
            response.content,
        )

    def get(self, path: str, params: list[tuple[str, str]] | None = None) -> Answer:
        import httpx

        try:
            return self._answer(self.http.get(path, params=params or None))  # type: ignore[arg-type]
        except httpx.TimeoutException:
            return self._answer(None)
        except httpx.HTTPError as error:  # a broken answer (e.g. a bad Location) is a failure too
            return Answer(598, {"x-fuzz-error": str(error)[:200]}, b"")

    def post(self, path: str, data: list[tuple[str, Any]], files: list[Any]) -> Answer:
        token = self.http.cookies.get("csrftoken", "")
        data = [(k, token if k == "csrfmiddlewaretoken" else v) for k, v in data]
        encoded = [(k, str(v).encode("utf-8", "surrogatepass")) for k, v in data]
        import httpx

        try:
            if files:
                multipart = [(k, (None, v)) for k, v in encoded]
                multipart += [(k, (n, c)) for k, n, c in files]
                response = self.http.post(path, files=multipart)
            else:
                response = self.http.post(
                    path,
                    content=urlencode(encoded).encode(),
                    headers={"content-type": "application/x-www-form-urlencoded"},
                )
        except httpx.TimeoutException:
            return self._answer(None)
        except httpx.HTTPError as error:
            return Answer(598, {"x-fuzz-error": str(error)[:200]}, b"")
        return self._answer(response)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=int(os.environ.get("FUZZ_BUDGET", "20000")))
    parser.add_argument("--pages", type=int, default=150, help="pages crawled per persona")
    args = parser.parse_args(list(argv) if argv is not None else None)
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    workdir = tempfile.mkdtemp(prefix="verbindend-fuzz-")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir}/fuzz.sqlite3",
        "MEDIA_ROOT": f"{workdir}/media",
        "VERBINDEND_ENV": "development",
        "DEBUG": "0",
        "LOG_LEVEL": "CRITICAL",
    }
    env.pop("REDIS_URL", None)
    python = sys.executable
    manage = [python, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=root, env=env, check=True)
    subprocess.run([*manage, "load_demo"], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)
    hostile = "from verbindend.testing.fuzz import make_names_hostile; make_names_hostile()"
    subprocess.run(
        [*manage, "shell", "-c", hostile], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL
    )
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{workdir}/server.log", "wb"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 300  # a busy machine starts slowly
        while True:
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        from verbindend.core.demo import DEMO_PASSWORD, LOGINS

        senders: dict[str, Sender] = {"anonymous": HttpSender(base, None, None)}
        for login in LOGINS:
            senders[str(login.role)] = HttpSender(base, login.email, DEMO_PASSWORD)
        started = time.monotonic()
        result = run(
            senders, budget=args.budget, pages=args.pages, origin=f"127.0.0.1:{port}", workers=4
        )
        summary = result.summary(time.monotonic() - started)
    finally:
        server.terminate()
        server.wait(timeout=20)
    for line in result.unsafe_cells[:10]:
        print("unsafe cell:", line)
    print(json.dumps(summary))
    return 0 if summary["status_5xx"] == 0 and not result.unsafe_cells else 1


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbindend.settings")
    import django

    django.setup()
    sys.exit(main())
