"""A missing page, a refused one and a server error each get a page in the reader's language with
a way back, not Django's bare English text."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from verbindend.testing.personas import Personas


def _client(user: Any = None, language: str = "nl") -> Client:
    client = Client(raise_request_exception=False, headers={"accept-language": language})
    if user is not None:
        client.force_login(user)
    return client


def test_a_missing_page_for_a_member_in_dutch_leads_back_to_the_overview(
    personas: Personas, settings: Any
) -> None:
    settings.DEBUG = False
    response = _client(personas.member).get("/networks/no-such-network/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Pagina niet gevonden" in page
    assert f'href="{reverse("core:dashboard")}"' in page and "Naar je overzicht" in page
    assert '<html lang="nl">' in page and "Not Found" not in page


def test_a_missing_page_for_nobody_in_english_leads_to_the_home_page(
    db: None, settings: Any
) -> None:
    settings.DEBUG = False
    response = _client(language="en").get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and "To the home page" in page
    assert f'href="{reverse("core:home")}"' in page


def test_a_refused_page_says_so_in_the_readers_language(personas: Personas, settings: Any) -> None:
    settings.DEBUG = False
    response = _client(personas.member).post(reverse("networks:create"), {"name": "X"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Niet toegestaan" in page and "coördinator" in page
    assert "403 Forbidden" not in page


@pytest.mark.parametrize(
    ("language", "heading"), [("nl", "Er liep iets mis"), ("en", "Something went wrong")]
)
def test_the_server_error_page_needs_no_request(language: str, heading: str) -> None:
    """Django renders it with no request and no context: it must not need either."""
    with translation.override(language):
        page = render_to_string("500.html")
    assert heading in page and 'href="/"' in page and f'<html lang="{language}">' in page
