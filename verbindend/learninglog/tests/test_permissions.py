"""Who may reach which learning-log page or export: the table is the specification.

ALLOWED → 200 (or a redirect after a POST), VISIBLE → 403, anyone else → 404, anonymous → login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.learninglog.tests.conftest import World
from verbindend.testing.personas import PERSONAS, expected_status

READERS = frozenset({"coordinator", "facilitator", "member", "observer", "researcher"})
ADDERS = frozenset({"coordinator", "facilitator", "member"})
MANAGERS = frozenset({"coordinator", "facilitator"})
EXPORTERS = frozenset({"coordinator", "facilitator", "researcher"})
FAR_READERS = frozenset({"other_coordinator", "other_researcher"})
FAR_MANAGERS = frozenset({"other_coordinator"})


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[World], str]
    allowed: frozenset[str]
    visible: frozenset[str]
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None


def net(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"learninglog:{name}", args=[w.p.network.slug])


def obj(name: str, attr: str) -> Callable[[World], str]:
    return lambda w: reverse(f"learninglog:{name}", args=[getattr(w, attr).pk])


def entry_data(w: World) -> dict[str, Any]:
    return {"title": "Nieuwe werkwijze", "happened_on": "2024-05-01"}


def goal_data(w: World) -> dict[str, Any]:
    return {"title": "Leren delen", "status": "active"}


def carrier_data(w: World) -> dict[str, Any]:
    return {"kind": "system", "name": "Gedeelde map", "knowledge_types": ["knowledge.dossier"]}


ROWS = [
    Row("log", net("network"), READERS, READERS),
    Row("note a change", net("entry_create"), ADDERS, READERS),
    Row("save a new entry", net("entry_create"), ADDERS, READERS, "post", entry_data),
    Row("entries csv", net("entries_csv"), EXPORTERS, READERS),
    Row("goals", net("goals"), READERS, READERS),
    Row("new goal", net("goal_create"), MANAGERS, READERS),
    Row("save a new goal", net("goal_create"), MANAGERS, READERS, "post", goal_data),
    Row("carrier map", net("carriers"), READERS, READERS),
    Row("carrier svg", net("carriers_svg"), READERS, READERS),
    Row("carrier csv", net("carriers_csv"), EXPORTERS, READERS),
    Row("new carrier", net("carrier_create"), MANAGERS, READERS),
    Row("save a new carrier", net("carrier_create"), MANAGERS, READERS, "post", carrier_data),
    Row("entry", obj("entry", "entry"), READERS, READERS),
    Row("edit own entry (member's)", obj("entry_edit", "entry"), ADDERS, READERS),
    Row(
        "save member's entry",
        obj("entry_edit", "entry"),
        ADDERS,
        READERS,
        "post",
        entry_data,
    ),
    Row("edit someone else's entry", obj("entry_edit", "other_entry"), MANAGERS, READERS),
    Row(
        "delete member's entry",
        obj("entry_delete", "entry"),
        ADDERS,
        READERS,
        "post",
        lambda w: {},
    ),
    Row(
        "delete someone else's entry",
        obj("entry_delete", "other_entry"),
        MANAGERS,
        READERS,
        "post",
        lambda w: {},
    ),
    Row("goal", obj("goal", "goal"), READERS, READERS),
    Row("edit goal", obj("goal_edit", "goal"), MANAGERS, READERS),
    Row(
        "revisit goal",
        obj("goal_revisit", "goal"),
        MANAGERS,
        READERS,
        "post",
        lambda w: {"on": "2025-01-10", "progress": "some", "note": "Halfweg"},
    ),
    Row("edit carrier", obj("carrier_edit", "carrier"), MANAGERS, READERS),
    Row(
        "remove carrier",
        obj("carrier_delete", "carrier"),
        MANAGERS,
        READERS,
        "post",
        lambda w: {},
    ),
    Row(
        "log a contribution",
        obj("from_contribution", "contribution"),
        ADDERS,
        READERS,
        "post",
        lambda w: {},
    ),
    Row(
        "log a moment",
        obj("from_moment", "moment"),
        ADDERS,
        READERS,
        "post",
        lambda w: {},
    ),
    # another network's objects
    Row(
        "other network's log",
        lambda w: reverse("learninglog:network", args=[w.p.other_network.slug]),
        FAR_READERS,
        FAR_READERS,
    ),
    Row("other network's entry", obj("entry", "far_entry"), FAR_READERS, FAR_READERS),
    Row("other network's goal", obj("goal_edit", "far_goal"), FAR_MANAGERS, FAR_READERS),
    Row("other network's carrier", obj("carrier_edit", "far_carrier"), FAR_MANAGERS, FAR_READERS),
    Row(
        "other network's contribution",
        obj("from_contribution", "far_contribution"),
        FAR_MANAGERS,
        FAR_READERS,
        "post",
        lambda w: {},
    ),
    Row(
        "other network's moment",
        obj("from_moment", "far_moment"),
        FAR_MANAGERS,
        FAR_READERS,
        "post",
        lambda w: {},
    ),
]


def call(client: Client, row: Row, w: World) -> int:
    data = row.data(w) if row.data else None
    return getattr(client, row.method)(row.url(w), data).status_code


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_role_gets_what_the_table_says(world: World, row: Row, who: str) -> None:
    client = Client()
    client.force_login(world.p.everyone()[who])
    expected = expected_status(who, allowed=row.allowed, visible=row.visible, method=row.method)
    assert call(client, row, world) in expected, (who, row.name)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_anonymous_is_sent_to_log_in(world: World, row: Row) -> None:
    response = getattr(Client(), row.method)(row.url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_site_administrator_may_do_everything(world: World, row: Row) -> None:
    client = Client()
    client.force_login(world.p.admin)
    assert call(client, row, world) in {200, 302}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_the_wrong_method_is_refused(world: World, row: Row) -> None:
    client = Client()
    client.force_login(world.p.admin)
    assert client.delete(row.url(world)).status_code == 405
