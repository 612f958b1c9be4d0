"""A code query from its parameters (a form, an address or a saved query), for the query page and
for other apps that start from a query's results (e.g. a focus group)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.analysis import queries, search
from verbindend.analysis.access import int_or_none
from verbindend.analysis.models import Code
from verbindend.core.errors import DomainError
from verbindend.studies.models import Study

QUERY_KEYS = ("first", "op", "second", "near", "case", "attribute", "value", "speaker", "role")
OPERATORS = {
    "and": gettext_lazy("AND"),
    "or": gettext_lazy("OR"),
    "not": gettext_lazy("NOT"),
    "near": gettext_lazy("NEAR"),
}


def within(study: Study, get: Any) -> search.Within:
    attribute = get.get("attribute", "")
    value = get.get("value", "") if attribute else None
    if attribute and attribute not in queries.ATTRIBUTES:
        raise DomainError("analysis.attribute", _("Choose one of the listed attributes."))
    if attribute and (not value or value in queries.hidden_groups(study, attribute)):
        raise DomainError(
            "analysis.small_group",
            _("This group has fewer than %(k)s respondents, so it cannot be searched on its own.")
            % {"k": queries.min_group(study)},
        )
    role = get.get("role", "")
    if role not in ("", "interviewer", "respondent"):
        raise DomainError("analysis.role", _("Choose the interviewer or the respondents."))
    case = int_or_none(get.get("case"))
    if case is not None and not study.cases.filter(pk=case).exists():
        raise DomainError("analysis.case", _("That case is not part of the study."))
    document = int_or_none(get.get("document"))
    return search.Within(
        case=case,
        attribute=attribute,
        value=value,
        speaker=get.get("speaker", "")[:200],
        role=role,
        document=document,
    )


def codes_of(study: Study, get: Any) -> tuple[Code, str, Code]:
    first = Code.objects.filter(study=study, pk=int_or_none(get.get("first")) or 0).first()
    second = Code.objects.filter(study=study, pk=int_or_none(get.get("second")) or 0).first()
    if first is None or second is None:
        raise DomainError("analysis.query", _("Choose two codes."))
    op = get.get("op", "and")
    return first, op, second


def describe(study: Study, get: Any) -> str:
    """The query in words: “Trust AND Sharing knowledge”."""
    first, op, second = codes_of(study, get)
    return f"{first.label} {OPERATORS.get(op, op)} {second.label}"


def run_query(study: Study, get: Any) -> list[search.Hit]:
    first, op, second = codes_of(study, get)
    near = int_or_none(get.get("near"))
    return search.code_query(
        study, first, op, second, near=10 if near is None else near, within=within(study, get)
    )
