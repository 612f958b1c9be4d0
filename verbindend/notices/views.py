"""The inbox and the notice settings: a person's own, so they read only their own notices."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import nextpage
from verbindend.notices import kinds, services
from verbindend.notices.forms import PreferencesForm
from verbindend.notices.models import ContactConsent, Notice

PAGE_SIZE = 30


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notices = Notice.objects.visible_to(request.user)  # type: ignore[arg-type]
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page})


@require_POST
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read, then go where the notice points (only ever within this site)."""
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=pk)  # type: ignore[arg-type]
    services.mark_read(user=request.user, notice=notice)  # type: ignore[arg-type]
    target = nextpage.safe_next(request, notice.url)
    if target:
        return redirect(target)
    return redirect("notices:inbox")


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)  # type: ignore[arg-type]
    if count:
        messages.success(request, _("Every notice is marked as read."))
    return redirect("notices:inbox")


@require_http_methods(["GET", "POST"])
def notice_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    consent = ContactConsent.objects.filter(user=user).first()  # type: ignore[misc]
    initial: dict[str, object] = {
        f"kind_{k.key}": services.mode_for(user, k.key)  # type: ignore[arg-type]
        for k in kinds.all_kinds()
    }
    initial["contact"] = bool(consent and consent.active)
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_contact_consent(user=user, agree=form.cleaned_data["contact"])  # type: ignore[arg-type]
        services.set_preferences(user=user, modes=form.modes())  # type: ignore[arg-type]
        messages.success(request, _("Your notice settings were saved."))
        return redirect("notices:settings")
    return render(request, "notices/settings.html", {"form": form, "has_email": bool(user.email)})  # type: ignore[union-attr]
