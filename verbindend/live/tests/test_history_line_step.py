"""The history line as a live step: its exercise, the phone's endpoints, and the wall."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbindend.historyline.models import Exercise, Line, Moment
from verbindend.live import engine, history, services
from verbindend.live.models import Event, LiveSession, Participant, Step, StepKind, cookie_name
from verbindend.testing.personas import Personas

pytestmark = pytest.mark.django_db


# -- the exercise of a step -----------------------------------------------------------------


def history_step(session: LiveSession) -> Step:
    return session.steps.get(kind=StepKind.HISTORY_LINE)


def test_the_interview_template_creates_the_exercise_of_its_history_step(
    personas: Personas,
) -> None:
    personas.network.founded_on = date(2015, 3, 1)
    personas.network.save()
    session = services.create_session(
        creator=personas.facilitator, template="interview", network=personas.network
    )
    step = history_step(session)
    exercise = Exercise.objects.get(live_step_id=step.pk)
    assert exercise.network == personas.network and exercise.study is None
    assert exercise.start_date == date(2015, 3, 1)
    assert exercise.end_date == timezone.localdate()
    assert exercise.created_by == personas.facilitator


def test_creating_the_exercise_is_idempotent(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.facilitator, template="interview", network=personas.network
    )
    step = history_step(session)
    first = history.ensure_exercise(step)
    assert history.ensure_exercise(step) == first
    history.ensure_exercises(session)
    services.start(session=session)
    services.go_to(session=session, step=step)
    services.go(session=session, forward=False)
    services.go_to(session=session, step=step)
    services.set_step_flag(step=step, flag="locked", value=True)
    assert Exercise.objects.filter(live_step_id=step.pk).count() == 1


def test_other_steps_get_no_exercise(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.facilitator, template="focus_group", network=personas.network
    )
    for step in session.steps.all():
        assert history.ensure_exercise(step) is None
    assert not Exercise.objects.filter(live_step_id__in=session.steps.values("pk")).exists()


def test_a_step_the_facilitator_adds_gets_its_exercise_at_once(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.facilitator, template="focus_group", network=personas.network
    )
    step = services.add_step(session=session, kind=StepKind.HISTORY_LINE, prompt="Onze weg")
    exercise = Exercise.objects.get(live_step_id=step.pk)
    # the network has no founding date: ten years back
    today = timezone.localdate()
    assert (today - exercise.start_date).days in (3652, 3653)


def test_a_study_session_gets_a_study_exercise(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.researcher, template="cross_network", study=personas.study
    )
    step = services.add_step(session=session, kind=StepKind.HISTORY_LINE, prompt="Het verloop")
    exercise = Exercise.objects.get(live_step_id=step.pk)
    assert exercise.study == personas.study and exercise.network is None


def test_a_copied_session_gets_its_own_exercises(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.facilitator, template="interview", network=personas.network
    )
    copy = services.duplicate_session(session=session, creator=personas.coordinator)
    original, copied = history_step(session), history_step(copy)
    assert Exercise.objects.get(live_step_id=copied.pk) != Exercise.objects.get(
        live_step_id=original.pk
    )


def test_a_step_without_exercise_gets_it_when_it_opens(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.facilitator, template="interview", network=personas.network
    )
    step = history_step(session)
    Exercise.objects.filter(live_step_id=step.pk).delete()  # e.g. a session from before
    services.start(session=session)
    assert not Exercise.objects.filter(live_step_id=step.pk).exists()
    services.go_to(session=session, step=step)
    assert Exercise.objects.filter(live_step_id=step.pk).count() == 1


def test_founding_dates_in_the_future_fall_back_to_ten_years(personas: Personas) -> None:
    today = date(2024, 2, 29)
    personas.network.founded_on = today + timedelta(days=3)
    session = LiveSession(network=personas.network, title="x")
    assert history.axis_start(session, today) == date(2014, 2, 28)


# -- the phone's endpoints ------------------------------------------------------------------


@dataclass
class Room:
    p: Personas
    session: LiveSession
    step: Step
    ann: Participant
    bert: Participant

    def phone(self, who: Participant | None = None, **extra: Any) -> Client:
        client = Client(**extra)
        client.cookies[cookie_name(self.session.public_id)] = (who or self.ann).token
        return client

    def url(self, what: str = "line", step: Step | None = None, public_id: str = "") -> str:
        name = "live:history_line" if what == "line" else "live:history_moment"
        return reverse(name, args=[public_id or self.session.public_id, (step or self.step).pk])

    def exercise(self) -> Exercise:
        return Exercise.objects.get(live_step_id=self.step.pk)


def make_room(personas: Personas) -> Room:
    session = services.create_session(
        creator=personas.facilitator, template="interview", network=personas.network
    )
    step = history_step(session)
    services.start(session=session)
    services.go_to(session=session, step=step)
    session.refresh_from_db()
    ann = services.join(session=session, display_name="Ann")
    bert = services.join(session=session, display_name="Bert")
    return Room(personas, session, step, ann, bert)


@pytest.fixture
def room(personas: Personas) -> Room:
    return make_room(personas)


def post_line(client: Client, url: str, points: Any) -> Any:
    return client.post(
        url,
        json.dumps({"points": points}),
        content_type="application/json",
        headers={"accept": "application/json"},
    )


def moment_data(room: Room, **extra: str) -> dict[str, str]:
    return {
        "on": (room.exercise().start_date + timedelta(days=400)).isoformat(),
        "kind": "peak",
        "title": "De eerste samenkomst",
        "value": "80",
        **extra,
    }


POINTS = [[0, 20], [400, 80], [900, 30], [1500, 70]]


def test_the_phone_shows_the_drawing_with_the_live_endpoints(room: Room) -> None:
    page = room.phone().get(reverse("live:phone", args=[room.session.public_id]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "data-historyline" in body
    assert f'data-save-url="{room.url("line")}"' in body
    assert f'data-moment-url="{room.url("moment")}"' in body
    assert 'class="answer' not in body  # the drawing's own forms are not nested in another
    assert "live/history.js" in body


def test_a_participant_saves_their_line_and_the_wall_is_told(room: Room) -> None:
    before = room.session.last_sequence
    response = post_line(room.phone(), room.url(), POINTS)
    assert response.status_code == 200 and response.json()["ok"]
    line = Line.objects.get(exercise=room.exercise())
    assert line.participant_key == history.participant_key(room.ann)
    assert line.points == POINTS
    event = Event.objects.get(session=room.session, kind="history_line")
    assert event.sequence == before + 1
    assert event.payload == {
        "type": "history_line",
        "step": room.step.pk,
        "what": "line",
        "seq": before + 1,
    }
    replay = engine.load_events(room.session.pk, before)
    assert [e["type"] for e in replay] == ["history_line"]


def test_the_wall_shows_the_lines(room: Room) -> None:
    post_line(room.phone(), room.url(), POINTS)
    post_line(room.phone(room.bert), room.url(), [[0, 60], [1000, 10]])
    wall = Client()
    wall.force_login(room.p.facilitator)
    frame = wall.get(reverse("live:wall_frame", args=[room.session.pk])).content.decode()
    assert "2 lines" in frame or "2 lijnen" in frame
    assert frame.count('class="hl-line') >= 2 or frame.count("<polyline") >= 2


def test_saving_again_replaces_the_own_line(room: Room) -> None:
    phone = room.phone()
    post_line(phone, room.url(), POINTS)
    post_line(phone, room.url(), [[0, 50], [100, 55]])
    assert Line.objects.get(exercise=room.exercise()).points == [[0, 50], [100, 55]]


def test_a_participant_cannot_change_another_participants_line(room: Room) -> None:
    post_line(room.phone(room.bert), room.url(), POINTS)
    post_line(room.phone(), room.url(), [[0, 5], [10, 6]])
    lines = {line.participant_key: line.points for line in room.exercise().lines.all()}
    assert lines[history.participant_key(room.bert)] == POINTS
    assert lines[history.participant_key(room.ann)] == [[0, 5], [10, 6]]
    # A moment always goes onto one's own line; without a line there is nothing to mark.
    room.exercise().lines.filter(participant_key=history.participant_key(room.ann)).delete()
    response = room.phone().post(
        room.url("moment"), moment_data(room), headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert not Moment.objects.exists()


def test_a_participant_marks_a_moment(room: Room) -> None:
    phone = room.phone()
    post_line(phone, room.url(), POINTS)
    response = phone.post(
        room.url("moment"), moment_data(room), headers={"accept": "application/json"}
    )
    assert response.status_code == 200, response.content
    moment = Moment.objects.get()
    assert moment.line.participant_key == history.participant_key(room.ann)
    assert Event.objects.filter(session=room.session, kind="history_line").count() == 2


def test_without_javascript_the_table_and_the_moment_form_work(room: Room) -> None:
    phone = room.phone()
    start = room.exercise().start_date
    table = {
        "date": [(start + timedelta(days=d)).isoformat() for d in (10, 500)],
        "value": ["30", "70"],
    }
    response = phone.post(room.url(), table)
    assert response.status_code == 302
    assert response.url == reverse("live:phone", args=[room.session.public_id])
    assert Line.objects.get().points == [[10, 30.0], [500, 70.0]]
    assert phone.post(room.url("moment"), moment_data(room)).status_code == 302
    assert Moment.objects.count() == 1
    bad = phone.post(room.url("moment"), moment_data(room, title=""), follow=True)
    assert bad.status_code == 200 and Moment.objects.count() == 1
    assert Event.objects.filter(session=room.session, kind="history_line").count() == 2


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"points": "zigzag"}',
        b'{"points": [[1]]}',
        b'{"points": [["gisteren", 5]]}',
        b'{"points": [[0, "hoog"]]}',
        b'{"points": null}',
        b'{"points": [[0, 1e999]]}',
        b"\xff\xfe",
    ],
)
def test_bad_lines_are_refused_clearly_and_nothing_is_saved(room: Room, body: bytes) -> None:
    response = room.phone().post(
        room.url(), body, content_type="application/json", headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["message"]
    assert not Line.objects.exists()
    assert not Event.objects.filter(kind="history_line").exists()


def test_a_bad_moment_is_refused_clearly(room: Room) -> None:
    phone = room.phone()
    post_line(phone, room.url(), POINTS)
    for data in (
        moment_data(room, on="1900-01-01"),
        moment_data(room, kind="plateau"),
        moment_data(room, title="x" * 300),
        moment_data(room, level="level.nonsense"),
        moment_data(room, on="morgen"),
    ):
        response = phone.post(room.url("moment"), data, headers={"accept": "application/json"})
        assert response.status_code == 400, data
        assert response.json()["ok"] is False
    assert not Moment.objects.exists()


# who may post: only a participant of this running session, on a history step of it


def refused(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not Line.objects.exists()


def test_no_cookie_and_forged_tokens_are_refused(room: Room) -> None:
    refused(post_line(Client(), room.url(), POINTS), 403, "live.not_joined")
    forged = Client()
    forged.cookies[cookie_name(room.session.public_id)] = "x" * 32
    refused(post_line(forged, room.url(), POINTS), 403, "live.not_joined")


@pytest.mark.parametrize(
    "who",
    [
        "coordinator",
        "facilitator",
        "member",
        "observer",
        "researcher",
        "other_coordinator",
        "admin",
    ],
)
def test_an_account_is_no_substitute_for_joining(room: Room, who: str) -> None:
    client = Client()
    client.force_login(getattr(room.p, who))
    refused(post_line(client, room.url(), POINTS), 403, "live.not_joined")


def test_a_participant_of_another_session_is_refused(room: Room) -> None:
    other = make_room_in(room.p, room.p.other_network)
    # their own token, sent for this session
    stranger = Client()
    stranger.cookies[cookie_name(room.session.public_id)] = other.ann.token
    refused(post_line(stranger, room.url(), POINTS), 403, "live.not_joined")
    # this session's participant aiming at the other session's step, through either session
    refused(post_line(room.phone(), room.url(step=other.step), POINTS), 404, "live.unknown_step")
    crossed = Client()
    crossed.cookies[cookie_name(other.session.public_id)] = room.ann.token
    refused(
        post_line(crossed, room.url(public_id=other.session.public_id), POINTS),
        403,
        "live.not_joined",
    )


def make_room_in(personas: Personas, network: Any) -> Room:
    session = services.create_session(
        creator=personas.other_coordinator, template="interview", network=network
    )
    step = history_step(session)
    services.start(session=session)
    services.go_to(session=session, step=step)
    ann = services.join(session=session, display_name="Zoë")
    bert = services.join(session=session, display_name="Zeno")
    return Room(personas, session, step, ann, bert)


def test_a_step_that_is_not_a_history_line_is_refused(room: Room) -> None:
    other_step = room.session.steps.exclude(kind=StepKind.HISTORY_LINE).first()
    refused(post_line(room.phone(), room.url(step=other_step), POINTS), 404, "live.unknown_step")


def test_a_closed_session_is_refused(room: Room) -> None:
    services.close(session=room.session)
    refused(post_line(room.phone(), room.url(), POINTS), 410, "live.closed")
    response = room.phone().post(
        room.url("moment"), moment_data(room), headers={"accept": "application/json"}
    )
    assert response.status_code == 410


def test_a_session_in_the_lobby_is_refused(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.facilitator, template="interview", network=personas.network
    )
    ann = services.join(session=session, display_name="Ann")
    room = Room(personas, session, history_step(session), ann, ann)
    refused(post_line(room.phone(), room.url(), POINTS), 409, "live.not_running")


def test_a_step_whose_exercise_is_gone_is_refused(room: Room) -> None:
    room.exercise().delete()
    refused(post_line(room.phone(), room.url(), POINTS), 404, "live.no_history_line")
    page = room.phone().get(reverse("live:phone", args=[room.session.public_id]))
    assert page.status_code == 200 and b"data-historyline" not in page.content


def test_a_locked_step_is_refused(room: Room) -> None:
    services.set_step_flag(step=room.step, flag="locked", value=True)
    refused(post_line(room.phone(), room.url(), POINTS), 400, "live.locked")
    page = room.phone().get(reverse("live:phone", args=[room.session.public_id]))
    assert page.status_code == 200


def test_a_refusal_without_javascript_is_a_clear_page(room: Room) -> None:
    response = Client().post(room.url(), {"date": ["2020-01-01"], "value": ["5"]})
    assert response.status_code == 403
    assert b"<html" in response.content.lower()


def test_only_post_is_allowed(room: Room) -> None:
    assert room.phone().get(room.url()).status_code == 405
    assert room.phone().get(room.url("moment")).status_code == 405
    assert room.phone().put(room.url()).status_code == 405


def test_csrf_is_checked(room: Room) -> None:
    phone = room.phone(enforce_csrf_checks=True)
    assert post_line(phone, room.url(), POINTS).status_code == 403
    assert not Line.objects.exists()
    page = phone.get(reverse("live:phone", args=[room.session.public_id]))
    token = page.cookies["csrftoken"].value
    response = phone.post(
        room.url(),
        json.dumps({"points": POINTS}),
        content_type="application/json",
        headers={"accept": "application/json", "x-csrftoken": token},
    )
    assert response.status_code == 200


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=12),
        lambda inner: (
            st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
        ),
        max_leaves=20,
    )
)
def test_hostile_lines_never_cause_a_server_error(room: Room, points: Any) -> None:
    response = post_line(room.phone(), room.url(), points)
    assert response.status_code in (200, 400), response.content
