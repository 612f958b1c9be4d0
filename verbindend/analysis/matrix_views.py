"""Workbench pages that read across the study: fragments, matrices, frequencies, agreement."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from verbindend.analysis import charts, queries
from verbindend.analysis.access import code_of, int_or_none, study_for, uuid_or_404
from verbindend.analysis.models import Code
from verbindend.core import exports
from verbindend.core.errors import DomainError
from verbindend.studies.models import Study

FILTERS = ("code", "case", "coder", "level", "nolevel", "attribute", "value", "with")


@require_GET
def fragments(request: HttpRequest, slug: str) -> HttpResponse:
    """The fragments behind one matrix cell (or any combination of its filters)."""
    study = study_for(request, slug, "analysis.view")
    get = request.GET
    code = code_of(study, uuid_or_404(get["code"])) if get.get("code") else None
    level = code_of(study, uuid_or_404(get["level"])) if get.get("level") else None
    with_code = code_of(study, uuid_or_404(get["with"])) if get.get("with") else None
    attribute = get.get("attribute", "")
    if attribute and attribute not in queries.ATTRIBUTES:
        raise Http404
    if attribute and get.get("value", "") in queries.hidden_groups(study, attribute):
        raise DomainError(
            "analysis.small_group",
            _("This group has fewer than %(k)s respondents, so it is not shown on its own.")
            % {"k": queries.min_group(study)},
        )
    qs = queries.fragments(
        study,
        code=code,
        case=int_or_none(get.get("case")),
        coder=int_or_none(get.get("coder")),
        level=level,
        no_level=get.get("nolevel") == "1",
        attribute=attribute,
        value=get.get("value") if attribute else None,
        with_code=with_code,
    )
    page = Paginator(qs, queries.PAGE_SIZE).get_page(get.get("page"))
    query = urlencode({k: get[k] for k in FILTERS if k in get})
    return render(
        request,
        "analysis/fragments.html",
        {
            "study": study,
            "code": code,
            "level": level,
            "with_code": with_code,
            "page": page,
            "fragments": queries.in_context(page.object_list),
            "query": query,
            "total": page.paginator.count,
        },
    )


def _fragment_link(
    base: str, kind: str, code: Code, column: Any, attribute: str, uuids: dict[int, Any]
) -> str:
    params: dict[str, Any] = {"code": code.uuid}
    if kind == "case":
        params["case"] = column
    elif kind == "level":
        if column:
            params["level"] = uuids[column]
        else:
            params["nolevel"] = 1
    elif kind == "attribute":
        params.update(attribute=attribute, value=column)
    elif kind == "cooccurrence":
        params["with"] = uuids[column]
    return base + "?" + urlencode(params)


@require_GET
def matrix(request: HttpRequest, slug: str, kind: str) -> HttpResponseBase:
    study = study_for(request, slug, "analysis.view")
    if kind not in queries.MATRICES:
        raise Http404
    attribute = request.GET.get("attribute", "lead_role")
    if attribute not in queries.ATTRIBUTES:
        raise Http404
    group = request.GET.get("group", "") if kind == "case" else ""
    if group and group not in queries.CASE_GROUPS:
        raise Http404
    result = queries.build_matrix(study, kind, attribute, group=group)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _export(study, kind, result, export)
    uuids = dict(Code.objects.filter(study=study).values_list("pk", "uuid"))
    base = reverse("analysis:fragments", args=[study.slug])
    links = {
        (row.code.pk, key): _fragment_link(base, kind, row.code, key, attribute, uuids)
        for row in result.rows
        for key, _label in result.columns
        if result.value(row.code.pk, key) and not group  # a group's cell spans several cases
    }
    return render(
        request,
        "analysis/matrix.html",
        {
            "study": study,
            "kind": kind,
            "kinds": queries.MATRICES,
            "attribute": attribute,
            "attributes": queries.ATTRIBUTES,
            "group": group,
            "groups": queries.CASE_GROUPS,
            "min_group": queries.min_group(study),
            "matrix": result,
            "rows": [
                (row, [(key, n, links.get((row.code.pk, key))) for key, n in cells])
                for row, cells in result.table()
            ],
            "svg": charts.heat_map(result, links),
        },
    )


def _matrix_rows(result: queries.Matrix) -> list[list[Any]]:
    header = [_("Code"), *[label for _key, label in result.columns]]
    body = [[row.code.label, *[n for _key, n in cells]] for row, cells in result.table()]
    return [header, *body]


def _export(study: Study, kind: str, result: queries.Matrix, export: str) -> HttpResponseBase:
    rows = _matrix_rows(result)
    name = f"{study.slug}-{kind}"
    if export == "csv":
        return exports.csv_response(name, rows)
    return exports.xlsx_response(name, [exports.Sheet(kind, rows)])


@require_GET
def frequencies(request: HttpRequest, slug: str) -> HttpResponseBase:
    study = study_for(request, slug, "analysis.view")
    rows = queries.frequencies(study)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        table = queries.Matrix(
            str(_("Frequencies")),
            [queries.Node(code, 0, n) for code, n, _d, _c in rows],
            [("codings", _("Codings")), ("documents", _("Documents")), ("cases", _("Cases"))],
            {
                **{(c.pk, "codings"): n for c, n, _d, _c in rows},
                **{(c.pk, "documents"): d for c, _n, d, _c in rows},
                **{(c.pk, "cases"): k for c, _n, _d, k in rows},
            },
        )
        return _export(study, "frequencies", table, export)
    return render(
        request,
        "analysis/frequencies.html",
        {
            "study": study,
            "rows": rows,
            "kinds": queries.MATRICES,
            "svg": charts.bars([(c.label, n) for c, n, _d, _c in rows[:30]]),
        },
    )


@require_GET
def agreement(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request, slug, "analysis.view")
    coders = queries.coders(study)
    ids = [u.pk for u in coders]
    a, b = int_or_none(request.GET.get("a")), int_or_none(request.GET.get("b"))
    if a is None and b is None and len(ids) >= 2:
        a, b = ids[0], ids[1]
    result = None
    if a is not None and b is not None:
        if a not in ids or b not in ids or a == b:
            raise DomainError("analysis.coders", _("Choose two different coders of this study."))
        result = queries.agreement_between(study, a, b)
    return render(
        request,
        "analysis/agreement.html",
        {
            "study": study,
            "coders": coders,
            "a": a,
            "b": b,
            "per_code": result[0] if result else [],
            "overall": result[1] if result else None,
            "kinds": queries.MATRICES,
        },
    )
