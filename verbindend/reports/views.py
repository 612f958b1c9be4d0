"""Report pages: ask for a report, follow its rendering, read or download a kept version.

Who may do what (``core.policy``): in a network, everyone who reads its results (coordinator,
facilitators, members, observers, and researchers of a study the network agreed to be a case of)
reads its reports; coordinators and facilitators make them; the coordinator deletes versions.
In a study, researchers and the study's observers read reports; researchers make and delete
them. Another network's or study's version is a 404, also when its id is put in the address.
"""

from __future__ import annotations

import base64
import hashlib
import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import policy, scopes
from verbindend.core.errors import DomainError
from verbindend.reports import services
from verbindend.reports.audiences import Audience
from verbindend.reports.forms import ReportForm
from verbindend.reports.models import ReportStatus, ReportVersion

PAGE_SIZE = 10
STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def _version(request: HttpRequest, scope: str, slug: str, pk: int, action: str) -> ReportVersion:
    owner = policy.fetch_scope(request.user, scope, slug, "reports.view")
    return policy.fetch(
        request.user,
        ReportVersion.objects.filter(**{scope: owner}).select_related("network", "study"),
        action,
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest, slug: str, scope: str) -> HttpResponse:
    owner = policy.fetch_scope(request.user, scope, slug, "reports.view")
    can_create = policy.can(request.user, "reports.create", owner)
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        kind=scope,
        language=get_language() or "nl",
        audience=request.GET.get("audience", "") if scope == "network" else "",
    )
    if request.method == "POST":
        policy.require(request.user, "reports.create", owner)
        if form.is_valid():
            data = form.cleaned_data
            version = services.request_report(
                scope=owner,
                by=request.user,
                sections=data["sections"],
                language=data["language"],
                start=data.get("start"),
                end=data.get("end"),
                audience=data.get("audience") or Audience.MEMBERS,
            )
            return redirect(version)
    page = Paginator(ReportVersion.objects.filter(**{scope: owner}), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reports/reports.html",
        {
            **scopes.context(scope, owner),
            "form": form if can_create else None,
            "page": page,
            "can_delete": policy.can(request.user, "reports.delete", owner),
            "audiences": Audience.choices if scope == "network" else [],
            "audience": request.GET.get("audience", ""),
        },
    )


@require_GET
def version_page(request: HttpRequest, slug: str, pk: int, scope: str) -> HttpResponse:
    version = _version(request, scope, slug, pk, "reports.view")
    template = "reports/version.html"
    if getattr(request, "htmx", False):
        template += "#progress"
    return render(
        request,
        template,
        {
            **scopes.context(scope, version.scope),
            "version": version,
            "can_delete": policy.can(request.user, "reports.delete", version),
            "can_retry": policy.can(request.user, "reports.create", version),
        },
    )


def _ready(version: ReportVersion) -> None:
    if version.status != ReportStatus.DONE:
        raise DomainError("reports.not_ready", _("This version is not ready yet."), status=409)


@require_GET
def version_html(request: HttpRequest, slug: str, pk: int, scope: str) -> HttpResponse:
    """The stored page as it was rendered; its own stylesheet is allowed by its hash only."""
    version = _version(request, scope, slug, pk, "reports.view")
    _ready(version)
    html = services.read_html(version)
    styles = [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in STYLE.findall(html)
    ]
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response._csp_config = {  # type: ignore[attr-defined]
        "default-src": ["'none'"],
        "style-src": styles or ["'none'"],
        "img-src": ["data:"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'self'"],
    }
    return response


@require_GET
def version_pdf(request: HttpRequest, slug: str, pk: int, scope: str) -> FileResponse:
    version = _version(request, scope, slug, pk, "reports.view")
    _ready(version)
    name = f"{version.scope.slug}-report-{version.pk}-{version.language}.pdf"
    return FileResponse(
        version.pdf.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


@require_POST
def version_retry(request: HttpRequest, slug: str, pk: int, scope: str) -> HttpResponse:
    version = _version(request, scope, slug, pk, "reports.create")
    services.retry(version)
    messages.success(request, _("The report is being made again."))
    return redirect(version.get_absolute_url())


@require_http_methods(["GET", "POST"])
def version_delete(request: HttpRequest, slug: str, pk: int, scope: str) -> HttpResponse:
    version = _version(request, scope, slug, pk, "reports.delete")
    owner = version.scope
    if request.method == "POST":
        services.delete_version(version)
        messages.success(request, _("The version was deleted."))
        return redirect(f"reports:{scope}", owner.slug)
    return render(
        request, "reports/delete.html", {**scopes.context(scope, owner), "version": version}
    )
