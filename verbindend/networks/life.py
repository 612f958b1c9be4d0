"""Writes for the network's life between meetings: roles, the networker profile, the recruitment
and onboarding checklist, and welcome-pack links (principles 3, 4 and 5)."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.method import content
from verbindend.networks.models import (
    ChecklistItem,
    ChecklistStage,
    ChecklistTick,
    Competence,
    Network,
    Person,
    Role,
    RoleHolder,
    WelcomeLink,
)

#: How long a welcome link may live, in days (the coordinator chooses within this).
LINK_DAYS = (7, 30, 90)


def save_role(*, role: Role, network: Network) -> Role:
    role.network = network
    role.full_clean()
    role.save()
    return role


def add_holder(*, role: Role, person: Person, since: date) -> RoleHolder:
    if person.network_id != role.network_id:
        raise DomainError("roles.elsewhere", _("That person belongs to another network."))
    if RoleHolder.objects.filter(role=role, person=person, until__isnull=True).exists():
        raise DomainError(
            "roles.already", _("%(name)s already holds this role.") % {"name": person.name}
        )
    holder = RoleHolder(role=role, person=person, since=since)
    holder.full_clean()
    holder.save()
    return holder


def end_holder(*, holder: RoleHolder, until: date) -> RoleHolder:
    """Rotation: the holder hands the role on; the history stays."""
    if until < holder.since:
        raise DomainError("roles.order", _("The end date cannot be before the start date."))
    holder.until = until
    holder.save(update_fields=["until"])
    return holder


def method_competences() -> list[content.Node]:
    return list(content.of_kind("competence"))


def choose_competences(*, network: Network, keys: list[str], own: list[str]) -> None:
    """The network's networker profile: chosen method competences plus its own."""
    valid = {node.key for node in method_competences()}
    unknown = [k for k in keys if k not in valid]
    if unknown:
        raise DomainError("competences.unknown", _("Choose competences from the list."))
    with transaction.atomic():
        Competence.objects.filter(network=network).exclude(content_key="").exclude(
            content_key__in=keys
        ).delete()
        for key in keys:
            Competence.objects.get_or_create(network=network, content_key=key)
        for title in own:
            title = title.strip()[:200]
            if title and not Competence.objects.filter(network=network, title=title).exists():
                Competence.objects.create(network=network, title=title)


def ensure_checklist(network: Network) -> list[ChecklistItem]:
    """The network's checklist, started from the method's steps the first time it is opened."""
    items = list(ChecklistItem.objects.filter(network=network))
    if items:
        return items
    for node in content.of_kind("onboarding_item"):
        ChecklistItem.objects.create(
            network=network,
            stage=str(node.attrs.get("stage", ChecklistStage.WELCOME)),
            title=node.title[:200],
            order=node.order or 0,
        )
    return list(ChecklistItem.objects.filter(network=network))


def add_checklist_item(*, network: Network, stage: str, title: str) -> ChecklistItem:
    if stage not in ChecklistStage.values or not title.strip():
        raise DomainError("checklist.bad", _("Give the step a stage and a description."))
    last = ChecklistItem.objects.filter(network=network, stage=stage).order_by("-order").first()
    return ChecklistItem.objects.create(
        network=network,
        stage=stage,
        title=title.strip()[:200],
        order=(last.order + 1) if last else 1,
    )


def toggle_tick(*, item: ChecklistItem, person: Person) -> bool:
    """Tick (or untick) a step for a newcomer; True when it is now done."""
    if person.network_id != item.network_id:
        raise DomainError("checklist.elsewhere", _("That person belongs to another network."))
    deleted, _rows = ChecklistTick.objects.filter(item=item, person=person).delete()
    if deleted:
        return False
    ChecklistTick.objects.create(item=item, person=person)
    return True


def create_welcome_link(*, network: Network, days: int, note: str, by: Any) -> WelcomeLink:
    if days not in LINK_DAYS:
        raise DomainError("welcome.days", _("Choose how long the link stays valid."))
    return WelcomeLink.objects.create(
        network=network,
        token=secrets.token_urlsafe(24),
        note=note.strip()[:200],
        expires_at=timezone.now() + timedelta(days=days),
        created_by=by,
    )


def revoke_welcome_link(*, link: WelcomeLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
