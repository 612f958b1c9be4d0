"""Every study page × every persona, wrong methods, and what each page shows and changes.

ALLOWED → 200 (or a redirect after a POST); VISIBLE (may see the study) → 403; anyone else
→ 404; anonymous → the login page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from verbindend.studies import samples, services
from verbindend.studies.models import (
    Case,
    CaseAssessment,
    Document,
    DocumentKind,
    ImportBatch,
    Interview,
    Respondent,
    StepPlan,
    Study,
)
from verbindend.studies.tests.conftest import run_worker
from verbindend.testing import personas as personas_module
from verbindend.testing.personas import PERSONAS, Personas, expected_status

READERS = frozenset({"researcher", "study_observer"})
RESEARCHER = frozenset({"researcher"})


@dataclass
class World:
    p: Personas
    case: Case
    respondent: Respondent
    document: Document
    batch: ImportBatch


@pytest.fixture
def world(personas: Personas) -> World:
    case = personas.study.cases.get()
    respondent = services.add_respondent(study=personas.study, case=case, person=personas.person)
    document = services.add_material(
        study=personas.study, kind=DocumentKind.TRANSCRIPT, title="Gesprek", text="Eén\nTwee"
    )
    services.store_original(document=document, filename="gesprek.txt", data="Eén\nTwee".encode())
    batch = ImportBatch.objects.create(study=personas.study, kind="other")
    return World(personas, case, respondent, document, batch)


def url(name: str, *extra: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(f"studies:{name}", args=[w.p.study.slug, *(f(w) for f in extra)])


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[World], str]
    allowed: frozenset[str]
    method: str = "get"
    data: dict[str, str] | None = None


ROWS = [
    Row("overview", url("detail"), READERS),
    Row("plan", url("steps"), READERS),
    Row("plan change", url("steps"), RESEARCHER, "post", {"form-TOTAL_FORMS": "0"}),
    Row("case selection", url("selection"), READERS),
    Row(
        "case judgement",
        url("case_assess", lambda w: w.case.pk),
        RESEARCHER,
        "post",
        {"case{pk}-durable": "yes"},
    ),
    Row("respondents", url("respondents", lambda w: w.case.pk), READERS),
    Row("respondent add", url("respondents", lambda w: w.case.pk), RESEARCHER, "post", {}),
    Row("respondent", url("respondent", lambda w: w.respondent.pk), RESEARCHER),
    Row(
        "respondent change",
        url("respondent", lambda w: w.respondent.pk),
        RESEARCHER,
        "post",
        {"save": "1", "selected": "on"},
    ),
    Row("material", url("material"), READERS),
    Row("material upload", url("material"), RESEARCHER, "post", {"kind": "other"}),
    Row("import progress", url("batch", lambda w: w.batch.pk), READERS),
    Row("document", url("document", lambda w: w.document.pk), READERS),
    Row("document part", url("document_part", lambda w: w.document.pk, lambda w: 0), READERS),
    Row("search", url("search"), READERS),
    Row("original file", url("document_original", lambda w: w.document.pk), RESEARCHER),
]


def send(client: Client, row: Row, world: World) -> int:
    data = {k.format(pk=world.case.pk): v for k, v in (row.data or {}).items()}
    response = getattr(client, row.method)(row.url(world), data)
    return int(response.status_code)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
@pytest.mark.parametrize("who", PERSONAS)
def test_role_gets_what_the_table_says(world: World, row: Row, who: str) -> None:
    client = Client()
    client.force_login(world.p.everyone()[who])
    expected = expected_status(who, allowed=row.allowed, visible=READERS, method=row.method)
    assert send(client, row, world) in expected, (who, row.name)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_anonymous_is_sent_to_log_in(world: World, row: Row) -> None:
    response = getattr(Client(), row.method)(row.url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_site_administrator_may_do_everything(world: World, row: Row) -> None:
    client = Client()
    client.force_login(world.p.admin)
    assert send(client, row, world) in {200, 302}


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("case_assess", "get"),
        ("batch", "post"),
        ("document", "post"),
        ("document_part", "post"),
        ("search", "post"),
        ("selection", "post"),
        ("detail", "put"),
    ],
)
def test_wrong_methods_are_refused(world: World, name: str, method: str) -> None:
    client = Client()
    client.force_login(world.p.researcher)
    args: dict[str, list[object]] = {
        "case_assess": [world.case.pk],
        "batch": [world.batch.pk],
        "document": [world.document.pk],
        "document_part": [world.document.pk, 0],
    }
    target = reverse(f"studies:{name}", args=[world.p.study.slug, *args.get(name, [])])
    assert getattr(client, method)(target).status_code == 405


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


# -- scopes ----------------------------------------------------------------------------------


def test_a_researcher_sees_only_the_cases_of_their_study(world: World) -> None:
    p = world.p
    assert list(Case.objects.visible_to(p.researcher)) == [world.case]
    other_case = p.other_study.cases.get()
    client = client_for(p.researcher)
    own_slug_other_case = reverse("studies:respondents", args=[p.study.slug, other_case.pk])
    assert client.get(own_slug_other_case).status_code == 404
    other = reverse("studies:respondents", args=[p.other_study.slug, other_case.pk])
    assert client.get(other).status_code == 404
    selection = client.get(reverse("studies:selection", args=[p.study.slug]))
    assert b"Netwerk Noord" in selection.content and b"Netwerk Zuid" not in selection.content


def test_a_researcher_sees_only_the_material_of_their_study(world: World) -> None:
    p = world.p
    foreign = services.add_material(study=p.other_study, kind="other", title="Elders", text="x")
    client = client_for(p.researcher)
    assert (
        client.get(reverse("studies:document", args=[p.study.slug, foreign.pk])).status_code == 404
    )
    hits = client.get(reverse("studies:search", args=[p.study.slug]), {"q": "x"})
    assert b"Elders" not in hits.content


def test_a_networks_coordinator_sees_which_studies_use_the_network(world: World) -> None:
    p = world.p
    page = reverse("networks:detail", args=[p.network.slug])
    assert b"Studie A" in client_for(p.coordinator).get(page).content
    assert b"Studie A" not in client_for(p.member).get(page).content
    assert list(type(p.study).objects.using_network(p.network)) == [p.study]


def test_the_guidance_committee_reads_and_cannot_change(world: World) -> None:
    p = world.p
    client = client_for(p.study_observer)
    respondents = client.get(reverse("studies:respondents", args=[p.study.slug, world.case.pk]))
    assert respondents.status_code == 200
    assert b"Ann Noord" not in respondents.content  # names stay with the researchers
    assert b"Respondent 1" in respondents.content
    document = client.get(reverse("studies:document", args=[p.study.slug, world.document.pk]))
    assert b"Twee" in document.content and b"upload-form" not in document.content
    assert b'name="save"' not in client.get(reverse("studies:steps", args=[p.study.slug])).content
    before = (Respondent.objects.count(), CaseAssessment.objects.count(), Document.objects.count())
    client.post(reverse("studies:case_assess", args=[p.study.slug, world.case.pk]), {})
    client.post(reverse("studies:material", args=[p.study.slug]), {"kind": "other"})
    client.post(reverse("studies:respondents", args=[p.study.slug, world.case.pk]), {})
    after = (Respondent.objects.count(), CaseAssessment.objects.count(), Document.objects.count())
    assert before == after


# -- behaviour -----------------------------------------------------------------------------------


def test_a_study_plans_its_steps_when_made_and_its_pages_only_read(world: World) -> None:
    """However a study is made, it has the method's six steps; opening its pages writes nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = world.p
    made = Study.objects.create(name="Zonder formulier", slug="zonder-formulier")
    assert StepPlan.objects.filter(study=made).count() == 6
    client = client_for(p.researcher)
    with CaptureQueriesContext(connection) as queries:
        for name in ("studies:detail", "studies:steps"):
            assert client.get(reverse(name, args=[p.study.slug])).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
        and "axes_" not in q["sql"]
    ]
    assert writes == []


def test_a_researcher_plans_the_steps(world: World) -> None:
    p = world.p
    steps = services.ensure_steps(study=p.study)
    data = {"form-TOTAL_FORMS": "6", "form-INITIAL_FORMS": "6"}
    for index, step in enumerate(steps):
        data |= {
            f"form-{index}-id": str(step.pk),
            f"form-{index}-status": "under_way" if index == 0 else "planned",
            f"form-{index}-starts_on": "2026-01-05",
            f"form-{index}-ends_on": "2026-02-05",
            f"form-{index}-owner": str(p.researcher.pk),
            f"form-{index}-notes": "",
        }
    response = client_for(p.researcher).post(reverse("studies:steps", args=[p.study.slug]), data)
    assert response.status_code == 302
    first = StepPlan.objects.get(study=p.study, step_key="step.preparation")
    assert first.status == "under_way" and first.owner == p.researcher
    data["form-1-ends_on"] = "2025-01-01"  # before the start
    response = client_for(p.researcher).post(reverse("studies:steps", args=[p.study.slug]), data)
    assert response.status_code == 200 and b"before the start" in response.content


def test_the_owner_of_a_step_must_be_on_the_team(world: World) -> None:
    p = world.p
    steps = services.ensure_steps(study=p.study)
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(steps[0].pk)}
    data |= {"form-0-status": "planned", "form-0-owner": str(p.outsider.pk)}
    response = client_for(p.researcher).post(reverse("studies:steps", args=[p.study.slug]), data)
    assert response.status_code == 200
    assert StepPlan.objects.get(pk=steps[0].pk).owner is None


def test_a_researcher_adds_a_candidate_and_records_consent_and_an_interview(world: World) -> None:
    p = world.p
    from verbindend.networks.models import Person

    newcomer = Person.objects.create(network=p.network, name="Bart Nieuw")
    client = client_for(p.researcher)
    target = reverse("studies:respondents", args=[p.study.slug, world.case.pk])
    assert client.post(target, {"person": newcomer.pk}).status_code == 302
    assert client.post(target, {"person": p.other_person.pk}).status_code == 200  # not offered
    respondent = Respondent.objects.get(person=newcomer)
    page = reverse("studies:respondent", args=[p.study.slug, respondent.pk])
    client.post(page, {"consent": "recording", "given": "1"})
    assert services.consents_of([respondent])[newcomer.pk] == {"recording"}
    assert client.post(page, {"consent": "nonsense", "given": "1"}).status_code == 400
    response = client.post(
        page, {"interview": "1", "scheduled_at": "2026-12-01T10:00", "status": "planned"}
    )
    assert response.status_code == 302
    interview = Interview.objects.get(respondent=respondent)
    assert interview.study == p.study
    client.post(page, {"interview_status": "done", "interview_pk": str(interview.pk)})
    interview.refresh_from_db()
    assert interview.status == "done"
    bad = client.post(page, {"interview_status": "exploded", "interview_pk": str(interview.pk)})
    assert bad.status_code == 400
    assert client.post(page, {"interview": "1", "scheduled_at": "morgen"}).status_code == 200
    client.post(page, {"remove": "1"})
    assert not Respondent.objects.filter(pk=respondent.pk).exists()


def test_judging_a_case_fills_the_coverage_table(world: World) -> None:
    p = world.p
    client = client_for(p.researcher)
    target = reverse("studies:case_assess", args=[p.study.slug, world.case.pk])
    prefix = f"case{world.case.pk}"
    response = client.post(
        target, {f"{prefix}-durable": "yes", f"{prefix}-open_about_history": "no"}
    )
    assert response.status_code == 302
    assert CaseAssessment.objects.get(case=world.case).open_about_history == "no"
    assert client.post(target, {f"{prefix}-durable": "perhaps"}).status_code == 400
    page = client.get(reverse("studies:selection", args=[p.study.slug]))
    assert b"case-gaps" in page.content


@pytest.mark.django_db(transaction=True)  # the worker commits and closes its connection
def test_uploading_a_batch_shows_progress_and_a_message_per_file(
    world: World, django_capture_on_commit_callbacks: object, database_worker: None
) -> None:
    p = world.p
    client = client_for(p.researcher)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(
            reverse("studies:material", args=[p.study.slug]),
            {
                "documents": [
                    SimpleUploadedFile("gesprek.docx", samples.docx_bytes(["Dag"])),
                    SimpleUploadedFile("kapot.pdf", b"%PDF kapot"),
                ],
                "kind": "transcript",
                "respondent": str(world.respondent.pk),
                "date": "2026-03-01",
            },
        )
    assert response.status_code == 302
    waiting = client.get(response["Location"], headers={"HX-Request": "true"})
    assert b"every 1s" in waiting.content and b"<html" not in waiting.content
    run_worker()
    done = client.get(response["Location"], headers={"HX-Request": "true"})
    assert b"every 1s" not in done.content
    assert b"1 imported, 1 not imported" in done.content
    assert b"damaged" in done.content
    document = Document.objects.get(title="gesprek")
    assert document.respondent == world.respondent and document.case == world.case


def test_upload_form_rejects_a_respondent_of_another_case(world: World) -> None:
    p = world.p
    from verbindend.networks.models import Network

    extra = Case.objects.create(
        study=p.study, network=Network.objects.create(name="Oost", slug="oost"), status="agreed"
    )
    response = client_for(p.researcher).post(
        reverse("studies:material", args=[p.study.slug]),
        {
            "documents": [SimpleUploadedFile("a.txt", b"x")],
            "kind": "transcript",
            "case": str(extra.pk),
            "respondent": str(world.respondent.pk),
        },
    )
    assert response.status_code == 200 and b"another case" in response.content
    assert not ImportBatch.objects.exclude(pk=world.batch.pk).exists()


def test_the_reader_loads_a_long_document_in_parts(world: World) -> None:
    p = world.p
    lines = [f"Alinea {n} met één ☕" for n in range(200)]
    document = services.add_material(
        study=p.study, kind="other", title="Lang", text="\n".join(lines)
    )
    client = client_for(p.researcher)
    first = client.get(reverse("studies:document", args=[p.study.slug, document.pk]))
    assert b"Alinea 59 " in first.content and b"Alinea 60 " not in first.content
    assert b'hx-trigger="revealed"' in first.content
    part = client.get(reverse("studies:document_part", args=[p.study.slug, document.pk, 3]))
    assert b"Alinea 199 " in part.content and b"<html" not in part.content
    assert b"revealed" not in part.content
    offset = document.text.index("Alinea 150 ")
    third = client.get(reverse("studies:document_part", args=[p.study.slug, document.pk, 2]))
    assert f'data-start="{offset}">Alinea 150 '.encode() in third.content
    jumped = client.get(
        reverse("studies:document", args=[p.study.slug, document.pk]), {"at": offset}
    )
    assert b"Alinea 150 " in jumped.content
    missing = reverse("studies:document_part", args=[p.study.slug, document.pk, 99])
    assert client.get(missing).status_code == 404
    assert (
        client.get(
            reverse("studies:document", args=[p.study.slug, document.pk]), {"part": "x"}
        ).status_code
        == 200
    )


def test_search_finds_snippets_across_the_study(world: World) -> None:
    p = world.p
    services.add_material(
        study=p.study, kind="other", title="Verslag", text="Begin. " * 30 + "Het Café <b>open</b>."
    )
    client = client_for(p.study_observer)
    response = client.get(reverse("studies:search", args=[p.study.slug]), {"q": "café"})
    assert b"<mark>Caf" in response.content
    assert b"&lt;b&gt;open&lt;/b&gt;" in response.content
    assert b"1 document contains" in response.content
    lines = services.add_material(
        study=p.study, kind="other", title="Regels", text="Eerste regel\nTweede regel met zoekwoord"
    )
    found = client.get(reverse("studies:search", args=[p.study.slug]), {"q": "zoekwoord"})
    start = lines.text.index("Tweede")
    hit = lines.text.index("zoekwoord")
    assert f"?at={hit}#at-{start}".encode() in found.content
    # letters beyond ASCII match in either case, on SQLite as on PostgreSQL
    services.add_material(study=p.study, kind="other", title="Hoofdletters", text="ÉÉN ÉLAN Ōmi")
    for query in ("één élan", "ōMI"):
        hits = client.get(reverse("studies:search", args=[p.study.slug]), {"q": query})
        assert b"Hoofdletters" in hits.content, query


def test_the_committee_reads_a_transcript_without_the_respondents_name(world: World) -> None:
    p = world.p
    world.document.respondent = world.respondent
    world.document.save()
    target = reverse("studies:document", args=[p.study.slug, world.document.pk])
    assert b"Ann Noord" not in client_for(p.study_observer).get(target).content
    assert b"Ann Noord" in client_for(p.researcher).get(target).content


class SearchInputTests(HypothesisTestCase):
    """Whatever is typed into the search box gives a page, never an error."""

    p: Personas

    @classmethod
    def setUpTestData(cls) -> None:
        cls.p = personas_module.build()
        services.add_material(study=cls.p.study, kind="other", title="T", text="100% _echt_ ☕")

    @settings(max_examples=30)
    @given(st.text(max_size=250))
    def test_any_query(self, query: str) -> None:
        client = Client()
        client.force_login(self.p.researcher)
        response = client.get(reverse("studies:search", args=[self.p.study.slug]), {"q": query})
        assert response.status_code == 200

    def test_like_wildcards_are_literal(self) -> None:
        client = Client()
        client.force_login(self.p.researcher)
        target = reverse("studies:search", args=[self.p.study.slug])
        assert b"1 document" in client.get(target, {"q": "0%"}).content
        assert b"0 documents" in client.get(target, {"q": "1_0"}).content


def test_an_empty_document_still_opens(world: World) -> None:
    p = world.p
    empty = services.add_material(study=p.study, kind="session_summary", title="Leeg", text="")
    target = reverse("studies:document", args=[p.study.slug, empty.pk])
    assert client_for(p.researcher).get(target).status_code == 200


def test_too_many_files_at_once_get_a_clear_message(world: World, settings: object) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2  # type: ignore[attr-defined]
    response = client_for(world.p.researcher).post(
        reverse("studies:material", args=[world.p.study.slug]),
        {
            "documents": [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(3)],
            "kind": "other",
        },
    )
    assert response.status_code == 400
    assert b"At most 2 files" in response.content
    assert not ImportBatch.objects.exclude(pk=world.batch.pk).exists()


def test_the_original_downloads_as_it_was_and_goes_with_its_document(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    client = Client()
    client.force_login(world.p.researcher)
    page = client.get(reverse("studies:document", args=[world.p.study.slug, world.document.pk]))
    link = reverse("studies:document_original", args=[world.p.study.slug, world.document.pk])
    assert link.encode() in page.content
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "Eén\nTwee".encode()
    assert 'filename="gesprek' in response["Content-Disposition"]
    # the guidance committee reads the text but neither downloads nor sees the link
    observer = Client()
    observer.force_login(world.p.study_observer)
    assert link.encode() not in observer.get(world.document.get_absolute_url()).content
    stored = Path(world.document.original.path)
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        world.document.delete()
        assert stored.exists()  # the file goes only once the deletion is committed
    assert not stored.exists()
    assert client.get(link).status_code == 404


def test_a_document_without_original_has_nothing_to_download(world: World) -> None:
    bare = services.add_material(study=world.p.study, kind=DocumentKind.OTHER, title="x", text="y")
    client = Client()
    client.force_login(world.p.researcher)
    url_ = reverse("studies:document_original", args=[world.p.study.slug, bare.pk])
    assert client.get(url_).status_code == 404
