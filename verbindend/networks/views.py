"""Network pages. Every object comes through policy.fetch; views only orchestrate."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.accounts import services as account_services
from verbindend.accounts.forms import InviteForm
from verbindend.core import nextpage, panels, policy
from verbindend.core.charts import bar_chart
from verbindend.core.errors import DomainError
from verbindend.core.roles import NetworkRoles
from verbindend.method import content
from verbindend.networks import importing, services
from verbindend.networks.forms import (
    BulkInviteForm,
    ConfirmDeleteForm,
    ImportUploadForm,
    MembershipForm,
    NetworkForm,
    OrganisationForm,
    PersonForm,
)
from verbindend.networks.models import (
    GovernanceForm,
    Network,
    NetworkRole,
    OrganisationMembership,
    Person,
    Phase,
)
from verbindend.privacy import audit
from verbindend.privacy.forms import ConsentForm
from verbindend.privacy.models import AuditAction
from verbindend.studies.models import Case

PAGE_SIZE = 50
IMPORT_SALT = "verbindend.people-import"


def _profile_help() -> dict[str, list[content.Node]]:
    """The method's explanations of governance forms and life phases, beside the form."""
    return {
        "governance_help": [content.get(f"governance.{g}") for g in GovernanceForm.values],
        "phase_help": [content.get(f"phase.{p}") for p in Phase.values],
    }


def _network(request: HttpRequest, slug: str, action: str) -> Network:
    return policy.fetch(request.user, Network.objects.all(), action, slug=slug)


@require_GET
def network_list(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.visible_to(request.user)  # type: ignore[arg-type]
    page = Paginator(networks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "networks/list.html",
        {"page": page, "can_create": policy.can_create(request.user, "network")},
    )


@require_http_methods(["GET", "POST"])
def network_create(request: HttpRequest) -> HttpResponse:
    if not policy.can_create(request.user, "network"):
        raise PermissionDenied("network.create")
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        network = services.create_network(creator=request.user, form=form)  # type: ignore[arg-type]
        messages.success(request, _("The network was created. You are its coordinator."))
        return redirect(network)
    return render(request, "networks/form.html", {"form": form, **_profile_help()})


@require_GET
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "network.view")
    composition = services.composition(network)
    charts = [
        bar_chart(_("Organisations by sector"), composition.sector),
        bar_chart(_("People by role"), composition.role),
        bar_chart(_("People by tenure"), composition.tenure),
    ]
    can_decide = policy.can(request.user, "cases.decide", network)
    cases = (
        Case.objects.filter(network=network).select_related("study")
        if can_decide
        else Case.objects.none()
    )
    return render(
        request,
        "networks/detail.html",
        {
            "network": network,
            "charts": charts,
            "cases": cases,
            "can_change": policy.can(request.user, "network.change", network),
            "can_see_people": policy.can(request.user, "people.view", network),
            "organisation_count": composition.organisations,
            "people_count": composition.people,
            "can_see_welcome": policy.can(request.user, "network.view", network),
            "panels": [
                (panel, render_to_string(panel.template, panel.context, request))
                for panel in panels.network_panels(request.user, network)
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def network_edit(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "network.change")
    form = NetworkForm(request.POST or None, instance=network)
    if request.method == "POST" and form.is_valid():
        network = form.save()
        messages.success(request, _("The profile was saved."))
        return redirect(network)
    return render(
        request, "networks/form.html", {"form": form, "network": network, **_profile_help()}
    )


@require_http_methods(["GET", "POST"])
def network_delete(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "network.delete")
    form = ConfirmDeleteForm(request.POST or None, expected=network.name)
    if request.method == "POST" and form.is_valid():
        services.delete_network(network=network)
        messages.success(request, _("The network and all its data were deleted."))
        return redirect("networks:list")
    return render(request, "networks/confirm_delete.html", {"form": form, "network": network})


# organisations ---------------------------------------------------------------------------


@require_GET
def organisation_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "network.view")
    memberships = (
        OrganisationMembership.objects.filter(network=network)
        .select_related("organisation")
        .order_by("organisation__name", "joined_on")
    )
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "networks/organisations.html",
        {
            "network": network,
            "page": page,
            "can_change": policy.can(request.user, "organisations.change", network),
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_add(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "organisations.change")
    org_form = OrganisationForm(request.POST or None, prefix="org")
    membership_form = MembershipForm(request.POST or None, prefix="period")
    if request.method == "POST" and org_form.is_valid() and membership_form.is_valid():
        services.add_organisation(
            network=network, organisation_form=org_form, membership_form=membership_form
        )
        messages.success(request, _("The organisation was added."))
        return redirect("networks:organisations", slug=network.slug)
    return render(
        request,
        "networks/organisation_form.html",
        {"network": network, "org_form": org_form, "membership_form": membership_form},
    )


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, slug, "network.view")
    membership = policy.fetch(
        request.user,
        OrganisationMembership.objects.filter(network=network).select_related("organisation"),
        "organisations.change",
        pk=pk,
    )
    org_form = OrganisationForm(
        request.POST or None, instance=membership.organisation, prefix="org"
    )
    membership_form = MembershipForm(request.POST or None, instance=membership, prefix="period")
    if request.method == "POST" and org_form.is_valid() and membership_form.is_valid():
        with transaction.atomic():
            org_form.save()
            membership_form.save()
        messages.success(request, _("The organisation was saved."))
        return redirect("networks:organisations", slug=network.slug)
    return render(
        request,
        "networks/organisation_form.html",
        {
            "network": network,
            "org_form": org_form,
            "membership_form": membership_form,
            "membership": membership,
        },
    )


# people ------------------------------------------------------------------------------------


@require_GET
def person_list(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "people.view")
    people = Person.objects.filter(network=network).select_related("organisation")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        people = people.filter(name__icontains=query)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(request, AuditAction.VIEWED, network, detail="people list")
    return render(
        request,
        "networks/people.html",
        {
            "network": network,
            "page": page,
            "query": query,
            "can_change": policy.can(request.user, "people.change", network),
        },
    )


@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "people.change")
    form = PersonForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        person = services.add_person(network=network, form=form)
        messages.success(request, _("%(name)s was added.") % {"name": person.name})
        return redirect("networks:people", slug=network.slug)
    return render(request, "networks/person_form.html", {"network": network, "form": form})


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, slug, "network.view")
    person = policy.fetch(
        request.user, Person.objects.filter(network=network), "people.change", pk=pk
    )
    form = PersonForm(request.POST or None, instance=person, network=network)
    audit.record(request, AuditAction.VIEWED, person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect("networks:people", slug=network.slug)
    return render(
        request,
        "networks/person_form.html",
        {
            "network": network,
            "form": form,
            "person": person,
            "consents": person.consents.all(),
            "consent_form": ConsentForm(initial={"given_at": timezone.localtime()}),
        },
    )


@require_http_methods(["GET", "POST"])
def person_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, slug, "network.view")
    person = policy.fetch(
        request.user, Person.objects.filter(network=network), "people.change", pk=pk
    )
    if request.method == "POST":
        name = person.name
        services.remove_person(person=person)
        messages.success(request, _("%(name)s was removed from the network.") % {"name": name})
        return redirect("networks:people", slug=network.slug)
    return render(request, "networks/person_delete.html", {"network": network, "person": person})


@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload → preview with per-row errors → confirm. Nothing is saved before the confirm."""
    network = _network(request, slug, "people.change")
    if request.method == "POST" and "payload" in request.POST:
        try:
            kind, records = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=3600)
        except (signing.BadSignature, ValueError) as error:
            raise DomainError(
                "import.expired", _("This preview has expired. Upload the file again.")
            ) from error
        if kind == "organisations":
            created = importing.save_organisation_rows(network, records)
            message = ngettext(
                "%(n)d organisation was imported.", "%(n)d organisations were imported.", created
            )
            target = "networks:organisations"
        else:
            created = importing.save_rows(network, records)
            message = ngettext("%(n)d person was imported.", "%(n)d people were imported.", created)
            target = "networks:people"
        messages.success(request, message % {"n": created})
        return redirect(target, slug=network.slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"network": network, "form": form}
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        columns = importing.ORGANISATION_COLUMNS if kind == "organisations" else importing.COLUMNS
        try:
            records = importing.read_table(upload, upload.name, columns)
        except DomainError as error:
            form.add_error("file", str(error.message))
        else:
            if kind == "organisations":
                rows = importing.check_organisation_rows(network, records)
            else:
                rows = importing.check_rows(network, records)
            valid = [row.raw for row in rows if row.ok]
            context.update(
                rows=rows,
                kind=kind,
                valid_count=len(valid),
                error_count=len(rows) - len(valid),
                payload=signing.dumps([kind, valid], salt=IMPORT_SALT, compress=True),
            )
    return render(request, "networks/import.html", context)


# team and invitations ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "roles.manage")
    invite_form = InviteForm(request.POST if "invite" in request.POST else None, roles=NetworkRoles)
    bulk_form = BulkInviteForm(request.POST if "bulk" in request.POST else None, network=network)
    if request.method == "POST":
        if "invite" in request.POST and invite_form.is_valid():
            account_services.invite(
                email=invite_form.cleaned_data["email"],
                role=invite_form.cleaned_data["role"],
                invited_by=request.user,  # type: ignore[arg-type]
                network=network,
            )
            messages.success(request, _("The invitation was sent."))
            return redirect("networks:team", slug=network.slug)
        if "bulk" in request.POST and bulk_form.is_valid():
            people = bulk_form.cleaned_data["people"]
            with transaction.atomic():
                for person in people:
                    account_services.invite(
                        email=person.email,
                        role=bulk_form.cleaned_data["role"],
                        invited_by=request.user,  # type: ignore[arg-type]
                        network=network,
                        person=person,
                    )
            messages.success(
                request,
                ngettext("%(n)d invitation was sent.", "%(n)d invitations were sent.", len(people))
                % {"n": len(people)},
            )
            return redirect("networks:team", slug=network.slug)
    roles = NetworkRole.objects.filter(network=network).select_related("user").order_by("role")
    pending = network.invitations.pending().order_by("-created_at")
    return render(
        request,
        "networks/team.html",
        {
            "network": network,
            "roles": roles,
            "pending": pending,
            "invite_form": invite_form,
            "bulk_form": bulk_form,
        },
    )


@require_POST
def role_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, slug, "roles.manage")
    grant = policy.fetch(
        request.user,
        NetworkRole.objects.filter(network=network),
        "roles.manage",
        pk=pk,
    )
    services.remove_role(grant=grant)
    messages.success(request, _("The role was removed."))
    return redirect("networks:team", slug=network.slug)


@require_POST
def case_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, slug, "cases.decide")
    case = policy.fetch(request.user, Case.objects.filter(network=network), "cases.decide", pk=pk)
    agree = request.POST.get("decision") == "agree"
    services.decide_case(case=case, agree=agree, by=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("The network now takes part in this study.")
        if agree
        else _("The network does not take part in this study."),
    )
    back = nextpage.safe_next(request, request.POST.get("next"))
    if back:
        return redirect(back)
    return redirect(network)
