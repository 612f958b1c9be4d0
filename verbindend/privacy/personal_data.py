"""Extension point: every app's part in a person's data rights (export and erasure).

Each app that stores personal data has a module ``verbindend/<app>/personal_data.py`` with two
functions::

    def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
        '''Everything this app holds about the subject, as JSON-able rows per readable heading.'''

    def erase(subject: DataSubject, *, pseudonym: str) -> None:
        '''Remove the subject's name, contact and free text, or replace the name by ``pseudonym``
        where the research record keeps the fragment (transcripts, coded fragments) and consent
        allowed that. Closed aggregates stay as they were.'''

The privacy app calls them in ``INSTALLED_APPS`` order (the reports app comes last, so kept
report versions are re-rendered or redacted after everything else was erased), inside one
transaction.

A module may also define ``fragments(subject) -> list[str]``: the subject's own free texts that
other apps may have copied (a contribution quoted in a session summary, a moment's story in a
document). The privacy app collects them from every module *before* any erasure and passes them
on in ``subject.fragments``, so an app that holds copies can remove them too. Likewise
``subject.names`` holds the names and addresses the subject was known by.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class DataSubject:
    """Whose data: a network's person (with their account, if any) or a live participant.

    A participant without an account is known only by the token on their phone.
    """

    person: Any = None  # networks.Person
    user: Any = None  # accounts.User
    participant: Any = None  # live.Participant
    #: filled in by the privacy app before erasure (see the module's docstring)
    names: tuple[str, ...] = ()
    fragments: tuple[str, ...] = ()
    people_cache: tuple[Any, ...] | None = None
    participants_cache: tuple[Any, ...] | None = None
    emails_cache: tuple[str, ...] | None = None

    def people(self) -> list[Any]:
        """The network person records: the one given, and every one linked to the account."""
        from verbindend.networks.models import Person

        if self.people_cache is not None:
            return list(self.people_cache)

        found = {self.person.pk: self.person} if self.person is not None else {}
        if self.user is not None:
            found.update({p.pk: p for p in Person.objects.filter(user=self.user)})
        return list(found.values())

    def participants(self) -> list[Any]:
        """Live participants: the one given, those who joined with the account, and those of
        the person's own network who joined with the person's account."""
        from verbindend.live.models import Participant

        if self.participants_cache is not None:
            return list(self.participants_cache)
        found = {self.participant.pk: self.participant} if self.participant is not None else {}
        if self.user is not None:
            found.update({p.pk: p for p in Participant.objects.filter(user=self.user)})
        if self.person is not None and self.person.user_id:
            found.update(
                {
                    p.pk: p
                    for p in Participant.objects.filter(
                        user_id=self.person.user_id, session__network_id=self.person.network_id
                    )
                }
            )
        return list(found.values())

    def emails(self) -> set[str]:
        if self.emails_cache is not None:
            return set(self.emails_cache)
        out = {p.email.lower() for p in self.people() if p.email}
        if self.user is not None and self.user.email:
            out.add(self.user.email.lower())
        return out


def modules() -> Iterator[tuple[str, ModuleType]]:
    """Each installed Verbindend app's ``personal_data`` module, in ``INSTALLED_APPS`` order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("verbindend."):
            continue
        try:
            module = import_module(f"{config.name}.personal_data")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.personal_data":
                raise
            continue
        yield config.label, module


# -- the privacy app's own part ------------------------------------------------------------------


def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
    """Consent records (with the text version agreed to) and who looked at the subject's data."""
    from verbindend.privacy.models import AuditEvent, ConsentRecord

    people = subject.people()
    consents = ConsentRecord.objects.filter(person__in=[p.pk for p in people]).select_related(
        "person__network"
    )
    seen = AuditEvent.objects.filter(
        subject_type="person", subject_id__in=[str(p.pk) for p in people]
    ).select_related("actor")
    return {
        "consent": [
            {
                "network": str(c.person.network),
                "purpose": c.get_purpose_display(),
                "text_version": c.text_version,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in consents
        ],
        "access_log": [
            {
                "when": e.at.isoformat(),
                "action": e.get_action_display(),
                "by": str(e.actor) if e.actor_id else "",
                "detail": e.detail,
            }
            for e in seen
        ],
    }


def erase(subject: DataSubject, *, pseudonym: str) -> None:
    """Consent records stay: they hold no name, and they are the ground on which the research
    record keeps fragments under the pseudonym. The audit log names no subject either."""
