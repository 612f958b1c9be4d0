"""Reads for search and code queries: text search across a study (words, phrases, lemmas,
regular expressions) and code queries (AND, OR, NOT, NEAR n words) within a case, a respondent
attribute or a speaker.

Every hit and every query result is a :class:`Hit`: a document and a span in code points, the
same addressing as codings, so a hit can be coded as it is.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

import regex
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from verbindend.analysis.models import Code, Coding
from verbindend.core.errors import DomainError
from verbindend.studies.models import Document

if TYPE_CHECKING:
    from verbindend.studies.models import Study

MODES = ("words", "phrase", "lemma", "regex")
SCOPES = ("hit", "sentence", "paragraph")
OPERATORS = ("and", "or", "not", "near")
MAX_HITS = 2000
REGEX_TIMEOUT = 0.5  # seconds per document: a pattern that runs away is stopped, not served
WORD = re.compile(r"\w+(?:['’-]\w+)*")
SENTENCE_END = re.compile(r"[.!?…]+[\"”’)]*\s+|\n")


@dataclass
class Hit:
    document: Document
    start: int
    end: int

    def context(self, around: int = 100) -> tuple[str, str, str]:
        text = self.document.text
        return (
            text[max(0, self.start - around) : self.start],
            text[self.start : self.end],
            text[self.end : self.end + around],
        )

    @property
    def key(self) -> str:
        return f"{self.document.pk}:{self.start}:{self.end}"


@dataclass
class Within:
    """Where to look: a case, a respondent attribute's value, a speaker or a speaker role."""

    case: int | None = None
    attribute: str = ""
    value: str | None = None
    speaker: str = ""  # a speaker's name as in the transcript
    role: str = ""  # "interviewer" or "respondent"
    document: int | None = None

    def documents(self, study: Study) -> QuerySet[Document]:
        from verbindend.analysis.queries import ATTRIBUTES

        qs = Document.objects.filter(study=study)
        if self.document is not None:
            qs = qs.filter(pk=self.document)
        if self.case is not None:
            qs = qs.filter(case_id=self.case)
        if self.attribute:
            if self.attribute not in ATTRIBUTES:
                raise DomainError("analysis.attribute", _("Choose one of the listed attributes."))
            qs = qs.filter(**{f"respondent__person__{self.attribute}": self.value})
        return qs

    def spans(self, document: Document) -> list[tuple[int, int]] | None:
        """The parts of the document said by the chosen speaker or role; ``None``: all of it."""
        if not (self.speaker or self.role):
            return None
        result = []
        for turn in document.turns:
            said_by = document.speakers.get(turn["speaker"], "")
            role = "interviewer" if said_by == "interviewer" else "respondent" if said_by else ""
            if (self.speaker and turn["speaker"] == self.speaker) or (
                self.role and role == self.role
            ):
                result.append((turn["body"], turn["end"]))
        return result


def _inside(spans: list[tuple[int, int]] | None, start: int, end: int) -> bool:
    return spans is None or any(s <= start and end <= e for s, e in spans)


def _pattern(query: str, mode: str) -> regex.Pattern[str]:
    query = query.strip()
    if not query:
        raise DomainError("analysis.search", _("Type what to look for."))
    if len(query) > 200:
        raise DomainError("analysis.search", _("Search for at most 200 characters."))
    if mode == "regex":
        try:
            return regex.compile(query, regex.IGNORECASE | regex.V1)
        except regex.error as error:
            raise DomainError(
                "analysis.regex",
                _("The regular expression is not valid: %(error)s") % {"error": error},
            ) from None
    if mode == "phrase":
        words = [regex.escape(w) for w in query.split()]
        return regex.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", regex.IGNORECASE)
    words = sorted({regex.escape(w) for w in WORD.findall(query)}, key=len, reverse=True)
    if not words:
        raise DomainError("analysis.search", _("Type what to look for."))
    return regex.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", regex.IGNORECASE)


def _lemma_hits(text: str, query: str) -> Iterator[tuple[int, int]]:
    from verbindend.analysis.suggest.text import lemma

    def forms(word: str) -> set[str]:
        word = word.lower()
        return {word, lemma(word, "nl"), lemma(word, "en")}

    wanted: set[str] = set()
    for word in WORD.findall(query):
        wanted |= {lemma(word.lower(), "nl"), lemma(word.lower(), "en")}
    if not wanted:
        raise DomainError("analysis.search", _("Type what to look for."))
    for match in WORD.finditer(text):
        if forms(match[0]) & wanted:
            yield match.start(), match.end()


def widen(text: str, start: int, end: int, scope: str) -> tuple[int, int]:
    """A hit widened to its sentence or paragraph (line), for coding with enough context."""
    if scope == "paragraph":
        left = text.rfind("\n", 0, start) + 1
        right = text.find("\n", end)
        return left, len(text) if right == -1 else right
    if scope == "sentence":
        left = 0
        for found in SENTENCE_END.finditer(text, 0, start):
            left = found.end()
        after = SENTENCE_END.search(text, end)
        right = len(text) if after is None else after.start() + len(after[0].rstrip())
        return left, max(right, end)
    return start, end


def search(
    study: Study,
    query: str,
    *,
    mode: str = "words",
    scope: str = "hit",
    within: Within | None = None,
) -> list[Hit]:
    """Hits across the study's documents in document order, at most ``MAX_HITS``."""
    if mode not in MODES or scope not in SCOPES:
        raise DomainError("analysis.search", _("Choose how to search."))
    within = within or Within()
    pattern = None if mode == "lemma" else _pattern(query, mode)
    hits: list[Hit] = []
    for document in within.documents(study).order_by("title", "pk"):
        spans = within.spans(document)
        text = document.text
        if pattern is None:
            found: Iterable[tuple[int, int]] = _lemma_hits(text, query)
        else:
            try:
                found = [
                    m.span()
                    for m in pattern.finditer(text, timeout=REGEX_TIMEOUT)
                    if m.end() > m.start()
                ]
            except TimeoutError:
                raise DomainError(
                    "analysis.regex_slow",
                    _("The regular expression takes too long; make it simpler."),
                ) from None
        seen: set[tuple[int, int]] = set()
        for start, end in found:
            span = widen(text, start, end, scope)
            if span in seen or not _inside(spans, start, end):
                continue
            seen.add(span)
            hits.append(Hit(document, *span))
            if len(hits) >= MAX_HITS:
                return hits
    return hits


# -- code queries ---------------------------------------------------------------------------


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def code_query(
    study: Study,
    first: Code,
    operator: str,
    second: Code,
    *,
    near: int = 10,
    within: Within | None = None,
) -> list[Hit]:
    """Spans where the codes meet: AND (both cover), OR (either), NOT (the first without the
    second anywhere on it), NEAR (both within ``near`` words of each other; the span runs from
    the one to the other). Codings of every coder count."""
    if operator not in OPERATORS:
        raise DomainError("analysis.operator", _("Choose AND, OR, NOT or NEAR."))
    if not 0 <= near <= 1000:
        raise DomainError("analysis.near", _("Choose a distance from 0 to 1,000 words."))
    within = within or Within()
    documents = within.documents(study)
    rows = (
        Coding.objects.filter(study=study, code__in=[first, second], document__in=documents)
        .values_list("document_id", "code_id", "start", "end")
        .order_by()
    )
    spans_of: dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = defaultdict(
        lambda: ([], [])
    )
    for document_id, code_id, start, end in rows:
        spans_of[document_id][0 if code_id == first.pk else 1].append((start, end))
    found: dict[int, list[tuple[int, int]]] = {}
    need_text = operator == "near"
    texts: dict[int, str] = {}
    if need_text and spans_of:
        texts = dict(Document.objects.filter(pk__in=list(spans_of)).values_list("pk", "text"))
    for document_id, (a_spans, b_spans) in spans_of.items():
        a, b = _merge(a_spans), _merge(b_spans)
        if operator == "or":
            result = _merge(a + b)
        elif operator == "and":
            result = _intersect(a, b)
        elif operator == "not":
            result = [s for s in a if not _overlaps_any(s, b)]
        else:
            result = _merge(_near(a, b, texts[document_id], near))
        if result:
            found[document_id] = result
    if not found:
        return []
    documents_by_pk = {d.pk: d for d in Document.objects.filter(pk__in=list(found))}
    hits = []
    for document_id in sorted(found, key=lambda pk: (documents_by_pk[pk].title, pk)):
        document = documents_by_pk[document_id]
        spans = within.spans(document)
        for start, end in found[document_id]:
            if _inside(spans, start, end):
                hits.append(Hit(document, start, end))
    return hits


def _intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    result, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def _overlaps_any(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    index = bisect.bisect_left(others, (span[1], -1))
    return any(s < span[1] and e > span[0] for s, e in others[max(0, index - 50) : index])


def _near(
    a: list[tuple[int, int]], b: list[tuple[int, int]], text: str, near: int
) -> Iterator[tuple[int, int]]:
    """Pairs of an ``a`` and a ``b`` span at most ``near`` words apart (or overlapping).

    Both lists are merged (sorted, disjoint); the gap is counted word by word and the count
    stops past ``near``, so a far pair costs no more than a near one."""
    b_starts = [start for start, _end in b]
    for a_start, a_end in a:
        index = bisect.bisect_left(b_starts, a_start)
        # spans starting inside a or after it, nearest first
        for b_start, b_end in b[index:]:
            if b_start >= a_end and _gap_words(text, a_end, b_start, near) > near:
                break
            yield min(a_start, b_start), max(a_end, b_end)
        # spans starting before a, nearest first
        for b_start, b_end in reversed(b[:index]):
            if b_end <= a_start and _gap_words(text, b_end, a_start, near) > near:
                break
            yield min(a_start, b_start), max(a_end, b_end)


def _gap_words(text: str, start: int, end: int, limit: int) -> int:
    """Words in ``text[start:end]``, counted up to ``limit + 1``."""
    return sum(1 for _match in islice(WORD.finditer(text, start, end), limit + 1))
