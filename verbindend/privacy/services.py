"""Consent per purpose: recorded with the text version agreed to, withdrawn but never erased."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.networks.models import Person
from verbindend.privacy.models import ConsentRecord


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
