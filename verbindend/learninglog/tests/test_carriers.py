"""The carrier map: risk per knowledge type and per carrier, its diagram and its CSV."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from django.test import Client
from django.urls import reverse

from verbindend.core.charts import CHAR_EM
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
        "knowledge.dossier": carriers.LOW,  # Bart and the folder: two, one of them a system
        "knowledge.intervention": carriers.MISSING,  # nobody carries it
        "knowledge.social": carriers.HIGH,  # only Ann
        "knowledge.meta": carriers.MEDIUM,  # Ann and Bart: two people, nothing else
    }
    by_name = {row.carrier.name: row for row in found.carriers}
    # A carrier's risk is the highest table risk among the types it carries.
    assert by_name["Ann"].risk == carriers.HIGH  # social (high), meta (medium)
    assert by_name["Bart"].risk == carriers.MEDIUM  # meta (medium), dossier (low)
    assert by_name["Map"].risk == carriers.LOW  # dossier (low)
    assert by_name["Ann"].sole_for == ("Social knowledge",)
    leaving = {
        name: [(c.title, c.now, c.after) for c in row.if_it_leaves] for name, row in by_name.items()
    }
    assert leaving == {
        # without Ann: social has no carrier, meta rests on Bart alone
        "Ann": [
            ("Social knowledge", carriers.HIGH, carriers.MISSING),
            ("Meta-knowledge", carriers.MEDIUM, carriers.HIGH),
        ],
        # without Bart: dossier rests on the folder alone, meta on Ann alone
        "Bart": [
            ("Dossier knowledge", carriers.LOW, carriers.HIGH),
            ("Meta-knowledge", carriers.MEDIUM, carriers.HIGH),
        ],
        # without the folder: dossier rests on Bart alone
        "Map": [("Dossier knowledge", carriers.LOW, carriers.HIGH)],
    }


def test_one_system_alone_is_a_single_point_of_failure() -> None:
    """A shared folder that alone carries a type is as fragile as one person: risk high."""
    found = carriers.build([carrier(CarrierKind.SYSTEM, "Gedeelde map", "knowledge.dossier", pk=1)])
    assert {t.key: t.risk for t in found.types}["knowledge.dossier"] == carriers.HIGH
    (row,) = found.carriers
    assert row.risk == carriers.HIGH
    assert [(c.now, c.after) for c in row.if_it_leaves] == [(carriers.HIGH, carriers.MISSING)]


def test_the_demo_contradictions_are_gone() -> None:
    """The meeting is the only carrier of nothing, so it never reads worse than the types it
    carries; the folder that alone carries a type reads high in the table and in its own row."""
    meeting = carrier(
        CarrierKind.ORGANISATIONAL, "Overleg", "knowledge.social", "knowledge.meta", pk=1
    )
    lies = carrier(CarrierKind.PERSON, "Lies", "knowledge.social", "knowledge.meta", pk=2)
    omar = carrier(CarrierKind.PERSON, "Omar", "knowledge.meta", pk=3)
    folder = carrier(CarrierKind.SYSTEM, "Map", "knowledge.dossier", pk=4)
    found = carriers.build([meeting, lies, omar, folder])
    table = {t.key: t.risk for t in found.types}
    # social: meeting + Lies = 2, one not a person → low; meta: 3, one not a person → low;
    # dossier: the folder alone → high; intervention: nothing → not carried
    assert table == {
        "knowledge.dossier": carriers.HIGH,
        "knowledge.intervention": carriers.MISSING,
        "knowledge.social": carriers.LOW,
        "knowledge.meta": carriers.LOW,
    }
    by_name = {row.carrier.name: row for row in found.carriers}
    assert by_name["Overleg"].sole_for == ()
    assert by_name["Overleg"].risk == carriers.LOW
    # without the meeting: social rests on Lies alone (high), meta on Lies and Omar (medium)
    assert [(c.title, c.after) for c in by_name["Overleg"].if_it_leaves] == [
        ("Social knowledge", carriers.HIGH),
        ("Meta-knowledge", carriers.MEDIUM),
    ]
    assert by_name["Map"].risk == table["knowledge.dossier"] == carriers.HIGH
    # every carrier's risk is the highest table risk among its types
    for row in found.carriers:
        mine = [t.risk for t in found.types if t.title in row.types]
        assert row.risk == max(mine)


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


def test_a_long_name_is_written_out_whole_inside_its_box() -> None:
    name = "Maandelijks netwerkoverleg van de coördinatoren en de trekkers"
    found = carriers.build(
        [
            carrier(CarrierKind.ORGANISATIONAL, name, "knowledge.social", pk=1),
            carrier(CarrierKind.PERSON, "Ann", "knowledge.social", pk=2),
        ]
    )
    root = ET.fromstring(carriers.svg(found, title="Dragers"))  # noqa: S314 — our own output
    boxes = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    first, second = boxes[0], boxes[1]
    rect = first.find(f"{SVG}rect")
    assert rect is not None
    top, bottom = float(rect.get("y", 0)), float(rect.get("y", 0)) + float(rect.get("height", 0))
    lines = [t for t in first.findall(f"{SVG}text")]
    assert len(lines) > 1
    assert " ".join(t.text or "" for t in lines) == name  # nothing cut, no "…"
    for line in lines:
        assert top < float(line.get("y", 0)) < bottom
        width = len(line.text or "") * carriers.FONT * CHAR_EM
        assert 32 + width <= carriers.LEFT_W
    next_rect = second.find(f"{SVG}rect")
    assert next_rect is not None and float(next_rect.get("y", 0)) > bottom  # no overlap


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


def test_the_dutch_map_names_each_kind_of_carrier_one_way(world: World) -> None:
    """The table's columns, the diagram's legend and the kinds read as the same Dutch words."""
    client = Client()
    client.force_login(world.p.observer)
    page = client.get(
        reverse("learninglog:carriers", args=[world.p.network.slug]), HTTP_ACCEPT_LANGUAGE="nl"
    )
    html = page.content.decode()
    head = html[html.index('data-testid="risk-table"') :]
    head = head[: head.index("</thead>")]
    assert '<th scope="col">Personen</th>' in head
    assert '<th scope="col">Technische systemen</th>' in head
    assert "De werking van het netwerk" in head
    assert "Gemiddeld" in html and "allemaal personen" in html
    for other in ("Mensen", "managementsysteem", "werkwijze", "Middel"):
        assert other not in html, other


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
    assert rows[0][3:6] == ["Risk", "Only carrier of", "If it leaves"]
    ann = next(row for row in rows if row[0] == "Ann Noord")
    assert ann[3] == "High" and ann[4] == "Social knowledge"
    assert ann[5] == "Social knowledge: high → not carried"
    formula = next(row for row in rows if row[0] == "'=HYPERLINK(1)")
    assert formula[3] == "High"  # the only carrier of dossier knowledge


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
