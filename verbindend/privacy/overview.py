"""The privacy tab of a network (its audit log and retention), for its coordinators."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from verbindend.core import navigation
from verbindend.core.navigation import Tab


def connect() -> None:
    navigation.register(
        Tab(
            "privacy",
            gettext_lazy("Privacy"),
            "privacy:network_audit",
            "audit.view",
            ("privacy:network_audit", "privacy:retention", "privacy:person_erase"),
            order=95,
        )
    )
