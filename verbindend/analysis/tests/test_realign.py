"""Codings follow their words when an instrument sends a document's text again."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from verbindend.analysis import services
from verbindend.analysis.models import Coding, Memo
from verbindend.analysis.realign import OffsetMap
from verbindend.analysis.tests.conftest import World
from verbindend.studies import services as study_services
from verbindend.studies.models import DocumentKind

CODED = "Één café 😀 samen"
FILLER = st.text(alphabet="xyz \n", max_size=40)


@given(before=FILLER, after=FILLER, new_before=FILLER, new_after=FILLER)
def test_a_span_in_unchanged_text_covers_the_same_words_after_any_edit_around_it(
    before: str, after: str, new_before: str, new_after: str
) -> None:
    old = before + CODED + after
    new = new_before + CODED + new_after
    placed = OffsetMap(old, new).place(len(before), len(before) + len(CODED))
    assert placed is not None
    assert new[placed[0] : placed[1]] == CODED


def test_text_that_moved_as_a_whole_is_found_again() -> None:
    old = "Thema A: samen leren\nThema B: de jobbeurs\n"
    new = "Thema B: de jobbeurs\nThema A: samen leren\n"
    offsets = OffsetMap(old, new)
    start = old.index("samen leren")
    placed = offsets.place(start, start + len("samen leren"))
    assert placed is not None and new[placed[0] : placed[1]] == "samen leren"


def test_a_span_whose_words_are_all_gone_does_not_survive() -> None:
    offsets = OffsetMap("aaa BBB ccc", "aaa  ccc")
    assert not offsets.survives(4, 7) and offsets.place(4, 7) is None
    assert offsets.survives(0, 3) and offsets.place(0, 3) == (0, 3)


def _resend(world: World, text: str) -> None:
    study_services.add_material(
        study=world.p.study,
        kind=DocumentKind.SESSION_SUMMARY,
        title="Sessie",
        text=text,
        origin_ref="live-session:realign",
    )


def test_researchers_codings_and_memos_follow_a_resent_text(world: World) -> None:
    _resend(world, "Thema A: samen leren 😀\nThema B: de jobbeurs")
    document = world.p.study.documents.get(origin_ref="live-session:realign")
    code = world.code
    other = services.add_code(study=world.p.study, name="Tweede")
    text = document.text
    kept = services.apply_code(
        document=document,
        code=code,
        coder=world.p.researcher,
        start=text.index("samen"),
        end=text.index("😀") + 1,
    )
    gone = services.apply_code(
        document=document,
        code=other,
        coder=world.second_coder,
        start=text.index("de jobbeurs"),
        end=len(text),
    )
    note = services.add_memo(
        study=world.p.study, author=world.second_coder, text="Waarom?", coding=gone
    )

    # the synthesis grew in front and lost its second theme
    _resend(world, "Inleiding ✨\nThema A: samen leren 😀\nThema C: iets nieuws")
    document.refresh_from_db()
    kept.refresh_from_db()
    assert document.text[kept.start : kept.end] == "samen leren 😀"
    assert not Coding.objects.filter(pk=gone.pk).exists()
    note = Memo.objects.get(pk=note.pk)
    assert note.coding is None and note.document == document and note.text == "Waarom?"

    # sending the same text again changes nothing
    _resend(world, document.text)
    before = kept.start
    kept.refresh_from_db()
    assert kept.start == before
