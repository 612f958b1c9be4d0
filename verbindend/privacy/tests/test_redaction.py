"""Redacting a document's text moves coding offsets (code points) with it, also around accents,
emoji and combining marks; codings that collapse onto the same span become one."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from verbindend.analysis import services as analysis
from verbindend.analysis.models import Coding
from verbindend.privacy.rights import needle_pattern
from verbindend.studies.models import Document
from verbindend.studies.personal_data import plan_redaction, redact_document
from verbindend.studies.services import paragraph_starts
from verbindend.testing.personas import Personas

NAME = "Zoë Ñandú"
PATTERN = needle_pattern([NAME])
assert PATTERN is not None

words = st.text(alphabet=st.sampled_from(list("ab cé\u0301😀 \n.")), min_size=0, max_size=12)


@given(st.lists(words, min_size=1, max_size=8), st.sampled_from(["Deelnemer 4F7A", "X", ""]))
def test_text_outside_the_replaced_names_keeps_its_place(
    parts: list[str], replacement: str
) -> None:
    text = f" {NAME} ".join(parts)
    plan = plan_redaction(text, [(PATTERN, replacement)])  # type: ignore[list-item]
    if plan is None:
        assert NAME not in text
        return
    assert NAME not in plan.text
    # every character outside a replaced span is found at its moved offset
    for offset, char in enumerate(text):
        if any(start <= offset < stop for start, stop, _r in plan.spans):
            continue
        assert plan.text[plan.moved(offset, end=False)] == char
    assert plan.moved(len(text), end=True) == len(plan.text)


def test_a_replaced_name_keeps_its_genitive() -> None:
    plan = plan_redaction(f"{NAME}s idee en {NAME}'s plan", [(PATTERN, "P")])  # type: ignore[list-item]
    assert plan is not None and plan.text == "Ps idee en P's plan"


def test_codings_move_and_collapse_without_breaking_uniqueness(personas: Personas) -> None:
    text = f"Begin 😀 {NAME} zegt: samen plannen. {NAME} knikt."
    document = Document.objects.create(
        study=personas.study,
        title="T",
        text=text,
        length=len(text),
        paragraph_starts=paragraph_starts(text),
    )
    analysis.seed_codebook(study=personas.study)
    code = analysis.code_for_key(personas.study, "principle.p1")
    said = text.index("samen plannen")
    first = text.index(NAME)
    spans = [
        (said, said + len("samen plannen")),  # outside the names: moves
        (first, first + 3),  # inside the first name: snaps to the pseudonym
        (first + 1, first + len(NAME)),  # the same after snapping: merges
        (0, len(text)),  # everything
    ]
    for start, end in spans:
        analysis.apply_code(
            document=document, code=code, coder=personas.researcher, start=start, end=end
        )
    assert redact_document(document, [(re.compile(re.escape(NAME)), "Deelnemer 4F7A")])
    document.refresh_from_db()
    fragments = sorted(c.fragment for c in Coding.objects.filter(document=document))
    assert fragments == sorted(["samen plannen", "Deelnemer 4F7A", document.text])
    assert NAME not in document.text and document.length == len(document.text)
