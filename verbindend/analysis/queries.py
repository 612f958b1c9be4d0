"""Reads of the analysis workbench: the code tree, text segments, retrieval, matrices, agreement.

Levels: a coding's level is the ``level.*`` code (any coder) whose coding overlaps it in the
same document; a coding that overlaps none is counted under "no level". A coding overlapping
two level codings counts under both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy

from verbindend.analysis import agreement
from verbindend.analysis.models import Code, Coding

if TYPE_CHECKING:
    from verbindend.studies.models import Document, Study

    #: optionally, the documents a count is limited to (e.g. those dated in a report's period)
    type Documents = QuerySet[Document] | None

ATTRIBUTES = ("lead_role", "engagement", "tenure", "gender")


@dataclass
class Node:
    code: Code
    depth: int
    count: int


def _codings(study: Study, documents: Documents = None) -> QuerySet[Coding]:
    """The study's codings, or those in ``documents`` only (a report's period)."""
    qs = Coding.objects.filter(study=study)
    return qs if documents is None else qs.filter(document__in=documents)


def code_tree(study: Study, *, counts: bool = True, documents: Documents = None) -> list[Node]:
    """The codebook in tree order with depth (and the number of codings per code)."""
    qs = Code.objects.filter(study=study)
    within = Q() if documents is None else Q(codings__document__in=documents)
    codes = list(qs.annotate(n=Count("codings", filter=within)) if counts else qs)
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    result: list[Node] = []

    def walk(parent: int | None, depth: int) -> None:
        for code in sorted(children[parent], key=lambda c: (c.order, c.pk)):
            result.append(Node(code, depth, getattr(code, "n", 0)))
            walk(code.pk, depth + 1)

    walk(None, 0)
    return result


@dataclass
class Segment:
    start: int
    text: str
    codes: list[int] = field(default_factory=list)
    codings: list[str] = field(default_factory=list)
    turn: int | None = None
    speaker: str = ""
    #: the speaker's number in order of first appearance (for a colour of their own)
    speaker_no: int = 0
    time: str = ""
    #: the turn's speaker label (name and time), not the words
    is_speaker: bool = False


def _clock(value: float | None) -> str:
    if value is None:
        return ""
    total = int(value)
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def segments(text: str, codings: list[Coding], turns: list[dict] | None = None) -> list[Segment]:
    """The text cut at every coding (and turn) boundary, each piece knowing what covers it."""
    turns = turns or []
    bounds = {0, len(text)}
    for c in codings:
        bounds.update((c.start, c.end))
    for turn in turns:
        bounds.update((turn["start"], turn["body"], turn["end"]))
    cuts = sorted(b for b in bounds if 0 <= b <= len(text))
    ordered = sorted(codings, key=lambda c: c.start)
    result = []
    turn_index = 0
    numbers: dict[str, int] = {}
    for turn in turns:
        numbers.setdefault(turn["speaker"], len(numbers))
    for start, end in pairwise(cuts):
        covering = [c for c in ordered if c.start < end and c.end > start]
        while turn_index < len(turns) and turns[turn_index]["end"] <= start:
            turn_index += 1
        segment = Segment(
            start,
            text[start:end],
            sorted({c.code_id for c in covering}),
            [str(c.uuid) for c in covering],
        )
        if turn_index < len(turns) and turns[turn_index]["start"] <= start:
            turn = turns[turn_index]
            segment.turn = turn_index
            segment.speaker = turn["speaker"]
            segment.speaker_no = numbers[turn["speaker"]] % 6
            if start < turn["body"]:
                segment.is_speaker = True
                segment.time = _clock(turn.get("time")) if start == turn["start"] else ""
        result.append(segment)
    return result


#: characters shown before and after a fragment in lists of fragments
CONTEXT = 120
#: fragments per page
PAGE_SIZE = 25


def in_context(codings: Any, around: int = CONTEXT) -> list[tuple[Coding, str, str, str]]:
    """Each coding with the text before it, its own words and the text after it."""
    return [(c, *with_context(c, c.document.text, around)) for c in codings]


def with_context(coding: Coding, text: str, around: int) -> tuple[str, str, str]:
    before = text[max(0, coding.start - around) : coding.start]
    after = text[coding.end : coding.end + around]
    return before, text[coding.start : coding.end], after


def level_codes(study: Study) -> list[Code]:
    return list(Code.objects.filter(study=study, method_key__startswith="level."))


def _overlaps(code: Code | int) -> Exists:
    return Exists(
        Coding.objects.filter(
            document=OuterRef("document"),
            code=code,
            start__lt=OuterRef("end"),
            end__gt=OuterRef("start"),
        )
    )


def fragments(
    study: Study,
    *,
    code: Code | None = None,
    case: int | None = None,
    coder: int | None = None,
    level: Code | None = None,
    no_level: bool = False,
    attribute: str = "",
    value: str | None = None,
    with_code: Code | None = None,
    documents: Documents = None,
) -> QuerySet[Coding]:
    """Codings filtered the way a matrix cell is defined, in document order."""
    qs = _codings(study, documents)
    if code is not None:
        qs = qs.filter(code=code)
    if case is not None:
        qs = qs.filter(document__case_id=case) if case else qs.filter(document__case__isnull=True)
    if coder is not None:
        qs = qs.filter(coder_id=coder)
    if level is not None:
        qs = qs.filter(_overlaps(level))
    if no_level:
        qs = qs.exclude(
            Exists(
                Coding.objects.filter(
                    document=OuterRef("document"),
                    code__study=study,
                    code__method_key__startswith="level.",
                    start__lt=OuterRef("end"),
                    end__gt=OuterRef("start"),
                )
            )
        )
    if attribute in ATTRIBUTES and value is not None:
        qs = qs.filter(**{f"document__respondent__person__{attribute}": value})
    if with_code is not None:
        qs = qs.filter(_overlaps(with_code)).exclude(code=with_code)
    return qs.select_related("document", "code", "coder").order_by(
        "document__title", "document_id", "start", "pk"
    )


# -- matrices --------------------------------------------------------------------------------


@dataclass
class Matrix:
    """Rows are codes, columns any key; ``cells[(code_pk, column)]`` counts codings."""

    title: str
    rows: list[Node]
    columns: list[tuple[Any, str]]
    cells: dict[tuple[int, Any], int]
    param: str = ""

    def value(self, code_pk: int, column: Any) -> int:
        return self.cells.get((code_pk, column), 0)

    @property
    def top(self) -> int:
        return max(self.cells.values(), default=0)

    def table(self) -> list[tuple[Node, list[tuple[Any, int]]]]:
        return [
            (row, [(key, self.value(row.code.pk, key)) for key, _label in self.columns])
            for row in self.rows
        ]


def code_by_case(study: Study, documents: Documents = None) -> dict[tuple[int, int], int]:
    """Codings per (code, case); documents without a case → 0.

    Counted per (code, document) from the covering index alone, then summed per case: joining
    every coding to its (large) document row is several times slower.
    """
    from verbindend.studies.models import Document

    case_of = dict(Document.objects.filter(study=study).values_list("pk", "case_id"))
    rows = (
        _codings(study, documents)
        .values_list("code_id", "document_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    cells: dict[tuple[int, int], int] = defaultdict(int)
    for code, document, n in rows:
        cells[(code, case_of.get(document) or 0)] += n
    return dict(cells)


def code_by_level(study: Study, documents: Documents = None) -> dict[tuple[int, int], int]:
    """Codings per (code, level code); column 0 is "no level"."""
    cells: dict[tuple[int, int], int] = {}
    levels = level_codes(study)
    base = _codings(study, documents)
    for level in levels:
        for code, n in (
            base.filter(_overlaps(level)).values_list("code_id").annotate(n=Count("id")).order_by()
        ):
            cells[(code, level.pk)] = n
    for code, n in (
        fragments(study, no_level=True, documents=documents)
        .values_list("code_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        cells[(code, 0)] = n
    return cells


def code_by_attribute(
    study: Study, attribute: str, documents: Documents = None
) -> dict[tuple[int, str], int]:
    """Codings per (code, value of the respondent's attribute); "" when unknown or no respondent."""
    field_name = f"document__respondent__person__{attribute}"
    rows = (
        _codings(study, documents)
        .values_list("code_id", field_name)
        .annotate(n=Count("id"))
        .order_by()
    )
    cells: dict[tuple[int, str], int] = defaultdict(int)
    for code, value, n in rows:
        cells[(code, value or "")] += n
    return dict(cells)


#: no breakdown by respondent attribute for fewer respondents than this (ARCHITECTURE §2.4)
MIN_GROUP = 5


def min_group(study: Study) -> int:
    """The smallest group shown: MIN_GROUP, or more when a case's network set a higher k."""
    from verbindend.studies.models import CaseStatus

    ks = study.cases.filter(status=CaseStatus.AGREED).values_list("network__k_threshold", flat=True)
    return max([MIN_GROUP, *ks])


def hidden_groups(study: Study, attribute: str, documents: Documents = None) -> set[str]:
    """Attribute values the disclosure engine does not allow beside all respondents: groups
    below ``min_group`` and any group whose complement could single out fewer (core.disclosure)."""
    from verbindend.core import disclosure
    from verbindend.studies.models import Document

    base = Document.objects.filter(study=study) if documents is None else documents
    groups: dict[str, set[int]] = defaultdict(set)
    for respondent, value in (
        base.filter(respondent__isnull=False)
        .values_list("respondent_id", f"respondent__person__{attribute}")
        .distinct()
    ):
        if value:
            groups[value].add(respondent)
    # the matrix shows the stated groups side by side: their union is its whole
    allowed = disclosure.allowed_groups(
        {value: frozenset(members) for value, members in groups.items()}, k=min_group(study)
    )
    return {value for value in groups if value not in allowed}


def co_occurrence(study: Study, documents: Documents = None) -> dict[tuple[int, int], int]:
    """Pairs of overlapping codings in the same document, per pair of codes (both directions)."""
    other = Coding.objects.filter(
        document=OuterRef("document"),
        start__lt=OuterRef("end"),
        end__gt=OuterRef("start"),
    ).exclude(code=OuterRef("code"))
    cells: dict[tuple[int, int], int] = defaultdict(int)
    rows = (
        _codings(study, documents)
        .filter(Exists(other))
        .values_list("pk", "code_id", "document_id", "start", "end")
    )
    by_document: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for pk, code, document, start, end in rows:
        by_document[document].append((pk, code, start, end))
    for spans in by_document.values():
        spans.sort(key=lambda s: s[2])
        for i, (_pk, code, _start, end) in enumerate(spans):
            for _pk2, code2, start2, _end2 in spans[i + 1 :]:
                if start2 >= end:
                    break
                if code2 != code:
                    cells[(code, code2)] += 1
                    cells[(code2, code)] += 1
    return dict(cells)


def frequencies(study: Study, documents: Documents = None) -> list[tuple[Code, int, int, int]]:
    """Per code: codings, documents and cases, most used first."""
    within = Q() if documents is None else Q(codings__document__in=documents)
    codes = (
        Code.objects.filter(study=study)
        .annotate(
            n=Count("codings", filter=within),
            documents=Count("codings__document", distinct=True, filter=within),
            cases=Count("codings__document__case", distinct=True, filter=within),
        )
        .filter(n__gt=0)
        .order_by("-n", "order", "pk")
    )
    return [(c, c.n, c.documents, c.cases) for c in codes]


# -- agreement -------------------------------------------------------------------------------


@dataclass
class CodeAgreement:
    code: Code
    counts: agreement.Counts
    disagreements: list[tuple[Document, int, int, str]]


def coders(study: Study) -> list[Any]:
    from verbindend.accounts.models import User

    return list(User.objects.filter(codings__study=study).distinct().order_by("pk"))


def agreement_between(
    study: Study, coder_a: int, coder_b: int
) -> tuple[list[CodeAgreement], agreement.Counts]:
    """Per code and overall, over the documents that either coder coded at all."""
    from verbindend.studies.models import Document

    codings = list(
        Coding.objects.filter(study=study, coder_id__in=[coder_a, coder_b]).values_list(
            "code_id", "document_id", "coder_id", "start", "end"
        )
    )
    documents: dict[int, Document] = {
        d.pk: d
        for d in Document.objects.filter(pk__in={c[1] for c in codings}).only(
            "pk", "title", "length", "study_id"
        )
    }
    spans: dict[tuple[int, int], tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    for code_id, document_id, coder, start, end in codings:
        pair = spans.setdefault((code_id, document_id), ([], []))
        pair[0 if coder == coder_a else 1].append((start, end))
    codes = {c.pk: c for c in Code.objects.filter(pk__in={c[0] for c in codings})}
    result = []
    overall = agreement.Counts()
    for code_pk in sorted(codes, key=lambda pk: (codes[pk].order, pk)):
        total = agreement.Counts()
        listed: list[tuple[Document, int, int, str]] = []
        for document in documents.values():
            a, b = spans.get((code_pk, document.pk), ([], []))
            total = total + agreement.count(document.length, a, b)
            listed += [
                (document, s, e, who)
                for s, e, who in agreement.disagreements(document.length, a, b)
            ]
        result.append(CodeAgreement(codes[code_pk], total, listed))
        overall = overall + total
    return result, overall


def case_columns(study: Study, cells: dict[tuple[int, int], int]) -> list[tuple[int, str]]:
    columns = [(c.pk, c.network.name) for c in study.cases.agreed().select_related("network")]
    if any(case == 0 for _code, case in cells):
        columns.append((0, "—"))
    return columns


#: Network profile fields a study's cases may be grouped by in the matrix of codes by case.
CASE_GROUPS = ("governance_form", "goal_origin", "phase")


def group_cases(
    study: Study, cells: dict[tuple[int, int], int], group: str
) -> tuple[dict[tuple[int, Any], int], list[tuple[Any, str]]]:
    """Codes by case merged into one column per value of a network profile field.

    A column is named by the value's label and its networks, "not filled in" last; codings in
    documents without a case keep their own column.
    """
    from verbindend.networks.models import Network

    choices = getattr(Network._meta.get_field(group), "choices", None) or []
    labels = {str(value): str(label) for value, label in choices}
    value_of: dict[int, str] = {}
    names: dict[str, list[str]] = {}
    for case in study.cases.agreed().select_related("network"):
        value = str(getattr(case.network, group) or "")
        value_of[case.pk] = value
        names.setdefault(value, []).append(case.network.name)
    grouped: dict[tuple[int, Any], int] = defaultdict(int)
    for (code, case_pk), n in cells.items():
        grouped[(code, value_of.get(case_pk, 0))] += n
    order = [*labels, ""]
    columns: list[tuple[Any, str]] = [
        (value, f"{labels.get(value) or gettext('not filled in')} ({', '.join(names[value])})")
        for value in order
        if value in names
    ]
    if any(column == 0 for _code, column in grouped):
        columns.append((0, "—"))
    return dict(grouped), columns


def level_columns(study: Study) -> list[tuple[int, str]]:
    return [(c.pk, c.label) for c in level_codes(study)] + [(0, "—")]


def attribute_columns(
    study: Study, attribute: str, cells: dict[tuple[int, str], int]
) -> list[tuple[str, str]]:
    from verbindend.networks.models import Person

    field_obj = Person._meta.get_field(attribute)
    labels = dict(getattr(field_obj, "choices", None) or [])
    values = sorted({value for _code, value in cells}, key=lambda v: (v == "", str(v)))
    return [(v, str(labels.get(v, v)) if v else "—") for v in values]


MATRICES = {
    "case": gettext_lazy("Codes by case"),
    "level": gettext_lazy("Codes by level"),
    "attribute": gettext_lazy("Codes by respondent attribute"),
    "cooccurrence": gettext_lazy("Codes that occur together"),
}


def build_matrix(
    study: Study, kind: str, attribute: str, documents: Documents = None, group: str = ""
) -> Matrix:
    """One matrix; ``group`` (one of :data:`CASE_GROUPS`) merges the cases of a "case" matrix."""
    tree = code_tree(study, counts=False)
    if kind == "case":
        by_case = code_by_case(study, documents)
        cells: dict[Any, int] = dict(by_case)
        columns: list[Any] = case_columns(study, by_case)
        if group:
            cells, columns = group_cases(study, by_case, group)
    elif kind == "level":
        cells = code_by_level(study, documents)
        columns = level_columns(study)
    elif kind == "attribute":
        hidden = hidden_groups(study, attribute, documents)
        cells = {
            key: n
            for key, n in code_by_attribute(study, attribute, documents).items()
            if key[1] not in hidden
        }
        columns = attribute_columns(study, attribute, cells)
    else:
        cells = co_occurrence(study, documents)
        used = {code for code, _other in cells}
        columns = [(n.code.pk, n.code.label) for n in tree if n.code.pk in used]
    used_rows = {code for code, _column in cells}
    if kind == "level":  # a level code's own level says nothing
        used_rows -= {pk for pk, _label in columns}
    rows = [n for n in tree if n.code.pk in used_rows]
    return Matrix(str(MATRICES[kind]), rows, columns, cells, attribute)
