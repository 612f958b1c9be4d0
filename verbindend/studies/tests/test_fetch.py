"""A web page as a source: fetched from a local server the test starts, with every guard
tried — private addresses, redirects into them, size, time, redirect count and bad types."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from verbindend.core.errors import DomainError
from verbindend.studies import fetch, services
from verbindend.studies.models import Document, ItemStatus
from verbindend.studies.tests.test_import_quality import ARTICLE, PAGE


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        if self.path == "/artikel":
            self._send(200, PAGE.encode())
        elif self.path == "/verhuisd":
            self.send_response(302)
            self.send_header("Location", "/artikel")
            self.end_headers()
        elif self.path == "/lus":
            self.send_response(302)
            self.send_header("Location", "/lus")
            self.end_headers()
        elif self.path == "/groot":
            self._send(200, b"x" * 5000)
        elif self.path == "/traag":
            time.sleep(3)
            self._send(200, PAGE.encode())
        elif self.path == "/plaatje":
            self._send(200, b"\x89PNG", "image/png")
        elif self.path == "/naar-binnen":
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{port}/artikel")
            self.end_headers()
        else:
            self._send(404, b"weg")


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_loopback_is_refused_by_default(site: str) -> None:
    with pytest.raises(DomainError) as problem:
        fetch.fetch(site + "/artikel")
    assert problem.value.code == "fetch.private"


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://localhost/",
    ],
)
def test_private_and_link_local_addresses_are_refused(url: str) -> None:
    with pytest.raises(DomainError) as problem:
        fetch.fetch(url)
    assert problem.value.code == "fetch.private"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/", "javascript:alert(1)", "http://u:p@x.org/"]
)
def test_other_schemes_and_credentials_are_refused(url: str) -> None:
    with pytest.raises(DomainError) as problem:
        fetch.fetch(url)
    assert problem.value.code == "fetch.url"


@override_settings(WEB_SOURCE_ALLOW_PRIVATE=True)
def test_allowed_local_page_is_fetched_through_a_redirect(site: str) -> None:
    page = fetch.fetch(site + "/verhuisd")
    assert page.url == site + "/artikel" and page.suffix == ".html"
    assert page.data == PAGE.encode()


@override_settings(WEB_SOURCE_ALLOW_PRIVATE=True, WEB_SOURCE_MAX_BYTES=1000)
def test_limits_on_size_redirects_types_and_status(site: str) -> None:
    for path, code in [
        ("/groot", "fetch.huge"),
        ("/lus", "fetch.redirects"),
        ("/plaatje", "fetch.type"),
        ("/bestaat-niet", "fetch.status"),
    ]:
        with pytest.raises(DomainError) as problem:
            fetch.fetch(site + path)
        assert problem.value.code == code, path


@override_settings(WEB_SOURCE_ALLOW_PRIVATE=True, WEB_SOURCE_TIMEOUT=1)
def test_a_slow_page_is_given_up(site: str) -> None:
    started = time.monotonic()
    with pytest.raises(DomainError) as problem:
        fetch.fetch(site + "/traag")
    assert problem.value.code == "fetch.slow"
    assert time.monotonic() - started < 2.5


def test_redirect_into_the_local_network_is_refused(site: str) -> None:
    with override_settings(WEB_SOURCE_ALLOW_PRIVATE=True):
        first = fetch.check_url(site + "/naar-binnen")
    assert first[1] == "127.0.0.1"
    with pytest.raises(DomainError) as problem:
        fetch.fetch(site + "/naar-binnen")
    assert problem.value.code == "fetch.private"


def test_unreachable_page_gets_a_clear_message() -> None:
    with override_settings(WEB_SOURCE_ALLOW_PRIVATE=True), pytest.raises(DomainError) as problem:
        fetch.fetch("http://127.0.0.1:9/")
    assert problem.value.code == "fetch.unreachable"


@pytest.mark.django_db
@override_settings(WEB_SOURCE_ALLOW_PRIVATE=True)
def test_web_import_keeps_the_article_the_address_and_the_time(site: str, personas) -> None:  # type: ignore[no-untyped-def]
    batch = services.start_web_import(
        study=personas.study,
        files=[site + "/verhuisd"],
        user=personas.researcher,
        kind="network_document",
    )
    services.run_import(batch)
    document = Document.objects.get(study=personas.study, title="Samen leren in de buurtcentra")
    assert all(paragraph in document.text for paragraph in ARTICLE)
    assert "cookies" not in document.text
    assert document.source == site + "/artikel"
    assert document.fetched_at is not None


@pytest.mark.django_db
def test_web_import_of_a_private_address_fails_with_its_message(site: str, personas) -> None:  # type: ignore[no-untyped-def]
    batch = services.start_web_import(
        study=personas.study, files=[site + "/artikel"], user=personas.researcher, kind="other"
    )
    services.run_import(batch)
    item = batch.items.get()
    assert item.status == ItemStatus.FAILED
    assert "private or local network" in item.error
    assert not Document.objects.filter(study=personas.study, source__contains="127.0.0.1").exists()
