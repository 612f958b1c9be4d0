"""The audit log's one-line helper: ``audit.record(request, "viewed", person)`` in a view."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from verbindend.privacy.models import AuditEvent


def network_of(obj: Any) -> Any:
    """The network whose people the object is about (a study's material points at its case)."""
    from verbindend.networks.models import Network

    if isinstance(obj, Network):
        return obj
    for path in ("network", "person.network", "case.network", "respondent.case.network"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if isinstance(value, Network):
            return value
    return None


def record(request: HttpRequest | None, action: str, obj: Any, *, detail: str = "") -> AuditEvent:
    """Note who did what to whose data. Names no one but the actor, keeps no address."""
    user = getattr(request, "user", None)
    return AuditEvent.objects.create(
        actor=user if user is not None and user.is_authenticated else None,
        action=action,
        subject_type=obj._meta.model_name if hasattr(obj, "_meta") else type(obj).__name__,
        subject_id=str(getattr(obj, "pk", "") or ""),
        detail=detail[:120],
        network=network_of(obj),
    )
