"""The sections of a study report: the codebook and the analysis matrices.

Each matrix is built by ``analysis.views.build_matrix``, the function the matrix pages and their
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


def codebook(request: ReportRequest) -> dict[str, Any]:
    study = request.study
    return {
        "tree": queries.code_tree(study),
        "frequencies": queries.frequencies(study)[:25],
    }


def _matrix(study: Any, kind: str, attribute: str, title: Any) -> dict[str, Any]:
    from verbindend.analysis.views import build_matrix

    result = build_matrix(study, kind, attribute)
    result.title = str(title)
    return {"matrix": result, "table": result.table(), "svg": charts.heat_map(result, {})}


def _kind(kind: str, title: Any) -> Any:
    def build(request: ReportRequest) -> dict[str, Any]:
        return {"matrices": [_matrix(request.study, kind, "", title)], "kind": kind}

    return build


def by_attribute(request: ReportRequest) -> dict[str, Any]:
    return {
        "matrices": [
            _matrix(request.study, "attribute", attribute, ATTRIBUTE_LABELS[attribute])
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
        build=codebook,
    ),
    ReportSection(
        key="matrix_case",
        title=_("Codes by case"),
        order=20,
        template="reports/sections/matrices.html",
        build=_kind("case", _("Codes by case")),
    ),
    ReportSection(
        key="matrix_level",
        title=_("Codes by level"),
        order=30,
        template="reports/sections/matrices.html",
        build=_kind("level", _("Codes by level")),
    ),
    ReportSection(
        key="matrix_attribute",
        title=_("Codes by respondent attribute"),
        order=40,
        template="reports/sections/matrices.html",
        build=by_attribute,
    ),
    ReportSection(
        key="matrix_cooccurrence",
        title=_("Codes that occur together"),
        order=50,
        template="reports/sections/matrices.html",
        build=_kind("cooccurrence", _("Codes that occur together")),
    ),
]


def all_sections() -> list[ReportSection]:
    return list(SECTIONS)
