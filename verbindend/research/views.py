"""The study's glossary, literature and comment threads. Thin: fetch through the policy, call
a service, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import exports, policy, validation
from verbindend.reports.models import ReportVersion
from verbindend.research import comments, services
from verbindend.research.forms import (
    CommentForm,
    ImportForm,
    LinksForm,
    ReferenceForm,
    TermForm,
)
from verbindend.research.models import Comment, Reference, Target, Term
from verbindend.studies.models import Study


def _study(request: HttpRequest, slug: str, action: str) -> Study:
    return policy.fetch(request.user, Study.objects.all(), action, slug=slug)


# -- glossary ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def glossary(request: HttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug, "glossary.view")
    can_change = policy.can(request.user, "glossary.change", study)
    form = TermForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.user, "glossary.change", study)
        if "seed" in request.POST:
            made = services.seed_glossary(
                study=study, by=request.user, language=request.LANGUAGE_CODE[:2]
            )
            messages.success(
                request,
                ngettext(
                    "%(n)d term from the method was added.",
                    "%(n)d terms from the method were added.",
                    made,
                )
                % {"n": made},
            )
            return redirect("research:glossary", slug=study.slug)
        if form.is_valid():
            term = services.add_term(
                study=study,
                by=request.user,
                term=form.cleaned_data["term"],
                definition=form.cleaned_data["definition"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The term was added."))
            return redirect("research:term", slug=study.slug, uuid=term.uuid)
    terms = Term.objects.filter(study=study).prefetch_related("codes", "revisions__agreements")
    return render(
        request,
        "research/glossary.html",
        {"study": study, "terms": terms, "form": form if can_change else None},
    )


@require_http_methods(["GET", "POST"])
def term_detail(request: HttpRequest, slug: str, uuid: str) -> HttpResponse:
    study = _study(request, slug, "glossary.view")
    term = policy.fetch(request.user, Term.objects.filter(study=study), "glossary.view", uuid=uuid)
    can_change = policy.can(request.user, "glossary.change", study)
    initial = {"term": term.term, "definition": term.definition}
    form = TermForm(request.POST if "revise" in request.POST else None, initial=initial)
    links = LinksForm(
        request.POST if "links" in request.POST else None,
        study=study,
        initial={"codes": term.codes.all(), "memos": term.memos.all()},
    )
    if request.method == "POST":
        if "agree" in request.POST:
            policy.require(request.user, "glossary.agree", study)
            services.agree(term=term, by=request.user)
            messages.success(request, _("Your agreement was recorded."))
            return redirect("research:term", slug=study.slug, uuid=term.uuid)
        policy.require(request.user, "glossary.change", study)
        if "revise" in request.POST and form.is_valid():
            services.revise_term(
                term=term,
                by=request.user,
                name=form.cleaned_data["term"],
                definition=form.cleaned_data["definition"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The definition was changed; the earlier one is kept."))
            return redirect("research:term", slug=study.slug, uuid=term.uuid)
        if "links" in request.POST and links.is_valid():
            services.link_term(
                term=term,
                codes=list(links.cleaned_data["codes"]),
                memos=list(links.cleaned_data["memos"]),
            )
            messages.success(request, _("The links were saved."))
            return redirect("research:term", slug=study.slug, uuid=term.uuid)
    revisions = term.revisions.select_related("changed_by").prefetch_related("agreements__user")
    latest = term.latest()
    return render(
        request,
        "research/term.html",
        {
            "study": study,
            "term": term,
            "revisions": revisions.order_by("-number"),
            "form": form if can_change else None,
            "links": links if can_change else None,
            "can_agree": policy.can(request.user, "glossary.agree", study)
            and latest is not None
            and not latest.agreements.filter(user_id=request.user.pk or 0).exists(),
        },
    )


@require_GET
def glossary_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    """The glossary with its history, as JSON (whole history) or CSV (current definitions)."""
    study = _study(request, slug, "glossary.view")
    rows = services.glossary_rows(study)
    name = f"{study.slug}-glossary"
    if fmt == "json":
        body = json.dumps({"study": study.name, "glossary": rows}, ensure_ascii=False, indent=2)
        return exports.download(name, fmt, body, "application/json; charset=utf-8")
    if fmt == "csv":
        header = ["term", "definition", "from_method", "revision", "agreed_by", "codes"]
        table = (
            [
                row["term"],
                row["definition"],
                row["method_key"],
                row["revision"],
                "; ".join(row["agreed_by"]),
                "; ".join(row["codes"]),
            ]
            for row in rows
        )
        return exports.csv_response(name, table, header=header)
    raise Http404


# -- literature --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def literature(request: HttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug, "literature.view")
    can_change = policy.can(request.user, "literature.change", study)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        policy.require(request.user, "literature.change", study)
        if form.is_valid():
            added, skipped = services.import_references(
                study=study, data=form.cleaned_data["file"].read(), fmt=form.cleaned_data["format"]
            )
            messages.success(
                request,
                _("%(added)d references added, %(skipped)d already in the list.")
                % {"added": added, "skipped": skipped},
            )
            return redirect("research:literature", slug=study.slug)
    tag = request.GET.get("tag", "")
    references = list(Reference.objects.filter(study=study).prefetch_related("codes"))
    tags = sorted({t for r in references for t in r.tags})
    if tag:
        references = [r for r in references if tag in r.tags]
    rows = [(r, services.cite(r)) for r in references]
    rows.sort(key=lambda row: row[1].lower())
    return render(
        request,
        "research/literature.html",
        {
            "study": study,
            "rows": rows,
            "tags": tags,
            "tag": tag,
            "form": form if can_change else None,
        },
    )


@require_http_methods(["GET", "POST"])
def reference_detail(request: HttpRequest, slug: str, uuid: str) -> HttpResponse:
    study = _study(request, slug, "literature.view")
    reference = policy.fetch(
        request.user, Reference.objects.filter(study=study), "literature.view", uuid=uuid
    )
    can_change = policy.can(request.user, "literature.change", study)
    form = ReferenceForm(
        request.POST or None,
        study=study,
        initial={
            "notes": reference.notes,
            "tags": ", ".join(reference.tags),
            "codes": reference.codes.all(),
            "memos": reference.memos.all(),
        },
    )
    if request.method == "POST":
        policy.require(request.user, "literature.change", study)
        if form.is_valid():
            services.update_reference(
                reference=reference,
                notes=form.cleaned_data["notes"],
                tags=form.cleaned_data["tags"].split(","),
                codes=list(form.cleaned_data["codes"]),
                memos=list(form.cleaned_data["memos"]),
            )
            messages.success(request, _("The reference was saved."))
            return redirect("research:reference", slug=study.slug, uuid=reference.uuid)
    return render(
        request,
        "research/reference.html",
        {
            "study": study,
            "reference": reference,
            "citation": services.cite(reference),
            "short": services.in_text(reference),
            "form": form if can_change else None,
        },
    )


@require_GET
def literature_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    study = _study(request, slug, "literature.view")
    if fmt not in ("bib", "ris"):
        raise Http404
    body = services.export_references(study, "ris" if fmt == "ris" else "bibtex")
    kind = "application/x-research-info-systems" if fmt == "ris" else "application/x-bibtex"
    return exports.download(f"{study.slug}-literature", fmt, body, f"{kind}; charset=utf-8")


# -- comments ----------------------------------------------------------------------------------


def _report(study: Study, request: HttpRequest, target: str) -> ReportVersion | None:
    if target != Target.REPORT:
        return None
    number = validation.ascii_int(request.GET.get("version") or request.POST.get("version"))
    if not number:
        raise Http404
    return policy.fetch(
        request.user, ReportVersion.objects.filter(study=study), "reports.view", pk=number
    )


@require_http_methods(["GET", "POST"])
def thread_list(request: HttpRequest, slug: str, target: str) -> HttpResponse:
    study = _study(request, slug, "comments.view")
    if target not in Target.values:
        raise Http404
    report = _report(study, request, target)
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.user, "comments.write", study)
        parent = None
        if request.POST.get("parent"):
            parent_id = validation.parse_uuid(request.POST["parent"])
            if parent_id is None:
                raise Http404
            parent = policy.fetch(
                request.user, Comment.objects.filter(study=study), "comments.write", uuid=parent_id
            )
        if form.is_valid():
            services.post_comment(
                study=study,
                by=request.user,
                target=target,
                report=report,
                parent=parent,
                text=form.cleaned_data["text"],
            )
            messages.success(request, _("Your comment was posted."))
            return redirect(_here(study, target, report))
    return render(
        request,
        "research/comments.html",
        {
            "study": study,
            "target": target,
            "target_label": dict(Target.choices)[target],
            "report": report,
            "threads": comments.threads(study, target, report),
            "form": form if policy.can(request.user, "comments.write", study) else None,
            "can_resolve": policy.can(request.user, "comments.resolve", study),
            "here": _here(study, target, report),
        },
    )


def _here(study: Study, target: str, report: Any) -> str:
    from django.urls import reverse

    url = reverse("research:comments", args=[study.slug, target])
    return f"{url}?version={report.pk}" if report is not None else url


@require_POST
def thread_resolve(request: HttpRequest, slug: str, uuid: str) -> HttpResponse:
    study = _study(request, slug, "comments.view")
    comment = policy.fetch(
        request.user, Comment.objects.filter(study=study), "comments.resolve", uuid=uuid
    )
    if request.POST.get("reopen"):
        services.reopen(comment=comment)
        messages.success(request, _("The thread is open again."))
    else:
        services.resolve(comment=comment, by=request.user)
        messages.success(request, _("The thread is resolved."))
    return redirect(_here(study, comment.target, comment.report))


# -- from analysis to focus group --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def focus_group(request: HttpRequest, slug: str) -> HttpResponse:
    """Pick codes or themes of the analysis; make a focus group that presents them."""
    from django.db.models import Count

    from verbindend.analysis.models import Code
    from verbindend.research import focusgroup

    study = _study(request, slug, "sessions.run")
    codes = list(
        Code.objects.filter(study=study).annotate(n=Count("codings")).order_by("order", "pk")
    )
    if request.method == "POST":
        wanted = request.POST.getlist("codes")
        chosen = [c for c in codes if str(c.uuid) in wanted]
        if len(chosen) != len(set(wanted)):
            messages.error(request, _("Choose codes of this study."))
        else:
            session = focusgroup.create_focus_group(study=study, codes=chosen, by=request.user)
            messages.success(request, _("The focus group was made; check its steps, then start."))
            return redirect("live:console", pk=session.pk)
    return render(
        request,
        "research/focus_group.html",
        {"study": study, "codes": codes, "max_themes": focusgroup.MAX_THEMES},
    )


@require_POST
def focus_group_from_query(request: HttpRequest, slug: str) -> HttpResponse:
    """The results of a code query (posted from the query page) as a focus group's theme."""
    from verbindend.analysis import query_params
    from verbindend.research import focusgroup

    study = _study(request, slug, "sessions.run")
    params = {k: request.POST[k] for k in query_params.QUERY_KEYS if request.POST.get(k)}
    session = focusgroup.create_from_query(
        study=study,
        description=query_params.describe(study, params),
        hits=query_params.run_query(study, params),
        by=request.user,
    )
    messages.success(request, _("The focus group was made; check its steps, then start."))
    return redirect("live:console", pk=session.pk)
