"""The analysis's sections of a study report (see ``reports/sections.py``): the codebook and
the matrices.

Each matrix is built by ``analysis.queries.build_matrix``, the function the matrix pages and their
exports use, so the report shows the same cells, with respondent-attribute groups under
``analysis.queries.min_group`` left out in the same way.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.analysis import charts, queries
from verbindend.reports.sections import ReportRequest, ReportSection

ATTRIBUTE_LABELS = {
    "lead_role": _("Trekker or follower"),
    "engagement": _("Professional or volunteer"),
    "tenure": _("Newcomer or long-standing"),
    "gender": _("Gender"),
}


def documents(request: ReportRequest) -> Any:
    """The study's material in the report's period (by the document's date); all without one.

    Material without a date is left out of a report with a period: it cannot be shown to fall
    inside it.
    """
    from verbindend.studies.models import Document

    if request.start is None and request.end is None:
        return None
    found = Document.objects.filter(study=request.study, date__isnull=False)
    if request.start:
        found = found.filter(date__gte=request.start)
    if request.end:
        found = found.filter(date__lte=request.end)
    return found


def codebook(request: ReportRequest) -> dict[str, Any]:
    study = request.study
    within = documents(request)
    return {
        "tree": queries.code_tree(study, documents=within),
        "frequencies": queries.frequencies(study, within)[:25],
    }


def _matrix(
    study: Any, kind: str, attribute: str, title: Any, within: Any = None
) -> dict[str, Any]:
    from verbindend.analysis.queries import build_matrix

    result = build_matrix(study, kind, attribute, within)
    result.title = str(title)
    return {"matrix": result, "table": result.table(), "svg": charts.heat_map(result, {})}


def _kind(kind: str, title: Any) -> Any:
    def build(request: ReportRequest) -> dict[str, Any]:
        return {
            "matrices": [_matrix(request.study, kind, "", title, documents(request))],
            "kind": kind,
        }

    return build


def by_attribute(request: ReportRequest) -> dict[str, Any]:
    return {
        "matrices": [
            _matrix(
                request.study,
                "attribute",
                attribute,
                ATTRIBUTE_LABELS[attribute],
                documents(request),
            )
            for attribute in queries.ATTRIBUTES
        ],
        "kind": "attribute",
        "min_group": queries.min_group(request.study),
    }


SECTIONS = [
    ReportSection(
        key="codebook",
        title=_("Codebook"),
        order=10,
        template="reports/sections/codebook.html",
        scope="study",
        build=codebook,
    ),
    ReportSection(
        key="matrix_case",
        title=_("Codes by case"),
        order=20,
        template="reports/sections/matrices.html",
        scope="study",
        build=_kind("case", _("Codes by case")),
    ),
    ReportSection(
        key="matrix_level",
        title=_("Codes by level"),
        order=30,
        template="reports/sections/matrices.html",
        scope="study",
        build=_kind("level", _("Codes by level")),
    ),
    ReportSection(
        key="matrix_attribute",
        title=_("Codes by respondent attribute"),
        order=40,
        template="reports/sections/matrices.html",
        scope="study",
        build=by_attribute,
    ),
    ReportSection(
        key="matrix_cooccurrence",
        title=_("Codes that occur together"),
        order=50,
        template="reports/sections/matrices.html",
        scope="study",
        build=_kind("cooccurrence", _("Codes that occur together")),
    ),
]
