"""Every screen exists in Dutch: no Dutch catalogue may hold an empty or fuzzy translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from django.template import Context, Template
from django.utils import translation

APPS = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(APPS.glob("*/locale/nl/LC_MESSAGES/django.po"))


def test_every_app_with_templates_or_forms_has_a_dutch_catalogue() -> None:
    assert len(CATALOGUES) >= 10


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_the_dutch_catalogue_is_complete(path: Path) -> None:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    assert not catalogue.fuzzy, f"{path}: the header is marked fuzzy"
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (
            "fuzzy" in message.flags
            or not (message.string if isinstance(message.id, str) else all(message.string))
        )
    ]
    assert not untranslated, f"{path}: {untranslated[:10]}"
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run make setup"


def _dutch_messages() -> list[tuple[str, Message]]:
    found = []
    for path in CATALOGUES:
        with path.open("rb") as handle:
            found += [(path.parts[-5], message) for message in read_po(handle) if message.id]
    return found


def test_a_text_has_one_dutch_translation_in_all_our_catalogues() -> None:
    """One voice: the same English text (in the same context) reads the same in every app."""
    seen: dict[tuple[str | None, object], dict[object, list[str]]] = {}
    for app, message in _dutch_messages():
        string = message.string if isinstance(message.string, str) else tuple(message.string)
        seen.setdefault((message.context, message.id), {}).setdefault(string, []).append(app)
    differing = {key: found for key, found in seen.items() if len(found) > 1}
    assert not differing, "\n".join(f"{key}: {found}" for key, found in differing.items())


def test_our_dutch_wins_over_djangos_own_catalogues() -> None:
    """Where Django's admin or auth know a text too ("Save", "Filter"), a page shows ours."""
    with translation.override("nl"):
        page = Template(
            '{% load i18n %}{% translate "Save" %}|{% translate "Filter" %}|{% translate "Email" %}'
            '|{% translate "Open" context "verb" %}'
        ).render(Context())
    assert page == "Bewaren|Filteren|E-mail|Openen"


def test_every_text_reads_in_dutch_as_our_catalogue_says() -> None:
    wrong = []
    with translation.override("nl"):
        for app, message in _dutch_messages():
            if isinstance(message.id, str):
                shown = (
                    translation.pgettext(message.context, message.id)
                    if message.context
                    else translation.gettext(message.id)
                )
                if shown != message.string:
                    wrong.append(f"{app}: {message.id!r} shows {shown!r}, not {message.string!r}")
            else:
                one, many = message.id[0], message.id[1]
                shown_plural = tuple(
                    translation.npgettext(message.context, one, many, n)
                    if message.context
                    else translation.ngettext(one, many, n)
                    for n in (1, 2)
                )
                if shown_plural != tuple(message.string):
                    wrong.append(f"{app}: {one!r} shows {shown_plural}, not {message.string}")
    assert not wrong, "\n".join(wrong)
