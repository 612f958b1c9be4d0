"""Network life pages: an organisation's page, roles and competences, the welcome pack.

Objects come through ``policy.fetch``; the writes live in ``life``; the welcome pack's content
comes from the report sections (``welcome``).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import exports, panels, policy, validation
from verbindend.core.errors import DomainError
from verbindend.method import content
from verbindend.networks import life, welcome
from verbindend.networks.forms import RoleForm
from verbindend.networks.models import (
    ChecklistItem,
    ChecklistStage,
    ChecklistTick,
    Competence,
    Network,
    Organisation,
    OrganisationMembership,
    Person,
    Role,
    RoleHolder,
    Tenure,
    WelcomeLink,
)


def _network(request: HttpRequest, slug: str, action: str) -> Network:
    return policy.fetch(request.user, Network.objects.all(), action, slug=slug)


# -- an organisation in the network ---------------------------------------------------------------


@require_GET
def organisation_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, slug, "network.view")
    membership = OrganisationMembership.objects.filter(network=network, organisation_id=pk)
    organisation = get_object_or_404(
        Organisation.objects.filter(pk__in=membership.values("organisation"))
    )
    periods = list(membership.order_by("joined_on"))
    can_see_people = policy.can(request.user, "people.view", network)
    people = Person.objects.filter(network=network, organisation=organisation)
    roles_held = RoleHolder.objects.filter(
        role__network=network, person__organisation=organisation
    ).select_related("role", "person")
    return render(
        request,
        "networks/organisation.html",
        {
            "network": network,
            "organisation": organisation,
            "periods": periods,
            "people": list(people) if can_see_people else None,
            "people_count": people.count(),
            "roles_held": list(roles_held),
            "panels": [
                (panel, render_to_string(panel.template, panel.context, request))
                for panel in panels.organisation_panels(request.user, network, organisation)
            ],
            "can_change": policy.can(request.user, "organisations.change", network),
        },
    )


# -- roles, networker profile, recruitment and onboarding ------------------------------------------


def _newcomers(network: Network) -> list[Person]:
    return list(Person.objects.filter(network=network, tenure=Tenure.NEWCOMER).order_by("name"))


@require_http_methods(["GET", "POST"])
def roles_page(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "network.view")
    can_change = policy.can(request.user, "network.change", network)
    form = RoleForm(request.POST if request.POST.get("do") == "role" else None)
    if request.method == "POST":
        policy.require(request.user, "network.change", network)
        done = _roles_action(request, network, form)
        if done:
            return redirect("networks:roles", network.slug)
    today = timezone.localdate()
    roles = list(Role.objects.filter(network=network).prefetch_related("holders__person"))
    for role in roles:
        role.current = [h for h in role.holders.all() if h.until is None or h.until > today]  # type: ignore[attr-defined]
        role.past = [h for h in role.holders.all() if h.until is not None and h.until <= today]  # type: ignore[attr-defined]
    chosen = {
        c.content_key for c in Competence.objects.filter(network=network).exclude(content_key="")
    }
    items = (
        life.ensure_checklist(network)
        if can_change
        else list(ChecklistItem.objects.filter(network=network))
    )
    newcomers = _newcomers(network) if policy.can(request.user, "people.view", network) else []
    ticks = set(
        ChecklistTick.objects.filter(item__network=network).values_list("item_id", "person_id")
    )
    for item in items:
        item.done_for = {person for item_id, person in ticks if item_id == item.pk}  # type: ignore[attr-defined]
    return render(
        request,
        "networks/roles.html",
        {
            "network": network,
            "can_change": can_change,
            "form": form,
            "roles": roles,
            "people": Person.objects.filter(network=network).order_by("name") if can_change else [],
            "method_competences": [(n, n.key in chosen) for n in life.method_competences()],
            "own_competences": Competence.objects.filter(network=network, content_key=""),
            "chosen_competences": [n for n in life.method_competences() if n.key in chosen],
            "stages": [
                (label, [i for i in items if i.stage == value])
                for value, label in ChecklistStage.choices
            ],
            "stage_choices": ChecklistStage.choices,
            "newcomers": newcomers,
            "profile_question": content.get("principle.p5.r1"),
            "roles_question": content.get("principle.p3"),
        },
    )


def _roles_action(request: HttpRequest, network: Network, form: RoleForm) -> bool:
    action = request.POST.get("do", "")
    if action == "role":
        if not form.is_valid():
            return False
        life.save_role(role=form.save(commit=False), network=network)
        messages.success(request, _("The role was saved."))
        return True
    if action == "holder":
        role = get_object_or_404(
            Role, network=network, pk=validation.ascii_int(request.POST.get("role"))
        )
        person = get_object_or_404(
            Person, network=network, pk=validation.ascii_int(request.POST.get("person"))
        )
        since = _date(request.POST.get("since")) or timezone.localdate()
        life.add_holder(role=role, person=person, since=since)
        messages.success(request, _("%(name)s now holds this role.") % {"name": person.name})
        return True
    if action == "end":
        holder = get_object_or_404(
            RoleHolder, role__network=network, pk=validation.ascii_int(request.POST.get("holder"))
        )
        life.end_holder(holder=holder, until=timezone.localdate())
        messages.success(request, _("The role was handed on; its history is kept."))
        return True
    if action == "competences":
        life.choose_competences(
            network=network,
            keys=request.POST.getlist("competence"),
            own=request.POST.get("own", "").splitlines(),
        )
        messages.success(request, _("The networker profile was saved."))
        return True
    if action == "step":
        life.add_checklist_item(
            network=network,
            stage=request.POST.get("stage", ""),
            title=request.POST.get("title", ""),
        )
        messages.success(request, _("The step was added."))
        return True
    if action == "tick":
        item = get_object_or_404(
            ChecklistItem, network=network, pk=validation.ascii_int(request.POST.get("item"))
        )
        person = get_object_or_404(
            Person, network=network, pk=validation.ascii_int(request.POST.get("person"))
        )
        life.toggle_tick(item=item, person=person)
        return True
    raise DomainError("roles.bad_action", _("That action is not known."))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        if value:
            raise DomainError(
                "roles.bad_date", _("Give the date as a day, month and year.")
            ) from None
        return None


# -- the welcome pack ------------------------------------------------------------------------------


@require_GET
def welcome_page(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "network.view")
    can_share = policy.can(request.user, "network.change", network)
    links = WelcomeLink.objects.filter(network=network) if can_share else WelcomeLink.objects.none()
    return render(
        request,
        "networks/welcome.html",
        {
            **welcome.context(network),
            "can_share": can_share,
            "links": links[:20],
            "now": timezone.now(),
            "link_days": life.LINK_DAYS,
        },
    )


@require_GET
def welcome_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "network.view")
    return _pdf_response(network)


def _pdf_response(network: Network) -> HttpResponse:
    return exports.download(
        f"welcome-{network.slug}", "pdf", welcome.pdf(network), "application/pdf", inline=True
    )


@require_POST
def welcome_link_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "network.change")
    try:
        days = int(request.POST.get("days", ""))
    except ValueError:
        days = 0
    link = life.create_welcome_link(
        network=network, days=days, note=request.POST.get("note", ""), by=request.user
    )
    messages.success(
        request,
        _("The link works until %(day)s.")
        % {"day": date_format(timezone.localtime(link.expires_at), "DATE_FORMAT")},
    )
    return redirect("networks:welcome", network.slug)


@require_POST
def welcome_link_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    network = _network(request, slug, "network.change")
    link = get_object_or_404(WelcomeLink, network=network, pk=pk)
    life.revoke_welcome_link(link=link)
    messages.success(request, _("The link no longer works."))
    return redirect("networks:welcome", network.slug)


def _shared(token: str) -> WelcomeLink:
    link = WelcomeLink.objects.filter(token=token).select_related("network").first()
    if link is None:
        raise DomainError("welcome.unknown", _("This welcome link is not valid."), status=404)
    if link.revoked_at is not None or link.expires_at <= timezone.now():
        raise DomainError(
            "welcome.expired",
            _("This welcome link has expired. Ask the network's coordinator for a new one."),
            status=410,
        )
    return link


@login_not_required
@require_GET
def welcome_shared(request: HttpRequest, token: str) -> HttpResponse:
    link = _shared(token)
    return render(
        request,
        "networks/welcome_shared.html",
        {**welcome.context(link.network), "link": link},
    )


@login_not_required
@require_GET
def welcome_shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    return _pdf_response(_shared(token).network)
