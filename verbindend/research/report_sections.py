"""The research team's sections of a study report (see ``reports/sections.py``): the glossary
and the literature."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.reports.sections import ReportRequest, ReportSection


def glossary(request: ReportRequest) -> dict[str, Any]:
    from verbindend.research.models import Term

    return {
        "terms": list(
            Term.objects.filter(study=request.study).prefetch_related("revisions__agreements")
        )
    }


def literature(request: ReportRequest) -> dict[str, Any]:
    """The study's references in the one citation style of every report, sorted as cited."""
    from verbindend.research import services
    from verbindend.research.models import Reference

    cited = [services.cite(r) for r in Reference.objects.filter(study=request.study)]
    return {"references": sorted(cited, key=str.lower)}


SECTIONS = [
    ReportSection(
        key="glossary",
        title=_("Glossary"),
        order=5,
        template="reports/sections/glossary.html",
        scope="study",
        build=glossary,
    ),
    ReportSection(
        key="literature",
        title=_("Literature"),
        order=90,
        template="reports/sections/literature.html",
        scope="study",
        build=literature,
    ),
]
