"""The four conditions hold in turn: an entry reaches condition n only when 1..n have evidence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbindend.learninglog import services
from verbindend.learninglog.models import CONDITIONS, EVIDENCE_FIELDS, Entry
from verbindend.learninglog.tests.conftest import World
from verbindend.method import content


def entry_with(*evidence: str) -> Entry:
    return Entry(title="x", **dict(zip(EVIDENCE_FIELDS, evidence, strict=False)))


@pytest.mark.parametrize(
    ("evidence", "reached"),
    [
        ((), 0),
        (("learned",), 1),
        (("learned", "shared"), 2),
        (("learned", "shared", "behaviour"), 3),
        (("learned", "shared", "behaviour", "anchored"), 4),
        (("", "shared", "behaviour", "anchored"), 0),
        (("learned", "", "behaviour", "anchored"), 1),
        (("learned", "shared", "   ", "anchored"), 2),
    ],
)
def test_an_entry_reaches_a_condition_only_when_every_earlier_one_holds(
    evidence: tuple[str, ...], reached: int
) -> None:
    assert entry_with(*evidence).compute_reached() == reached


@given(st.lists(st.sampled_from(["", " ", "evidence"]), min_size=4, max_size=4))
def test_reached_is_the_length_of_the_unbroken_run_of_evidence(texts: list[str]) -> None:
    entry = entry_with(*texts)
    reached = entry.compute_reached()
    assert all(t.strip() for t in texts[:reached])
    assert reached == 4 or not texts[reached].strip()
    rows = services.conditions_of(entry)
    assert [r.reached for r in rows] == [i < reached for i in range(4)]


@pytest.mark.parametrize("reached", range(5))
def test_the_next_step_is_about_the_next_condition(reached: int) -> None:
    entry = entry_with(*(["evidence"] * reached))
    key = services.next_step_key(entry)
    assert content.exists(key)
    if reached < 4:
        assert key == CONDITIONS[reached] + ".next"
    else:
        assert key == "condition.anchored.keep"


def test_a_gap_is_pointed_out() -> None:
    assert services.gap_warning(entry_with("a", "", "c")) == 2
    assert services.gap_warning(entry_with("a", "b")) is None


def test_reached_is_stored_on_save_and_counted(world: World) -> None:
    entry = world.entry
    assert entry.reached == 1
    entry.evidence_shared = "Op het overleg verteld."
    entry.save(update_fields=["evidence_shared"])
    entry.refresh_from_db()
    assert entry.reached == 2
    counts = dict(services.condition_counts(Entry.objects.filter(network=world.p.network)))
    assert counts == {
        "condition.learned": 1,
        "condition.shared": 1,
        "condition.collective_behaviour": 0,
        "condition.anchored": 0,
    }


def test_every_condition_has_a_next_step_and_anchor_places_exist() -> None:
    for key in services.NEXT_STEPS:
        node = content.get(key)
        assert node.title and node.body
    places = content.get("condition.anchored").children("anchor_place")
    assert {p.key.rsplit(".", 1)[1] for p in places} >= {
        "way_of_working",
        "services",
        "schedules",
        "information_flow",
    }
