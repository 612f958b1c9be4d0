"""Every workbench page and export × every persona, wrong methods, and hostile input.

ALLOWED → 200 (or a redirect after a POST); may see the study (VISIBLE) → 403; anyone else
(the network's coordinator who is no member of the study, another study's researcher) → 404;
anonymous → the login page.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from verbindend.analysis import services
from verbindend.analysis.models import Code, Coding, Memo
from verbindend.analysis.tests.conftest import TEXT, World
from verbindend.testing import downloads
from verbindend.testing.personas import PERSONAS, expected_status

READERS = frozenset({"researcher", "study_observer"})
RESEARCHER = frozenset({"researcher"})


@dataclass
class Fixture:
    w: World
    coding: Coding
    memo: Memo
    spare: Code


@pytest.fixture
def fx(world: World) -> Fixture:
    p = world.p
    coding = services.apply_code(
        document=world.document, code=world.code, coder=p.researcher, start=0, end=3
    )
    memo = services.add_memo(
        study=p.study, author=p.researcher, text="Eerste idee", code=world.code
    )
    spare = services.add_code(study=p.study, name="Reserve")
    return Fixture(world, coding, memo, spare)


def url(name: str, *extra: Callable[[Fixture], object]) -> Callable[[Fixture], str]:
    return lambda f: reverse(f"analysis:{name}", args=[f.w.p.study.slug, *(g(f) for g in extra)])


def q(make: Callable[[Fixture], str], query: str) -> Callable[[Fixture], str]:
    return lambda f: make(f) + "?" + query.format(f=f)


def _constant(value: str) -> Callable[[Fixture], object]:
    return lambda _f: value


@dataclass(frozen=True)
class Row:
    name: str
    url: Callable[[Fixture], str]
    allowed: frozenset[str]
    method: str = "get"
    data: Callable[[Fixture], dict[str, object]] | None = None


ROWS = [
    Row("codebook", url("codebook"), READERS),
    Row("seed", url("seed"), RESEARCHER, "post", lambda f: {"with_findings": "on"}),
    Row(
        "code add",
        url("code_create"),
        RESEARCHER,
        "post",
        lambda f: {"name": "Nieuw", "colour": "#112233"},
    ),
    Row("code", url("code", lambda f: f.w.code.uuid), READERS),
    Row(
        "code change",
        url("code", lambda f: f.w.code.uuid),
        RESEARCHER,
        "post",
        lambda f: {"name": "Anders", "colour": "#112233", "order": 1},
    ),
    Row(
        "code merge",
        url("code_merge", lambda f: f.spare.uuid),
        RESEARCHER,
        "post",
        lambda f: {"target": f.w.code.pk},
    ),
    Row("code delete form", url("code_delete", lambda f: f.spare.uuid), RESEARCHER),
    Row(
        "code delete", url("code_delete", lambda f: f.spare.uuid), RESEARCHER, "post", lambda f: {}
    ),
    Row("document", url("document", lambda f: f.w.document.pk), READERS),
    Row("document text", url("document_text", lambda f: f.w.document.pk), READERS),
    Row(
        "apply code",
        url("apply", lambda f: f.w.document.pk),
        RESEARCHER,
        "post",
        lambda f: {"code": f.w.code.pk, "start": 4, "end": 8},
    ),
    Row("coding", url("coding", lambda f: f.coding.uuid), READERS),
    Row(
        "coding delete",
        url("coding_delete", lambda f: f.coding.uuid),
        RESEARCHER,
        "post",
        lambda f: {},
    ),
    Row(
        "memo add",
        url("memo_create"),
        RESEARCHER,
        "post",
        lambda f: {"target": "coding", "ref": f.coding.uuid, "text": "Memo"},
    ),
    Row(
        "memo edit",
        url("memo_edit", lambda f: f.memo.uuid),
        RESEARCHER,
        "post",
        lambda f: {"text": "Herschreven"},
    ),
    Row("memo delete", url("memo_delete", lambda f: f.memo.uuid), RESEARCHER, "post", lambda f: {}),
    Row("fragments", q(url("fragments"), "code={f.w.code.uuid}&case={f.w.case.pk}"), READERS),
    Row("frequencies", url("frequencies"), READERS),
    Row("frequencies csv", q(url("frequencies"), "format=csv"), READERS),
    Row("frequencies xlsx", q(url("frequencies"), "format=xlsx"), READERS),
    Row("agreement", url("agreement"), READERS),
    *[
        Row(
            f"matrix {kind}{' ' + fmt if fmt else ''}",
            q(url("matrix", _constant(kind)), f"format={fmt}"),
            READERS,
        )
        for kind in ("case", "level", "attribute", "cooccurrence")
        for fmt in ("", "csv", "xlsx")
    ],
]


def send(client: Client, row: Row, fx: Fixture) -> int:
    data = row.data(fx) if row.data else {}
    return int(getattr(client, row.method)(row.url(fx), data).status_code)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
@pytest.mark.parametrize("who", PERSONAS)
def test_role_gets_what_the_table_says(fx: Fixture, row: Row, who: str) -> None:
    client = Client()
    client.force_login(fx.w.p.everyone()[who])
    expected = expected_status(who, allowed=row.allowed, visible=READERS, method=row.method)
    assert send(client, row, fx) in expected, (who, row.name)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_anonymous_is_sent_to_log_in(fx: Fixture, row: Row) -> None:
    response = getattr(Client(), row.method)(row.url(fx))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.name)
def test_site_administrator_may_do_everything(fx: Fixture, row: Row) -> None:
    client = Client()
    client.force_login(fx.w.p.admin)
    assert send(client, row, fx) in {200, 302}


@pytest.mark.parametrize(
    "row",
    [r for r in ROWS if r.method == "post" or r.name in {"codebook", "document", "coding"}],
    ids=lambda r: r.name,
)
def test_wrong_methods_are_refused(fx: Fixture, row: Row) -> None:
    client = Client()
    client.force_login(fx.w.p.researcher)
    method = "put" if row.method == "get" else ("get" if "delete form" not in row.name else "put")
    if row.name in {"code change", "code delete"}:
        method = "put"
    assert getattr(client, method)(row.url(fx)).status_code == 405


def researcher(fx: Fixture) -> Client:
    client = Client()
    client.force_login(fx.w.p.researcher)
    return client


# -- behaviour -------------------------------------------------------------------------------


def test_coding_over_htmx_answers_with_a_small_fragment(fx: Fixture) -> None:
    start = TEXT.index("😀")
    response = researcher(fx).post(
        reverse("analysis:apply", args=[fx.w.p.study.slug, fx.w.document.pk]),
        {"code": fx.w.code.pk, "start": start, "end": start + 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "codings-changed"
    assert b"margin-item" in response.content and len(response.content) < 2000
    coding = Coding.objects.get(start=start)
    assert coding.fragment == "😀" and coding.coder == fx.w.p.researcher


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"code": "x", "start": "0", "end": "2"},
        {"code": "{code}", "start": "2", "end": "2"},
        {"code": "{code}", "start": "-1", "end": "2"},
        {"code": "{code}", "start": "0", "end": "99999"},
        {"code": "{code}", "start": "a", "end": "b"},
        {"code": "{code}", "start": "1e3", "end": "2"},
        {"code": "{foreign}", "start": "0", "end": "2"},
        {"code": "{code}", "start": "0", "end": "9" * 40},
    ],
)
def test_bad_coding_input_is_refused_clearly(fx: Fixture, data: dict[str, str]) -> None:
    foreign = services.add_code(study=fx.w.p.other_study, name="Elders")
    data = {k: v.format(code=fx.w.code.pk, foreign=foreign.pk) for k, v in data.items()}
    before = Coding.objects.count()
    response = researcher(fx).post(
        reverse("analysis:apply", args=[fx.w.p.study.slug, fx.w.document.pk]), data
    )
    assert response.status_code == 400
    assert Coding.objects.count() == before


def test_the_document_page_shows_text_margin_and_coders_side_by_side(fx: Fixture) -> None:
    services.apply_code(
        document=fx.w.document,
        code=fx.w.code,
        coder=fx.w.second_coder,
        start=4,
        end=8,  # type: ignore[arg-type]
    )
    page = researcher(fx).get(
        reverse("analysis:document", args=[fx.w.p.study.slug, fx.w.document.pk])
    )
    html = page.content.decode()
    assert 'data-start="0" class="coded"' in html
    assert "researcher@studie-a.test" in html and "second@studie-a.test" in html
    only = researcher(fx).get(
        reverse("analysis:document", args=[fx.w.p.study.slug, fx.w.document.pk]),
        {"coder": fx.w.second_coder.pk},
    )
    assert only.content.decode().count("margin-item") == 1


def test_hostile_text_is_escaped_everywhere(fx: Fixture) -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    code = services.add_code(study=fx.w.p.study, name=evil)
    services.apply_code(document=fx.w.document, code=code, coder=fx.w.p.researcher, start=0, end=3)
    services.add_memo(study=fx.w.p.study, author=fx.w.p.researcher, text=evil, code=code)
    client = researcher(fx)
    for target in (
        reverse("analysis:code", args=[fx.w.p.study.slug, code.uuid]),
        reverse("analysis:document", args=[fx.w.p.study.slug, fx.w.document.pk]),
        reverse("analysis:matrix", args=[fx.w.p.study.slug, "case"]),
        reverse("analysis:frequencies", args=[fx.w.p.study.slug]),
    ):
        html = client.get(target).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, target


def test_a_memo_on_a_fragment_is_written_and_shown(fx: Fixture) -> None:
    client = researcher(fx)
    response = client.post(
        reverse("analysis:memo_create", args=[fx.w.p.study.slug]),
        {"target": "coding", "ref": str(fx.coding.uuid), "text": "Mooi voorbeeld"},
    )
    assert response.status_code == 302
    page = client.get(reverse("analysis:coding", args=[fx.w.p.study.slug, fx.coding.uuid]))
    assert "Mooi voorbeeld" in page.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"target": "coding", "ref": "not-a-uuid", "text": "x"},
        {"target": "study", "ref": "1", "text": "x"},
        {"target": "document", "ref": "", "text": "x"},
        {"target": "document", "ref": "{doc}", "text": ""},
        {"target": "document", "ref": "{doc}", "text": "x" * 20001},
    ],
)
def test_bad_memos_are_refused(fx: Fixture, data: dict[str, str]) -> None:
    data = {k: v.format(doc=fx.w.document.pk) for k, v in data.items()}
    before = Memo.objects.count()
    status = (
        researcher(fx)
        .post(reverse("analysis:memo_create", args=[fx.w.p.study.slug]), data)
        .status_code
    )
    assert status in {400, 404}
    assert Memo.objects.count() == before


def test_another_researchers_memo_cannot_be_deleted(fx: Fixture) -> None:
    client = Client()
    client.force_login(fx.w.second_coder)
    response = client.post(reverse("analysis:memo_delete", args=[fx.w.p.study.slug, fx.memo.uuid]))
    assert response.status_code == 403 and Memo.objects.filter(pk=fx.memo.pk).exists()


def test_its_author_rewrites_a_memo_and_nobody_else_does(fx: Fixture) -> None:
    target = reverse("analysis:memo_edit", args=[fx.w.p.study.slug, fx.memo.uuid])
    page = reverse("analysis:coding", args=[fx.w.p.study.slug, fx.coding.uuid])
    author = Client()
    author.force_login(fx.memo.author)
    response = author.post(target, {"text": "Nieuwe <b>gedachte</b> ✍️", "back": page})
    assert response.status_code == 302 and response["Location"] == page + "#memos"
    fx.memo.refresh_from_db()
    assert fx.memo.text == "Nieuwe <b>gedachte</b> ✍️"
    for bad in ({"text": ""}, {"text": "x" * 20001}, {}):
        assert author.post(target, bad).status_code == 400
    other = Client()
    other.force_login(fx.w.second_coder)
    assert other.post(target, {"text": "overschreven"}).status_code == 403
    fx.memo.refresh_from_db()
    assert fx.memo.text == "Nieuwe <b>gedachte</b> ✍️"


def test_memo_delete_does_not_redirect_elsewhere(fx: Fixture) -> None:
    response = researcher(fx).post(
        reverse("analysis:memo_delete", args=[fx.w.p.study.slug, fx.memo.uuid]),
        {"back": "//evil.example/"},
    )
    assert response["Location"] == reverse("analysis:codebook", args=[fx.w.p.study.slug])


def test_deleting_a_code_with_codings_asks_first(fx: Fixture) -> None:
    target = reverse("analysis:code_delete", args=[fx.w.p.study.slug, fx.w.code.uuid])
    client = researcher(fx)
    assert "1 coding" in client.get(target).content.decode()
    assert client.post(target, {}).status_code == 400
    assert Code.objects.filter(pk=fx.w.code.pk).exists()
    assert client.post(target, {"confirm": "yes"}).status_code == 302
    assert not Coding.objects.exists()


def test_the_code_page_lists_fragments_with_context(fx: Fixture) -> None:
    page = researcher(fx).get(reverse("analysis:code", args=[fx.w.p.study.slug, fx.w.code.uuid]))
    html = page.content.decode()
    assert "<mark>Één</mark>" in html and "café" in html


def test_matrix_cell_links_to_its_fragments_and_exports(fx: Fixture) -> None:
    client = researcher(fx)
    page = client.get(reverse("analysis:matrix", args=[fx.w.p.study.slug, "case"])).content.decode()
    link = reverse("analysis:fragments", args=[fx.w.p.study.slug])
    assert f'href="{link}?code={fx.w.code.uuid}&amp;case={fx.w.case.pk}"' in page
    assert "<svg" in page
    cell = client.get(link, {"code": str(fx.w.code.uuid), "case": str(fx.w.case.pk)})
    assert "<mark>Één</mark>" in cell.content.decode()
    csv_text = downloads.text(
        client.get(reverse("analysis:matrix", args=[fx.w.p.study.slug, "case"]), {"format": "csv"})
    )
    assert csv_text.splitlines()[0] == "Code,Netwerk Noord"
    assert "Act together,1" in csv_text
    xlsx = client.get(
        reverse("analysis:matrix", args=[fx.w.p.study.slug, "case"]), {"format": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["Act together", 1]


def test_exports_keep_formulas_as_text(fx: Fixture) -> None:
    code = services.add_code(study=fx.w.p.study, name='=HYPERLINK("x")')
    services.apply_code(document=fx.w.document, code=code, coder=fx.w.p.researcher, start=0, end=3)
    text = downloads.text(
        researcher(fx).get(
            reverse("analysis:frequencies", args=[fx.w.p.study.slug]), {"format": "csv"}
        )
    )
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize(
    "query",
    [
        "code=nope",
        "level=1",
        "with=x",
        "attribute=password",
        "case=x&code=00000000-0000-0000-0000-000000000000",
    ],
)
def test_bad_fragment_filters_are_not_found(fx: Fixture, query: str) -> None:
    response = researcher(fx).get(
        reverse("analysis:fragments", args=[fx.w.p.study.slug]) + "?" + query
    )
    assert response.status_code == 404


def test_unknown_matrix_or_attribute_is_not_found(fx: Fixture) -> None:
    client = researcher(fx)
    assert (
        client.get(reverse("analysis:matrix", args=[fx.w.p.study.slug, "bogus"])).status_code == 404
    )
    target = reverse("analysis:matrix", args=[fx.w.p.study.slug, "attribute"])
    assert client.get(target, {"attribute": "email"}).status_code == 404


def test_agreement_page_shows_figures_and_disagreements(fx: Fixture) -> None:
    services.apply_code(
        document=fx.w.document,
        code=fx.w.code,
        coder=fx.w.second_coder,
        start=1,
        end=5,  # type: ignore[arg-type]
    )
    client = researcher(fx)
    page = client.get(reverse("analysis:agreement", args=[fx.w.p.study.slug])).content.decode()
    assert "Disagreements" in page and "only coder B" in page and "only coder A" in page
    same = client.get(
        reverse("analysis:agreement", args=[fx.w.p.study.slug]),
        {"a": fx.w.p.researcher.pk, "b": fx.w.p.researcher.pk},
    )
    assert same.status_code == 400
