"""Search and auto-coding, code queries (saved ones too), and the relations between codes."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from verbindend.analysis import charts, queries, query_params, search, services
from verbindend.analysis.access import int_or_none, study_for, user_of
from verbindend.analysis.models import Code, SavedQuery
from verbindend.core import exports, policy
from verbindend.core.errors import DomainError
from verbindend.networks.models import Person
from verbindend.studies.models import Document, Study

if TYPE_CHECKING:
    from django.db.models import Field

PAGE_SIZE = 50


def _attribute_choices(study: Study) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(attribute, label, [(value, label)]) for the attributes respondents have in this study."""
    result = []
    for attribute in queries.ATTRIBUTES:
        field = cast("Field[Any, Any]", Person._meta.get_field(attribute))
        values = sorted(
            {
                v
                for v in Document.objects.filter(study=study, respondent__isnull=False)
                .values_list(f"respondent__person__{attribute}", flat=True)
                .distinct()
                if v
            }
        )
        labels = dict(field.choices or [])
        result.append(
            (attribute, str(field.verbose_name), [(v, str(labels.get(v, v))) for v in values])
        )
    return result


def _speakers(study: Study) -> list[str]:
    names: dict[str, None] = {}
    for turns in (
        Document.objects.filter(study=study).exclude(turns=[]).values_list("turns", flat=True)
    ):
        for turn in turns:
            if turn["speaker"]:
                names.setdefault(turn["speaker"], None)
    return sorted(names)


def _filters_context(study: Study) -> dict[str, Any]:
    return {
        "cases": list(study.cases.select_related("network")),
        "attributes": _attribute_choices(study),
        "speakers": _speakers(study),
        "tree": queries.code_tree(study, counts=False),
    }


def _rows(hits: list[search.Hit]) -> list[tuple[search.Hit, str, str, str]]:
    return [(hit, *hit.context()) for hit in hits]


@require_GET
def search_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Search the study; the hits with their context, to code all or some of them."""
    study = study_for(request, slug, "analysis.view")
    get = request.GET
    q = get.get("q", "")
    mode = get.get("mode", "words")
    scope = get.get("scope", "hit")
    hits: list[search.Hit] = []
    error = ""
    if q:
        try:
            hits = search.search(
                study, q, mode=mode, scope=scope, within=query_params.within(study, get)
            )
        except DomainError as problem:
            error = str(problem.message)
    context = {
        "study": study,
        "q": q,
        "mode": mode,
        "scope": scope,
        "get": get,
        "hits": _rows(hits),
        "count": len(hits),
        "capped": len(hits) >= search.MAX_HITS,
        "error": error,
        "can_code": policy.can(request.user, "analysis.code", study),
        "undo": request.session.get("analysis_batch"),
    }
    context.update(_filters_context(study))
    return render(request, "analysis/search.html", context)


@require_POST
def autocode(request: HttpRequest, slug: str) -> HttpResponse:
    """Code the chosen hits of a search in one batch, which can be undone as one."""
    study = study_for(request, slug, "analysis.code")
    code = Code.objects.filter(study=study, pk=int_or_none(request.POST.get("code")) or 0).first()
    if code is None:
        raise DomainError("analysis.code", _("Choose a code."))
    chosen = request.POST.getlist("hit")
    if not chosen or len(chosen) > search.MAX_HITS:
        raise DomainError("analysis.hits", _("Choose at least one hit to code."))
    wanted: list[tuple[int, int, int]] = []
    for key in chosen:
        try:
            pk, start, end = (int(part) for part in key.split(":"))
        except ValueError:
            raise DomainError("analysis.hits", _("Choose the hits from the list.")) from None
        wanted.append((pk, start, end))
    documents = {
        d.pk: d for d in Document.objects.filter(study=study, pk__in={w[0] for w in wanted})
    }
    if len(documents) != len({w[0] for w in wanted}):
        raise DomainError("analysis.hits", _("Choose the hits from the list."))
    batch, made = services.apply_many(
        document_spans=[(documents[pk], start, end) for pk, start, end in wanted],
        code=code,
        coder=user_of(request),
    )
    request.session["analysis_batch"] = {"batch": str(batch), "made": made, "code": code.label}
    messages.success(
        request,
        ngettext(
            "%(n)s fragment was coded with “%(code)s”.",
            "%(n)s fragments were coded with “%(code)s”.",
            made,
        )
        % {"n": made, "code": code.label},
    )
    back = request.POST.get("back", "")
    if not (back.startswith("?") or back == ""):
        back = ""
    return redirect(reverse("analysis:search", args=[study.slug]) + back)


@require_POST
def autocode_undo(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request, slug, "analysis.code")
    saved = request.session.get("analysis_batch") or {}
    try:
        batch = uuid_module.UUID(request.POST.get("batch", ""))
    except ValueError:
        raise DomainError("analysis.undo", _("This can no longer be undone.")) from None
    if saved.get("batch") != str(batch):
        raise DomainError("analysis.undo", _("This can no longer be undone."))
    removed = services.undo_batch(study=study, batch=batch, user=user_of(request))
    request.session.pop("analysis_batch", None)
    messages.success(
        request, _("The auto-coding was undone: %(n)s codings removed.") % {"n": removed}
    )
    back = request.POST.get("back", "")
    if not back.startswith("?"):
        back = ""
    return redirect(reverse("analysis:search", args=[study.slug]) + back)


# -- code queries ----------------------------------------------------------------------------


@require_GET
def query_view(request: HttpRequest, slug: str) -> HttpResponseBase:
    study = study_for(request, slug, "analysis.view")
    get = request.GET
    saved_uuid = get.get("saved", "")
    if saved_uuid:
        try:
            saved = get_object_or_404(SavedQuery.objects.filter(study=study), uuid=saved_uuid)
        except DomainError:
            raise
        except ValueError:
            saved = None
        if saved is not None:
            return redirect(
                reverse("analysis:query", args=[study.slug]) + "?" + urlencode(saved.params)
            )
    hits: list[search.Hit] = []
    error = ""
    ran = bool(get.get("first"))
    if ran:
        try:
            hits = query_params.run_query(study, get)
        except DomainError as problem:
            error = str(problem.message)
    if get.get("format") == "csv" and ran and not error:
        return _csv(study, hits)
    page = Paginator(_rows(hits), PAGE_SIZE).get_page(get.get("page"))
    params = {k: get[k] for k in query_params.QUERY_KEYS if get.get(k)}
    context = {
        "study": study,
        "get": get,
        "ran": ran,
        "error": error,
        "page": page,
        "count": len(hits),
        "query_string": urlencode(params),
        "saved": SavedQuery.objects.filter(study=study),
        "can_code": policy.can(request.user, "analysis.code", study),
        "can_run_sessions": policy.can(request.user, "sessions.run", study),
        "operators": list(query_params.OPERATORS.items()),
    }
    context.update(_filters_context(study))
    return render(request, "analysis/query.html", context)


def _csv(study: Study, hits: list[search.Hit]) -> HttpResponseBase:
    def rows() -> Iterator[list[str]]:
        for hit in hits:
            before, fragment, after = hit.context()
            case = hit.document.case.network.name if hit.document.case_id else ""  # type: ignore[union-attr]
            yield [hit.document.title, case, fragment, before, after]

    header = [_("Document"), _("Case"), _("Fragment"), _("Before"), _("After")]
    return exports.csv_response(f"{study.slug}-query", rows(), header=header)


@require_POST
def query_save(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request, slug, "analysis.code")
    params = {k: request.POST[k] for k in query_params.QUERY_KEYS if request.POST.get(k)}
    query_params.run_query(study, params)  # refuses what would not run
    saved = services.save_query(
        study=study, user=user_of(request), name=request.POST.get("name", ""), params=params
    )
    messages.success(request, _("The query “%(name)s” was saved.") % {"name": saved.name})
    return redirect(reverse("analysis:query", args=[study.slug]) + "?" + urlencode(params))


@require_POST
def query_delete(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    study = study_for(request, slug, "analysis.code")
    saved = get_object_or_404(SavedQuery.objects.filter(study=study), uuid=uuid)
    services.delete_query(query=saved)
    messages.success(request, _("The saved query was deleted."))
    return redirect("analysis:query", study.slug)


# -- relations -------------------------------------------------------------------------------


@require_GET
def relations(request: HttpRequest, slug: str) -> HttpResponse:
    """A map of codes that occur together (weighted edges) and a codes-by-case table."""
    study = study_for(request, slug, "analysis.view")
    pairs = queries.co_occurrence(study)
    codes = {c.pk: c for c in Code.objects.filter(study=study)}
    graph = charts.co_occurrence_map(study, codes, pairs)
    tree = [n for n in queries.code_tree(study) if n.count]
    cases = list(study.cases.select_related("network"))
    cells = queries.code_by_case(study)
    rows = [(node, [cells.get((node.code.pk, case.pk), 0) for case in cases]) for node in tree]
    return render(
        request,
        "analysis/relations.html",
        {"study": study, "graph": graph, "cases": cases, "rows": rows},
    )
