"""The public guide: every page for everyone, key links, the aids as SVG, both languages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from verbindend.method import aids, content, guide
from verbindend.testing.personas import Personas

pytestmark = pytest.mark.django_db

#: The number of practice-reflection items per principle in the report.
REPORT_REFLECTIONS = {"principle.p1": 8, "principle.p2": 7, "principle.p3": 7}
REPORT_REFLECTIONS |= {"principle.p4": 5, "principle.p5": 5}

PAGES = [
    reverse("method:guide"),
    *(reverse("method:section", args=[s.slug]) for s in guide.SECTIONS if s.slug),
    reverse("method:print"),
    reverse("method:aid", args=["levels"]),
    reverse("method:projector", args=["conditions"]),
]
USERS = [None, "coordinator", "facilitator", "member", "observer", "researcher"]
USERS += ["study_observer", "other_coordinator", "other_researcher", "outsider", "admin"]


def client_in(lang: str) -> Client:
    client = Client()
    client.cookies["django_language"] = lang
    return client


def page(url: str, lang: str = "en") -> str:
    response = client_in(lang).get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# -- who may see it: everyone ---------------------------------------------------------------------


@pytest.mark.parametrize("user", USERS)
def test_the_guide_is_public_for_every_role(personas: Personas, user: str | None) -> None:
    client = Client()
    if user is not None:
        client.force_login(getattr(personas, user))
    for url in PAGES:
        assert client.get(url).status_code == 200, (user, url)
    redirect = client.get(reverse("method:key", args=["condition.shared"]))
    assert redirect.status_code == 302


@pytest.mark.parametrize("url", [*PAGES, reverse("method:key", args=["principle.p1"])])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_rejects_writes(url: str, method: str) -> None:
    assert getattr(Client(), method)(url).status_code == 405


def test_the_home_page_and_header_link_to_the_guide() -> None:
    for lang, name in (("nl", "De methode"), ("en", "The method")):
        html = page(reverse("core:home"), lang)
        assert f'href="{reverse("method:guide")}"' in html
        assert name in html


# -- the overview ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", content.LANGUAGES)
def test_the_overview_lists_every_principle_with_all_its_reflection_items(lang: str) -> None:
    html = page(reverse("method:guide"), lang)
    assert f'<html lang="{lang}"' in html
    for key, count in REPORT_REFLECTIONS.items():
        principle = content.get(key)
        assert principle.text("title", lang) in html
        reflections = principle.children("reflection")
        assert len(reflections) >= count
        for item in reflections:
            assert f'id="{item.key}"' in html
            assert _escaped(item.text("question", lang)) in html


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;")


# -- every node has its place and its address ----------------------------------------------------


def test_every_key_has_a_home_section_that_shows_it_under_its_key() -> None:
    pages = {s.slug: page(s.url()) for s in guide.SECTIONS}
    missing = [
        key for key in content.all_keys() if f'id="{key}"' not in pages[guide.section_of(key).slug]
    ]
    assert not missing, f"keys not shown in their home section: {missing}"


def test_every_key_appears_once_in_the_print_view() -> None:
    html = page(reverse("method:print"))
    for key in content.all_keys():
        assert html.count(f'id="{key}"') == 1, key


@pytest.mark.parametrize("key", ["principle.p3.r2", "condition.anchored", "aid.levels", "meta"])
def test_a_key_url_redirects_to_its_section_and_anchor(key: str) -> None:
    response = Client().get(reverse("method:key", args=[key]))
    assert response.status_code == 302
    assert response["Location"] == guide.key_url(key)
    assert response["Location"].endswith(f"#{key}")


UNKNOWN_KEYS = [
    "principle.p9",  # method-key: ignore
    "PRINCIPLE.P1",
    "..",
    "<script>",
    "meta.x",
]


@pytest.mark.parametrize("bad", UNKNOWN_KEYS)
def test_an_unknown_key_is_a_404(bad: str) -> None:
    assert Client().get(reverse("method:key", args=[bad])).status_code == 404


@given(st.text(min_size=1, max_size=60).filter(lambda s: "/" not in s))
def test_any_key_text_gives_a_redirect_or_a_404(text: str) -> None:
    response = Client().get(f"/method/k/{text}/".replace("\x00", ""))
    assert response.status_code in (301, 302, 404)


@pytest.mark.parametrize("slug", ["nope", "overview", "print2", "k"])
def test_an_unknown_section_is_a_404(slug: str) -> None:
    assert Client().get(f"/method/{slug}/").status_code == 404


def test_the_sections_link_to_each_other_and_to_the_print_view() -> None:
    html = page(reverse("method:section", args=["concepts"]))
    for section in guide.SECTIONS:
        assert f'href="{section.url()}"' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert reverse("method:print") in html


def test_own_elaborations_are_marked() -> None:
    html = page(reverse("method:section", args=["concepts"]))
    ours = content.get("knowledge.social")
    assert ours.origin == "ours"
    start = html.index(f'id="{ours.key}"')
    assert "own elaboration" in html[start : start + 2000]


def test_the_guide_shows_the_content_version_and_credit() -> None:
    for section in guide.SECTIONS:
        assert f"Method content version {content.version()}" in page(section.url())
    about = page(reverse("method:section", args=["about"]))
    assert "Opstaele" in about and "Arteveldehogeschool" in about
    assert content.version() in about


@pytest.mark.parametrize("url", PAGES[:-2])
def test_pages_keep_to_the_content_security_policy(url: str) -> None:
    html = page(url)
    assert not re.search(r"\sstyle=", html)
    for tag in re.findall(r"<script[^>]*>", html):
        assert "nonce=" in tag and "src=" in tag


# -- visual aids -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", aids.names())
@pytest.mark.parametrize("lang", content.LANGUAGES)
def test_each_aid_is_an_svg_file_in_the_chosen_language(name: str, lang: str) -> None:
    response = client_in(lang).get(reverse("method:aid", args=[name]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Language"] == lang
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    aid = content.get(f"aid.{name}")
    assert root.get("aria-label") == aid.text("alt", lang)
    assert root.findtext("{http://www.w3.org/2000/svg}title") == aid.text("title", lang)
    words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for item in aid.refs("items"):
        assert item.text("title", lang).split()[0] in words


def test_an_aid_can_be_asked_for_in_a_language() -> None:
    response = client_in("nl").get(reverse("method:aid", args=["levels"]) + "?lang=en")
    assert b"Individual" in response.content and response["Content-Language"] == "en"
    # anything but nl or en means the active language
    response = client_in("nl").get(reverse("method:aid", args=["levels"]) + "?lang=<x>")
    assert b"Individu<" in response.content and response["Content-Language"] == "nl"


@pytest.mark.parametrize("bad", ["nope", "meta", "principle", "levels2"])
def test_an_unknown_aid_is_a_404(bad: str) -> None:
    assert Client().get(reverse("method:aid", args=[bad])).status_code == 404
    assert Client().get(reverse("method:projector", args=[bad])).status_code == 404


def test_the_guide_draws_the_aids_inline_with_a_text_alternative() -> None:
    html = page(reverse("method:section", args=["aids"]))
    for name in aids.names():
        aid = content.get(f"aid.{name}")
        assert f'data-key="{aid.key}"' in html
        assert f'aria-label="{_escaped(aid.text("alt", "en"))}"' in html
        assert reverse("method:projector", args=[name]) in html


def test_the_projector_view_shows_one_aid_and_links_to_the_next() -> None:
    html = page(reverse("method:projector", args=["levels"]))
    assert html.count("<svg") == 1 + html.count('class="brand"')  # only the aid itself
    assert reverse("method:projector", args=["knowledge_types"]) in html
    assert "site-header" not in html


def test_the_guide_speaks_dutch() -> None:
    html = page(reverse("method:section", args=["concepts"]), "nl")
    assert '<html lang="nl"' in html
    assert "Begrippen" in html and "De methode" in html
    assert content.get("condition.anchored").text("title", "nl") in html
    assert "Versie van de methode-inhoud" in html
