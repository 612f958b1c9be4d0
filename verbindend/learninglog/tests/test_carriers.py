"""The carrier map: risk per knowledge type and per carrier, its diagram and its CSV."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from django.test import Client
from django.urls import reverse

from verbindend.learninglog import carriers
from verbindend.learninglog.models import Carrier, CarrierKind
from verbindend.learninglog.tests.conftest import World
from verbindend.testing import downloads

SVG = "{http://www.w3.org/2000/svg}"


def carrier(kind: str, name: str, *types: str, pk: int = 0) -> Carrier:
    return Carrier(pk=pk or None, kind=kind, name=name, knowledge_types=list(types))


def test_risk_per_knowledge_type() -> None:
    ann = carrier(CarrierKind.PERSON, "Ann", "knowledge.social", "knowledge.meta", pk=1)
    bart = carrier(CarrierKind.PERSON, "Bart", "knowledge.meta", "knowledge.dossier", pk=2)
    folder = carrier(CarrierKind.SYSTEM, "Map", "knowledge.dossier", pk=3)
    found = carriers.build([ann, bart, folder])
    risks = {t.key: t.risk for t in found.types}
    assert risks == {
        "knowledge.dossier": carriers.LOW,  # a system carries it too
        "knowledge.intervention": carriers.MISSING,  # nobody carries it
        "knowledge.social": carriers.HIGH,  # only Ann
        "knowledge.meta": carriers.MEDIUM,  # two people, nothing else
    }
    by_name = {row.carrier.name: row for row in found.carriers}
    assert by_name["Ann"].sole_for == ("Social knowledge",)
    assert by_name["Ann"].leaving_risk == carriers.MISSING  # social knowledge would be gone
    assert by_name["Bart"].leaving_risk == carriers.HIGH  # meta then rests on Ann alone
    assert by_name["Map"].leaving_risk == carriers.HIGH  # dossier then rests on Bart alone


def test_the_way_of_working_lowers_the_risk() -> None:
    found = carriers.build(
        [
            carrier(CarrierKind.PERSON, "Ann", "knowledge.social", pk=1),
            carrier(CarrierKind.ORGANISATIONAL, "Maandelijks overleg", "knowledge.social", pk=2),
        ]
    )
    assert {t.key: t.risk for t in found.types}["knowledge.social"] == carriers.LOW


def test_the_diagram_is_valid_accessible_svg_and_escapes_names() -> None:
    found = carriers.build(
        [carrier(CarrierKind.PERSON, "<script>Ann & co</script>", "knowledge.social", pk=1)]
    )
    text = carriers.svg(found, title="Dragers")
    root = ET.fromstring(text)  # noqa: S314 — our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Dragers"  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "Social knowledge" in (desc.text or "")
    assert "<script>" not in text


def test_an_empty_map_still_draws() -> None:
    ET.fromstring(carriers.svg(carriers.build([]), title="Leeg"))  # noqa: S314


def test_the_page_shows_the_table_and_the_picture(world: World) -> None:
    client = Client()
    client.force_login(world.p.observer)
    page = client.get(reverse("learninglog:carriers", args=[world.p.network.slug]))
    html = page.content.decode()
    assert 'data-testid="risk-table"' in html
    assert "<svg" in html
    assert "risk-high" in html  # Ann alone carries social knowledge
    assert reverse("learninglog:carriers_csv", args=[world.p.network.slug]) not in html


def test_the_csv_export_lists_every_carrier_and_defuses_formulas(world: World) -> None:
    Carrier.objects.create(
        network=world.p.network,
        kind=CarrierKind.SYSTEM,
        name="=HYPERLINK(1)",
        knowledge_types=["knowledge.dossier"],
    )
    client = Client()
    client.force_login(world.p.coordinator)
    response = client.get(reverse("learninglog:carriers_csv", args=[world.p.network.slug]))
    rows = list(csv.reader(io.StringIO(downloads.text(response))))
    assert rows[0][0] == "Carrier"
    names = {row[0] for row in rows[1:]}
    assert names == {"Ann Noord", "'=HYPERLINK(1)"}
    ann = next(row for row in rows if row[0] == "Ann Noord")
    assert ann[3] == "Social knowledge" and ann[4] == "Knowledge lost"


def test_bad_carrier_input_is_refused_and_changes_nothing(world: World) -> None:
    client = Client()
    client.force_login(world.p.coordinator)
    url = reverse("learninglog:carrier_create", args=[world.p.network.slug])
    before = Carrier.objects.count()
    for data in (
        {"kind": "system", "name": "Map"},  # no knowledge type
        {"kind": "robot", "name": "X", "knowledge_types": ["knowledge.meta"]},
        {"kind": "person", "name": "", "knowledge_types": ["knowledge.meta"]},
        {"kind": "person", "name": "Y", "knowledge_types": ["knowledge.nothing"]},
        {
            "kind": "system",
            "name": "Z",
            "person": str(world.p.person.pk),
            "knowledge_types": ["knowledge.meta"],
        },
        {
            "kind": "person",
            "name": "Zoë",
            "person": str(world.p.other_person.pk),  # another network's person
            "knowledge_types": ["knowledge.meta"],
        },
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert 'class="errorlist' in response.content.decode(), data
    assert Carrier.objects.count() == before
