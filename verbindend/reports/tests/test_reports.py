"""Asking for a report, following it, reading it; bad input; what a report may show."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from verbindend.core import disclosure
from verbindend.core.errors import DomainError
from verbindend.live.models import LiveSession, Participant, Step, StepKind, Synthesis, Theme
from verbindend.networks.models import Person
from verbindend.networks.report_sections import composition
from verbindend.reports import render, services
from verbindend.reports.models import ReportStatus, ReportVersion
from verbindend.reports.sections import ReportRequest, ReportSection, all_sections
from verbindend.reports.tests.builders import finished_version
from verbindend.scan.tests.builders import make_round, many, organisation
from verbindend.testing.personas import Personas


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# -- the pages ---------------------------------------------------------------------------------


def test_the_form_offers_every_section_checked_and_the_two_languages(personas: Personas) -> None:
    response = client_for(personas.coordinator).get(
        reverse("reports:network", args=[personas.network.slug])
    )
    assert response.status_code == 200
    body = response.content.decode()
    for section in all_sections():
        assert f'value="{section.key}"' in body
    # + the language and the audience radios
    assert body.count('name="sections"') == body.count("checked") - 2
    assert 'value="nl"' in body and 'value="en"' in body


def test_readers_see_versions_but_no_form(personas: Personas) -> None:
    finished_version(personas.network)
    response = client_for(personas.observer).get(
        reverse("reports:network", args=[personas.network.slug])
    )
    assert response.status_code == 200
    assert b'name="sections"' not in response.content
    assert b"HTML" in response.content and b"PDF" in response.content


def test_a_report_is_made_in_the_background_and_kept(personas: Personas) -> None:
    client = client_for(personas.facilitator)
    response = client.post(
        reverse("reports:network", args=[personas.network.slug]),
        {"sections": ["profile", "scan"], "language": "en", "start": "", "end": ""},
    )
    version = ReportVersion.objects.get()
    assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
    assert version.status == ReportStatus.DONE, version.error
    assert version.progress == 100 and version.finished_at and version.pages >= 1
    assert version.requested_by == personas.facilitator
    assert version.sections == ["profile", "scan"]
    page = client.get(version.get_absolute_url())
    assert version.html_url().encode() in page.content
    html = client.get(version.html_url())
    assert html.status_code == 200
    policy = html["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "'sha256-" in policy
    assert "Organisatie Één" in html.content.decode()
    pdf = client.get(version.pdf_url())
    assert pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    assert data.startswith(b"%PDF")
    assert "Network profile" in text_of(data) and "Scan results" in text_of(data)
    assert "History lines" not in text_of(data)  # not chosen


def test_polling_returns_only_the_progress_fragment(personas: Personas) -> None:
    version = ReportVersion.objects.create(
        kind="network", network=personas.network, sections=["profile"], progress=40, step="Scan"
    )
    ReportVersion.objects.filter(pk=version.pk).update(status=ReportStatus.RUNNING)
    client = client_for(personas.member)
    response = client.get(version.get_absolute_url(), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="report-progress"')
    assert 'hx-trigger="every 1s"' in body and "40 %" in body and "<html" not in body
    assert client.get(version.html_url()).status_code == 409  # not ready yet


def test_versions_are_listed_newest_first_ten_a_page(personas: Personas) -> None:
    made = [finished_version(personas.network) for _ in range(12)]
    client = client_for(personas.coordinator)
    url = reverse("reports:network", args=[personas.network.slug])
    first = client.get(url).content.decode()
    assert first.count("data-version=") == 10
    assert first.index(f'data-version="{made[-1].pk}"') < first.index(
        f'data-version="{made[-2].pk}"'
    )
    second = client.get(url + "?page=2").content.decode()
    assert f'data-version="{made[0].pk}"' in second and second.count("data-version=") == 2


def test_deleting_asks_first_then_removes_the_version_and_its_files(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    version = finished_version(personas.network)
    media = Path(settings.MEDIA_ROOT)
    assert len(files_under(media)) == 2
    client = client_for(personas.coordinator)
    confirm = client.get(version.delete_url())
    assert confirm.status_code == 200 and b"cannot be undone" in confirm.content
    assert ReportVersion.objects.filter(pk=version.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(version.delete_url())
    assert response.status_code == 302
    assert not ReportVersion.objects.filter(pk=version.pk).exists()
    assert files_under(media) == []


def test_a_deleted_network_takes_its_report_files_along(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    finished_version(personas.network)
    kept = finished_version(personas.other_network)
    media = Path(settings.MEDIA_ROOT)
    with django_capture_on_commit_callbacks(execute=True):
        personas.network.delete()
    assert sorted(files_under(media)) == sorted(Path(f.path) for f in (kept.html, kept.pdf))


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"language": "en"},
        {"sections": ["nonsense"], "language": "en"},
        {"sections": ["profile"], "language": "fr"},
        {"sections": ["profile"], "language": "en", "start": "2026-05-01", "end": "2026-01-01"},
        {"sections": ["profile"], "language": "en", "start": "gisteren"},
    ],
)
def test_bad_input_gets_a_message_and_makes_nothing(
    personas: Personas, data: dict[str, object]
) -> None:
    response = client_for(personas.coordinator).post(
        reverse("reports:network", args=[personas.network.slug]), data
    )
    assert response.status_code == 200
    assert b'class="errorlist' in response.content
    assert not ReportVersion.objects.exists()


@pytest.mark.parametrize(
    ("sections", "language", "start", "end", "code"),
    [
        ([], "nl", None, None, "reports.sections"),
        (["profile", "bogus"], "nl", None, None, "reports.sections"),
        (["codebook"], "nl", None, None, "reports.sections"),  # a study section
        (["profile"], "de", None, None, "reports.language"),
        (["profile"], "nl", date(2026, 2, 1), date(2026, 1, 1), "reports.period"),
    ],
)
def test_the_service_refuses_what_it_cannot_make(
    personas: Personas,
    sections: list[str],
    language: str,
    start: date | None,
    end: date | None,
    code: str,
) -> None:
    with pytest.raises(DomainError) as raised:
        services.request_report(
            scope=personas.network,
            by=personas.coordinator,
            sections=sections,
            language=language,
            start=start,
            end=end,
        )
    assert raised.value.code == code
    assert not ReportVersion.objects.exists()


class TestArbitrarySectionLists(TestCase):
    @given(st.lists(st.text(max_size=12), max_size=4))
    def test_only_known_sections_are_ever_stored(self, sections: list[str]) -> None:
        from verbindend.networks.models import Network

        network, _ = Network.objects.get_or_create(slug="h", defaults={"name": "H"})
        known = {s.key for s in all_sections()}
        if sections and set(sections) <= known:
            return  # valid lists are rendered by the tests above
        with pytest.raises(DomainError):
            services.request_report(scope=network, by=None, sections=sections, language="nl")
        assert not ReportVersion.objects.exists()


def test_a_section_that_breaks_fails_the_version_with_its_message(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(request: ReportRequest) -> dict[str, object]:
        raise ValueError("no data today")

    extra = ReportSection("broken", "Broken", 99, "reports/sections/profile.html", broken)
    monkeypatch.setattr(render, "available", lambda kind: [*all_sections(), extra])
    version = services.request_report(
        scope=personas.network, by=None, sections=["profile", "broken"], language="en"
    )
    version.refresh_from_db()
    assert version.status == ReportStatus.FAILED
    assert "no data today" in version.error
    assert not version.html and not version.pdf
    page = client_for(personas.member).get(version.get_absolute_url())
    assert b"could not be made" in page.content


def test_every_registered_section_is_rendered_under_its_title(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sections of other apps (learning goals, log, carriers) come the same way."""

    def goals(request: ReportRequest) -> dict[str, object]:
        return {"sessions": []}

    extra = ReportSection(
        "goals", "Learning goals", 20, "reports/sections/focus_groups.html", goals
    )
    monkeypatch.setattr(
        render, "available", lambda kind: sorted([*all_sections(), extra], key=lambda s: s.order)
    )
    version = services.request_report(
        scope=personas.network, by=None, sections=["goals", "profile"], language="en"
    )
    html = services.read_html(ReportVersion.objects.get(pk=version.pk))
    assert html.index("Network profile") < html.index("Learning goals")


# -- fetching nothing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://example.org/x.png", "https://example.org/a.css", "file:///etc/passwd"]
)
def test_the_pdf_fetcher_refuses_anything_not_embedded(url: str) -> None:
    with pytest.raises(ValueError, match="fetches nothing"):
        render.local_only_fetcher().fetch(url)


def test_a_page_with_outside_links_still_renders_without_fetching_them() -> None:
    dot = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/%3E"
    pdf, pages = render.render_pdf(
        f'<html><body><img src="http://example.org/x.png"><img src="{dot}">'
        '<link rel="stylesheet" href="file:///etc/passwd"><p>Tekst</p></body></html>'
    )
    assert pages == 1 and "Tekst" in text_of(pdf)


# -- privacy thresholds and languages -----------------------------------------------------------


def test_a_scan_round_under_k_shows_no_figures(personas: Personas) -> None:
    round_ = make_round(personas.network)
    many(round_, 4, [5, 5, 5], org=personas.organisation, comments={"principle.p1": "Geheim"})
    version = services.request_report(
        scope=personas.network, by=None, sections=["scan"], language="en"
    )
    html = services.read_html(ReportVersion.objects.get(pk=version.pk))
    assert "Only 4 people answered" in html
    assert "Geheim" not in html and "5.00" not in html


def test_scan_breakdowns_hide_small_groups_as_the_results_page_does(personas: Personas) -> None:
    round_ = make_round(personas.network)
    big = organisation(personas.network, "Grote Groep vzw")
    small = organisation(personas.network, "Klein Clubje")
    many(round_, 6, [4, 4, 4], org=big)
    many(round_, 6, [2, 2, 2], org=personas.organisation)
    many(round_, 2, [1, 1, 1], org=small)
    version = services.request_report(
        scope=personas.network, by=None, sections=["scan"], language="en"
    )
    html = services.read_html(ReportVersion.objects.get(pk=version.pk))
    assert "14 respondents" in html
    assert "Klein Clubje" not in html
    # two hidden people: hiding the small group alone would reveal them, so one more goes
    assert html.count("Grote Groep vzw") + html.count("Organisatie Één") == 1


def _people(*groups: tuple[int, str, date | None]) -> list[tuple[int, date | None, dict[str, str]]]:
    rows: list[tuple[int, date | None, dict[str, str]]] = []
    for n, role, since in groups:
        for _ in range(n):
            values = {"lead_role": role, "engagement": "", "tenure": ""}
            rows.append((len(rows) + 1, since, values))
    return rows


def _shown(released: Any) -> dict[str, int]:
    decision = released.decision
    return {key[1]: cell.size for cell in decision.shown if (key := cell.key)[0] == "lead_role"}


def test_composition_hides_small_groups_and_the_next_one_if_needed() -> None:
    today = date(2026, 6, 1)
    assert _shown(composition(_people((7, "a", None), (6, "b", None)), today, 5)) == {
        "a": 7,
        "b": 6,
    }
    # two hidden people: hiding "c" alone lets the total minus a and b count them
    assert (
        len(_shown(composition(_people((7, "a", None), (6, "b", None), (2, "c", None)), today, 5)))
        == 1
    )
    assert _shown(
        composition(_people((7, "a", None), (6, "b", None), (5, "", None)), today, 5)
    ) == {"a": 7, "b": 6}
    assert (
        len(_shown(composition(_people((7, "a", None), (6, "b", None), (1, "", None)), today, 5)))
        == 1
    )


def test_composition_cannot_be_differenced_between_two_days() -> None:
    """A newcomer's role is not given away by reading the report for the day before they came."""
    before, after = date(2026, 3, 1), date(2026, 4, 1)
    rows = _people((7, "a", before), (6, "b", before), (1, "b", after))

    def members(role: str, day: date) -> frozenset[int]:
        return frozenset(
            pk for pk, since, v in rows if v["lead_role"] == role and (since or day) <= day
        )

    naive = [members(role, day) for day in (before, after) for role in ("a", "b")]
    assert disclosure.recovered_people(naive) == {14}  # each group's own k rule is not enough
    assert _shown(composition(rows, before, 5)) == {"a": 7, "b": 6}
    later = composition(rows, after, 5)
    assert later.counted_on == before and later.people == 13  # one newcomer: no new count yet
    published = [
        c.members for day in (before, after) for c in composition(rows, day, 5).decision.shown
    ]
    assert not disclosure.recovered_people(published)


def test_composition_is_counted_again_once_k_more_people_are_involved() -> None:
    first, second = date(2026, 3, 1), date(2026, 4, 1)
    rows = _people((7, "a", first), (6, "b", first), (5, "a", second), (5, "b", second))
    again = composition(rows, second, 5)
    assert again.counted_on == second and again.people == 23
    assert _shown(again) == {"a": 12, "b": 11}
    # three newcomers in a and two in b: counting either again would show a group under k
    few = _people((7, "a", first), (6, "b", first), (3, "a", second), (2, "b", second))
    # (a new count would show neither, so the earlier count stays, with its day)
    assert composition(few, second, 5).counted_on == first
    assert _shown(composition(few, second, 5)) == {"a": 7, "b": 6}
    published = [
        c.members for day in (first, second) for c in composition(rows, day, 5).decision.shown
    ]
    assert not disclosure.recovered_people(published)


def test_the_profile_never_names_people(personas: Personas) -> None:
    for i in range(6):
        Person.objects.create(network=personas.network, name=f"Iemand {i}", lead_role="follower")
    version = services.request_report(
        scope=personas.network, by=None, sections=["profile"], language="en"
    )
    html = services.read_html(ReportVersion.objects.get(pk=version.pk))
    assert "Ann Noord" not in html and "Iemand" not in html
    # Ann states no role: one hidden person, so the six followers are not counted either
    assert "Following: <span" in html and "Following: 6" not in html
    Person.objects.filter(name="Ann Noord").update(lead_role="follower")
    version = services.request_report(
        scope=personas.network, by=None, sections=["profile"], language="en"
    )
    assert "Following: 7" in services.read_html(ReportVersion.objects.get(pk=version.pk))


def test_private_letters_never_reach_the_report(personas: Personas) -> None:
    session = LiveSession.objects.create(network=personas.network, title="Focus")
    step = Step.objects.create(session=session, order=1, kind=StepKind.FAREWELL_LETTER)
    open_step = Step.objects.create(session=session, order=2, kind=StepKind.OPEN_ANSWER)
    who = Participant.objects.create(session=session, display_name="Els")
    theme = Theme.objects.create(session=session, name="Vertrouwen")
    for n, (kind_step, text, shared) in enumerate(
        [
            (step, "Mijn geheime brief", False),
            (step, "Gedeelde brief", True),
            (open_step, "Samen leren loont", False),
        ]
    ):
        session.contributions.create(
            step=kind_step,
            participant=who,
            sequence=n + 1,
            text=text,
            shared=shared,
            theme=theme,
        )
    version = services.request_report(
        scope=personas.network, by=None, sections=["focus_groups"], language="en"
    )
    html = services.read_html(ReportVersion.objects.get(pk=version.pk))
    assert "Vertrouwen" in html and "Samen leren loont" in html and "Gedeelde brief" in html
    assert "Mijn geheime brief" not in html and "Els" not in html
    assert LiveSession.objects.count() == 1


def test_the_period_limits_the_rounds(personas: Personas) -> None:
    many(make_round(personas.network, days_ago=400, title="Oude ronde"), 5, [2, 2, 2])
    many(make_round(personas.network, days_ago=10, title="Nieuwe ronde"), 5, [3, 3, 3])
    today = timezone.localdate()
    version = services.request_report(
        scope=personas.network,
        by=None,
        sections=["scan"],
        language="en",
        start=today - timedelta(days=100),
        end=today,
    )
    html = services.read_html(ReportVersion.objects.get(pk=version.pk))
    assert "Nieuwe ronde" in html and "Oude ronde" not in html


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("nl", ["Netwerkprofiel", "Scanresultaten", "Focusgroepthema"]),
        ("en", ["Network profile", "Scan results", "Focus-group themes"]),
    ],
)
def test_the_report_speaks_its_own_language(
    personas: Personas, language: str, titles: list[str]
) -> None:
    version = services.request_report(
        scope=personas.network,
        by=None,
        sections=["profile", "scan", "focus_groups"],
        language=language,
    )
    version.refresh_from_db()
    html = services.read_html(version)
    assert f'<html lang="{language}">' in html
    for title in titles:
        assert title in html
    with version.pdf.open("rb") as handle:
        assert titles[0] in text_of(handle.read())


def test_a_study_report_holds_the_codebook_and_the_matrices(personas: Personas) -> None:
    from verbindend.analysis.models import Code

    Code.objects.create(study=personas.study, name="Samenwerking", definition="Samen doen")
    version = services.request_report(
        scope=personas.study,
        by=personas.researcher,
        sections=[s.key for s in render.available("study")],
        language="en",
    )
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE, version.error
    html = services.read_html(version)
    for title in ("Codebook", "Codes by case", "Codes by level", "Codes that occur together"):
        assert title in html
    assert "Samenwerking" in html and "Groups of fewer than 5 respondents" in html


def test_the_period_limits_exercises_and_sessions(personas: Personas) -> None:
    from verbindend.historyline import services as historyline_services
    from verbindend.historyline.models import Exercise

    long_ago = timezone.now() - timedelta(days=500)
    for title in ("Oude oefening", "Nieuwe oefening"):
        historyline_services.create_exercise(
            scope=personas.network, title=title, start_date=date(2015, 1, 1), milestones=[]
        )
    Exercise.objects.filter(title="Oude oefening").update(created_at=long_ago)
    for title in ("Oude focusgroep", "Nieuwe focusgroep"):
        session = LiveSession.objects.create(network=personas.network, title=title)
        Synthesis.objects.create(session=session, notes=f"Synthese van {title}")
    LiveSession.objects.filter(title="Oude focusgroep").update(created_at=long_ago)
    today = timezone.localdate()
    version = services.request_report(
        scope=personas.network,
        by=None,
        sections=["historyline", "focus_groups"],
        language="en",
        start=today - timedelta(days=30),
    )
    html = services.read_html(ReportVersion.objects.get(pk=version.pk))
    assert "Nieuwe oefening" in html and "Oude oefening" not in html
    assert "Synthese van Nieuwe focusgroep" in html and "Oude focusgroep" not in html


def test_a_version_is_rendered_once_and_a_deleted_one_not_at_all(personas: Personas) -> None:
    version = finished_version(personas.network)
    before = version.html.name
    services.run(version.pk)  # already done: a second delivery of the task changes nothing
    version.refresh_from_db()
    assert version.html.name == before
    services.run(version.pk + 1000)  # deleted before the worker got to it
    assert ReportVersion.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # the worker commits and closes its connection
def test_the_real_worker_renders_a_queued_version(personas: Personas, settings: Any) -> None:
    """Through the database queue: waiting until the worker runs, then ready with its files."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(personas.coordinator)
    client.post(
        reverse("reports:network", args=[personas.network.slug]),
        {"sections": ["profile"], "language": "nl"},
    )
    version = ReportVersion.objects.get()
    assert version.status == ReportStatus.WAITING
    waiting = client.get(version.get_absolute_url(), headers={"HX-Request": "true"})
    assert b"hx-trigger" in waiting.content
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE, version.error
    ready = client.get(version.get_absolute_url(), headers={"HX-Request": "true"})
    assert b"hx-trigger" not in ready.content and version.pdf_url().encode() in ready.content
    assert "Netwerkprofiel" in services.read_html(version)


def test_a_failed_or_stalled_version_is_tried_again_and_a_made_one_is_not(
    personas: Personas,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from verbindend.reports.models import ReportStatus, ReportVersion
    from verbindend.reports.tests.builders import finished_version

    client = Client()
    client.force_login(personas.coordinator)
    version = finished_version(personas.network)
    assert client.post(version.retry_url).status_code == 409
    ReportVersion.objects.filter(pk=version.pk).update(
        status=ReportStatus.FAILED, error="RuntimeError: boom"
    )
    page = client.get(version.get_absolute_url()).content.decode()
    assert "boom" in page and version.retry_url in page
    assert client.post(version.retry_url).status_code == 302
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE and not version.error
    # waiting long after it was asked for: the page says so and offers to try again
    ReportVersion.objects.filter(pk=version.pk).update(
        status=ReportStatus.WAITING, created_at=timezone.now() - timedelta(hours=1)
    )
    version.refresh_from_db()
    assert version.stalled
    page = client.get(version.get_absolute_url()).content.decode()
    assert "worker may not be running" in page and "hx-trigger" not in page
    assert client.post(version.retry_url).status_code == 302
    version.refresh_from_db()
    assert version.status == ReportStatus.DONE
