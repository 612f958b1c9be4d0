"""Search, auto-coding with undo, code queries, deletion with undo, recoding, speaker turns and
the relations page, on a real database."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.analysis import search, services
from verbindend.analysis.models import Code, Coding, Memo
from verbindend.analysis.tests.conftest import World
from verbindend.core.errors import DomainError
from verbindend.studies import services as study_services
from verbindend.studies.models import DocumentKind
from verbindend.studies.transcripts import build

INTERVIEW = (
    "Interviewer: Hoe begon het netwerk?\n"
    "Ahmed: We leerden samen van elkaar. Later leerde ook de stad mee.\n"
    "Interviewer: En de vrijwilligers?\n"
    "Ahmed: De vrijwilligers kregen een eigen onthaalmap."
)


@pytest.fixture
def interview(world: World):  # type: ignore[no-untyped-def]
    spoken = build(
        [
            ("Interviewer", "Hoe begon het netwerk?", 0.0),
            ("Ahmed", "We leerden samen van elkaar. Later leerde ook de stad mee.", 5.0),
            ("Interviewer", "En de vrijwilligers?", 12.0),
            ("Ahmed", "De vrijwilligers kregen een eigen onthaalmap.", 15.0),
        ]
    )
    assert spoken.text == INTERVIEW
    document = study_services.add_material(
        study=world.p.study,
        kind=DocumentKind.TRANSCRIPT,
        title="Interview Ahmed",
        text=spoken.text,
        case=world.case,
    )
    document.turns = spoken.turns
    document.speakers = {"Interviewer": "interviewer", "Ahmed": str(world.respondent.pk)}
    document.respondent = world.respondent
    document.save()
    return document


def test_words_phrase_lemma_and_regex_search(world: World, interview) -> None:  # type: ignore[no-untyped-def]
    study = world.p.study
    texts = lambda hits: [h.document.text[h.start : h.end] for h in hits]  # noqa: E731
    assert texts(
        search.search(study, "vrijwilligers", within=search.Within(document=interview.pk))
    ) == [
        "vrijwilligers",
        "vrijwilligers",
    ]
    assert texts(search.search(study, "eigen onthaalmap", mode="phrase")) == ["eigen onthaalmap"]
    assert texts(search.search(study, "leren", mode="lemma")) == ["leerden", "leerde"]
    assert texts(search.search(study, r"onthaal\w+", mode="regex")) == ["onthaalmap"]
    sentence = search.search(study, "stad", scope="sentence")
    assert texts(sentence) == ["Later leerde ook de stad mee."]
    turn = search.search(study, "stad", scope="paragraph")
    assert texts(turn) == ["Ahmed: We leerden samen van elkaar. Later leerde ook de stad mee."]


def test_search_within_a_speaker_or_role(world: World, interview) -> None:  # type: ignore[no-untyped-def]
    study = world.p.study
    by_role = search.search(study, "vrijwilligers", within=search.Within(role="interviewer"))
    assert [(h.document.pk, h.document.text[h.start : h.end]) for h in by_role] == [
        (interview.pk, "vrijwilligers")
    ]
    assert by_role[0].start < interview.turns[3]["start"]
    by_name = search.search(study, "vrijwilligers", within=search.Within(speaker="Ahmed"))
    assert len(by_name) == 1 and by_name[0].start > interview.turns[3]["start"]


@pytest.mark.parametrize(
    ("query", "mode"), [("", "words"), ("(unclosed", "regex"), ("x" * 201, "words")]
)
def test_bad_searches_get_a_message(world: World, query: str, mode: str) -> None:
    with pytest.raises(DomainError):
        search.search(world.p.study, query, mode=mode)


def test_autocode_and_undo_only_the_batch(world: World, interview) -> None:  # type: ignore[no-untyped-def]
    study, user = world.p.study, world.p.researcher
    earlier = services.apply_code(document=interview, code=world.code, coder=user, start=0, end=5)
    hits = search.search(study, "vrijwilligers", scope="sentence")
    batch, made = services.apply_many(
        document_spans=[(h.document, h.start, h.end) for h in hits], code=world.code, coder=user
    )
    assert made == len(hits) == 2
    assert Coding.objects.filter(batch=batch).count() == 2
    # another coder cannot undo someone else's batch
    assert services.undo_batch(study=study, batch=batch, user=world.second_coder) == 0
    assert services.undo_batch(study=study, batch=batch, user=user) == 2
    assert list(Coding.objects.filter(document=interview)) == [earlier]


def _code(world: World, name: str) -> Code:
    return services.add_code(study=world.p.study, name=name)


def test_code_queries_and_or_not_near(world: World, interview) -> None:  # type: ignore[no-untyped-def]
    study, user = world.p.study, world.p.researcher
    a, b = _code(world, "A"), _code(world, "B")
    text = interview.text
    first = text.index("We leerden")
    second = text.index("Later leerde")
    third = text.index("De vrijwilligers")
    services.apply_code(document=interview, code=a, coder=user, start=first, end=second - 1)
    services.apply_code(document=interview, code=b, coder=user, start=first + 3, end=second + 5)
    services.apply_code(document=interview, code=a, coder=user, start=third, end=len(text))

    def spans(op: str, near: int = 10) -> list[str]:
        return [text[h.start : h.end] for h in search.code_query(study, a, op, b, near=near)]

    assert spans("and") == [text[first + 3 : second - 1]]
    assert spans("or") == [text[first : second + 5], text[third:]]
    assert spans("not") == [text[third:]]
    assert spans("near", near=3) == [text[first : second + 5]]
    c = _code(world, "C")
    services.apply_code(document=interview, code=c, coder=user, start=third, end=third + 2)
    far = [text[h.start : h.end] for h in search.code_query(study, b, "near", c, near=2)]
    assert far == []  # "Interviewer: En de vrijwilligers?" lies between: more than 2 words
    close = search.code_query(study, b, "near", c, near=20)
    assert [text[h.start : h.end] for h in close] == [text[first + 3 : third + 2]]


def test_query_within_attribute_refuses_small_groups(world: World, interview) -> None:  # type: ignore[no-untyped-def]
    world.p.person.tenure = "newcomer"  # one respondent: far below the smallest group shown
    world.p.person.save()
    client = Client()
    client.force_login(world.p.researcher)
    a, b = _code(world, "A"), _code(world, "B")
    url = reverse("analysis:query", args=[world.p.study.slug])
    response = client.get(
        url,
        {"first": a.pk, "op": "near", "second": b.pk, "attribute": "tenure", "value": "newcomer"},
    )
    assert response.status_code == 200
    assert "fewer than" in response.content.decode()
    response = client.get(url, {"first": a.pk, "op": "and", "second": b.pk, "attribute": "pk"})
    assert "Choose one of the listed attributes" in response.content.decode()


def test_delete_and_undo_brings_the_coding_and_its_memos_back(world: World) -> None:
    client = Client()
    user = world.p.researcher
    client.force_login(user)
    coding = services.apply_code(
        document=world.document, code=world.code, coder=user, start=0, end=3
    )
    services.add_memo(study=world.p.study, author=user, text="Waarom dit?", coding=coding)
    slug = world.p.study.slug
    answer = client.post(
        reverse("analysis:coding_delete", args=[slug, coding.uuid]), headers={"HX-Request": "true"}
    ).json()
    assert not Coding.objects.filter(uuid=coding.uuid).exists()
    # someone else cannot use the undo key
    other = Client()
    other.force_login(world.second_coder)
    assert other.post(answer["undo"], headers={"HX-Request": "true"}).status_code == 404
    assert client.post(answer["undo"], headers={"HX-Request": "true"}).status_code == 200
    back = Coding.objects.get(uuid=coding.uuid)
    assert (back.start, back.end, back.code_id) == (0, 3, world.code.pk)
    assert Memo.objects.get(coding=back).text == "Waarom dit?"
    assert client.post(answer["undo"], headers={"HX-Request": "true"}).status_code == 404


def test_someone_elses_coding_cannot_be_deleted_or_recoded(world: World) -> None:
    coding = services.apply_code(
        document=world.document, code=world.code, coder=world.second_coder, start=0, end=3
    )
    client = Client()
    client.force_login(world.p.researcher)
    slug = world.p.study.slug
    assert (
        client.post(reverse("analysis:coding_delete", args=[slug, coding.uuid])).status_code == 403
    )
    other = _code(world, "Ander")
    response = client.post(
        reverse("analysis:coding_recode", args=[slug, coding.uuid]), {"code": other.pk}
    )
    assert response.status_code == 403
    assert Coding.objects.get(pk=coding.pk).code_id == world.code.pk


def test_recode_merges_into_an_existing_twin(world: World) -> None:
    user = world.p.researcher
    other = _code(world, "Ander")
    one = services.apply_code(document=world.document, code=world.code, coder=user, start=0, end=3)
    twin = services.apply_code(document=world.document, code=other, coder=user, start=0, end=3)
    assert services.recode(coding=one, code=other) == twin
    assert Coding.objects.filter(document=world.document).count() == 1


def test_document_page_shows_turns_colours_and_no_offsets(world: World, interview) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    user = world.p.researcher
    client.force_login(user)
    services.apply_code(document=interview, code=world.code, coder=user, start=30, end=45)
    html = client.get(
        reverse("analysis:document", args=[world.p.study.slug, interview.pk])
    ).content.decode()
    assert html.count('class=" speaker speaker-0"') == 2  # the interviewer's two turns
    assert 'class=" speaker speaker-1"' in html
    assert 'data-time="0:05"' in html
    assert "30–45" not in html
    assert world.code.colour in html


def test_new_code_from_the_menu_needs_codebook_rights(world: World) -> None:
    client = Client()
    client.force_login(world.p.researcher)
    url = reverse("analysis:apply", args=[world.p.study.slug, world.document.pk])
    response = client.post(
        url, {"start": 0, "end": 3, "new_code": "Gloednieuw"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    code = Code.objects.get(study=world.p.study, name="Gloednieuw")
    assert Coding.objects.filter(code=code, start=0, end=3).exists()


def test_relations_map_links_to_the_fragments(world: World) -> None:
    user = world.p.researcher
    other = _code(world, "Ander")
    services.apply_code(document=world.document, code=world.code, coder=user, start=0, end=10)
    services.apply_code(document=world.document, code=other, coder=user, start=5, end=15)
    client = Client()
    client.force_login(user)
    html = client.get(reverse("analysis:relations", args=[world.p.study.slug])).content.decode()
    assert "<svg" in html and 'class="edge"' in html
    assert f"with={other.uuid}" in html or f"with={world.code.uuid}" in html
    assert "Ander" in html and world.case.network.name in html
