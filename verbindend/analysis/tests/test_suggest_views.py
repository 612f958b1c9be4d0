"""Suggestion pages × every persona, and hostile input to accept, reject, bulk accept and undo."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbindend.analysis import services as analysis_services
from verbindend.analysis.models import (
    Coding,
    ModelStatus,
    Suggestion,
    SuggestionModel,
    SuggestionStatus,
)
from verbindend.analysis.suggest import services
from verbindend.studies import services as study_services
from verbindend.studies.models import Document, DocumentKind
from verbindend.testing.personas import PERSONAS, Personas, expected_status

READERS = frozenset({"researcher", "study_observer"})
RESEARCHER = frozenset({"researcher"})
TEXT = (
    "We hebben samen de jobbeurs georganiseerd en daar veel van elkaar geleerd. "
    "Nieuwe partners die instappen, zijn vaak niet mee met de geschiedenis van het netwerk. "
    "We hebben een gezamenlijke naam en een logo gekozen, zodat de stad ons herkent."
)


@dataclass
class Fx:
    p: Personas
    document: Document
    suggestion: Suggestion
    other: Suggestion  # of another study


def _suggested(p: Personas, study: object) -> tuple[Document, Suggestion]:
    analysis_services.seed_codebook(study=study)
    document = study_services.add_material(
        study=study, kind=DocumentKind.TRANSCRIPT, title="Interview", text=TEXT
    )
    services.suggest_for_document(document)
    first = services.open_suggestions(document).first()
    assert first is not None
    return document, first


@pytest.fixture
def fx(personas: Personas) -> Fx:
    document, suggestion = _suggested(personas, personas.study)
    _other_doc, other = _suggested(personas, personas.other_study)
    return Fx(personas, document, suggestion, other)


def url(name: str, arg: Callable[[Fx], object] | None = None) -> Callable[[Fx], str]:
    return lambda f: reverse(f"analysis:{name}", args=[f.p.study.slug, *([arg(f)] if arg else [])])


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[Fx], str]
    allowed: frozenset[str]
    method: str = "get"
    data: Callable[[Fx], dict[str, object]] | None = None


ROWS = [
    Row("suggestions", url("suggestions", lambda f: f.document.pk), RESEARCHER),
    Row("accept", url("accept", lambda f: f.suggestion.uuid), RESEARCHER, "post"),
    Row("reject", url("reject", lambda f: f.suggestion.uuid), RESEARCHER, "post"),
    Row(
        "bulk accept",
        url("suggestions_accept", lambda f: f.document.pk),
        RESEARCHER,
        "post",
        lambda f: {"threshold": "0.5", "confirm": "yes"},
    ),
    Row("find", url("suggestions_find", lambda f: f.document.pk), RESEARCHER, "post"),
    Row("model", url("suggest_model"), READERS),
    Row("retrain", url("suggest_train"), RESEARCHER, "post"),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
@pytest.mark.parametrize("who", PERSONAS)
def test_role_gets_what_the_table_says(fx: Fx, row: Row, who: str) -> None:
    client = Client()
    client.force_login(fx.p.everyone()[who])
    data = row.data(fx) if row.data else {}
    status = getattr(client, row.method)(row.url(fx), data).status_code
    expected = expected_status(who, allowed=row.allowed, visible=READERS, method=row.method)
    assert status in expected, (who, row.name, status)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_anonymous_is_sent_to_log_in(fx: Fx, row: Row) -> None:
    response = getattr(Client(), row.method)(row.url(fx))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_wrong_methods_are_refused(fx: Fx, row: Row) -> None:
    client = Client()
    client.force_login(fx.p.researcher)
    method = "post" if row.method == "get" else "get"
    assert getattr(client, method)(row.url(fx)).status_code == 405


def researcher(fx: Fx) -> Client:
    client = Client()
    client.force_login(fx.p.researcher)
    return client


def test_the_suggestions_page_lists_segments_with_confidence(fx: Fx) -> None:
    response = researcher(fx).get(
        reverse("analysis:suggestions", args=[fx.p.study.slug, fx.document.pk])
    )
    body = response.content.decode()
    assert "Nieuwe partners die instappen" in body
    assert " %</span>" in body and "Accept" in body and "Reject" in body


def test_opening_the_page_writes_nothing_and_looking_again_is_a_post(fx: Fx) -> None:
    Suggestion.objects.filter(document=fx.document).delete()
    client = researcher(fx)
    page = client.get(reverse("analysis:suggestions", args=[fx.p.study.slug, fx.document.pk]))
    assert page.status_code == 200 and 'id="no-suggestions"' in page.content.decode()
    assert not Suggestion.objects.filter(document=fx.document).exists()
    found = client.post(
        reverse("analysis:suggestions_find", args=[fx.p.study.slug, fx.document.pk]), follow=True
    )
    assert found.redirect_chain[-1][0].endswith(
        reverse("analysis:suggestions", args=[fx.p.study.slug, fx.document.pk])
    )
    made = Suggestion.objects.filter(document=fx.document).count()
    assert made > 0 and f"{made} new suggestion" in found.content.decode()
    assert "Nieuwe partners die instappen" in found.content.decode()


def test_accept_over_htmx_codes_the_segment_and_removes_the_row(fx: Fx) -> None:
    response = researcher(fx).post(
        reverse("analysis:accept", args=[fx.p.study.slug, fx.suggestion.uuid]),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Trigger"] == "codings-changed"
    coding = Coding.objects.get(document=fx.document)
    assert coding.coder == fx.p.researcher and coding.start == fx.suggestion.start


def test_double_accept_is_a_clear_conflict_and_codes_once(fx: Fx) -> None:
    client = researcher(fx)
    target = reverse("analysis:accept", args=[fx.p.study.slug, fx.suggestion.uuid])
    assert client.post(target).status_code == 302
    again = client.post(target)
    assert again.status_code == 409
    assert "already decided" in again.content.decode()
    assert Coding.objects.filter(document=fx.document).count() == 1


def test_another_studys_suggestion_is_not_found_and_unchanged(fx: Fx) -> None:
    for name in ("accept", "reject"):
        response = researcher(fx).post(
            reverse(f"analysis:{name}", args=[fx.p.study.slug, fx.other.uuid])
        )
        assert response.status_code == 404
    fx.other.refresh_from_db()
    assert fx.other.status == SuggestionStatus.PENDING


@given(ident=st.uuids())
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_unknown_suggestions_are_not_found(fx: Fx, ident: uuid.UUID) -> None:
    response = researcher(fx).post(reverse("analysis:reject", args=[fx.p.study.slug, ident]))
    assert response.status_code == 404


@given(threshold=st.one_of(st.text(max_size=8), st.sampled_from(["-1", "1.5", "nan", "inf", ""])))
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_bulk_accept_with_a_bad_threshold_changes_nothing(fx: Fx, threshold: str) -> None:
    try:
        ok = 0 <= float(threshold.replace(",", ".")) <= 1
    except ValueError:
        ok = False
    if ok:
        return
    response = researcher(fx).post(
        reverse("analysis:suggestions_accept", args=[fx.p.study.slug, fx.document.pk]),
        {"threshold": threshold, "confirm": "yes"},
    )
    assert response.status_code == 400
    assert not Coding.objects.exists()


def test_bulk_accept_asks_for_confirmation_with_a_count_then_can_be_undone(fx: Fx) -> None:
    client = researcher(fx)
    target = reverse("analysis:suggestions_accept", args=[fx.p.study.slug, fx.document.pk])
    open_count = services.open_suggestions(fx.document).filter(confidence__gte=0).count()
    confirm = client.post(target, {"threshold": "0"})
    assert confirm.status_code == 200
    assert f"{open_count} suggestions" in confirm.content.decode()
    assert not Coding.objects.exists()
    client.post(target, {"threshold": "0", "confirm": "yes"})
    assert Coding.objects.count() == open_count
    page = client.get(reverse("analysis:suggestions", args=[fx.p.study.slug, fx.document.pk]))
    assert "Undo" in page.content.decode()
    batch = client.session["suggest_undo"]["batch"]
    undo = reverse("analysis:suggestions_undo", args=[fx.p.study.slug, fx.document.pk])
    assert client.post(undo, {"batch": batch}).status_code == 302
    assert not Coding.objects.exists()
    assert client.post(undo, {"batch": batch}).status_code == 404
    assert client.post(undo, {"batch": "not-a-uuid"}).status_code == 404


def test_the_model_page_polls_while_training_and_shows_quality(
    fx: Fx, django_capture_on_commit_callbacks: Any
) -> None:
    client = researcher(fx)
    page = client.get(reverse("analysis:suggest_model", args=[fx.p.study.slug]))
    assert "Not trained yet" in page.content.decode()
    assert "too few examples" in page.content.decode()
    SuggestionModel.objects.create(study=fx.p.study, status=ModelStatus.TRAINING, progress=40)
    polling = client.get(
        reverse("analysis:suggest_model", args=[fx.p.study.slug]), HTTP_HX_REQUEST="true"
    )
    assert 'hx-trigger="every 1s"' in polling.content.decode()
    assert "40 %" in polling.content.decode() and "<html" not in polling.content.decode()
    SuggestionModel.objects.filter(study=fx.p.study).update(status=ModelStatus.READY)
    with django_capture_on_commit_callbacks(execute=True):  # the task runs at once in tests
        client.post(reverse("analysis:suggest_train", args=[fx.p.study.slug]))
    page = client.get(reverse("analysis:suggest_model", args=[fx.p.study.slug]))
    assert "Last trained on" in page.content.decode()
    assert 'hx-trigger="every 1s"' not in page.content.decode()


def test_the_threshold_field_is_filled_in_on_a_dutch_page(fx: Fx) -> None:
    """A number field takes 0.6, not the Dutch 0,6: else it shows empty."""
    client = researcher(fx)
    client.cookies["django_language"] = "nl"
    page = client.get(reverse("analysis:suggestions", args=[fx.p.study.slug, fx.document.pk]))
    assert 'id="threshold" name="threshold" type="number"' in page.content.decode()
    assert 'step="0.05" value="0.6"' in page.content.decode()


def test_a_sentence_shows_once_with_its_codes_and_equal_accept_and_reject(fx: Fx) -> None:
    second = analysis_services.code_for_key(fx.p.study, "principle.p5")
    if second.pk == fx.suggestion.code_id:
        second = analysis_services.code_for_key(fx.p.study, "principle.p4")
    Suggestion.objects.create(
        study=fx.p.study,
        document=fx.document,
        code=second,
        start=fx.suggestion.start,
        end=fx.suggestion.end,
        confidence=0.25,
        source="framework",
    )
    page = researcher(fx).get(
        reverse("analysis:suggestions", args=[fx.p.study.slug, fx.document.pk])
    )
    body = page.content.decode()
    fragment = fx.document.text[fx.suggestion.start : fx.suggestion.end]
    assert body.count(f">{fragment}</blockquote>") == 1
    assert body.count('class="suggested-code"') == services.open_suggestions(fx.document).count()
    accept = body.split('data-decide="accept"')[0].rsplit("<button", 1)[1]
    reject = body.split('data-decide="reject"')[0].rsplit("<button", 1)[1]
    assert accept == reject == ' type="submit" class="button secondary small" '
    assert 'id="suggest-keys"' in body and "<kbd>A</kbd>" in body and "suggestions.js" in body


def test_precision_from_a_few_held_out_codings_is_not_shown(fx: Fx) -> None:
    rows = services.quality_rows(fx.p.study)
    few, many = str(rows[0]["code"].uuid), str(rows[1]["code"].uuid)
    quality = {
        few: {"examples": 4, "too_few": True, "precision": 1.0, "recall": 1.0, "support": 1},
        many: {"examples": 24, "too_few": False, "precision": 0.83, "recall": 0.5, "support": 6},
    }
    SuggestionModel.objects.create(study=fx.p.study, status=ModelStatus.READY, quality=quality)
    body = (
        researcher(fx)
        .get(reverse("analysis:suggest_model", args=[fx.p.study.slug]))
        .content.decode()
    )
    assert "too few examples to tell (1 held out)" in body
    assert "100 %" not in body
    assert "83 %" in body and "50 %" in body
