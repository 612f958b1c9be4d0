"""Consent per purpose: recorded with the text version agreed to, withdrawn but never erased;
the retention period of a network; the audit log's filters."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.networks.models import Network, Person
from verbindend.privacy.models import AuditEvent, ConsentRecord, ConsentText, RetentionPolicy


def record_consent(*, person: Person, form: object) -> ConsentRecord:
    record: ConsentRecord = form.save(commit=False)  # type: ignore[attr-defined]
    record.person = person
    record.full_clean()
    record.save()
    return record


def withdraw_consent(*, record: ConsentRecord) -> ConsentRecord:
    """Withdrawal is kept as a date, so the history of consent stays visible."""
    if record.withdrawn_at is not None:
        raise DomainError("consent.withdrawn", _("This consent was already withdrawn."))
    record.withdrawn_at = timezone.now()
    record.save(update_fields=["withdrawn_at"])
    return record


def give_consent(*, person: Person, text: ConsentText) -> ConsentRecord:
    """The person agrees to the version of the text they were shown; an active consent for the
    same purpose is kept as it is (agreeing twice changes nothing)."""
    active = ConsentRecord.objects.active().filter(person=person, purpose=text.purpose).first()
    if active is not None:
        return active
    return ConsentRecord.objects.create(
        person=person, purpose=text.purpose, text_version=text.version, given_at=timezone.now()
    )


def retention_of(network: Network) -> RetentionPolicy:
    policy, _created = RetentionPolicy.objects.get_or_create(network=network)
    return policy


def filter_audit(events: QuerySet[AuditEvent], data: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Narrow the audit log by the filter form's cleaned data."""
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("subject_type"):
        events = events.filter(subject_type=data["subject_type"])
    if data.get("since"):
        events = events.filter(at__date__gte=data["since"])
    if data.get("until"):
        events = events.filter(at__date__lte=data["until"])
    return events
