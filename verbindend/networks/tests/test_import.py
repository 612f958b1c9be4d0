"""Importing people from CSV and XLSX: preview first, per-row errors, all or nothing."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from openpyxl import Workbook

from verbindend.networks.models import Organisation, Person
from verbindend.testing.personas import Personas, build

GOOD_CSV = (
    "naam;e-mail;organisatie;sector;rol;statuut;anciënniteit;sinds;geslacht\n"
    "Ann Peeters;ann@x.test;De Stek vzw;social_economy;trekker;professional;long-standing;"
    "2015-03-01;vrouw\n"
    "Bart Maes;;Organisatie Één;;volger;vrijwilliger;nieuwkomer;;\n"
)


def upload(client: Client, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("networks:people_import", args=["noord"]),
        {"kind": "people", "file": SimpleUploadedFile(name, data)},
    )


def coordinator(p: Personas) -> Client:
    client = Client()
    client.force_login(p.coordinator)
    return client


def confirm(client: Client, preview) -> object:  # type: ignore[no-untyped-def]
    payload = re.search(rb'name="payload" value="([^"]+)"', preview.content).group(1).decode()
    return client.post(reverse("networks:people_import", args=["noord"]), {"payload": payload})


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_preview_saves_nothing_and_confirm_saves_all(personas: Personas) -> None:
    client = coordinator(personas)
    preview = upload(client, "people.csv", GOOD_CSV.encode())
    assert preview.status_code == 200
    assert preview.context["valid_count"] == 2
    assert Person.objects.filter(network=personas.network).count() == 1
    response = confirm(client, preview)
    assert response.status_code == 302
    ann = Person.objects.get(name="Ann Peeters")
    assert (ann.lead_role, ann.engagement, ann.tenure) == (
        "trekker",
        "professional",
        "long_standing",
    )
    assert ann.organisation.name == "De Stek vzw"
    assert ann.organisation.sector == "social_economy"
    bart = Person.objects.get(name="Bart Maes")
    assert bart.organisation == personas.organisation  # matched, not duplicated
    assert Organisation.objects.filter(name="Organisatie Één").count() == 1


def test_xlsx_works_the_same(personas: Personas) -> None:
    client = coordinator(personas)
    data = xlsx([["Name", "Email", "Role"], ["Cas", "cas@x.test", "Leading"], ["Dirk", None, None]])
    preview = upload(client, "people.xlsx", data)
    assert preview.context["valid_count"] == 2
    confirm(client, preview)
    assert Person.objects.get(name="Cas").lead_role == "trekker"


def test_bad_rows_are_listed_and_skipped(personas: Personas) -> None:
    csv = (
        "name,email,role,since\n"
        "Goed,goed@x.test,trekker,2020-01-01\n"
        ",leeg@x.test,,\n"
        "Fout,geen-adres,,\n"
        "Raar,,baas,\n"
        "Datum,,,gisteren\n"
        "Dubbel,goed@x.test,,\n"
        f"{'L' * 1200},,,\n"
    )
    client = coordinator(personas)
    preview = upload(client, "people.csv", csv.encode())
    rows = preview.context["rows"]
    assert [r.ok for r in rows] == [True, False, False, False, False, False, False]
    assert all(r.errors for r in rows[1:])
    confirm(client, preview)
    assert Person.objects.filter(network=personas.network).count() == 2


def test_html_in_cells_is_text(personas: Personas) -> None:
    client = coordinator(personas)
    preview = upload(client, "p.csv", b"name\n<script>alert(1)</script>\n")
    assert b"<script>alert(1)" not in preview.content
    confirm(client, preview)
    assert Person.objects.filter(name="<script>alert(1)</script>").exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("p.csv", b"", "empty"),
        ("p.csv", b"naam\n", "no rows"),
        ("p.csv", b"foo,bar\n1,2\n", "column"),
        ("p.pdf", b"%PDF-1.4", "CSV file or an Excel"),
        ("p.xlsx", b"PK\x03\x04broken", "could not be read"),
        ("p.csv", b"name\x00\x01\x02\n", "CSV text"),
    ],
)
def test_broken_files_get_a_clear_message(
    personas: Personas, name: str, data: bytes, message: str
) -> None:
    response = upload(coordinator(personas), name, data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert Person.objects.count() == 2


def test_a_huge_file_is_refused(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_MAX_BYTES = 10_000
    response = upload(coordinator(personas), "p.csv", b"name\n" + b"x\n" * 10_000)
    assert "larger than" in str(response.context["form"].errors["file"])


def test_too_many_rows_are_refused(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_MAX_ROWS = 10
    response = upload(coordinator(personas), "p.csv", b"name\n" + b"x\n" * 11)
    assert "more than 10 rows" in str(response.context["form"].errors["file"])


def test_a_zip_bomb_disguised_as_xlsx_is_refused(personas: Personas) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    response = upload(coordinator(personas), "p.xlsx", out.getvalue())
    assert "too much data" in str(response.context["form"].errors["file"])


def test_a_tampered_preview_is_refused(personas: Personas) -> None:
    response = coordinator(personas).post(
        reverse("networks:people_import", args=["noord"]), {"payload": "forged:payload"}
    )
    assert response.status_code == 400
    assert Person.objects.count() == 2


def test_windows_encoded_csv_is_read(personas: Personas) -> None:
    preview = upload(coordinator(personas), "p.csv", "name\nJosé Müller\n".encode("cp1252"))
    assert preview.context["rows"][0].raw["name"] == "José Müller"


class TestAnyBytesNeverCrash(HypothesisTestCase):
    @settings(max_examples=40)
    @given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".bin"]))
    def test_random_uploads(self, data: bytes, suffix: str) -> None:
        p = build()
        before = Person.objects.count()
        response = upload(coordinator(p), "f" + suffix, data)
        assert response.status_code == 200
        assert Person.objects.count() == before

    @settings(max_examples=40)
    @given(cells=st.lists(st.lists(st.text(max_size=60), min_size=1, max_size=6), max_size=8))
    def test_random_tables(self, cells: list[list[str]]) -> None:
        p = build()
        lines = ["name,email,role,engagement,tenure,since"] + [
            ",".join('"' + c.replace('"', '""') + '"' for c in row) for row in cells
        ]
        client = coordinator(p)
        preview = upload(client, "f.csv", "\n".join(lines).encode())
        assert preview.status_code == 200
        if preview.context.get("valid_count"):
            assert confirm(client, preview).status_code == 302  # type: ignore[attr-defined]


def test_organisations_import_with_periods(personas: Personas) -> None:
    client = coordinator(personas)
    csv = (
        "naam,sector,grootte,website,lid sinds,tot\n"
        "Atelier Oost,Social economy,klein,https://oost.example.org,2016-02-01,\n"
        "Organisatie Één,,,,,\n"
        "Oud Huis,education,groot,,2019-01-01,2018-01-01\n"
        "Rare Site,,,javascript:alert(1),,\n"
    )
    preview = client.post(
        reverse("networks:people_import", args=["noord"]),
        {"kind": "organisations", "file": SimpleUploadedFile("orgs.csv", csv.encode())},
    )
    rows = preview.context["rows"]
    assert [r.ok for r in rows] == [True, False, False, False]
    response = confirm(client, preview)
    assert response["Location"] == reverse("networks:organisations", args=["noord"])
    membership = personas.network.memberships.get(organisation__name="Atelier Oost")
    assert membership.organisation.sector == "social_economy"
    assert membership.organisation.size == "small"
    assert str(membership.joined_on) == "2016-02-01"
    assert not Organisation.objects.filter(name__in=["Oud Huis", "Rare Site"]).exists()
