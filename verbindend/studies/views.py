"""Study pages. Every object comes through policy.fetch; views only orchestrate."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Value
from django.db.models.functions import Greatest, StrIndex, Substr
from django.forms import modelformset_factory
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.accounts import services as account_services
from verbindend.accounts.forms import InviteForm
from verbindend.core import overview, policy, validation
from verbindend.core.db import Lowered
from verbindend.core.errors import DomainError
from verbindend.core.roles import StudyRoles
from verbindend.privacy import audit
from verbindend.privacy.models import AuditAction
from verbindend.studies import selection, services
from verbindend.studies.forms import (
    AddRespondentForm,
    CaseAssessmentForm,
    InterviewForm,
    ProposeCaseForm,
    RespondentForm,
    SearchForm,
    StepPlanForm,
    StudyForm,
    UploadForm,
)
from verbindend.studies.models import (
    BatchStatus,
    Case,
    Document,
    DocumentKind,
    ImportBatch,
    Interview,
    ItemStatus,
    Respondent,
    StepPlan,
    Study,
    StudyRole,
)

PAGE_SIZE = 50
PARAGRAPHS_PER_PART = 60
SNIPPET_BEFORE, SNIPPET_LENGTH = 80, 220


def _study(request: HttpRequest, slug: str, action: str) -> Study:
    return policy.fetch(request.user, Study.objects.all(), action, slug=slug)


def _agreed_case(study: Study, pk: int) -> Case:
    """A case of a study the user was already allowed into (cases answer to their network)."""
    return get_object_or_404(study.cases.agreed().select_related("network"), pk=pk)


@require_GET
def study_list(request: HttpRequest) -> HttpResponse:
    studies = Study.objects.visible_to(request.user)  # type: ignore[arg-type]
    page = Paginator(studies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "studies/list.html",
        {"page": page, "can_create": policy.can_create(request.user, "study")},
    )


@require_http_methods(["GET", "POST"])
def study_create(request: HttpRequest) -> HttpResponse:
    if not policy.can_create(request.user, "study"):
        raise PermissionDenied("study.create")
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            study = services.create_study(form=form, by=request.user)
        except DomainError as error:
            form.add_error("slug", str(error.message))
        else:
            messages.success(request, _("The study was created. You are its researcher."))
            return redirect(study)
    return render(request, "studies/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def study_detail(request: HttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug, "study.view")
    can_change = policy.can(request.user, "study.change", study)
    case_form = ProposeCaseForm(request.POST if "propose" in request.POST else None, study=study)
    invite_form = InviteForm(request.POST if "invite" in request.POST else None, roles=StudyRoles)
    if request.method == "POST":
        policy.require(request.user, "study.change", study)
        if "propose" in request.POST and case_form.is_valid():
            services.propose_case(study=study, network=case_form.cleaned_data["network"])
            messages.success(request, _("The network's coordinator is asked to agree."))
            return redirect(study)
        if "invite" in request.POST and invite_form.is_valid():
            account_services.invite(
                email=invite_form.cleaned_data["email"],
                role=invite_form.cleaned_data["role"],
                invited_by=request.user,  # type: ignore[arg-type]
                study=study,
            )
            messages.success(request, _("The invitation was sent."))
            return redirect(study)
    team = list(StudyRole.objects.filter(study=study).select_related("user"))
    return render(
        request,
        "studies/detail.html",
        {
            "study": study,
            "cases": study.cases.select_related("network").order_by("network__name"),
            "researchers": [g for g in team if g.role == StudyRoles.RESEARCHER],
            "committee": [g for g in team if g.role == StudyRoles.OBSERVER],
            "steps": StepPlan.objects.of(study),
            "document_count": Document.objects.filter(study=study).count(),
            "panels": overview.panels(study, request.user),
            "can_change": can_change,
            "case_form": case_form,
            "invite_form": invite_form,
        },
    )


@require_http_methods(["GET", "POST"])
def step_plan(request: HttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug, "study.view")
    can_change = policy.can(request.user, "study.change", study)
    if request.method == "POST":
        services.ensure_steps(study=study)
    formset_class = modelformset_factory(StepPlan, form=StepPlanForm, extra=0)
    formset = formset_class(
        request.POST if request.method == "POST" else None,
        queryset=StepPlan.objects.of(study),
        form_kwargs={"study": study},
    )
    if request.method == "POST":
        policy.require(request.user, "study.change", study)
        if any(form.instance.pk is None for form in formset):
            # a row that is none of this study's steps: the page was stale or tampered with
            raise DomainError(
                "studies.plan_changed",
                _("The plan changed while you were editing it. Reload the page and try again."),
            )
        if formset.is_valid():
            formset.save()
            messages.success(request, _("The plan was saved."))
            return redirect("studies:steps", slug=study.slug)
    return render(
        request,
        "studies/steps.html",
        {"study": study, "formset": formset, "can_change": can_change},
    )


# -- case selection --------------------------------------------------------------------------------


@require_GET
def case_selection(request: HttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug, "study.view")
    can_change = policy.can(request.user, "selection.change", study)
    coverage = selection.case_coverage(study)
    forms = (
        [
            (
                row.case,
                CaseAssessmentForm(
                    instance=getattr(row.case, "assessment", None), prefix=f"case{row.case.pk}"
                ),
            )
            for row in coverage.rows
        ]
        if can_change
        else []
    )
    return render(
        request,
        "studies/selection.html",
        {"study": study, "coverage": coverage, "forms": forms, "can_change": can_change},
    )


@require_POST
def case_assess(request: HttpRequest, slug: str, case_pk: int) -> HttpResponse:
    study = _study(request, slug, "selection.change")
    case = get_object_or_404(study.cases.all(), pk=case_pk)
    assessment = services.assessment_for(case=case)
    form = CaseAssessmentForm(request.POST, instance=assessment, prefix=f"case{case.pk}")
    if not form.is_valid():
        raise DomainError("selection.invalid", _("The judgement could not be saved; try again."))
    form.save()
    messages.success(
        request, _("The judgement on %(network)s was saved.") % {"network": case.network}
    )
    return redirect("studies:selection", slug=study.slug)


# -- respondent selection ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_respondents(request: HttpRequest, slug: str, case_pk: int) -> HttpResponse:
    study = _study(request, slug, "study.view")
    case = _agreed_case(study, case_pk)
    can_change = policy.can(request.user, "selection.change", study)
    form = AddRespondentForm(request.POST or None, case=case)
    if request.method == "POST":
        policy.require(request.user, "selection.change", study)
        if form.is_valid():
            services.add_respondent(study=study, case=case, person=form.cleaned_data["person"])
            messages.success(request, _("The candidate was added."))
            return redirect("studies:respondents", slug=study.slug, case_pk=case.pk)
    respondents = list(
        Respondent.objects.filter(case=case).select_related("person", "person__organisation")
    )
    coverage = selection.respondent_coverage(respondents)
    consents = services.consents_of(respondents)
    audit.record(request, AuditAction.VIEWED, case, detail="respondents")
    rows = [
        (row, consents[row.respondent.person_id], number)
        for number, row in enumerate(coverage.rows, start=1)
    ]
    return render(
        request,
        "studies/respondents.html",
        {
            "study": study,
            "case": case,
            "coverage": coverage,
            "rows": rows,
            "form": form,
            "can_change": can_change,
        },
    )


@require_http_methods(["GET", "POST"])
def respondent_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = _study(request, slug, "study.view")
    respondent = policy.fetch(
        request.user,
        Respondent.objects.filter(study=study).select_related("person", "case__network"),
        "selection.change",
        pk=pk,
    )
    form = RespondentForm(request.POST if "save" in request.POST else None, instance=respondent)
    audit.record(request, AuditAction.VIEWED, respondent)
    interview_form = InterviewForm(request.POST if "interview" in request.POST else None)
    back = redirect("studies:respondent", slug=study.slug, pk=respondent.pk)
    if request.method == "POST":
        if "save" in request.POST and form.is_valid():
            form.save()
            messages.success(request, _("The respondent was saved."))
            return redirect("studies:respondents", slug=study.slug, case_pk=respondent.case_id)
        if "consent" in request.POST:
            services.record_consent(
                respondent=respondent,
                purpose=request.POST.get("consent", ""),
                given=request.POST.get("given") == "1",
            )
            audit.record(request, AuditAction.CONSENT, respondent.person, detail="study")
            messages.success(request, _("The consent was recorded."))
            return back
        if "interview" in request.POST and interview_form.is_valid():
            services.schedule_interview(respondent=respondent, form=interview_form)
            messages.success(request, _("The appointment was added."))
            return back
        if "interview_status" in request.POST:
            interview = get_object_or_404(
                Interview.objects.filter(respondent=respondent),
                pk=validation.ascii_int(request.POST.get("interview_pk")),
            )
            services.set_interview_status(
                interview=interview, status=request.POST.get("interview_status", "")
            )
            return back
        if "remove" in request.POST:
            case_pk = respondent.case_id
            services.remove_respondent(respondent=respondent)
            messages.success(request, _("The candidate was removed from the selection."))
            return redirect("studies:respondents", slug=study.slug, case_pk=case_pk)
    consents = services.consents_of([respondent])[respondent.person_id]
    return render(
        request,
        "studies/respondent.html",
        {
            "study": study,
            "respondent": respondent,
            "form": form,
            "interview_form": interview_form,
            "interviews": respondent.interviews.all(),
            "consents": consents,
        },
    )


# -- material --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def material(request: HttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug, "material.view")
    can_change = policy.can(request.user, "material.change", study)
    # too many files at once never reach a view: core.middleware answers with a clear page
    form = UploadForm(request.POST or None, request.FILES or None, study=study)
    if request.method == "POST":
        policy.require(request.user, "material.change", study)
        if form.is_valid():
            data = form.cleaned_data
            start = services.start_import
            if data.get("web_address") and not data["documents"]:
                start = services.start_web_import  # type: ignore[assignment]
            batch = start(
                study=study,
                files=data["documents"] or [data["web_address"]],
                user=request.user,  # type: ignore[arg-type]
                kind=data["kind"],
                case=data.get("case"),
                respondent=data.get("respondent"),
                source=data["source"],
                date=data["date"],
                language=data["language"],
            )
            return redirect("studies:batch", slug=study.slug, pk=batch.pk)
    documents = (
        Document.objects.filter(study=study)
        .defer("text", "paragraph_starts")
        .select_related("case__network", "respondent__person")
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "studies/material.html",
        {
            "study": study,
            "page": page,
            "form": form,
            "can_change": can_change,
            "batches": ImportBatch.objects.filter(study=study)[:5],
        },
    )


@require_GET
def batch_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = _study(request, slug, "material.view")
    batch = policy.fetch(
        request.user, ImportBatch.objects.filter(study=study), "material.view", pk=pk
    )
    items = list(batch.items.select_related("document"))
    finished_items = [i for i in items if i.status in {ItemStatus.DONE, ItemStatus.FAILED}]
    percent = round(
        sum(100 if i in finished_items else i.progress for i in items) / max(1, len(items))
    )
    finished = len(finished_items) == len(items) or batch.status == BatchStatus.FINISHED
    template = "studies/batch.html#progress" if request.htmx else "studies/batch.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "study": study,
            "batch": batch,
            "items": items,
            "percent": percent,
            "finished": finished,
            "failed": sum(1 for i in items if i.status == ItemStatus.FAILED),
            "imported": sum(1 for i in items if i.status == ItemStatus.DONE),
        },
    )


def _document(request: HttpRequest, study: Study, pk: int) -> Document:
    return policy.fetch(
        request.user,
        Document.objects.filter(study=study)
        .defer("text")
        .select_related("case__network", "respondent__person"),
        "material.view",
        pk=pk,
    )


def _part(document: Document, number: int) -> list[tuple[int, str]]:
    """Paragraphs of one part as (code-point offset, text); only that slice leaves the DB."""
    starts = document.paragraph_starts
    first = number * PARAGRAPHS_PER_PART
    if number < 0 or first >= len(starts):
        return []
    last = first + PARAGRAPHS_PER_PART
    begin = starts[first]
    end = starts[last] if last < len(starts) else document.length
    chunk = (
        Document.objects.filter(pk=document.pk)
        .annotate(part=Substr("text", begin + 1, end - begin))
        .values_list("part", flat=True)
        .get()
    )
    paragraphs = []
    position = begin
    for line in chunk.split("\n"):
        if line.strip():
            paragraphs.append((position, line))
        position += len(line) + 1
    return paragraphs


def _part_context(document: Document, number: int) -> dict[str, object]:
    total = max(1, -(-len(document.paragraph_starts) // PARAGRAPHS_PER_PART))
    return {
        "paragraphs": _part(document, number),
        "part": number,
        "next_part": number + 1 if number + 1 < total else None,
        "parts": total,
    }


@require_GET
def document_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = _study(request, slug, "material.view")
    document = _document(request, study, pk)
    try:
        number = int(request.GET.get("part", "0"))
        at = request.GET.get("at")
        if at is not None:
            number = services.paragraph_at(document, int(at)) // PARAGRAPHS_PER_PART
    except ValueError:
        number = 0
    context = _part_context(document, max(0, number))
    if document.kind == DocumentKind.TRANSCRIPT:
        audit.record(request, AuditAction.VIEWED, document, detail="transcript")
    return render(
        request,
        "studies/document.html",
        {
            "study": study,
            "document": document,
            "can_change": policy.can(request.user, "material.change", study),
            **context,
        },
    )


@require_GET
def document_original(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """The file a document was extracted from; originals may name people, so researchers only."""
    study = _study(request, slug, "material.change")
    document = policy.fetch(
        request.user, Document.objects.filter(study=study).defer("text"), "material.change", pk=pk
    )
    if not document.original:
        raise Http404
    try:
        handle = document.original.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=document.original_filename)


@require_GET
def document_part(request: HttpRequest, slug: str, pk: int, part: int) -> HttpResponse:
    study = _study(request, slug, "material.view")
    document = _document(request, study, pk)
    context = _part_context(document, part)
    if not context["paragraphs"]:
        raise Http404
    return render(
        request, "studies/document.html#part", {"study": study, "document": document, **context}
    )


def _highlight(snippet: str, query: str) -> list[tuple[str, bool]]:
    pieces = re.split(f"({re.escape(query)})", snippet, flags=re.IGNORECASE)
    return [(piece, index % 2 == 1) for index, piece in enumerate(pieces) if piece]


@require_GET
def search(request: HttpRequest, slug: str) -> HttpResponse:
    study = _study(request, slug, "material.view")
    form = SearchForm(request.GET or None)
    page = None
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        hits = (
            Document.objects.filter(study=study)
            .annotate(position=StrIndex(Lowered("text"), Lowered(Value(query))))
            .filter(position__gt=0)
            .annotate(
                snippet=Substr(
                    "text", Greatest(F("position") - SNIPPET_BEFORE, Value(1)), SNIPPET_LENGTH
                )
            )
            .defer("text")
            .select_related("case__network")
            .order_by("title", "pk")
        )
        page = Paginator(hits, 20).get_page(request.GET.get("page"))
        for hit in page.object_list:
            hit.parts = _highlight(" ".join(hit.snippet.split()), query)  # type: ignore[attr-defined]
            hit.offset = max(0, hit.position - 1)  # type: ignore[attr-defined]
            paragraph = services.paragraph_at(hit, hit.offset)  # type: ignore[attr-defined]
            hit.anchor = hit.paragraph_starts[paragraph] if hit.paragraph_starts else 0  # type: ignore[attr-defined]
    return render(
        request, "studies/search.html", {"study": study, "form": form, "page": page, "query": query}
    )
