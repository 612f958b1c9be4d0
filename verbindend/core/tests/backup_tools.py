"""Steps the backup tests run in a subprocess against the database chosen by DATABASE_URL.

``python -m verbindend.core.tests.backup_tools STEP [STEP ...]`` runs the steps in one process
(one Django start-up instead of one per command), each step a JSON list:

- ``["manage", "restore", "FILE"]``: a management command, as `manage.py` would run it;
- ``["fill"]``: add what the demo leaves empty (an uploaded file, groups and permissions, an admin
  log entry, a session, a TOTP device, a queued task) and awkward values (emoji, nested JSON);
- ``["dump", "OUT"]``: every row of every table, read through the ORM independently of the backup
  code, pickled for the test to compare;
- ``["new_key"]``: create an organisation and print its key and the highest key.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from datetime import timedelta
from typing import Any


def fill() -> None:
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from verbindend.accounts.models import User
    from verbindend.accounts.tasks import purge_stale_invitations
    from verbindend.live.models import Contribution, LiveSession
    from verbindend.networks.models import Network
    from verbindend.studies.models import Document

    user = User.objects.order_by("pk").first()
    other = User.objects.order_by("-pk").first()
    assert user is not None and other is not None, "load the demo first"
    group = Group.objects.create(name="Begeleiders – café ☕")
    group.permissions.set(Permission.objects.order_by("pk")[:3])
    user.groups.add(group)
    other.user_permissions.add(Permission.objects.order_by("-pk").first())
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[other], action_flag=ADDITION, change_message="🌱 aangemaakt"
    )
    session = SessionStore()
    session["note"] = "ü ✓"
    session.create()
    TOTPDevice.objects.create(user=user, name="telefoon", confirmed=True)
    purge_stale_invitations.enqueue()

    network = Network.objects.order_by("pk").first()
    assert network is not None
    network.description = network.description + "\nSamen leren 🤝 — “verbindend”, één ∑ ß 中文"
    network.save()
    document = Document.objects.order_by("pk").first()
    if document is not None:
        document.original.save(
            "verslag ✓.txt", ContentFile("Een verslag ✓ met emoji 🌱\n".encode() * 50)
        )
    contribution = Contribution.objects.order_by("pk").first()
    if contribution is not None:
        contribution.value = {
            "tekst": "Wat doen we nu anders? 🌍",
            "z": 1,
            "a": [None, True, 1.5, -0.1, 10**15, {"é": "ü", "leeg": ""}],
        }
        contribution.save()
    live = LiveSession.objects.order_by("pk").first()
    if live is not None:
        live.co_facilitators.add(other)
    # A timestamp with microseconds a millisecond encoder would lose.
    User.objects.filter(pk=other.pk).update(
        last_login=timezone.now().replace(microsecond=123456) - timedelta(days=3)
    )


def _normal(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return ("json", json.dumps(value, sort_keys=True))
    return value


def dump(out: str) -> None:
    from django.apps import apps

    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        names = [f.attname for f in meta.local_concrete_fields]
        rows = [
            tuple(_normal(v) for v in row)
            for row in model._base_manager.values_list(*names).iterator()
        ]
        key = names.index(meta.pk.attname)
        tables[meta.db_table] = sorted(rows, key=lambda row: row[key])
    with open(out, "wb") as handle:
        pickle.dump(tables, handle)


def new_key() -> None:
    from verbindend.networks.models import Organisation

    made = Organisation.objects.create(name="Nieuw")
    print("new key", made.pk, max(Organisation.objects.values_list("pk", flat=True)))


def main(steps: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbindend.settings")
    import django
    from django.core.management import call_command

    django.setup()
    for step in steps:
        name, *args = json.loads(step)
        if name == "manage":
            call_command(*args)
        elif name == "fill":
            fill()
        elif name == "dump":
            dump(*args)
        elif name == "new_key":
            new_key()
        else:
            raise SystemExit(f"unknown step {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
