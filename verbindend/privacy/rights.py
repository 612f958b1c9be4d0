"""People's data rights: export all of a person's data, and erase it (ARCHITECTURE §7).

Both walk every app's ``personal_data`` module (see :mod:`verbindend.privacy.personal_data`).
Erasure runs in one transaction: the apps first name the free texts others may have copied,
then each app erases its part in ``INSTALLED_APPS`` order, and a last sweep replaces any name or
address still typed somewhere (a memo, an admin log line) by the person's stable pseudonym.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import replace
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbindend.privacy.models import AuditAction, AuditEvent, Pseudonym
from verbindend.privacy.personal_data import DataSubject, modules

PSEUDONYM_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
#: Free texts shorter than this are not swept out of other apps' text (too likely to hit words).
MIN_FRAGMENT = 20
#: Names shorter than this are not swept (a one-letter pseudonym would erase half the database).
MIN_NAME = 4
ERASED = "[…]"
#: Models whose text the sweep leaves alone: they erase their own part with more care
#: (document text keeps its coding offsets), or they are the pseudonyms themselves.
#: Other people's own name fields are left alone too: someone else may share the full name.
SWEEP_SKIP = {
    ("studies", "document", "text"),
    ("privacy", "pseudonym", "label"),
    ("accounts", "user", "password"),
    ("accounts", "user", "username"),
    ("accounts", "user", "first_name"),
    ("accounts", "user", "last_name"),
    ("accounts", "user", "email"),
    ("networks", "person", "name"),
    ("networks", "person", "email"),
    ("live", "participant", "display_name"),
}


# -- who -----------------------------------------------------------------------------------------


def prepare(subject: DataSubject) -> DataSubject:
    """The subject with its records resolved once, and the names and free texts it is known by.

    Resolved before anything changes, so an app erased late still finds what an app erased
    early already unlinked (the account's person records, a participant's lines).
    """
    people = tuple(subject.people())
    participants = tuple(subject.participants())
    user = subject.user
    names: set[str] = set()
    for person in people:
        names.update({person.name, person.email})
    for participant in participants:
        names.add(participant.display_name)
    if user is not None:
        names.update({user.get_full_name(), user.email, user.username})
    names = {n.strip() for n in names if n and sweepable(n.strip())}
    ready = replace(
        subject,
        names=tuple(sorted(names, key=lambda n: (-len(n), n))),
        people_cache=people,
        participants_cache=participants,
        emails_cache=tuple(sorted(subject.emails())),
    )
    fragments: set[str] = set()
    for _label, module in modules():
        collect = getattr(module, "fragments", None)
        if collect is not None:
            fragments.update(
                f.strip() for f in collect(ready) if f and len(f.strip()) >= MIN_FRAGMENT
            )
    return replace(ready, fragments=tuple(sorted(fragments, key=lambda f: (-len(f), f))))


def sweepable(name: str) -> bool:
    """Full names and addresses are swept from every text; a lone first name is not: it would
    hit every other person who shares it."""
    return len(name) >= MIN_NAME and (" " in name or "@" in name)


def needle_pattern(needles: tuple[str, ...] | list[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for whole-word hits of any needle, longest first."""
    parts = [re.escape(n) for n in sorted(set(needles), key=lambda n: (-len(n), n)) if n]
    if not parts:
        return None
    # a Dutch or English genitive ("Annas", "Anna's") still counts as the name
    suffix = r"(?P<suffix>'?s)?"
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")" + suffix + r"(?!\w)", re.IGNORECASE)


def substitute(match: re.Match[str], replacement: str) -> str:
    """The replacement for one hit, keeping a genitive ending."""
    return replacement + (match.groupdict().get("suffix") or "")


def _new_code() -> str:
    return "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(4))


def pseudonym_for(subject: DataSubject) -> Pseudonym:
    """The subject's stable pseudonym: found through any record it was linked to, else new."""
    people = subject.people()
    participants = subject.participants()
    links = models.Q(person__in=[p.pk for p in people])
    links |= models.Q(participant__in=[p.pk for p in participants])
    if subject.user is not None:
        links |= models.Q(user=subject.user)
    found = Pseudonym.objects.filter(links).order_by("pk").first()
    if found is None:
        with translation.override(settings.LANGUAGE_CODE):
            word = _("Participant")
        for _attempt in range(20):
            code = _new_code()
            try:
                with transaction.atomic():
                    found = Pseudonym.objects.create(code=code, label=f"{word} {code}")
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - 22⁴ codes; only a full table gets here
            raise RuntimeError("no free pseudonym code")
    records = {
        "person": people[0] if people else None,
        "user": subject.user,
        "participant": participants[0] if participants else None,
    }
    changed = False
    for field, value in records.items():
        if value is None or getattr(found, f"{field}_id") is not None:
            continue
        if not Pseudonym.objects.filter(**{field: value}).exists():
            setattr(found, field, value)
            changed = True
    if changed:
        found.save()
    return found


# -- export --------------------------------------------------------------------------------------


def export_subject(subject: DataSubject) -> dict[str, Any]:
    """Everything every app holds about the subject, as JSON-able data."""
    ready = prepare(subject)
    sections: dict[str, Any] = {}
    for label, module in modules():
        part = module.export(ready)
        if any(part.values()):
            sections[label] = part
    return {
        "generated_at": timezone.now().isoformat(),
        "format": "verbindend-personal-data/1",
        "apps": sections,
    }


def export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


#: Readable names for the keys of the apps' exports; the JSON keeps the keys themselves.
LABELS = {
    "account": gettext_lazy("Account"),
    "roles": gettext_lazy("Roles"),
    "invitations": gettext_lazy("Invitations"),
    "people": gettext_lazy("People records"),
    "consent": gettext_lazy("Consent"),
    "access_log": gettext_lazy("Who looked at or exported your data"),
    "participants": gettext_lazy("Live sessions you joined"),
    "contributions": gettext_lazy("Your answers in live sessions"),
    "history_lines": gettext_lazy("History lines"),
    "moments": gettext_lazy("Moments on your history lines"),
    "scan_invitations": gettext_lazy("Scan invitations"),
    "scan_responses": gettext_lazy("Scan responses"),
    "respondents": gettext_lazy("Taking part in studies"),
    "interviews": gettext_lazy("Interviews"),
    "interview_notes": gettext_lazy("The interviewer's notes on your interviews"),
    "documents": gettext_lazy("Documents"),
    "codings": gettext_lazy("Codings"),
    "memos": gettext_lazy("Memos"),
    "entries": gettext_lazy("Learning log entries"),
    "carriers": gettext_lazy("Knowledge carriers"),
    "revisits": gettext_lazy("Notes on learning goals"),
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("Email"),
    "network": gettext_lazy("Network"),
    "organisation": gettext_lazy("Organisation"),
    "study": gettext_lazy("Study"),
    "session": gettext_lazy("Session"),
    "date": gettext_lazy("Date"),
    "when": gettext_lazy("When"),
    "title": gettext_lazy("Title"),
    "text": gettext_lazy("Text"),
    "kind": gettext_lazy("Kind"),
    "role": gettext_lazy("Role"),
    "status": gettext_lazy("Status"),
    "purpose": gettext_lazy("Purpose"),
    "created_at": gettext_lazy("Created"),
}


def label_for(key: str) -> str:
    """The readable name of an export key: from LABELS, else the key in words."""
    return str(LABELS[key]) if key in LABELS else key.replace("_", " ").capitalize()


def export_html(data: dict[str, Any]) -> str:
    """A readable page of the same data: one heading per app and kind, a table per kind."""
    sections = []
    for label, part in data["apps"].items():
        config = apps.get_app_config(label)
        tables = []
        for heading, rows in part.items():
            if not rows:
                continue
            columns = list(dict.fromkeys(key for row in rows for key in row))
            body = [[_cell(row.get(col)) for col in columns] for row in rows]
            tables.append(
                {
                    "heading": label_for(heading),
                    "columns": [label_for(column) for column in columns],
                    "rows": body,
                }
            )
        sections.append({"title": config.verbose_name, "tables": tables})
    return render_to_string(
        "privacy/export.html", {"sections": sections, "generated_at": data["generated_at"]}
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


# -- erasure -------------------------------------------------------------------------------------


def erase_subject(subject: DataSubject, *, by: Any) -> Pseudonym:
    """Erase the subject everywhere, in one transaction; returns the pseudonym used."""
    with transaction.atomic():
        ready = prepare(subject)
        pseudonym = pseudonym_for(ready)
        for _label, module in modules():
            module.erase(ready, pseudonym=pseudonym.label)
        sweep(ready, pseudonym=pseudonym.label)
        networks = {p.network_id for p in ready.people()}
        networks |= {p.session.network_id for p in ready.participants() if p.session.network_id}
        for network_id in networks or {None}:
            AuditEvent.objects.create(
                actor=by if getattr(by, "is_authenticated", False) else None,
                action=AuditAction.ERASED,
                subject_type="person" if ready.people() else "participant",
                subject_id=pseudonym.code,
                network_id=network_id,
            )
    return pseudonym


def replace_all(text: str, needles: tuple[str, ...], replacement: str) -> str:
    """Replace every whole-word hit of a needle, ignoring case."""
    pattern = needle_pattern(needles)
    return pattern.sub(lambda m: substitute(m, replacement), text) if pattern else text


def text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.unique
        and (model._meta.app_label, model._meta.model_name, f.name) not in SWEEP_SKIP
    ]


def sweep(subject: DataSubject, *, pseudonym: str) -> int:
    """Replace the subject's names and addresses by the pseudonym, and their longer free texts
    by an ellipsis, in every text column of every model. Returns the rows changed."""
    changed = 0
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in text_fields(model):
            for needles, replacement in ((subject.names, pseudonym), (subject.fragments, ERASED)):
                if not needles:
                    continue
                query = models.Q()
                for needle in needles:
                    query |= models.Q(**{f"{field.name}__icontains": needle})
                for row in model._default_manager.filter(query).only("pk", field.name):
                    old = getattr(row, field.name)
                    new = replace_all(old, needles, replacement)[: field.max_length or None]
                    if new != old:
                        model._default_manager.filter(pk=row.pk).update(**{field.name: new})
                        changed += 1
    return changed
