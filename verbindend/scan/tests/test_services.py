"""Writes: opening rounds, answering, bad input, and the scheduler's jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from verbindend.core.errors import DomainError
from verbindend.method import content
from verbindend.networks.models import Person
from verbindend.scan import services
from verbindend.scan.models import Answer, Comment, Response, Round, ScanInvitation
from verbindend.scan.tests.builders import make_round, organisation, respond
from verbindend.testing.personas import Personas, build


def _open_round(personas: Personas, **extra: object) -> Round:
    today = timezone.localdate()
    return services.create_round(
        network=personas.network,
        by=personas.coordinator,
        title="Scan",
        opens_on=today,
        closes_on=today + timedelta(days=14),
        k=5,
        show_breakdowns=True,
        **extra,  # type: ignore[arg-type]
    )


def test_a_round_records_the_content_version_and_items(personas: Personas) -> None:
    round_ = _open_round(personas)
    assert round_.content_version == content.version()
    assert round_.item_keys == [n.key for n in content.of_kind("scan_item")]
    assert round_.principle_keys() == [f"principle.p{i}" for i in range(1, 6)]
    assert round_.code and round_.accepts_answers()


def test_a_new_round_copies_the_previous_settings(personas: Personas) -> None:
    first = _open_round(personas, reminder_days=3)
    first.k, first.show_breakdowns = 9, False
    first.save()
    copied = services.previous_settings(personas.network)
    assert (copied["k"], copied["show_breakdowns"], copied["reminder_days"]) == (9, False, 3)
    assert copied["closes_on"] - copied["opens_on"] == timedelta(days=14)  # type: ignore[operator]


@pytest.mark.parametrize("k", [0, 4])
def test_k_below_five_is_refused(personas: Personas, k: int) -> None:
    with pytest.raises(DomainError) as error:
        services.create_round(
            network=personas.network,
            by=None,
            title="x",
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate(),
            k=k,
            show_breakdowns=True,
        )
    assert error.value.code == "scans.k"
    assert not Round.objects.exists()


def test_answers_save_per_item_and_change_while_open(personas: Personas) -> None:
    round_ = _open_round(personas)
    response = services.start_response(round_=round_, lead_role="trekker")
    services.save_answer(response=response, item_key="scan.p1.s1", raw_value="4")
    services.save_answer(response=response, item_key="scan.p1.s1", raw_value="unknown")
    services.save_answer(response=response, item_key="scan.p1.s2", raw_value="2")
    assert dict(response.answers.values_list("item_key", "value")) == {
        "scan.p1.s1": None,
        "scan.p1.s2": 2,
    }
    assert response.answers.get(item_key="scan.p1.s2").principle_key == "principle.p1"


@pytest.mark.parametrize("raw", ["0", "6", "-1", "3.5", "", "abc", "1 OR 1=1", None, "５"])
def test_out_of_range_values_are_refused_and_nothing_changes(
    personas: Personas, raw: object
) -> None:
    round_ = _open_round(personas)
    response = services.start_response(round_=round_)
    services.save_answer(response=response, item_key="scan.p1.s1", raw_value="3")
    with pytest.raises(DomainError) as error:
        services.save_answer(response=response, item_key="scan.p1.s1", raw_value=raw)
    assert error.value.code == "scans.value"
    assert response.answers.get().value == 3


def test_an_item_outside_the_round_is_refused(personas: Personas) -> None:
    round_ = _open_round(personas)
    round_.item_keys = ["scan.p1.s1"]
    round_.save()
    response = services.start_response(round_=round_)
    for item in ["scan.p1.s2", "principle.p1", "", "x" * 500]:
        with pytest.raises(DomainError):
            services.save_answer(response=response, item_key=item, raw_value="3")
    assert not Answer.objects.exists()


def test_a_page_with_one_bad_value_saves_nothing(personas: Personas) -> None:
    round_ = _open_round(personas)
    response = services.start_response(round_=round_)
    with pytest.raises(DomainError):
        services.save_principle(
            response=response,
            principle_key="principle.p1",
            values={"scan.p1.s1": "4", "scan.p1.s2": "9"},
            comment="Mooi",
        )
    assert not Answer.objects.exists() and not Comment.objects.exists()
    services.save_principle(
        response=response,
        principle_key="principle.p1",
        values={"scan.p1.s1": "4", "scan.p1.s2": ""},
        comment="  Mooi  ",
    )
    assert list(response.answers.values_list("item_key", "value")) == [("scan.p1.s1", 4)]
    assert response.comments.get().text == "Mooi"


def test_an_over_long_comment_is_refused(personas: Personas) -> None:
    response = services.start_response(round_=_open_round(personas))
    with pytest.raises(DomainError) as error:
        services.save_principle(
            response=response, principle_key="principle.p2", values={}, comment="x" * 2001
        )
    assert error.value.code == "scans.comment"


def test_nothing_changes_after_close(personas: Personas) -> None:
    round_ = _open_round(personas)
    response = services.start_response(round_=round_)
    services.save_answer(response=response, item_key="scan.p1.s1", raw_value="2")
    services.close_round(round_=round_)
    response.refresh_from_db()
    for attempt in (
        lambda: services.save_answer(response=response, item_key="scan.p1.s1", raw_value="5"),
        lambda: services.save_principle(
            response=response, principle_key="principle.p1", values={"scan.p1.s1": "5"}, comment=""
        ),
        lambda: services.start_response(round_=round_),
        lambda: services.finish_response(response=response),
        lambda: services.close_round(round_=round_),
    ):
        with pytest.raises(DomainError) as error:
            attempt()
        assert error.value.code == "scans.closed"
    assert response.answers.get().value == 2


def test_a_round_past_its_close_date_takes_no_answers_before_the_job_runs(
    personas: Personas,
) -> None:
    round_ = make_round(personas.network, closed=False, days_ago=90)  # closed 30 days ago
    response = respond(round_, [3, 3, 3])
    with pytest.raises(DomainError):
        services.save_answer(response=response, item_key="scan.p1.s1", raw_value="5")


def test_one_response_per_invitation(personas: Personas) -> None:
    round_ = _open_round(personas)
    invitation = ScanInvitation.objects.create(round=round_, email="a@example.org")
    services.start_response(round_=round_, invitation=invitation)
    with pytest.raises(DomainError) as error:
        services.start_response(round_=round_, invitation=invitation)
    assert error.value.code == "scans.already_started"
    assert Response.objects.count() == 1


def test_attributes_must_be_of_the_network(personas: Personas) -> None:
    round_ = _open_round(personas)
    elsewhere = organisation(personas.other_network, "Elders")
    with pytest.raises(DomainError):
        services.start_response(round_=round_, organisation_id=elsewhere.pk)
    with pytest.raises(DomainError):
        services.start_response(round_=round_, organisation_id="nope")
    with pytest.raises(DomainError):
        services.start_response(round_=round_, lead_role="boss")
    response = services.start_response(
        round_=round_, organisation_id=personas.organisation.pk, tenure="newcomer"
    )
    # stored as given: renaming the organisation later does not change the response
    personas.organisation.name = "Nieuwe naam"
    personas.organisation.save()
    response.refresh_from_db()
    assert response.organisation_name == "Organisatie Één"


# scheduler jobs ---------------------------------------------------------------------------------


def test_close_due_rounds_closes_only_rounds_past_their_date(personas: Personas) -> None:
    due = make_round(personas.network, closed=False, days_ago=90)
    running = make_round(personas.network, closed=False, days_ago=10)
    assert services.close_due_rounds() == 1
    due.refresh_from_db()
    running.refresh_from_db()
    assert due.is_closed and not running.is_closed
    assert services.close_due_rounds() == 0


def test_invitations_and_reminders(personas: Personas) -> None:
    Person.objects.create(network=personas.network, name="B", email="B@Example.org")
    Person.objects.create(network=personas.network, name="C", email="c@example.org")
    Person.objects.create(network=personas.network, name="Geen mail")
    round_ = _open_round(personas, reminder_days=3)
    assert services.invite_members(round_=round_) == 2
    assert services.invite_members(round_=round_) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.org", "c@example.org"]
    link = services.invitation_link(ScanInvitation.objects.get(email="c@example.org"))
    assert link in mail.outbox[1].body or link in mail.outbox[0].body
    finished = ScanInvitation.objects.get(email="b@example.org")
    response = services.start_response(round_=round_, invitation=finished)
    services.finish_response(response=response)
    mail.outbox.clear()

    now = timezone.now()
    assert services.send_reminders(now=now) == 0  # sent today: too early
    later = now + timedelta(days=4)
    assert services.send_reminders(now=later) == 1
    assert [m.to for m in mail.outbox] == [["c@example.org"]]
    assert services.send_reminders(now=later + timedelta(days=1)) == 0  # once per 3 days
    assert services.send_reminders(now=later + timedelta(days=4)) == 1


def test_no_reminders_for_closed_rounds(personas: Personas) -> None:
    round_ = _open_round(personas)
    ScanInvitation.objects.create(
        round=round_, email="x@example.org", sent_at=timezone.now() - timedelta(days=30)
    )
    services.close_round(round_=round_)
    assert services.send_reminders() == 0


def test_the_tasks_run_the_services(personas: Personas) -> None:
    from verbindend.scan import tasks

    make_round(personas.network, closed=False, days_ago=90)
    assert tasks.close_due_rounds.call() == 1
    assert tasks.send_reminders.call() == 0


class TestAnyValue(HypothesisTestCase):
    """Whatever a client sends as a value, it is one of 1–5/unknown, or refused unchanged."""

    @given(st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.none()))
    def test_any_value(self, raw: object) -> None:
        personas = build()
        round_ = _open_round(personas)
        response = services.start_response(round_=round_)
        try:
            answer = services.save_answer(response=response, item_key="scan.p1.s1", raw_value=raw)
        except DomainError as error:
            assert error.code == "scans.value"
            assert not Answer.objects.exists()
        else:
            assert answer.value in {1, 2, 3, 4, 5, None}
