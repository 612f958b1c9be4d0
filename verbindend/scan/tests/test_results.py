"""Results on constructed data; every expected figure is worked out by hand in the comments."""

from __future__ import annotations

import math
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verbindend.scan import export, results
from verbindend.scan.results import Group, shown_groups
from verbindend.scan.tests.builders import make_round, many, organisation, respond
from verbindend.testing.personas import Personas

P1, P2 = "principle.p1", "principle.p2"


@pytest.fixture
def six(personas: Personas):  # type: ignore[no-untyped-def]
    """Six respondents on P1 (items s1, s2) and P2 (item s1); no breakdowns."""
    round_ = make_round(personas.network, breakdowns=False)
    respond(round_, [5, 3, 2])  # P1 4.0   P2 2
    respond(round_, [4, 4, 1])  # P1 4.0   P2 1
    respond(round_, [2, None, 5])  # P1 2.0   P2 5
    respond(round_, [1, 2, None])  # P1 1.5   P2 —
    respond(round_, [3, 3, 3])  # P1 3.0   P2 3
    respond(round_, [None, None, 4])  # P1 —     P2 4
    return round_


def test_means_medians_spread_and_distribution(six) -> None:  # type: ignore[no-untyped-def]
    result = results.compute(six)
    assert result.respondents == 6
    p1, p2 = result.principle(P1), result.principle(P2)
    # P1 scores 4, 4, 2, 1.5, 3: mean 14.5 / 5 = 2.9, median 3,
    # variance (1.21 + 1.21 + 0.81 + 1.96 + 0.01) / 5 = 1.04
    assert p1.n == 5
    assert p1.mean == pytest.approx(2.9)
    assert p1.median == pytest.approx(3.0)
    assert p1.sd == pytest.approx(math.sqrt(1.04))
    # P1 answers: 5,3,4,4,2,1,2,3,3 and three "don't know"
    assert p1.distribution == [("1", 1), ("2", 2), ("3", 3), ("4", 2), ("5", 1), ("unknown", 3)]
    # P2 scores 2, 1, 5, 3, 4: mean 3, median 3, variance (1 + 4 + 4 + 0 + 1) / 5 = 2
    assert (p2.n, p2.mean, p2.median) == (5, 3.0, 3.0)
    assert p2.sd == pytest.approx(math.sqrt(2))
    assert p2.distribution == [("1", 1), ("2", 1), ("3", 1), ("4", 1), ("5", 1), ("unknown", 1)]


def test_divergence_ranking_and_agenda(six) -> None:  # type: ignore[no-untyped-def]
    result = results.compute(six)
    # no organisations shown: divergence = spread; P2 (1.414) before P1 (1.020)
    assert [p.key for p in result.divergence_ranking()] == [P2, P1]
    assert result.principle(P1).divergence == pytest.approx(math.sqrt(1.04))
    # lowest means first: P1 2.9, P2 3.0
    assert [p.key for p in result.agenda()] == [P1, P2]


def test_divergence_adds_half_the_gap_between_shown_organisations(personas: Personas) -> None:
    round_ = make_round(personas.network)
    a, b = organisation(personas.network, "A"), organisation(personas.network, "B")
    many(round_, 5, [5, 5, 3], org=a)  # A: P1 5, P2 3
    many(round_, 5, [1, 1, 3], org=b)  # B: P1 1, P2 3
    result = results.compute(round_)
    p1, p2 = result.principle(P1), result.principle(P2)
    # P1 scores five 5s and five 1s: mean 3, sd 2, gap 4 → divergence 2 + 2 = 4
    assert (p1.mean, p1.sd, p1.org_gap, p1.divergence) == (3.0, 2.0, 4.0, 4.0)
    # P2 all 3: sd 0, gap 0
    assert (p2.sd, p2.org_gap, p2.divergence) == (0.0, 0.0, 0.0)
    assert [p.key for p in result.divergence_ranking()] == [P1, P2]


def test_a_three_principle_agenda_adds_the_most_divergent_after_the_two_lowest(
    personas: Personas,
) -> None:
    items = ["scan.p1.s1", "scan.p2.s1", "scan.p3.s1", "scan.p4.s1"]
    round_ = make_round(personas.network, items=items, breakdowns=False)
    # P1 all 2 (mean 2), P2 all 3 (mean 3), P3 1/5 alternating (mean 3, sd 2), P4 all 4
    for i in range(6):
        respond(round_, [2, 3, 1 if i % 2 else 5, 4])
    result = results.compute(round_)
    # two lowest: P1 (2), then P2 and P3 tie at 3 → principle order picks P2; then P3 (sd 2)
    assert [p.key for p in result.agenda()] == [P1, P2, "principle.p3"]


def test_trend_across_rounds_oldest_first(personas: Personas) -> None:
    old = make_round(personas.network, title="2024", days_ago=700)
    many(old, 5, [2, 2, 1])  # P1 2, P2 1
    mid = make_round(personas.network, title="2025", days_ago=350)
    many(mid, 5, [3, 4, 2])  # P1 3.5, P2 2
    many(mid, 1, [5, 5, 5])  # → P1 (5×3.5 + 5) / 6 = 3.75, P2 (5×2 + 5) / 6 = 2.5
    small = make_round(personas.network, title="klein", days_ago=200)
    many(small, 4, [5, 5, 5])  # under k: a row without figures
    running = make_round(personas.network, title="nu", days_ago=10, closed=False)
    many(running, 5, [5, 5, 5])  # not closed, not released: left out
    rows = results.trend([running, small, mid, old], [P1, P2])
    assert [row.round.title for row in rows] == ["2024", "2025", "klein"]
    assert rows[0].means == [2.0, 1.0]
    assert rows[1].means == [pytest.approx(3.75), pytest.approx(2.5)]
    assert rows[2].means == [None, None] and rows[2].respondents == 4
    running.released = True
    assert [row.round.title for row in results.trend([running, old], [P1])] == ["2024", "nu"]


def test_a_round_below_k_shows_nothing(personas: Personas) -> None:
    round_ = make_round(personas.network)
    org = organisation(personas.network, "A")
    many(round_, 4, [4, 4, 4], org=org, comments={P1: "geheim"})
    result = results.compute(round_)
    assert result.suppressed
    assert all(p.mean is None and not p.comments for p in result.principles)
    assert result.groups == [] and result.agenda() == []
    assert export.export_rows(round_, result) == ([], [])


def test_the_round_k_never_goes_below_the_network_k(personas: Personas) -> None:
    personas.network.k_threshold = 8
    personas.network.save()
    round_ = make_round(personas.network, k=5)
    many(round_, 7, [4, 4, 4])
    assert round_.effective_k == 8
    assert results.compute(round_).suppressed


def test_a_principle_with_fewer_than_k_scores_is_hidden(personas: Personas) -> None:
    round_ = make_round(personas.network, breakdowns=False)
    many(round_, 3, [4, 4, 2])
    many(round_, 3, [4, 4, None])  # only 3 people scored P2
    result = results.compute(round_)
    assert result.principle(P1).mean == 4.0
    p2 = result.principle(P2)
    assert (p2.n, p2.mean, p2.median) == (3, None, None)


# breakdowns and the small-group rule ------------------------------------------------------------


def _shown(result: results.RoundResult) -> set[str]:
    return {g.label for g in result.groups}


def test_a_small_organisation_is_hidden_with_its_complement(personas: Personas) -> None:
    round_ = make_round(personas.network)
    a, b, c = (organisation(personas.network, name) for name in "ABC")
    many(round_, 6, [4, 4, 4], org=a)
    many(round_, 5, [2, 2, 2], org=b)
    many(round_, 2, [1, 1, 1], org=c)
    result = results.compute(round_)
    # C (2) is hidden; total − A − B would reveal C, so the smallest shown group (B, 5) goes too
    assert _shown(result) == {"A"}
    assert result.groups_of("organisation")[0].means == {P1: 4.0, P2: 4.0}


def test_people_without_an_attribute_count_as_a_hidden_group(personas: Personas) -> None:
    round_ = make_round(personas.network)
    many(round_, 6, [4, 4, 4], lead_role="trekker")
    many(round_, 6, [2, 2, 2], lead_role="follower")
    many(round_, 3, [1, 1, 1])  # did not say
    result = results.compute(round_)
    # 3 unstated < 5: one of the two groups (equal size: the first by value) is hidden
    assert _shown(result) == {"Leading (trekker)"}


def test_a_stored_snapshot_names_its_groups_in_the_readers_language(personas: Personas) -> None:
    from django.utils import translation

    round_ = make_round(personas.network)
    many(round_, 6, [4, 4, 4], lead_role="trekker", tenure="newcomer")
    many(round_, 6, [2, 2, 2], lead_role="follower", tenure="long_standing")
    with translation.override("en"):  # the snapshot is taken by an English reader
        assert _shown(results.for_round(round_)) >= {"Leading (trekker)", "Following", "Newcomer"}
    with translation.override("nl"):  # the same snapshot, read again
        shown = _shown(results.for_round(round_))
    assert shown >= {"Trekker", "Volger", "Nieuwkomer"}, shown
    assert not shown & {"Leading (trekker)", "Following", "Newcomer", "Long-standing"}


def test_the_subtraction_attack_across_two_breakdowns(personas: Personas) -> None:
    """Organisation A (7, all trekkers) and trekkers (9): trekkers − A would be 2 people."""
    round_ = make_round(personas.network)
    a, b = organisation(personas.network, "A"), organisation(personas.network, "B")
    many(round_, 7, [5, 5, 5], org=a, lead_role="trekker")
    many(round_, 2, [1, 1, 1], org=b, lead_role="trekker")  # the two to protect
    many(round_, 11, [3, 3, 3], org=b, lead_role="follower")
    # Each group alone has ≥ 5 members, but trekkers − A isolates the two, and so do
    # B − followers and B + trekkers − everyone. The engine hides the smallest row that closes
    # the leak (trekkers, 9), then followers (11): the organisations A and B stay.
    result = results.compute(round_)
    assert _shown(result) == {"A", "B"}
    b_mean = result.groups_of("organisation")[1].means[P1]
    # B's mean mixes the two with the eleven: (2×1 + 11×3) / 13
    assert b_mean == pytest.approx(35 / 13)


def test_breakdown_cells_follow_the_rule_per_principle(personas: Personas) -> None:
    round_ = make_round(personas.network)
    a, b = organisation(personas.network, "A"), organisation(personas.network, "B")
    many(round_, 4, [4, 4, 4], org=a)
    many(round_, 2, [4, 4, None], org=a)  # A has only 4 scores on P2
    many(round_, 6, [2, 2, 2], org=b)
    result = results.compute(round_)
    groups = {g.label: g for g in result.groups}
    assert groups["A"].means[P1] == 4.0 and groups["B"].means[P1] == 2.0
    # P2: A's cell (4) is hidden, and then B's too (10 scored − 6 shown = 4 hidden < 5)
    assert groups["A"].means[P2] is None and groups["B"].means[P2] is None
    assert result.principle(P2).org_gap is None


def test_no_breakdowns_when_the_round_does_not_show_them(personas: Personas) -> None:
    round_ = make_round(personas.network, breakdowns=False)
    org = organisation(personas.network, "A")
    many(round_, 10, [4, 4, 4], org=org, lead_role="trekker")
    assert results.compute(round_).groups == []


def test_comments_are_attributed_only_to_shown_organisations(personas: Personas) -> None:
    round_ = make_round(personas.network)
    a, c = organisation(personas.network, "A"), organisation(personas.network, "C")
    many(round_, 6, [4, 4, 4], org=a)
    many(round_, 6, [4, 4, 4], org=c)
    respond(round_, [3, 3, 3], org=a, lead_role="trekker", comments={P1: "Van A"})
    respond(round_, [3, 3, 3], org=organisation(personas.network, "D"), comments={P2: "Van D"})
    result = results.compute(round_)
    # D (1) is hidden; hidden = 1 < 5 → smallest shown (C, 6) is hidden as well
    assert _shown(result) == {"A"}
    assert result.principle(P1).comments == [("Van A", "A")]
    assert result.principle(P2).comments == [("Van D", "")]


def test_export_blanks_hidden_groups_and_keeps_combinations_at_k(personas: Personas) -> None:
    round_ = make_round(personas.network)
    a, b = organisation(personas.network, "A"), organisation(personas.network, "B")
    many(round_, 5, [4, 4, 4], org=a, lead_role="trekker")
    many(round_, 1, [4, 4, None], org=a, lead_role="follower")
    many(round_, 1, [2, 2, 2], org=b, lead_role="trekker")
    many(round_, 5, [2, 2, 2], org=b, lead_role="follower")
    result = results.compute(round_)
    # all four groups have 6 members, but A − trekkers = (A's follower) − (B's trekker): two
    # people's difference, which on a 1–5 scale can give both away. The roles are hidden...
    assert _shown(result) == {"A", "B"}
    header, rows = export.export_rows(round_, result)
    # ...but A × follower would be one person: the export drops the role column altogether
    assert header == ["organisation", *round_.item_keys]
    assert sorted(row[0] for row in rows) == ["A"] * 6 + ["B"] * 6
    assert ["A", "4", "4", "unknown"] in rows


def test_export_blanks_an_organisation_that_the_page_hides(personas: Personas) -> None:
    round_ = make_round(personas.network)
    a, b, c = (organisation(personas.network, name) for name in "ABC")
    many(round_, 6, [4, 4, 4], org=a)
    many(round_, 5, [2, 2, 2], org=b)
    many(round_, 2, [1, 1, 1], org=c)
    header, rows = export.export_rows(round_, results.compute(round_))
    assert header[0] == "organisation"
    assert sorted(row[0] for row in rows) == [""] * 7 + ["A"] * 6


# the rule itself, on any population ------------------------------------------------------------


@st.composite
def populations(draw: st.DrawFn) -> tuple[frozenset[int], list[Group]]:
    size = draw(st.integers(min_value=0, max_value=40))
    people = range(size)
    groups = []
    for dimension, values in (
        ("organisation", ["1", "2", "3", ""]),
        ("lead_role", ["trekker", "follower", ""]),
        ("tenure", ["newcomer", "long_standing", ""]),
    ):
        choice = {p: draw(st.sampled_from(values)) for p in people}
        for value in values:
            members = frozenset(p for p in people if choice[p] == value)
            groups.append(Group(dimension, value, value, members))
    return frozenset(people), groups


@given(populations(), st.integers(min_value=5, max_value=8))
def test_no_shown_group_and_no_pair_reveals_fewer_than_k(population, k) -> None:  # type: ignore[no-untyped-def]
    everyone, groups = population
    shown = shown_groups(everyone, groups, k)
    members = {g.ident: g.members for g in groups}

    def safe(n: int) -> bool:
        return n == 0 or n >= k

    for ident in shown:
        assert ident[1] and len(members[ident]) >= k
    for dimension in ("organisation", "lead_role", "tenure"):
        mine = [i for i in shown if i[0] == dimension]
        if mine:
            assert safe(len(everyone) - sum(len(members[i]) for i in mine))
    for a, b in combinations(sorted(shown), 2):
        if a[0] == b[0]:
            continue
        g, h = members[a], members[b]
        if g <= h:
            assert safe(len(h - g))
        if h <= g:
            assert safe(len(g - h))
        if not g & h:
            assert safe(len(everyone) - len(g) - len(h))
        if g | h == everyone:
            assert safe(len(g & h))
