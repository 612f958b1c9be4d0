from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from verbindend.accounts import services as account_services
from verbindend.core import policy
from verbindend.core.roles import StudyRoles
from verbindend.studies.forms import ProposeCaseForm, StudyForm, StudyInviteForm
from verbindend.studies.models import Case, Study, StudyRole


@require_GET
def study_list(request: HttpRequest) -> HttpResponse:
    studies = Study.objects.visible_to(request.user)  # type: ignore[arg-type]
    page = Paginator(studies, 50).get_page(request.GET.get("page"))
    return render(request, "studies/list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def study_create(request: HttpRequest) -> HttpResponse:
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            study = form.save()
            account_services.grant_study_role(
                user=request.user,  # type: ignore[arg-type]
                study=study,
                role=StudyRoles.RESEARCHER,
            )
        messages.success(request, _("The study was created. You are its researcher."))
        return redirect(study)
    return render(request, "studies/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def study_detail(request: HttpRequest, slug: str) -> HttpResponse:
    study = policy.fetch(request.user, Study.objects.all(), "study.view", slug=slug)
    can_change = policy.can(request.user, "study.change", study)
    case_form = ProposeCaseForm(request.POST if "propose" in request.POST else None, study=study)
    invite_form = StudyInviteForm(request.POST if "invite" in request.POST else None)
    if request.method == "POST":
        policy.require(request.user, "study.change", study)
        if "propose" in request.POST and case_form.is_valid():
            Case.objects.create(study=study, network=case_form.cleaned_data["network"])
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
    return render(
        request,
        "studies/detail.html",
        {
            "study": study,
            "cases": study.cases.select_related("network"),
            "team": StudyRole.objects.filter(study=study).select_related("user"),
            "can_change": can_change,
            "case_form": case_form,
            "invite_form": invite_form,
        },
    )
