"""Export → validate against both schemas → import into an empty instance → export again: the
same sources, codes, codings (exact code-point ranges), notes, cases, variables and users."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from verbindend.accounts.models import User
from verbindend.analysis.models import Code, Coding, ExchangeId, Memo
from verbindend.analysis.refi import export, importer, validation
from verbindend.analysis.tests.conftest import TEXT
from verbindend.analysis.tests.refi.conftest import Coded
from verbindend.analysis.tests.refi.snapshot import snapshot
from verbindend.studies.models import Document, Respondent, Study


def qdpx(study: Study) -> bytes:
    return b"".join(export.project_chunks(study))


def qdc(study: Study) -> bytes:
    return b"".join(export.codebook_chunks(study))


def test_the_export_is_valid_against_both_schemas(coded: Coded, schemas: Path) -> None:
    study = coded.w.p.study
    assert validation.errors(validation.project_xml(qdpx(study)), "project", schemas) == []
    assert validation.errors(qdc(study), "codebook", schemas) == []


def test_the_export_carries_everything_with_exact_ranges(coded: Coded) -> None:
    shot = snapshot(qdpx(coded.w.p.study))
    fragments = sorted(s[3] for s in shot["selections"].values())
    assert fragments == sorted(["Één", "😀", "🇧🇪", "Spin\u0308al", "één ☕"])
    emoji = TEXT.index("😀")
    assert any(s[1:3] == (emoji, emoji + 1) for s in shot["selections"].values())
    names = {c[0] for c in shot["codes"].values()}
    assert "Vertrouwen 🤝 één taal" in names and "Act together" in names
    child = shot["codes"][str(coded.child.uuid)]
    assert child[1:4] == (
        "#aa3300",
        "Waar mensen op elkaar rekenen — “echt”.",
        str(coded.w.code.uuid),
    )
    assert child[4] == [str(coded.memos[1].uuid)]
    assert {n[0] for n in shot["notes"].values()} == {
        "Over het gesprek 😀",
        "Definitie bijstellen?",
        "Mooi voorbeeld\nmet twee lijnen",
    }
    (case,) = shot["cases"].values()
    assert case[0] == "Ann Noord"
    assert case[1] == {
        "network": "Netwerk Noord",
        "organisation": "Organisatie Één",
        "lead_role": "trekker",
        "engagement": "volunteer",
        "tenure": "long_standing",
        "gender": "vrouw",
        "involved_since": "2019-09-01",
    }
    assert len(case[2]) == 1
    assert len(shot["users"]) >= 2


def test_guids_stay_the_same_on_the_next_export(coded: Coded) -> None:
    first = snapshot(qdpx(coded.w.p.study))
    second = snapshot(qdpx(coded.w.p.study))
    assert first == second


def _empty_the_instance(study: Study) -> None:
    """Remove the study and everything the import could find again, as in a fresh instance."""
    coders = set(Coding.objects.filter(study=study).values_list("coder_id", flat=True))
    coders |= set(Memo.objects.filter(study=study).values_list("author_id", flat=True))
    Code.objects.filter(study=study).update(parent=None)  # parent is PROTECT
    study.delete()
    ExchangeId.objects.all().delete()
    User.objects.filter(pk__in=coders).delete()


def test_round_trip_into_an_empty_instance_keeps_everything(coded: Coded, schemas: Path) -> None:
    study = coded.w.p.study
    exported = qdpx(study)
    assert validation.errors(validation.project_xml(exported), "project", schemas) == []
    before = snapshot(exported)
    _empty_the_instance(study)
    assert not Code.objects.filter(uuid=coded.child.uuid).exists()

    plan = importer.read(io.BytesIO(exported), "studie.qdpx")
    assert plan.ok, plan.problems
    assert plan.skipped == []
    report = importer.apply(plan)
    again = qdpx(report.study)
    assert validation.errors(validation.project_xml(again), "project", schemas) == []
    assert snapshot(again) == before
    assert report.created["codings"] == 5 and report.created["sources"] == 2
    assert all(
        not u.is_active and not u.has_usable_password()
        for u in User.objects.filter(username__startswith="refi-")
    )


def test_re_import_into_the_same_study_adds_nothing(coded: Coded) -> None:
    study = coded.w.p.study
    exported = qdpx(study)
    counts = (
        Document.objects.count(),
        Code.objects.count(),
        Coding.objects.count(),
        Memo.objects.count(),
        Respondent.objects.count(),
        User.objects.count(),
    )
    report = importer.apply(importer.read(io.BytesIO(exported), "x.qdpx"), study=study)
    assert sum(report.created.values()) == 0
    assert (
        Document.objects.count(),
        Code.objects.count(),
        Coding.objects.count(),
        Memo.objects.count(),
        Respondent.objects.count(),
        User.objects.count(),
    ) == counts
    assert snapshot(qdpx(study)) == snapshot(exported)


def test_import_into_another_study_copies_with_its_own_identity(coded: Coded) -> None:
    exported = qdpx(coded.w.p.study)
    other = coded.w.p.other_study
    report = importer.apply(importer.read(io.BytesIO(exported), "x.qdpx"), study=other)
    assert report.created["codings"] == 5
    assert Coding.objects.filter(study=other).count() == 5
    copied = snapshot(qdpx(other))
    assert sorted(s[3] for s in copied["selections"].values()) == sorted(
        s[3] for s in snapshot(exported)["selections"].values()
    )
    again = importer.apply(importer.read(io.BytesIO(exported), "x.qdpx"), study=other)
    assert sum(again.created.values()) == 0  # found again through the remembered GUIDs


def test_an_export_writes_nothing(coded: Coded) -> None:
    """Exporting is reading: no GUID is stored on the way, yet the next export is the same."""
    study = coded.w.p.study
    rows = ExchangeId.objects.count()
    with CaptureQueriesContext(connection) as queries:
        first = qdpx(study)
        qdc(study)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert ExchangeId.objects.count() == rows
    assert snapshot(qdpx(study)) == snapshot(first)


def test_each_exchanged_object_has_one_identity_in_every_study(coded: Coded) -> None:
    """An imported code, coding or memo keeps the file's GUID as its own uuid, also when another
    study holds the same objects; nothing is remembered beside them."""
    exported = qdpx(coded.w.p.study)
    shot = snapshot(exported)
    other = coded.w.p.other_study
    importer.apply(importer.read(io.BytesIO(exported), "x.qdpx"), study=other)
    for model in (Code, Coding, Memo):
        mine = set(model.objects.filter(study=coded.w.p.study).values_list("uuid", flat=True))
        theirs = set(model.objects.filter(study=other).values_list("uuid", flat=True))
        assert mine == theirs and mine
    assert not ExchangeId.objects.filter(kind__in=["code", "coding", "memo"]).exists()
    assert snapshot(qdpx(other))["selections"].keys() == shot["selections"].keys()


def test_the_sources_are_utf8_files_referenced_as_internal(coded: Coded) -> None:
    archive = zipfile.ZipFile(io.BytesIO(qdpx(coded.w.p.study)))
    root = etree.fromstring(archive.read("project.qde"))
    for source in root.iter("{urn:QDA-XML:project:1.0}TextSource"):
        path = source.get("plainTextPath")
        assert path == f"internal://{source.get('guid')}.txt"
        assert archive.read("sources/" + path.removeprefix("internal://")).decode("utf-8")


def test_the_demo_study_exports_everything_the_exchange_shows(db: None, schemas: Path) -> None:
    from verbindend.core import demo

    demo.load_demo()
    study = Study.objects.get(slug=demo.DEMO_STUDY_SLUG)
    exported = qdpx(study)
    assert validation.errors(validation.project_xml(exported), "project", schemas) == []
    assert validation.errors(qdc(study), "codebook", schemas) == []
    shot = snapshot(exported)
    assert "„hartelijk” 😀" in {s[3] for s in shot["selections"].values()}
    assert len(shot["notes"]) == 3 and len(shot["users"]) == 2
    assert any(c[1].get("lead_role") for c in shot["cases"].values())


def test_markup_and_control_characters_in_names_and_memos_stay_valid(
    coded: Coded, schemas: Path
) -> None:
    from verbindend.analysis import services

    study = coded.w.p.study
    hostile = "A <b>&amp;</b> \"quoted\" 'x' ]]> \x0bline\nnext\ttab"
    code = services.add_code(study=study, name=hostile, definition=hostile)
    services.add_memo(study=study, author=coded.w.p.researcher, text=hostile, code=code)
    exported = qdpx(study)
    assert validation.errors(validation.project_xml(exported), "project", schemas) == []
    assert validation.errors(qdc(study), "codebook", schemas) == []
    shot = snapshot(exported)
    clean = hostile.replace("\x0b", "")
    assert shot["codes"][str(code.uuid)][0] == clean[:200]
    assert clean in {n[0] for n in shot["notes"].values()}


PIECES = [*"aé ü\n—“”ß\t", "😀", "🇧🇪", "e\u0301", "n\u0308", "👩\u200d👩\u200d👧"]
TEXTS = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXTS, spans=st.lists(st.tuples(st.integers(0, 80), st.integers(1, 20)), max_size=6))
def test_any_text_and_spans_come_back_exactly(coded: Coded, text: str, spans: list) -> None:
    from verbindend.analysis import services
    from verbindend.studies import services as study_services
    from verbindend.studies.models import DocumentKind

    study = coded.w.p.study
    document = study_services.add_material(
        study=study, kind=DocumentKind.OTHER, title="Willekeurig", text=text
    )
    made = []
    for start, length in spans:
        if document.length and start < document.length:
            end = min(document.length, start + length)
            coding = services.apply_code(
                document=document,
                code=coded.child,
                coder=coded.w.p.researcher,
                start=start,
                end=end,
            )
            made.append(coding.fragment)
    plan = importer.read(io.BytesIO(qdpx(study)), "x.qdpx")
    assert plan.ok, plan.problems
    report = importer.apply(plan)
    copy = Document.objects.get(study=report.study, title="Willekeurig")
    assert copy.text == document.text
    assert sorted(c.fragment for c in Coding.objects.filter(document=copy)) == sorted(set(made))
    document.delete()
    Code.objects.filter(study=report.study).update(parent=None)
    report.study.delete()


def test_coders_outside_the_team_become_new_accounts_per_study(coded: Coded) -> None:
    """The file's users carry GUIDs that already stand for accounts outside the target team:
    each study gets its own inactive copy with a free username, found again on re-import."""
    exported = qdpx(coded.w.p.study)
    researcher = coded.w.p.researcher
    before = (researcher.username, researcher.email, researcher.is_active)
    first = importer.apply(importer.read(io.BytesIO(exported), "x.qdpx"))
    second = importer.apply(importer.read(io.BytesIO(exported), "x.qdpx"))
    again = importer.apply(importer.read(io.BytesIO(exported), "x.qdpx"), study=second.study)
    assert first.created["users"] == second.created["users"] >= 2
    assert again.created["users"] == 0 and again.found["users"] == second.created["users"]
    for report in (first, second):
        coders = set(Coding.objects.filter(study=report.study).values_list("coder", flat=True))
        assert researcher.pk not in coders and coded.w.second_coder.pk not in coders
        made = User.objects.filter(pk__in=coders)
        assert all(u.username.startswith("refi-") and not u.is_active for u in made)
        assert all(not u.has_usable_password() for u in made)
    firsts = set(Coding.objects.filter(study=first.study).values_list("coder", flat=True))
    seconds = set(Coding.objects.filter(study=second.study).values_list("coder", flat=True))
    assert not firsts & seconds
    researcher.refresh_from_db()
    assert (researcher.username, researcher.email, researcher.is_active) == before


def test_guids_remembered_beside_an_object_become_its_own(coded: Coded) -> None:
    """The migration to one identity: a GUID an earlier import stored beside a coding becomes the
    coding's uuid and its row goes; one that another code of the study uses stays a row."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("verbindend.analysis.migrations.0007_one_identity_per_object")
    study = coded.w.p.study
    coding = Coding.objects.filter(study=study).order_by("pk").first()
    one, other = Code.objects.filter(study=study).order_by("pk")[:2]
    assert coding is not None
    kept = uuid.uuid4()
    ExchangeId.objects.create(kind="coding", study=study, local_key=str(coding.pk), guid=kept)
    ExchangeId.objects.create(kind="code", study=study, local_key=str(one.pk), guid=other.uuid)
    migration.fold_remembered_guids(apps, None)
    coding.refresh_from_db()
    one_before = one.uuid
    one.refresh_from_db()
    assert coding.uuid == kept
    assert not ExchangeId.objects.filter(kind="coding").exists()
    assert one.uuid == one_before  # the clash: the code keeps its uuid and the row stays
    assert ExchangeId.objects.filter(kind="code", guid=other.uuid).exists()
