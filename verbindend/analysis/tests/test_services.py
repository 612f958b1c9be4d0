"""Codebook, coding, memos and imported codings: the services, with their bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from verbindend.analysis import services
from verbindend.analysis.models import Code, Coding, Memo
from verbindend.analysis.tests.conftest import TEXT, World
from verbindend.core.errors import DomainError
from verbindend.method import content
from verbindend.studies import services as study_services
from verbindend.studies.models import Document
from verbindend.testing import personas as personas_module

# -- codebook --------------------------------------------------------------------------------


def test_seeding_follows_the_method(world: World) -> None:
    study = world.p.study
    keys = set(Code.objects.filter(study=study).values_list("method_key", flat=True))
    for group, kind in services.SEEDED_KINDS.items():
        assert group in keys
        nodes = {n.key for n in content.of_kind(kind)}
        assert nodes and nodes <= keys
    assert {"knowledge.dossier", "carrier.people", "level.network", "principle.p5"} <= keys
    p3 = Code.objects.get(study=study, method_key="principle.p3")
    assert p3.parent is not None and p3.parent.method_key == "principle"
    assert p3.label == content.get("principle.p3").title
    assert not any(k.startswith("finding.") for k in keys)


def test_seeding_twice_adds_nothing_and_findings_are_optional(world: World) -> None:
    study = world.p.study
    assert services.seed_codebook(study=study) == 0
    made = services.seed_codebook(study=study, with_findings=True)
    lists = content.of_kind("finding_list")
    assert made == len(lists) + sum(len(lst.children("finding")) for lst in lists)
    item = Code.objects.get(study=study, method_key="finding.individual.keep_it_simple")
    assert item.parent is not None and item.parent.method_key == "finding.individual"
    assert item.label == content.get("finding.individual.keep_it_simple").text("label")
    assert services.seed_codebook(study=study, with_findings=True) == 0


def test_code_for_key_finds_or_makes_the_code(world: World) -> None:
    study = world.p.study
    assert services.code_for_key(study, "principle.p1") == world.code
    Code.objects.filter(study=study, method_key="level.network").delete()
    made = services.code_for_key(study, "level.network")
    assert made.method_key == "level.network"
    assert services.code_for_key(study, "finding.individual.ask_for_help").parent is not None
    with pytest.raises(DomainError):
        services.code_for_key(study, ".".join(("principle", "p99")))  # no such key


def test_a_coding_survives_rename_move_and_merge(world: World) -> None:
    p = world.p
    coding = services.apply_code(
        document=world.document, code=world.code, coder=p.researcher, start=0, end=3
    )
    identity = world.code.uuid
    other = services.add_code(study=p.study, name="Samen doen", colour="#123abc")
    services.change_code(
        code=world.code,
        name="Samen handelen",
        colour="#AA0000",
        definition="Wat partners samen ondernemen.",
        parent=other,
        order=4,
    )
    world.code.refresh_from_db()
    assert (world.code.uuid, world.code.label, world.code.colour) == (
        identity,
        "Samen handelen",
        "#aa0000",
    )
    coding.refresh_from_db()
    assert coding.code == world.code and (coding.start, coding.end) == (0, 3)
    services.merge_codes(source=other, target=services.code_for_key(p.study, "principle.p2"))
    coding.refresh_from_db()
    assert coding.code == world.code  # its parent merged away; the code and coding stayed
    target = services.code_for_key(p.study, "principle.p4")
    services.merge_codes(source=world.code, target=target)
    coding.refresh_from_db()
    assert coding.code == target and coding.fragment == "Één"


def test_merging_keeps_one_of_two_identical_codings_and_their_memos(world: World) -> None:
    p = world.p
    target = services.code_for_key(p.study, "principle.p2")
    first = services.apply_code(
        document=world.document, code=world.code, coder=p.researcher, start=0, end=3
    )
    services.apply_code(document=world.document, code=target, coder=p.researcher, start=0, end=3)
    services.add_memo(study=p.study, author=p.researcher, text="Let op", coding=first)
    services.merge_codes(source=world.code, target=target)
    assert Coding.objects.filter(code=target).count() == 1
    assert Memo.objects.get().coding.code == target  # type: ignore[union-attr]


def test_moving_a_code_under_itself_is_refused(world: World) -> None:
    parent = world.code.parent
    assert parent is not None
    with pytest.raises(DomainError) as error:
        services.change_code(
            code=parent, name="", colour="#000000", definition="", parent=world.code, order=0
        )
    assert error.value.code == "analysis.cycle"


def test_a_code_of_another_study_cannot_be_parent_or_target(world: World) -> None:
    foreign = services.add_code(study=world.p.other_study, name="Elders")
    with pytest.raises(DomainError):
        services.add_code(study=world.p.study, name="x", parent=foreign)
    with pytest.raises(DomainError):
        services.merge_codes(source=world.code, target=foreign)
    with pytest.raises(DomainError):
        services.merge_codes(source=world.code, target=world.code)


@pytest.mark.parametrize("colour", ["red", "#12345", "#gggggg", "", "#1234567", "javascript:x"])
def test_bad_colours_are_refused(world: World, colour: str) -> None:
    with pytest.raises(DomainError):
        services.add_code(study=world.p.study, name="Kleur", colour=colour)


def test_deleting_a_code_with_codings_needs_confirmation(world: World) -> None:
    services.apply_code(
        document=world.document, code=world.code, coder=world.p.researcher, start=0, end=3
    )
    with pytest.raises(DomainError):
        services.delete_code(code=world.code)
    assert Coding.objects.count() == 1
    services.delete_code(code=world.code, confirmed=True)
    assert Coding.objects.count() == 0


def test_deleting_a_parent_moves_its_children_up(world: World) -> None:
    group = world.code.parent
    assert group is not None
    services.delete_code(code=group)
    world.code.refresh_from_db()
    assert world.code.parent is None


# -- coding and offsets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("piece", "length"),
    [("Één", 3), ("café", 4), ("😀", 1), ("n\u0308a", 3), ("🇧🇪", 2), ("ß", 1)],
)
def test_offsets_are_code_points(world: World, piece: str, length: int) -> None:
    start = TEXT.index(piece)
    coding = services.apply_code(
        document=world.document,
        code=world.code,
        coder=world.p.researcher,
        start=start,
        end=start + len(piece),
    )
    assert coding.end - coding.start == length
    coding.refresh_from_db()
    assert coding.fragment == piece
    assert world.document.text[coding.start : coding.end] == piece


def test_the_same_coding_twice_is_one_coding(world: World) -> None:
    def code(coder: object) -> Coding:
        return services.apply_code(
            document=world.document,
            code=world.code,
            coder=coder,  # type: ignore[arg-type]
            start=4,
            end=8,
        )

    first = code(world.p.researcher)
    assert code(world.p.researcher) == first
    other = code(world.second_coder)
    assert other != first and Coding.objects.count() == 2


def test_a_code_of_another_study_cannot_be_applied(world: World) -> None:
    foreign = services.add_code(study=world.p.other_study, name="Elders")
    with pytest.raises(DomainError):
        services.apply_code(
            document=world.document, code=foreign, coder=world.p.researcher, start=0, end=1
        )


class TestSpansOutsideTheTextAreRefused(HypothesisTestCase):
    @settings(max_examples=40)
    @given(start=st.integers(-5, 80), end=st.integers(-5, 80))
    def test_it(self, start: int, end: int) -> None:
        p = personas_module.build()
        document = study_services.add_material(study=p.study, kind="other", title="t", text=TEXT)
        code = services.add_code(study=p.study, name="c")
        if 0 <= start < end <= len(TEXT):
            coding = services.apply_code(
                document=document, code=code, coder=p.researcher, start=start, end=end
            )
            assert coding.fragment == TEXT[start:end]
        else:
            with self.assertRaises(DomainError):
                services.apply_code(
                    document=document, code=code, coder=p.researcher, start=start, end=end
                )
            assert not Coding.objects.exists()


def test_empty_documents_cannot_be_coded(world: World) -> None:
    empty = Document.objects.create(study=world.p.study, title="leeg", text="", length=0)
    with pytest.raises(DomainError):
        services.apply_code(
            document=empty, code=world.code, coder=world.p.researcher, start=0, end=1
        )


# -- imported codings ------------------------------------------------------------------------


def test_import_codings_takes_method_keys_and_uuids(world: World) -> None:
    made = services.import_codings(
        study=world.p.study,
        document=world.document,
        items=[(0, 3, "principle.p3"), (4, 8, str(world.code.uuid)), (0, 3, "condition.shared")],
        coder=world.p.facilitator,
    )
    assert [c.code.method_key for c in made] == ["principle.p3", "principle.p1", "condition.shared"]
    assert {c.coder for c in made} == {world.p.facilitator}
    again = services.import_codings(
        study=world.p.study,
        document=world.document,
        items=[(0, 3, "principle.p3")],
        coder=world.p.facilitator,
    )
    assert again[0] == made[0]


def test_import_codings_is_all_or_nothing(world: World) -> None:
    for items in (
        [(0, 3, "principle.p3"), (0, 999, "principle.p3")],
        [(0, 3, "principle.p3"), (0, 3, "no.such.key")],
        [(0, 3, "principle.p3"), (0, 3, "00000000-0000-0000-0000-000000000000")],
    ):
        with pytest.raises(DomainError):
            services.import_codings(
                study=world.p.study, document=world.document, items=items, coder=world.p.researcher
            )
    assert not Coding.objects.exists()
    foreign = study_services.add_material(
        study=world.p.other_study, kind="other", title="x", text="abc"
    )
    with pytest.raises(DomainError):
        services.import_codings(
            study=world.p.study, document=foreign, items=[], coder=world.p.researcher
        )


# -- memos -----------------------------------------------------------------------------------


def test_memos_belong_to_one_thing(world: World) -> None:
    p = world.p
    coding = services.apply_code(
        document=world.document, code=world.code, coder=p.researcher, start=0, end=3
    )
    for target in ({"document": world.document}, {"code": world.code}, {"coding": coding}):
        memo = services.add_memo(study=p.study, author=p.researcher, text=" Idee ", **target)  # type: ignore[arg-type]
        assert memo.text == "Idee" and memo.uuid
    with pytest.raises(DomainError):
        services.add_memo(study=p.study, author=p.researcher, text="x")
    with pytest.raises(DomainError):
        services.add_memo(
            study=p.study, author=p.researcher, text="x", document=world.document, code=world.code
        )
    with pytest.raises(DomainError):
        services.add_memo(study=p.study, author=p.researcher, text="   ", document=world.document)
    with pytest.raises(DomainError):
        services.add_memo(
            study=p.other_study, author=p.researcher, text="x", document=world.document
        )


def test_only_the_author_deletes_a_memo(world: World) -> None:
    memo = services.add_memo(
        study=world.p.study, author=world.p.researcher, text="x", code=world.code
    )
    with pytest.raises(DomainError):
        services.delete_memo(memo=memo, user=world.second_coder)
    services.delete_memo(memo=memo, user=world.p.researcher)
    assert not Memo.objects.exists()


def test_a_study_with_a_code_tree_and_codings_can_be_deleted_whole(world: World) -> None:
    study = world.p.study
    parent = services.add_code(study=study, name="Ouder")
    child = services.add_code(study=study, name="Kind", parent=parent)
    services.apply_code(
        document=world.document, code=child, coder=world.p.researcher, start=0, end=3
    )
    assert Code.objects.filter(study=study, parent__isnull=False).exists()
    study.delete()
    assert not Code.objects.filter(pk__in=[parent.pk, child.pk]).exists()
    assert not Coding.objects.filter(code=child).exists()
