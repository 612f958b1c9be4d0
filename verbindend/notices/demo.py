"""Demo notices: the demo people agreed to email, and each finds notices in their inbox."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from verbindend.accounts.models import User
from verbindend.notices import services
from verbindend.notices.models import Notice


def extend_demo(*, network: Any, study: Any) -> None:
    users = list(User.objects.filter(username__endswith="@verbindend.demo"))
    if not users or Notice.objects.filter(recipient__in=users).exists():
        return
    for user in users:
        services.set_contact_consent(user=user, agree=True)
    by_name = {u.username.split("@")[0]: u for u in users}
    members = [by_name[k] for k in ("coordinator", "facilitator", "member") if k in by_name]
    services.notify(
        recipients=members,
        kind="scan.opened",  # a notice kind: method-key: ignore
        title=lambda: f"De scan “Scan — najaar” van {network.name} staat open",
        url=reverse("core:dashboard"),
        where=network.name,
    )
    if "coordinator" in by_name:
        services.notify(
            recipients=[by_name["coordinator"]],
            kind="case.proposed",
            title=lambda: (
                "De studie “Netwerken over de grenzen” vraagt om jullie netwerk als casus"
            ),
            url=reverse("core:dashboard"),
            where=network.name,
        )
