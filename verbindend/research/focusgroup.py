"""From analysis to focus group: chosen codes become the steps of a study's live session.

"After a first analysis of the interviews the researchers selected the topics for the focus
groups." Each chosen code becomes one open-answer step that presents the theme (its name and
definition) with a few fragments coded with it, for the group to react to. A fragment is shown
only when the person it comes from consented to being quoted (an active ``quoting`` consent), and
the names of the study's people are taken out of it. A code query's results (the analysis' query
page) start one too: one step that presents the query in words with a few of its fragments. The
session is made through the live app's own services; when its facilitators save the synthesis,
``live.material`` brings it back into the study as material (a session summary with its themes
as codings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError

MAX_THEMES = 8
FRAGMENTS_PER_THEME = 2
FRAGMENTS_FROM_QUERY = 4
FRAGMENT_CHARS = 220
PROMPT_CHARS = 1000


def _names(study: Any) -> list[str]:
    """Every name (and each part of it) of the people in the study's case networks."""
    from verbindend.networks.models import Person

    found: set[str] = set()
    for name in Person.objects.filter(network__cases__study=study).values_list("name", flat=True):
        found.add(name)
        found.update(part for part in name.split() if len(part) > 2)
    return sorted(found, key=len, reverse=True)


def anonymise(text: str, names: list[str]) -> str:
    for name in names:
        text = re.sub(rf"\b{re.escape(name)}\b", "[…]", text, flags=re.IGNORECASE)
    return text


def _consenting_people() -> Any:
    from verbindend.privacy.models import ConsentPurpose, ConsentRecord

    return ConsentRecord.objects.active().filter(purpose=ConsentPurpose.QUOTING).values("person")


def quotable(study: Any, spans: Iterable[tuple[Any, int, int]], *, limit: int) -> list[str]:
    """Up to ``limit`` distinct fragments of ``(document, start, end)`` spans, in order: only
    from respondents who consented to quoting, shortened, and without the study's names."""
    from verbindend.studies.models import Document

    allowed = set(
        Document.objects.filter(
            study=study, respondent__person__in=_consenting_people()
        ).values_list("pk", flat=True)
    )
    names = _names(study)
    out: list[str] = []
    for document, start, end in spans:
        if document.pk not in allowed:
            continue
        words = " ".join(document.text[start:end].split())
        if not words:
            continue
        if len(words) > FRAGMENT_CHARS:
            words = words[: FRAGMENT_CHARS - 1].rsplit(" ", 1)[0] + "…"
        words = anonymise(words, names)
        if words not in out:
            out.append(words)
        if len(out) >= limit:
            break
    return out


def quotable_fragments(code: Any, *, limit: int = FRAGMENTS_PER_THEME) -> list[str]:
    """Up to ``limit`` fragments coded with ``code`` from people who consented to quoting."""
    from verbindend.analysis.models import Coding

    codings = (
        Coding.objects.filter(code=code, document__respondent__person__in=_consenting_people())
        .select_related("document")
        .order_by("document_id", "start")
    )
    return quotable(
        code.study, ((c.document, c.start, c.end) for c in codings[: limit * 4]), limit=limit
    )


def _prompt(lines: list[str], fragments: list[str]) -> str:
    lines = [*lines, *(f"“{fragment}”" for fragment in fragments)]
    lines.append(_("How do you recognise this in your network? What would you add or change?"))
    text = "\n".join(lines)
    return text if len(text) <= PROMPT_CHARS else text[: PROMPT_CHARS - 1] + "…"


def prompt_for(code: Any) -> str:
    lines = [code.label]
    if code.definition:
        lines.append(code.definition.strip())
    return _prompt(lines, quotable_fragments(code))


def create_focus_group(*, study: Any, codes: list[Any], by: Any, title: str = "") -> Any:
    """A study live session with one step per chosen code, in the order chosen."""
    from verbindend.live import services as live
    from verbindend.live.models import StepKind

    if not codes or len(codes) > MAX_THEMES:
        raise DomainError(
            "research.themes",
            _("Choose between one and %(n)d codes or themes.") % {"n": MAX_THEMES},
        )
    if any(code.study_id != study.pk for code in codes):
        raise DomainError("research.other_study", _("Link only codes and memos of this study."))
    session = live.create_session(
        creator=by,
        template="blank",
        study=study,
        title=title or _("Focus group: %(themes)s") % {"themes": ", ".join(c.label for c in codes)},
    )
    for code in codes:
        live.add_step(session=session, kind=StepKind.OPEN_ANSWER, prompt=prompt_for(code))
    return session


def create_from_query(*, study: Any, description: str, hits: list[Any], by: Any) -> Any:
    """A study live session whose step presents a code query's results: the query in words and
    a few of its fragments (quotable, nameless), for the group to react to."""
    from verbindend.live import services as live
    from verbindend.live.models import StepKind

    if not hits:
        raise DomainError(
            "research.empty_query",
            _("This query finds no fragments, so there is nothing to present to a group."),
        )
    if any(hit.document.study_id != study.pk for hit in hits):
        raise DomainError("research.other_study", _("Link only codes and memos of this study."))
    fragments = quotable(
        study, ((h.document, h.start, h.end) for h in hits), limit=FRAGMENTS_FROM_QUERY
    )
    session = live.create_session(
        creator=by,
        template="blank",
        study=study,
        title=_("Focus group: %(themes)s") % {"themes": description},
    )
    live.add_step(
        session=session, kind=StepKind.OPEN_ANSWER, prompt=_prompt([description], fragments)
    )
    return session
