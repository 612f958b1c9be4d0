"""The nightly retention purge: what a network keeps no longer than its retention period.

Per network, with the period of its :class:`RetentionPolicy` (24 months when none was set):

* **People who left.** A person whose organisation's every membership period in the network
  ended before the cut-off, and whose account (if any) holds no role in the network, is erased
  exactly as if they had asked for it (pseudonym, transcripts only with consent, aggregates
  unchanged). People without an organisation carry no end date and are left alone: their
  coordinator erases them by hand.
* **Closed live sessions.** Sessions closed before the cut-off lose their participants' names
  and every typed answer; counts and scale/choice aggregates stay.
* **Scan invitations.** Invitations (email addresses) of rounds closed before the cut-off are
  deleted; the answers stay, unlinked, in the round's aggregates.
* **The audit log.** Events older than the cut-off are deleted; events that belong to no
  network follow the default period.

Every step is idempotent, so a missed night is caught up by the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from verbindend.privacy.models import (
    DEFAULT_RETENTION_MONTHS,
    AuditAction,
    AuditEvent,
    Pseudonym,
    RetentionPolicy,
)

if TYPE_CHECKING:
    from verbindend.networks.models import Network, Person

DAYS_PER_MONTH = 30.44


@dataclass
class PurgeReport:
    people: int = 0
    sessions: int = 0
    invitations: int = 0
    audit_events: int = 0
    networks: list[str] = field(default_factory=list)


def cutoff(months: int, now: datetime) -> datetime:
    return now - timedelta(days=round(months * DAYS_PER_MONTH))


def people_who_left(network: Network, before: datetime) -> QuerySet[Person]:
    """People of the network whose organisation left before the cut-off and who hold no role."""
    from verbindend.networks.models import NetworkRole, OrganisationMembership

    still_there = OrganisationMembership.objects.filter(
        network=network, organisation=OuterRef("organisation")
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=before.date()))
    left = OrganisationMembership.objects.filter(
        network=network, organisation=OuterRef("organisation"), left_on__lt=before.date()
    )
    has_role = NetworkRole.objects.filter(network=network, user=OuterRef("user"))
    erased = Pseudonym.objects.filter(person=OuterRef("pk"))
    return (
        _person_model()
        .objects.filter(network=network, organisation__isnull=False)
        .filter(Exists(left))
        .exclude(Exists(still_there))
        .exclude(Exists(has_role))
        .exclude(Exists(erased))
    )


def purge(*, now: datetime | None = None) -> PurgeReport:
    from verbindend.live.models import LiveSession, State
    from verbindend.live.personal_data import erase_session_texts
    from verbindend.networks.models import Network
    from verbindend.privacy.personal_data import DataSubject
    from verbindend.privacy.rights import erase_subject
    from verbindend.scan.models import ScanInvitation

    now = now or timezone.now()
    report = PurgeReport()
    periods = dict(RetentionPolicy.objects.values_list("network_id", "months"))
    for network in Network.objects.all():
        before = cutoff(periods.get(network.pk, DEFAULT_RETENTION_MONTHS), now)
        people = list(people_who_left(network, before))
        for person in people:
            erase_subject(DataSubject(person=person), by=None)
        sessions = LiveSession.objects.filter(
            network=network, state=State.CLOSED, closed_at__lt=before
        ).filter(
            Q(participants__display_name__gt="")
            | Q(contributions__text__gt="")
            | Q(contributions__organisation_name__gt="")
        )
        closed_sessions = list(sessions.distinct())
        for session in closed_sessions:
            erase_session_texts(session)
        invitations, _kinds = ScanInvitation.objects.filter(
            round__network=network, round__closed_at__lt=before
        ).delete()
        events, _kinds = AuditEvent.objects.filter(network=network, at__lt=before).delete()
        if people or closed_sessions or invitations:
            AuditEvent.objects.create(
                action=AuditAction.PURGED,
                subject_type="network",
                subject_id=str(network.pk),
                network=network,
                detail=(
                    f"people={len(people)} sessions={len(closed_sessions)} "
                    f"invitations={invitations}"
                ),
            )
            report.networks.append(network.slug)
        report.people += len(people)
        report.sessions += len(closed_sessions)
        report.invitations += invitations
        report.audit_events += events
    orphans, _kinds = AuditEvent.objects.filter(
        network__isnull=True, at__lt=cutoff(DEFAULT_RETENTION_MONTHS, now)
    ).delete()
    report.audit_events += orphans
    return report


def _person_model() -> type[Person]:
    from verbindend.networks.models import Person

    return Person
