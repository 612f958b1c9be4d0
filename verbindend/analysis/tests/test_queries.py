"""Matrices, co-occurrence, levels, frequencies and agreement read from the database."""

from __future__ import annotations

import pytest

from verbindend.analysis import queries, services
from verbindend.analysis.agreement import Counts
from verbindend.analysis.tests.conftest import World
from verbindend.networks.models import LeadRole
from verbindend.studies import services as study_services


def code(w: World, key: str, start: int, end: int, coder: object = None) -> None:
    services.apply_code(
        document=w.document,
        code=services.code_for_key(w.p.study, key),
        coder=coder or w.p.researcher,  # type: ignore[arg-type]
        start=start,
        end=end,
    )


def test_code_by_case_counts_codings_per_case(world: World) -> None:
    code(world, "principle.p1", 0, 3)
    code(world, "principle.p1", 5, 9)
    loose = study_services.add_material(study=world.p.study, kind="other", title="los", text="abc")
    services.apply_code(document=loose, code=world.code, coder=world.p.researcher, start=0, end=2)
    cells = queries.code_by_case(world.p.study)
    assert cells == {(world.code.pk, world.case.pk): 2, (world.code.pk, 0): 1}
    assert queries.case_columns(world.p.study, cells) == [
        (world.case.pk, "Netwerk Noord"),
        (0, "—"),
    ]


def test_level_comes_from_an_overlapping_level_coding(world: World) -> None:
    code(world, "principle.p1", 0, 5)  # overlaps the individual level
    code(world, "principle.p1", 10, 12)  # overlaps nothing
    code(world, "level.individual", 3, 8, world.second_coder)  # any coder's level counts
    code(world, "principle.p1", 8, 9)  # touches the level coding's end: no overlap
    individual = services.code_for_key(world.p.study, "level.individual")
    cells = queries.code_by_level(world.p.study)
    assert cells[(world.code.pk, individual.pk)] == 1
    assert cells[(world.code.pk, 0)] == 2
    assert list(queries.fragments(world.p.study, code=world.code, level=individual)) == [
        c for c in world.document.codings.filter(code=world.code, start=0)
    ]


def test_code_by_respondent_attribute(world: World) -> None:
    world.p.person.lead_role = LeadRole.values[0]
    world.p.person.save()
    code(world, "principle.p1", 0, 3)
    loose = study_services.add_material(study=world.p.study, kind="other", title="los", text="abc")
    services.apply_code(document=loose, code=world.code, coder=world.p.researcher, start=0, end=2)
    cells = queries.code_by_attribute(world.p.study, "lead_role")
    assert cells == {(world.code.pk, LeadRole.values[0]): 1, (world.code.pk, ""): 1}
    columns = queries.attribute_columns(world.p.study, "lead_role", cells)
    assert columns[-1] == ("", "—") and columns[0][1] == str(LeadRole.labels[0])
    shown = queries.fragments(
        world.p.study, code=world.code, attribute="lead_role", value=LeadRole.values[0]
    )
    assert [c.document for c in shown] == [world.document]


def test_co_occurrence_counts_overlapping_pairs_both_ways(world: World) -> None:
    code(world, "principle.p1", 0, 10)
    code(world, "condition.shared", 5, 15)
    code(world, "condition.shared", 20, 25)
    code(world, "knowledge.social", 10, 12)  # touches p1's end only; overlaps shared
    p1 = world.code.pk
    shared = services.code_for_key(world.p.study, "condition.shared").pk
    social = services.code_for_key(world.p.study, "knowledge.social").pk
    cells = queries.co_occurrence(world.p.study)
    assert cells == {(p1, shared): 1, (shared, p1): 1, (shared, social): 1, (social, shared): 1}
    together = queries.fragments(
        world.p.study,
        code=world.code,
        with_code=services.code_for_key(world.p.study, "condition.shared"),
    )
    assert [(c.start, c.end) for c in together] == [(0, 10)]


def test_frequencies(world: World) -> None:
    code(world, "principle.p1", 0, 3)
    code(world, "principle.p1", 4, 6)
    code(world, "principle.p2", 4, 6)
    rows = queries.frequencies(world.p.study)
    assert [(c.method_key, n, d, k) for c, n, d, k in rows] == [
        ("principle.p1", 2, 1, 1),
        ("principle.p2", 1, 1, 1),
    ]


def test_agreement_between_two_coders_from_the_database(world: World) -> None:
    n = world.document.length
    code(world, "principle.p1", 0, 4)
    code(world, "principle.p1", 2, 6, world.second_coder)
    code(world, "principle.p2", 0, n, world.second_coder)
    per_code, overall = queries.agreement_between(
        world.p.study, world.p.researcher.pk, world.second_coder.pk
    )
    by_key = {row.code.method_key: row for row in per_code}
    assert by_key["principle.p1"].counts == Counts(2, 2, 2, n - 6)
    assert by_key["principle.p2"].counts == Counts(0, 0, n, 0)
    assert by_key["principle.p2"].counts.kappa == pytest.approx(0.0)  # pₑ = pₒ = 0
    assert overall == Counts(2, 2, 2 + n, n - 6)
    assert [(s, e, who) for _d, s, e, who in by_key["principle.p1"].disagreements] == [
        (0, 2, "a"),
        (4, 6, "b"),
    ]


def test_agreement_with_identical_coders_and_an_empty_study(world: World) -> None:
    assert queries.agreement_between(
        world.p.study, world.p.researcher.pk, world.second_coder.pk
    ) == (
        [],
        Counts(),
    )
    code(world, "principle.p1", 0, 4)
    code(world, "principle.p1", 0, 4, world.second_coder)
    per_code, overall = queries.agreement_between(
        world.p.study, world.p.researcher.pk, world.second_coder.pk
    )
    assert (overall.percent, overall.kappa, overall.alpha) == (100.0, 1.0, 1.0)
    assert per_code[0].disagreements == []


def test_segments_cut_the_text_at_coding_boundaries(world: World) -> None:
    code(world, "principle.p1", 0, 4)
    code(world, "principle.p2", 2, 6)
    codings = list(world.document.codings.all())
    pieces = queries.segments(world.document.text, codings)
    assert "".join(s.text for s in pieces) == world.document.text
    assert [(s.start, len(s.codes)) for s in pieces[:4]] == [(0, 1), (2, 2), (4, 1), (6, 0)]


def _respondents(world: World, value: str, count: int) -> None:
    from verbindend.networks.models import Person

    for i in range(count):
        person = Person.objects.create(
            network=world.p.network, name=f"{value} {i}", lead_role=value
        )
        respondent = study_services.add_respondent(
            study=world.p.study, case=world.case, person=person
        )
        document = study_services.add_material(
            study=world.p.study, kind="transcript", title=f"{value} {i}", text="tekst hier"
        )
        document.respondent = respondent
        document.save()
        services.apply_code(
            document=document, code=world.code, coder=world.p.researcher, start=0, end=5
        )


def test_small_groups_of_respondents_are_left_out_of_the_attribute_matrix(world: World) -> None:
    from django.test import Client
    from django.urls import reverse

    trekker, follower = LeadRole.TREKKER, LeadRole.FOLLOWER
    _respondents(world, trekker, 5)
    _respondents(world, follower, 1)
    # the one small group, and the next smallest, so it cannot be found by subtraction
    assert queries.hidden_groups(world.p.study, "lead_role") == {trekker, follower}
    client = Client()
    client.force_login(world.p.researcher)
    matrix = reverse("analysis:matrix", args=[world.p.study.slug, "attribute"])
    page = client.get(matrix, {"attribute": "lead_role"}).content.decode()
    assert str(LeadRole.FOLLOWER.label) not in page and str(LeadRole.TREKKER.label) not in page
    small = client.get(
        reverse("analysis:fragments", args=[world.p.study.slug]),
        {"attribute": "lead_role", "value": follower, "code": str(world.code.uuid)},
    )
    assert small.status_code == 400
    _respondents(world, follower, 4)
    assert queries.hidden_groups(world.p.study, "lead_role") == set()
    page = client.get(matrix, {"attribute": "lead_role"}).content.decode()
    assert str(LeadRole.FOLLOWER.label) in page and str(LeadRole.TREKKER.label) in page
    # a case's network that asks for a higher k raises the threshold for the whole study
    network = world.p.study.cases.get().network
    network.k_threshold = 6
    network.save(update_fields=["k_threshold"])
    assert queries.min_group(world.p.study) == 6
    assert queries.hidden_groups(world.p.study, "lead_role") == {trekker, follower}
    page = client.get(matrix, {"attribute": "lead_role"}).content.decode()
    assert str(LeadRole.FOLLOWER.label) not in page
