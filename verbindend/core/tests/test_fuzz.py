"""The fuzzing crawler on the demo, at a small budget, and every spreadsheet export walked with
hostile names. `make fuzz` runs the full budget on a loopback server."""

from __future__ import annotations

import os

import pytest
from django.urls import get_resolver, reverse

from verbindend.accounts.models import User
from verbindend.testing import fuzz

pytestmark = pytest.mark.skipif(
    os.environ.get("VERBINDEND_REQUIRE_DB") == "postgres",
    reason="independent of the database engine; runs in the SQLite suite",
)

EXPORT_NAMES = {
    "scan:export",
    "learninglog:entries_csv",
    "learninglog:carriers_csv",
    "historyline:points_csv",
    "historyline:moments_csv",
    "live:export",
    "analysis:matrix",
    "analysis:frequencies",
    "research:glossary_export",
    "research:literature_export",
}


@pytest.fixture
def demo(db: None) -> None:
    from verbindend.core.demo import load_demo

    load_demo()
    fuzz.make_names_hostile()


def _login(email: str) -> fuzz.DjangoSender:
    return fuzz.DjangoSender(User.objects.get(username=email))


def test_every_persona_every_form_gets_no_server_error(demo: None) -> None:
    from verbindend.core.demo import LOGINS

    senders: dict[str, fuzz.Sender] = {"anonymous": fuzz.DjangoSender()}
    senders |= {str(login.role): _login(login.email) for login in LOGINS}
    result = fuzz.run(senders, budget=200, pages=12, origin="testserver")
    assert result.status_5xx == 0, result.failures
    assert result.requests >= 180 and len(result.personas) == len(LOGINS) + 1
    assert not result.unsafe_cells, result.unsafe_cells[:10]


def test_every_spreadsheet_export_is_formula_safe_with_hostile_names(demo: None) -> None:
    from verbindend.core.demo import DEMO_SLUG, DEMO_STUDY_SLUG
    from verbindend.historyline.models import Exercise
    from verbindend.live.models import LiveSession
    from verbindend.scan.models import Round

    urls = [
        reverse("learninglog:entries_csv", args=[DEMO_SLUG]),
        reverse("learninglog:carriers_csv", args=[DEMO_SLUG]),
        *(
            reverse(f"historyline:{name}", args=[pk])
            for pk in Exercise.objects.values_list("pk", flat=True)
            for name in ("points_csv", "moments_csv")
        ),
        *(
            reverse("live:export", args=[pk, fmt])
            for pk in LiveSession.objects.values_list("pk", flat=True)
            for fmt in ("csv", "xlsx")
        ),
        *(
            reverse("scan:export", args=[DEMO_SLUG, pk, fmt])
            for pk in Round.objects.values_list("pk", flat=True)
            for fmt in ("csv", "xlsx")
        ),
        *(
            reverse("analysis:matrix", args=[DEMO_STUDY_SLUG, kind]) + f"?format={fmt}"
            for kind in ("case", "level")
            for fmt in ("csv", "xlsx")
        ),
        *(
            reverse("analysis:frequencies", args=[DEMO_STUDY_SLUG]) + f"?format={fmt}"
            for fmt in ("csv", "xlsx")
        ),
        reverse("research:glossary_export", args=[DEMO_STUDY_SLUG, "csv"]),
        *(
            reverse("research:literature_export", args=[DEMO_STUDY_SLUG, fmt])
            for fmt in ("bib", "ris")
        ),
    ]
    result = fuzz.Result()
    for email in ("coordinator@verbindend.demo", "researcher@verbindend.demo"):
        sender = _login(email)
        for url in urls:
            path, _sep, query = url.partition("?")
            params = [tuple(query.split("=", 1))] if query else None
            result.record(email, "GET", url, sender.get(path, params))  # type: ignore[arg-type]
    assert result.status_5xx == 0, result.failures
    assert len(result.exports) >= 8, sorted(result.exports)
    assert not result.unsafe_cells, result.unsafe_cells[:10]


def test_no_export_view_is_left_out_of_the_walk() -> None:
    """A new download added to any app must join the walk above."""
    found = set()
    for app in get_resolver().url_patterns:
        for pattern in getattr(app, "url_patterns", []):
            route = str(pattern.pattern)
            if any(mark in route for mark in (".csv", ".xlsx", "export.", "answers.")):
                found.add(f"{app.namespace}:{pattern.name}")
    assert found - {"privacy:my_export", "privacy:person_export"} <= EXPORT_NAMES, (
        found - EXPORT_NAMES
    )


def test_only_the_core_export_module_writes_spreadsheets() -> None:
    """The formula guard lives in one place: no app writes CSV or XLSX or a download header."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or path.name in {"exports.py", "fuzz.py"}:
            continue
        text = path.read_text()
        for marker in ("csv.writer(", "Workbook(", 'response["Content-Disposition"]'):
            if marker in text:
                offenders.append(f"{path.relative_to(root)}: {marker}")
    assert offenders == []
