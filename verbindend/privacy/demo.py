"""Demo material for people's data rights: the network's retention period and consent given to
the current texts by its first people (idempotent)."""

from __future__ import annotations

from typing import Any

from verbindend.privacy.models import ConsentPurpose, ConsentText
from verbindend.privacy.services import give_consent, retention_of


def extend_demo(*, network: Any, study: Any) -> None:
    retention_of(network)
    text = ConsentText.objects.current(ConsentPurpose.PARTICIPATION)
    if text is None:
        return
    for person in network.people.order_by("pk")[:8]:
        give_consent(person=person, text=text)
