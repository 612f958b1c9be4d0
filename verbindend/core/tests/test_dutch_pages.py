"""Dutch pages speak Dutch: no English word in what a person reads or hears (labels, buttons,
aria-labels, titles, placeholders, select options), on every network page and the personal ones."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.conf import settings
from django.test import Client
from django.utils import translation

from verbindend.core.tests.test_navigation import _world, network_pages
from verbindend.notices import services as notice_services
from verbindend.testing.personas import Personas

#: Words that are English and not Dutch: one of them on a Dutch page is an untranslated text.
ENGLISH = frozenset(
    [
        "the",
        "and",
        "your",
        "you",
        "with",
        "this",
        "that",
        "which",
        "select",
        "option",
        "please",
        "save",
        "cancel",
        "delete",
        "edit",
        "there",
        "their",
        "will",
        "would",
        "should",
        "could",
        "about",
        "after",
        "before",
        "when",
        "where",
        "what",
        "who",
        "how",
        "nothing",
        "yet",
        "here",
        "add",
        "remove",
        "back",
        "next",
        "previous",
        "people",
        "network",
        "networks",
        "study",
        "session",
        "sessions",
        "report",
        "reports",
        "overview",
        "welcome",
        "notices",
        "settings",
        "learning",
        "history",
        "goal",
        "goals",
        "carriers",
        "knowledge",
        "risk",
        "high",
        "low",
        "medium",
        "none",
        "roles",
        "invitations",
        "profile",
        "organisations",
        "organisation",
        "members",
        "coordinator",
        "observer",
        "researcher",
        "answers",
        "question",
        "questions",
        "results",
        "round",
        "rounds",
        "closed",
        "download",
        "share",
        "choose",
        "yes",
        "skip",
        "content",
        "main",
        "log",
        "out",
    ]
)
SKIP_TAGS = {"script", "style", "code", "pre", "svg", "title"}
ATTRS = ("aria-label", "title", "placeholder", "alt")


class Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._skip = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        other_language = a.get("lang") not in (None, "nl")
        if tag in SKIP_TAGS or other_language:
            self._skip += 1
            self._stack.append(tag)
        elif tag not in ("br", "img", "input", "meta", "link", "hr"):
            self._stack.append("")
        if not self._skip:
            for name in ATTRS:
                if a.get(name):
                    self.words.extend(_words(a[name] or ""))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            top = self._stack.pop()
            if top:
                self._skip -= 1
            if top == tag or not top:
                break

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.words.extend(_words(data))


def _words(text: str) -> list[str]:
    text = re.sub(r"\S+@\S+|https?://\S+|/\S+", " ", text)
    return re.findall(r"[A-Za-z]+", text)


def english_in(html: str) -> list[str]:
    parser = Visible()
    parser.feed(html)
    return sorted({w for w in parser.words if w.lower() in ENGLISH and w != w.upper()})


def test_dutch_pages_hold_no_english(personas: Personas) -> None:
    p = personas
    for user in p.network_roles().values():  # they read their notices in Dutch
        user.preferred_language = "nl"
        user.save()
    with translation.override("nl"):  # titles made from templates are stored in Dutch
        world = _world(p)
    notice_services.notify(recipients=[p.coordinator], kind="milestone.reached", title="Feest")
    pages = {
        **network_pages(p, world),
        "core:dashboard": "/overview/",
        "notices:inbox": "/notices/",
        "notices:settings": "/notices/settings/",
    }
    client = Client()
    client.force_login(p.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        assert '<html lang="nl">' in response.content.decode(), name
        words = english_in(response.content.decode())
        if words:
            found[name] = words
    assert not found, "\n".join(f"{name}: {words}" for name, words in found.items())


def test_the_check_finds_english() -> None:
    assert english_in("<p>Kies een optie</p><option>- Select an option -</option>") == [
        "Select",
        "option",
    ]
    assert english_in('<button aria-label="Save">Bewaren</button>') == ["Save"]
    assert english_in('<p lang="en">the english part</p><p>het Nederlands</p>') == []
