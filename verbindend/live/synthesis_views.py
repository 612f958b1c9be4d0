"""The session's synthesis: notes and summary, its exports, and offering it to a study."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import exports, policy, validation
from verbindend.core.errors import DomainError
from verbindend.live import (
    material,
    services,
    synthesis,
)
from verbindend.live.access import session_for
from verbindend.live.forms import (
    SynthesisForm,
)
from verbindend.live.models import (
    LiveSession,
)
from verbindend.privacy import audit
from verbindend.privacy.models import AuditAction
from verbindend.studies.models import Case


@require_http_methods(["GET", "POST"])
def synthesis_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request, pk, run=False)
    can_run = policy.can(request.user, "sessions.run", session)
    saved = getattr(session, "synthesis", None) if hasattr(session, "synthesis") else None
    form = SynthesisForm(request.POST or None, initial={"notes": saved.notes if saved else ""})
    if request.method == "POST":
        policy.require(request.user, "sessions.run", session)
        if form.is_valid():
            services.save_synthesis(
                session=session, notes=form.cleaned_data["notes"], user=request.user
            )
            messages.success(request, _("The synthesis was saved."))
            return redirect("live:synthesis", session.pk)
    return render(
        request,
        "live/synthesis.html",
        {
            "session": session,
            "summary": synthesis.session_summary(session),
            "saved": saved,
            "form": form,
            "can_run": can_run,
            "studies": _study_offers(request, session),
            "can_share": policy.can(request.user, "sessions.share", session),
        },
    )


def _study_offers(request: HttpRequest, session: LiveSession) -> list[dict[str, Any]] | None:
    """The studies this network takes part in, and whether the session was offered to each;
    None when nothing can be offered (a study's own session, or no study follows the network)."""
    if session.network is None or not policy.can(request.user, "sessions.run", session):
        return None
    shares = {s.case_id: s for s in session.shares.select_related("shared_by")}
    cases = Case.objects.agreed().filter(network=session.network).select_related("study")
    return [{"case": case, "share": shares.get(case.pk)} for case in cases] or None


@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer the session to a study the network takes part in, or withdraw the offer."""
    session = policy.fetch(request.user, LiveSession.objects.all(), "sessions.share", pk=pk)
    case = get_object_or_404(
        Case.objects.select_related("study"),
        pk=validation.ascii_int(request.POST.get("case")),
        network=session.network,
    )
    if request.POST.get("action") == "withdraw":
        if request.POST.get("confirm") != "yes":
            raise DomainError(
                "live.share_confirm",
                _("Tick the box to confirm that the study loses this material."),
            )
        material.withdraw(session=session, case=case)
        messages.success(
            request, _("The session was withdrawn from “%(study)s”.") % {"study": case.study}
        )
    else:
        material.offer(session=session, case=case, user=request.user)
        messages.success(
            request,
            _("The session’s synthesis is now material of “%(study)s”, without names.")
            % {"study": case.study},
        )
    return redirect("live:synthesis", session.pk)


@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    session = session_for(request, pk, run=False)
    summary = synthesis.session_summary(session)
    name = f"session-{session.pk}-synthesis"
    body: str | bytes
    if fmt == "csv":
        body, content_type = synthesis.as_csv(summary), exports.CSV_TYPE
    elif fmt == "xlsx":
        body, content_type = synthesis.as_xlsx(summary), exports.XLSX_TYPE
    else:
        raise Http404
    audit.record(request, AuditAction.EXPORTED, session, detail=f"synthesis.{fmt}")
    return exports.download(name, fmt, body, content_type)
