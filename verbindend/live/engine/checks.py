"""Checking a submission before it is written: its shape, pure (no database)."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from verbindend.core import validation
from verbindend.core.errors import DomainError
from verbindend.live.kinds.base import ascii_int
from verbindend.live.models import (
    LETTER_MAX,
    LiveSession,
    State,
    Step,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    session: str  # the session's public id
    token: str
    step: int
    client_id: uuid.UUID
    text: str = ""
    value: dict[str, Any] = field(default_factory=dict)
    shared: bool = False
    participant_id: int | None = None  # set for answers a facilitator enters


@dataclass(frozen=True)
class Ack:
    id: int
    sequence: int
    duplicate: bool


def clean_text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    # Control characters (NUL included) cannot be stored everywhere; newlines and tabs stay;
    # bidirectional overrides would make an answer read differently on the wall.
    return validation.strip_bidi("".join(ch for ch in value if ch in "\n\t" or ch >= " ")).strip()


def parse_submission(session: str, token: str, data: Any) -> Submission:
    """A submission from a JSON body, or a DomainError saying what is wrong with it."""
    if not isinstance(data, dict):
        raise DomainError("live.bad_request", _("This answer could not be read."))
    raw_step = data.get("step")
    step = ascii_int(raw_step) if type(raw_step) in (int, str) else None
    try:
        raw_id = data.get("client_id")
        if not isinstance(raw_id, str) or len(raw_id) > 45:
            raise ValueError
        client_id = uuid.UUID(raw_id)
    except ValueError:
        client_id = None
    if step is None or client_id is None:
        raise DomainError("live.bad_request", _("This answer could not be read."))
    value = data.get("value") or {}
    if not isinstance(value, dict) or len(json.dumps(value)) > 2000:
        raise DomainError("live.bad_request", _("This answer could not be read."))
    raw = data.get("text", "")
    if isinstance(raw, str) and len(raw) > LETTER_MAX * 2:
        raise DomainError(
            "live.too_long",
            _("Your answer is too long: at most %(n)s characters.") % {"n": LETTER_MAX},
        )
    return Submission(
        session=session,
        token=token,
        step=step,
        client_id=client_id,
        text=clean_text(raw),
        value=value,
        shared=data.get("shared") in (True, "1", "on", "true"),
    )


def refuse(code: str, message: Any, status: int = 400) -> DomainError:
    return DomainError(code, message, status=status)


def check(
    item: Submission, session: LiveSession | None, step: Step | None, prepared: Any = None
) -> tuple[str, dict[str, Any]]:
    """The cleaned text and value of one submission, or a DomainError (the kind checks it)."""
    if session is None:
        raise refuse("live.unknown_session", _("This session does not exist."), 404)
    if session.state == State.CLOSED:
        raise refuse("live.closed", _("This session has ended."), 410)
    if step is None or step.session_id != session.pk:
        raise refuse("live.unknown_step", _("This question is not part of the session."), 404)
    if session.state != State.RUNNING or session.current_step_id is None:
        raise refuse(
            "live.not_started", _("The session has not started yet: wait for the first question.")
        )
    if step.pk != session.current_step_id:
        raise refuse(
            "live.not_current",
            _("This question is no longer open. Your screen now shows the current one."),
            409,
        )
    if step.locked:
        raise refuse("live.locked", _("This question is closed; answers are no longer taken."))
    return step.spec.check(step, item.text, item.value, prepared)
