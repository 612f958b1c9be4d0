"""Who may reach which history-line page: the table is the specification.

ALLOWED → 200 (or a redirect after a POST), VISIBLE → 403, anyone else → 404, anonymous → login.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.accounts.models import User
from verbindend.historyline import services
from verbindend.historyline.tests.conftest import World
from verbindend.testing.personas import PERSONAS

NETWORK_READERS = frozenset({"coordinator", "facilitator", "member", "observer", "researcher"})
RUNNERS = frozenset({"coordinator", "facilitator"})
DRAWERS = frozenset({"coordinator", "facilitator", "member"})
EXPORTERS = frozenset({"coordinator", "facilitator", "researcher"})
STUDY_READERS = frozenset({"researcher", "study_observer"})
STUDY_RUNNERS = frozenset({"researcher"})
LINE: dict[str, Any] = {"points": [[0, 10], [100, 60]]}


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[World], str]
    allowed: frozenset[str]
    visible: frozenset[str]
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    json: bool = False


def ex(name: str, *extra: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(f"historyline:{name}", args=[w.exercise.pk, *(f(w) for f in extra)])


def sx(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"historyline:{name}", args=[w.study_exercise.pk])


def moment_data(w: World) -> dict[str, Any]:
    return {"on": "2021-03-01", "kind": "valley", "title": "Dip"}


ROWS = [
    Row(
        "network list",
        lambda w: reverse("historyline:network", args=[w.p.network.slug]),
        NETWORK_READERS,
        NETWORK_READERS,
    ),
    Row(
        "network create",
        lambda w: reverse("historyline:network_create", args=[w.p.network.slug]),
        RUNNERS,
        NETWORK_READERS,
    ),
    Row("detail", ex("detail"), NETWORK_READERS, NETWORK_READERS),
    Row("edit axis", ex("edit"), RUNNERS, NETWORK_READERS),
    Row("save own line", ex("line"), DRAWERS, NETWORK_READERS, "post", lambda w: LINE, json=True),
    Row("add own moment", ex("moments"), DRAWERS, NETWORK_READERS, "post", moment_data),
    Row("interview: choose", ex("interview"), RUNNERS, NETWORK_READERS),
    Row(
        "interview: person",
        ex("interview_person", lambda w: w.p.person.pk),
        RUNNERS,
        NETWORK_READERS,
    ),
    Row(
        "interview: line",
        ex("interview_line", lambda w: w.p.person.pk),
        RUNNERS,
        NETWORK_READERS,
        "post",
        lambda w: LINE,
        json=True,
    ),
    Row(
        "interview: moment",
        ex("interview_moments", lambda w: w.p.person.pk),
        RUNNERS,
        NETWORK_READERS,
        "post",
        moment_data,
    ),
    Row("together", ex("together"), NETWORK_READERS, NETWORK_READERS),
    Row(
        "tolerance",
        ex("tolerance"),
        RUNNERS,
        NETWORK_READERS,
        "post",
        lambda w: {"tolerance_days": 30},
    ),
    Row("wall", ex("wall"), NETWORK_READERS, NETWORK_READERS),
    Row("overlay svg", ex("overlay", lambda w: "svg"), NETWORK_READERS, NETWORK_READERS),
    Row(
        "line svg",
        ex("line_image", lambda w: w.line.pk, lambda w: "svg"),
        EXPORTERS,
        NETWORK_READERS,
    ),
    Row("points csv", ex("points_csv"), EXPORTERS, NETWORK_READERS),
    Row("moments csv", ex("moments_csv"), EXPORTERS, NETWORK_READERS),
    Row("stories", ex("stories"), EXPORTERS, NETWORK_READERS),
    Row(
        "moment delete",
        ex("moment_delete", lambda w: w.line.moments.get().pk),
        RUNNERS,
        NETWORK_READERS,
        "post",
        lambda w: {},
    ),
    Row(
        "study list",
        lambda w: reverse("historyline:study", args=[w.p.study.slug]),
        STUDY_READERS,
        STUDY_READERS,
    ),
    Row(
        "study create",
        lambda w: reverse("historyline:study_create", args=[w.p.study.slug]),
        STUDY_RUNNERS,
        STUDY_READERS,
    ),
    Row("study detail", sx("detail"), STUDY_READERS, STUDY_READERS),
    Row("study line", sx("line"), STUDY_RUNNERS, STUDY_READERS, "post", lambda w: LINE, json=True),
    Row("study together", sx("together"), STUDY_READERS, STUDY_READERS),
    Row("study stories", sx("stories"), STUDY_RUNNERS, STUDY_READERS),
]
WHO = PERSONAS


def call(client: Client, row: Row, w: World, user: User) -> int:
    data = row.data(w) if row.data else None
    if row.name == "add own moment":  # a moment needs the user's own line first
        key = services.participant_key_for(exercise=w.exercise, user=user)
        services.save_line(exercise=w.exercise, participant_key=key, points=LINE["points"])
    if row.json:
        return client.post(
            row.url(w), json.dumps(data), content_type="application/json"
        ).status_code
    return getattr(client, row.method)(row.url(w), data).status_code


def expected(row: Row, who: str) -> set[int]:
    if who in row.allowed:
        return {200, 302}
    if who in row.visible:
        return {403}
    return {404}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_role_gets_what_the_table_says(world: World, row: Row, who: str) -> None:
    client = Client()
    user = world.p.everyone()[who]
    client.force_login(user)
    assert call(client, row, world, user) in expected(row, who), (who, row.name)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_anonymous_is_sent_to_log_in(world: World, row: Row) -> None:
    response = getattr(Client(), row.method)(row.url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_site_administrator_may_do_everything(world: World, row: Row) -> None:
    client = Client()
    client.force_login(world.p.admin)
    assert call(client, row, world, world.p.admin) in {200, 302}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_the_wrong_method_is_refused(world: World, row: Row) -> None:
    client = Client()
    client.force_login(world.p.admin)
    wrong = "put" if row.method == "get" else "get"
    assert getattr(client, wrong)(row.url(world)).status_code == 405
