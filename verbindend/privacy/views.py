"""Consent, people's own data, a coordinator's export and erasure, the audit log, retention."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import exports, policy
from verbindend.live.models import Participant
from verbindend.networks.models import Network, Person
from verbindend.privacy import audit, rights, services
from verbindend.privacy.forms import (
    AuditFilterForm,
    ConsentForm,
    GiveConsentForm,
    RetentionForm,
    TypedConfirmationForm,
)
from verbindend.privacy.models import (
    AuditAction,
    AuditEvent,
    ConsentPurpose,
    ConsentRecord,
    ConsentText,
)
from verbindend.privacy.personal_data import DataSubject

if TYPE_CHECKING:
    from verbindend.accounts.models import User


@require_POST
def consent_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = policy.fetch(request.user, Network.objects.all(), "network.view", slug=slug)
    person = policy.fetch(
        request.user, Person.objects.filter(network=network), "people.change", pk=pk
    )
    form = ConsentForm(request.POST)
    if form.is_valid():
        record = services.record_consent(person=person, form=form)
        audit.record(request, AuditAction.CONSENT, person, detail=record.purpose)
        messages.success(request, _("The consent was recorded."))
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("The consent was not recorded: %(errors)s") % {"errors": errors})
    return redirect("networks:person_edit", slug=network.slug, pk=person.pk)


@require_POST
def consent_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = policy.fetch(request.user, Network.objects.all(), "network.view", slug=slug)
    record = policy.fetch(
        request.user,
        ConsentRecord.objects.filter(person__network=network).select_related("person"),
        "people.change",
        pk=pk,
    )
    services.withdraw_consent(record=record)
    audit.record(request, AuditAction.CONSENT, record.person, detail=f"-{record.purpose}")
    messages.success(request, _("The consent was withdrawn."))
    return redirect("networks:person_edit", slug=network.slug, pk=record.person.pk)


# -- downloads -------------------------------------------------------------------------------------


def _download(data: dict[str, Any], fmt: str, name: str) -> HttpResponse:
    if fmt == "json":
        return exports.download(name, fmt, rights.export_json(data), "application/json")
    if fmt == "html":
        return exports.download(name, fmt, rights.export_html(data), "text/html; charset=utf-8")
    raise Http404


# -- my data (the person themselves) -----------------------------------------------------------


def _user(request: HttpRequest) -> User:
    """The logged-in user (every view here but the participant's needs a login)."""
    return cast("User", request.user)


def _me(request: HttpRequest) -> DataSubject:
    return DataSubject(user=_user(request))


@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    people = list(
        Person.objects.filter(user=_user(request)).select_related("network", "organisation")
    )
    texts = {p: ConsentText.objects.current(p) for p in ConsentPurpose.values}
    rows = []
    for person in people:
        consents = list(person.consents.all())
        active = {c.purpose for c in consents if c.withdrawn_at is None}
        offers = [
            (purpose, label, texts[purpose])
            for purpose, label in ConsentPurpose.choices
            if purpose not in active and texts[purpose] is not None
        ]
        rows.append({"person": person, "consents": consents, "offers": offers})
    return render(request, "privacy/my_data.html", {"rows": rows})


@require_GET
def my_export(request: HttpRequest, fmt: str) -> HttpResponse:
    data = rights.export_subject(_me(request))
    audit.record(request, AuditAction.EXPORTED, request.user, detail=fmt)
    return _download(data, fmt, "verbindend-my-data")


@require_POST
def my_consent_give(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk, user=request.user)
    form = GiveConsentForm(request.POST)
    if form.is_valid():
        services.give_consent(person=person, text=form.cleaned_data["text"])
        audit.record(request, AuditAction.CONSENT, person, detail=form.cleaned_data["purpose"])
        messages.success(request, _("Your consent was recorded."))
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors() or form.errors))
    return redirect("privacy:my_data")


@require_POST
def my_consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(ConsentRecord, pk=pk, person__user=request.user)
    services.withdraw_consent(record=record)
    audit.record(request, AuditAction.CONSENT, record.person, detail=f"-{record.purpose}")
    messages.success(request, _("Your consent was withdrawn."))
    return redirect("privacy:my_data")


@require_http_methods(["GET", "POST"])
def my_erase(request: HttpRequest) -> HttpResponse:
    expected = _user(request).email or _user(request).get_username()
    form = TypedConfirmationForm(request.POST or None, expected=expected)
    if request.method == "POST" and form.is_valid():
        rights.erase_subject(_me(request), by=request.user)
        logout(request)
        messages.success(request, _("Your data was erased and your account closed."))
        return redirect("core:home")
    return render(
        request,
        "privacy/erase.html",
        {"form": form, "expected": expected, "yourself": True},
        status=400 if form.is_bound else 200,
    )


@require_GET
def consent_texts(request: HttpRequest) -> HttpResponse:
    """Every version of every consent text, newest first: the history people agreed to."""
    return render(
        request,
        "privacy/consent_texts.html",
        {"texts": ConsentText.objects.published(), "current": ConsentText.objects},
    )


# -- a coordinator's people --------------------------------------------------------------------


def _person(request: HttpRequest, slug: str, pk: int, action: str) -> tuple[Network, Person]:
    network = policy.fetch(request.user, Network.objects.all(), "network.view", slug=slug)
    person = policy.fetch(request.user, Person.objects.filter(network=network), action, pk=pk)
    return network, person


@require_GET
def person_export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    _network, person = _person(request, slug, pk, "people.export")
    data = rights.export_subject(DataSubject(person=person))
    audit.record(request, AuditAction.EXPORTED, person, detail=fmt)
    return _download(data, fmt, f"verbindend-person-{person.pk}")


@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network, person = _person(request, slug, pk, "people.erase")
    form = TypedConfirmationForm(request.POST or None, expected=person.name)
    if request.method == "POST" and form.is_valid():
        pseudonym = rights.erase_subject(DataSubject(person=person), by=request.user)
        messages.success(
            request,
            _("The person's data was erased; the research record keeps them as %(pseudonym)s.")
            % {"pseudonym": pseudonym.label},
        )
        return redirect("networks:people", slug=network.slug)
    return render(
        request,
        "privacy/erase.html",
        {"form": form, "expected": person.name, "network": network, "person": person},
        status=400 if form.is_bound else 200,
    )


# -- audit log and retention -------------------------------------------------------------------

AUDIT_PAGE = 50


def _audit_page(request: HttpRequest, events: Any, context: dict[str, Any]) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        events = services.filter_audit(events, form.cleaned_data)
    page = Paginator(events.select_related("actor", "network"), AUDIT_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "privacy/audit.html",
        {"form": form, "page": page, "filters": query.urlencode(), **context},
    )


@require_GET
def network_audit(request: HttpRequest, slug: str) -> HttpResponse:
    network = policy.fetch(request.user, Network.objects.all(), "audit.view", slug=slug)
    events = AuditEvent.objects.visible_to(request.user).filter(network=network)
    return _audit_page(request, events, {"network": network})


@require_GET
def site_audit(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied("audit.view")
    return _audit_page(request, AuditEvent.objects.all(), {})


@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest, slug: str) -> HttpResponse:
    network = policy.fetch(request.user, Network.objects.all(), "retention.change", slug=slug)
    current = services.retention_of(network)
    form = RetentionForm(request.POST or None, instance=current)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("The retention period was saved."))
            return redirect("privacy:retention", slug=network.slug)
        return render(
            request, "privacy/retention.html", {"form": form, "network": network}, status=400
        )
    return render(request, "privacy/retention.html", {"form": form, "network": network})


# -- a live participant, known only by the token on their phone -------------------------------


def _participant(request: HttpRequest, public_id: str) -> Participant:
    participant = Participant.objects.select_related("session").by_cookie(
        request.COOKIES, public_id
    )
    if participant is None:
        raise Http404
    return participant


@login_not_required
@require_GET
def participant_data(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = _participant(request, public_id)
    data = rights.export_subject(DataSubject(participant=participant))
    return render(
        request,
        "privacy/participant_data.html",
        {"participant": participant, "session": participant.session, "data": data},
    )


@login_not_required
@require_GET
def participant_export(request: HttpRequest, public_id: str, fmt: str) -> HttpResponse:
    participant = _participant(request, public_id)
    data = rights.export_subject(DataSubject(participant=participant))
    audit.record(request, AuditAction.EXPORTED, participant, detail=fmt)
    return _download(data, fmt, "verbindend-my-contributions")


@login_not_required
@require_POST
def participant_erase(request: HttpRequest, public_id: str) -> HttpResponse:
    participant = _participant(request, public_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm. Nothing was erased."))
        return redirect("live:my_data", public_id=public_id)
    rights.erase_subject(DataSubject(participant=participant), by=None)
    messages.success(request, _("Your contributions to this session were erased."))
    return redirect("live:join")
