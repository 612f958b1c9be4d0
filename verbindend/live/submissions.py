"""A plain form post as live submissions: a phone without JavaScript, or the facilitator typing
in what someone said. The engine then checks and writes them like any other answer."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from django.utils.translation import gettext as _

from verbindend.core import validation
from verbindend.core.errors import DomainError
from verbindend.live import engine
from verbindend.live.models import Step


def from_form(
    post: Any, public_id: str, step: Step, *, token: str = "", participant_id: int | None = None
) -> list[engine.Submission]:
    """A plain form post (a phone without JavaScript, or the facilitator's entry) as
    submissions: one per written item, or one with the kind's value."""
    raw_id = str(post.get("client_id") or uuid.uuid4())
    data: dict[str, Any] = {
        "client_id": raw_id,
        "step": post.get("step") or str(step.pk),
        "text": post.get("text", ""),
        "shared": post.get("shared"),
    }
    items = [(k[5:], str(v)) for k, v in post.items() if k.startswith("item:") and str(v).strip()]
    out = []
    if items:
        try:
            base = uuid.UUID(raw_id)
        except ValueError:
            raise DomainError("live.bad_request", _("This answer could not be read.")) from None
        for key, text in items:
            value: dict[str, Any] = {"item": key}
            if key.startswith("slot"):
                value = {"slot": validation.ascii_int(key[4:], default=-1)}
            item = {**data, "text": text, "value": value, "client_id": str(uuid.uuid5(base, key))}
            out.append(engine.parse_submission(public_id, token, item))
    else:
        data["value"] = step.spec.from_form(post)
        if "up" in post:
            data["value"] = {"up": validation.ascii_int(post.get("up"), default=-1)}
        out.append(engine.parse_submission(public_id, token, data))
    if participant_id is not None:
        out = [dataclasses.replace(i, participant_id=participant_id) for i in out]
    return out
