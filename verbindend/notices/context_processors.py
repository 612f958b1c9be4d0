from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def unread(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from verbindend.notices.models import Notice

        return Notice.objects.filter(recipient=user).unread().count()

    return {"unread_notices": SimpleLazyObject(count)}
