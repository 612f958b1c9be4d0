"""The matrix of codes by case, grouped by the networks' governance form, goal origin or phase."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.analysis import queries, services
from verbindend.analysis.tests.conftest import World
from verbindend.networks.models import GoalOrigin, GovernanceForm, Network, Phase
from verbindend.studies import services as study_services
from verbindend.studies.models import Case, CaseStatus, DocumentKind
from verbindend.testing import downloads


def add_case(w: World, name: str, **profile: str) -> Case:
    network = Network.objects.create(name=name, slug=name.lower().replace(" ", "-"), **profile)
    case = Case.objects.create(study=w.p.study, network=network, status=CaseStatus.AGREED)
    document = study_services.add_material(
        study=w.p.study, kind=DocumentKind.TRANSCRIPT, title=name, text="abcdefghij", case=case
    )
    services.apply_code(document=document, code=w.code, coder=w.p.researcher, start=0, end=3)
    return case


@pytest.fixture
def three(world: World) -> World:
    """Noord (lead organisation, growing) with 2 codings; Oost (lead organisation) and West
    (participant-governed, mandated) with 1 each; a document outside any case with 1."""
    Network.objects.filter(pk=world.p.network.pk).update(
        governance_form=GovernanceForm.LEAD_ORGANISATION, phase=Phase.GROWING
    )
    for start, end in ((0, 3), (5, 9)):
        services.apply_code(
            document=world.document, code=world.code, coder=world.p.researcher, start=start, end=end
        )
    add_case(world, "Netwerk Oost", governance_form=GovernanceForm.LEAD_ORGANISATION)
    add_case(
        world,
        "Netwerk West",
        governance_form=GovernanceForm.PARTICIPANT_GOVERNED,
        goal_origin=GoalOrigin.MANDATED,
    )
    loose = study_services.add_material(study=world.p.study, kind="other", title="los", text="abc")
    services.apply_code(document=loose, code=world.code, coder=world.p.researcher, start=0, end=2)
    return world


def test_without_grouping_each_case_has_its_column(three: World) -> None:
    matrix = queries.build_matrix(three.p.study, "case", "lead_role")
    assert [label for _key, label in matrix.columns] == [
        "Netwerk Noord",
        "Netwerk Oost",
        "Netwerk West",
        "—",
    ]


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        (
            "governance_form",
            [
                ("participant_governed", "Participant-governed (Netwerk West)", 1),
                ("lead_organisation", "Lead organisation (Netwerk Noord, Netwerk Oost)", 3),
                (0, "—", 1),
            ],
        ),
        (
            "goal_origin",
            [
                ("mandated", "Mandated (Netwerk West)", 1),
                ("", "not filled in (Netwerk Noord, Netwerk Oost)", 3),
                (0, "—", 1),
            ],
        ),
        (
            "phase",
            [
                ("growing", "Growing (Netwerk Noord)", 2),
                ("", "not filled in (Netwerk Oost, Netwerk West)", 2),
                (0, "—", 1),
            ],
        ),
    ],
)
def test_grouping_adds_up_the_cases_of_one_profile_value(
    three: World, group: str, expected: list[tuple[object, str, int]]
) -> None:
    matrix = queries.build_matrix(three.p.study, "case", "lead_role", group=group)
    got = [(key, label, matrix.value(three.code.pk, key)) for key, label in matrix.columns]
    assert got == expected


def researcher(w: World) -> Client:
    client = Client()
    client.force_login(w.p.researcher)
    return client


def test_the_page_offers_the_grouping_default_none(three: World) -> None:
    url = reverse("analysis:matrix", args=[three.p.study.slug, "case"])
    client = researcher(three)
    html = client.get(url).content.decode()
    assert 'data-testid="case-grouping"' in html
    assert '<option value="">no grouping: one column per case</option>' in html
    assert "Netwerk Oost</th>" in html and "&amp;case=" in html  # one column per case, linked
    grouped = client.get(url, {"group": "governance_form"}).content.decode()
    assert '<option value="governance_form" selected>' in grouped
    assert "Lead organisation (Netwerk Noord, Netwerk Oost)</th>" in grouped
    assert "&amp;case=" not in grouped  # a group's cell spans several cases: no single link
    assert "group=governance_form&amp;format=csv" in grouped
    csv_text = downloads.text(client.get(url, {"group": "phase", "format": "csv"}))
    assert csv_text.splitlines()[0] == (
        'Code,Growing (Netwerk Noord),"not filled in (Netwerk Oost, Netwerk West)",—'
    )
    assert client.get(url, {"group": "scale"}).status_code == 404
    level = reverse("analysis:matrix", args=[three.p.study.slug, "level"])
    assert "case-grouping" not in client.get(level, {"group": "phase"}).content.decode()
