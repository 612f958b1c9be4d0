"""Exchange pages × every persona (researchers only: a project file holds transcripts), and
the upload → preview → confirm → report flow with good and bad files."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from verbindend.analysis.models import Code, Coding
from verbindend.analysis.refi import validation
from verbindend.analysis.tests.refi.conftest import FILES, Coded
from verbindend.testing.personas import PERSONAS, expected_status

# the test client is synchronous; the server streams the same async iterator piece by piece
pytestmark = pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume")
RESEARCHER = frozenset({"researcher"})
READERS = frozenset({"researcher", "study_observer"})
INLINE = (FILES / "inline_plaintext.qde").read_bytes()


def _pending(coded: Coded) -> dict[str, object]:
    token = "0123456789abcdef" * 2
    name = f"refi/pending/{coded.w.p.study.pk}/{token}.qde"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(INLINE))
    return {"token": token, "suffix": ".qde"}


@dataclass(frozen=True)
class Row:
    name: str
    url: str
    method: str = "get"
    data: Callable[[Coded], dict[str, object]] | None = None


ROWS = [
    Row("exchange", "analysis:exchange"),
    Row("export qdpx", "analysis:export_qdpx"),
    Row("export qdc", "analysis:export_qdc"),
    Row(
        "import preview",
        "analysis:import_preview",
        "post",
        lambda c: {"file": SimpleUploadedFile("x.qde", INLINE)},
    ),
    Row("import confirm", "analysis:import_confirm", "post", _pending),
]


def send(client: Client, row: Row, coded: Coded) -> int:
    target = reverse(row.url, args=[coded.w.p.study.slug])
    data = row.data(coded) if row.data else {}
    response = getattr(client, row.method)(target, data)
    if response.streaming:
        b"".join(response)
    return int(response.status_code)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
@pytest.mark.parametrize("who", PERSONAS)
def test_role_gets_what_the_table_says(coded: Coded, row: Row, who: str) -> None:
    client = Client()
    client.force_login(coded.w.p.everyone()[who])
    expected = expected_status(who, allowed=RESEARCHER, visible=READERS, method=row.method)
    assert send(client, row, coded) in expected, (who, row.name)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_anonymous_is_sent_to_log_in(coded: Coded, row: Row) -> None:
    response = getattr(Client(), row.method)(reverse(row.url, args=[coded.w.p.study.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_site_administrator_may_do_everything(coded: Coded, row: Row) -> None:
    client = Client()
    client.force_login(coded.w.p.admin)
    assert send(client, row, coded) in {200, 302}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_wrong_methods_are_refused(coded: Coded, row: Row) -> None:
    client = Client()
    client.force_login(coded.w.p.researcher)
    method = "post" if row.method == "get" else "get"
    target = reverse(row.url, args=[coded.w.p.study.slug])
    assert getattr(client, method)(target).status_code == 405


def researcher(coded: Coded) -> Client:
    client = Client()
    client.force_login(coded.w.p.researcher)
    return client


def test_the_downloads_are_streamed_and_valid(coded: Coded, schemas: Path) -> None:
    client = researcher(coded)
    slug = coded.w.p.study.slug
    project = client.get(reverse("analysis:export_qdpx", args=[slug]))
    assert project.streaming
    assert project["Content-Disposition"] == f'attachment; filename="{slug}.qdpx"'
    body = b"".join(project)
    assert validation.errors(validation.project_xml(body), "project", schemas) == []
    codebook = client.get(reverse("analysis:export_qdc", args=[slug]))
    assert validation.errors(b"".join(codebook), "codebook", schemas) == []


def test_the_analysis_pages_link_to_the_exchange_for_researchers_only(coded: Coded) -> None:
    target = reverse("analysis:codebook", args=[coded.w.p.study.slug])
    exchange = reverse("analysis:exchange", args=[coded.w.p.study.slug])
    assert exchange in researcher(coded).get(target).content.decode()
    observer = Client()
    observer.force_login(coded.w.p.study_observer)
    assert exchange not in observer.get(target).content.decode()


def test_upload_preview_confirm_report(coded: Coded) -> None:
    client = researcher(coded)
    slug = coded.w.p.study.slug
    before = Coding.objects.count()
    preview = client.post(
        reverse("analysis:import_preview", args=[slug]),
        {"file": SimpleUploadedFile("inline.qde", INLINE)},
    )
    html = preview.content.decode()
    assert preview.status_code == 200 and "Import into this study" in html
    assert "<td>4</td>" in html  # codes and codings
    assert Coding.objects.count() == before  # the preview writes nothing
    token = preview.context["token"]
    report = client.post(
        reverse("analysis:import_confirm", args=[slug]), {"token": token, "suffix": ".qde"}
    )
    assert report.status_code == 200
    text = report.content.decode()
    assert "What was imported" in text and "inactive" in text
    assert Coding.objects.count() == before + 4
    assert Code.objects.filter(study=coded.w.p.study, name="Blij 😀").exists()
    again = client.post(
        reverse("analysis:import_confirm", args=[slug]), {"token": token, "suffix": ".qde"}
    )
    assert again.status_code == 400  # the pending file is gone once used


def test_a_bad_file_shows_its_problems_and_writes_nothing(coded: Coded) -> None:
    bad = INLINE.replace(b'endPosition="', b'endPosition="9', 1)
    before = Coding.objects.count()
    response = researcher(coded).post(
        reverse("analysis:import_preview", args=[coded.w.p.study.slug]),
        {"file": SimpleUploadedFile("bad.qde", bad)},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be imported" in html and "outside its text" in html
    assert "Import into this study" not in html
    assert Coding.objects.count() == before


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"file": SimpleUploadedFile("x.docx", b"hello")},
        {"file": SimpleUploadedFile("x.qdpx", b"PK\x03\x04 nonsense")},
        {"file": SimpleUploadedFile("x.qde", b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")},
    ],
)
def test_bad_uploads_are_refused_clearly(coded: Coded, data: dict[str, object]) -> None:
    before = Coding.objects.count()
    response = researcher(coded).post(
        reverse("analysis:import_preview", args=[coded.w.p.study.slug]), data
    )
    assert response.status_code == 400
    assert Coding.objects.count() == before


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"token": "../../etc/passwd", "suffix": ".qde"},
        {"token": "a" * 32, "suffix": ".exe"},
        {"token": "a" * 32, "suffix": ".qde"},
    ],
)
def test_bad_confirmations_are_refused(coded: Coded, data: dict[str, str]) -> None:
    response = researcher(coded).post(
        reverse("analysis:import_confirm", args=[coded.w.p.study.slug]), data
    )
    assert response.status_code == 400


def test_an_empty_codebook_cannot_be_exported_as_qdc(coded: Coded) -> None:
    study = coded.w.p.other_study
    client = Client()
    client.force_login(coded.w.p.other_researcher)
    response = client.get(reverse("analysis:export_qdc", args=[study.slug]))
    assert response.status_code == 400
    assert "codebook is empty" in response.content.decode()


def test_an_empty_study_exports_a_valid_project(coded: Coded, schemas: Path) -> None:
    client = Client()
    client.force_login(coded.w.p.other_researcher)
    response = client.get(reverse("analysis:export_qdpx", args=[coded.w.p.other_study.slug]))
    body = b"".join(response)
    assert validation.errors(validation.project_xml(body), "project", schemas) == []
    assert io.BytesIO(body).getbuffer().nbytes > 0


def test_an_unconfirmed_upload_is_deleted_after_a_day(coded: Coded) -> None:
    import os
    import time

    old = _pending(coded)
    name = f"refi/pending/{coded.w.p.study.pk}/{old['token']}.qde"
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(name), (day_ago, day_ago))
    researcher(coded).post(
        reverse("analysis:import_preview", args=[coded.w.p.study.slug]),
        {"file": SimpleUploadedFile("x.qde", INLINE)},
    )
    assert not default_storage.exists(name)


def test_the_preview_says_who_matches_the_team_and_who_becomes_new(coded: Coded) -> None:
    from verbindend.accounts.models import User

    User.objects.create_user(
        username="stranger@elders.test",
        email="stranger@elders.test",
        first_name="Sietske",
        last_name="Vreemd",
    )
    own = coded.w.p.researcher
    data = INLINE.replace(b'id="bram"', f'id="{own.email.upper()}"'.encode()).replace(
        b'name="Ines Onderzoeker"', b'name="Ines Onderzoeker" id="stranger@elders.test"'
    )
    preview = researcher(coded).post(
        reverse("analysis:import_preview", args=[coded.w.p.study.slug]),
        {"file": SimpleUploadedFile("people.qde", data)},
    )
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Sietske" not in html and "Vreemd" not in html  # a stranger's name never shows
    assert "Ines Onderzoeker" in html and "a new inactive account" in html
    assert "of this study&#x27;s team" in html or "of this study's team" in html
