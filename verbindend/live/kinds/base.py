"""What every step kind offers the engine and the screens; one module per kind registers one.

A kind checks and cleans answers (pure, in the writer's thread), says whose earlier answer a new
one replaces (one voice per person), turns stored answers into human labels and ordered results,
and names its phone and wall partials. Screens, synthesis and exports ask the kind, never a list.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from verbindend.core import validation
from verbindend.core.errors import DomainError

if TYPE_CHECKING:
    from verbindend.live.models import Contribution, Participant, Step

TEXT_MAX = 1000


def refuse(code: str, message: Any, status: int = 400) -> DomainError:
    return DomainError(code, message, status=status)


class Kind:
    key = ""
    label: str | Promise = ""
    # text answers shown as cards on the wall (and grouped into themes) rather than counted
    cards = False
    # counted into a result chart (scale, choice, ...) rather than listed
    counted = False
    # answered somewhere else (the history line has its own screen)
    answered_elsewhere = False
    # a step of this kind takes answers at all (a slide does not)
    takes_answers = True
    # facilitators may enter an answer for someone without a phone, as text
    facilitator_text = True
    # a new step of this kind keeps answers off the wall until revealed
    alone_first_default = True
    # the facilitator may upload a picture for a step of this kind
    takes_picture = False

    # -- answering -----------------------------------------------------------------------

    def prepare(self, step: Step) -> Any:
        """What checking needs from the database, once per step per batch (writer thread)."""
        return None

    def check(
        self, step: Step, text: str, value: dict[str, Any], prepared: Any
    ) -> tuple[str, dict]:
        """The cleaned text and value of one answer, or a DomainError for the phone."""
        raise NotImplementedError

    def voice(self, step: Step, value: dict[str, Any]) -> str | None:
        """Which earlier answer of the same person on this step a new one replaces: a key
        (one answer per key), or None when every answer counts on its own."""
        return ""

    def options_from_form(self, data: dict[str, Any], lines: list[str]) -> dict[str, Any]:
        """The step's options from the step form (lines: the options field, one per line)."""
        return {}

    def replaces(self, step: Step) -> bool:
        """Whether a new answer may replace an earlier one of the same person on this step."""
        return True

    def from_form(self, post: Any) -> dict[str, Any]:
        """The value of a plain form post (phones without JavaScript)."""
        return {}

    def from_entry(self, text: str) -> tuple[str, dict[str, Any]]:
        """A facilitator's typed entry for someone without a phone, as text and value."""
        return text, {}

    # -- reading -------------------------------------------------------------------------

    def answer_label(self, step: Step, contribution: Contribution, lang: str | None = None) -> str:
        """One answer as a person reads it: never an id, a dict or a dotted key."""
        return contribution.text

    def results(
        self, step: Step, contributions: list[Contribution], lang: str | None = None
    ) -> list[tuple[str, int]]:
        """Counted kinds: (label, count) in the order a reader expects."""
        return []

    def phone_context(
        self, step: Step, participant: Participant | None, mine: list[Contribution]
    ) -> dict:
        return {}

    @property
    def phone_template(self) -> str:
        return f"live/kinds/{self.key}_phone.html"

    @property
    def wall_template(self) -> str:
        return "live/kinds/cards_wall.html" if self.cards else f"live/kinds/{self.key}_wall.html"


class TextKind(Kind):
    """Written answers: one per person, or several when the facilitator allows it."""

    cards = True
    limit = TEXT_MAX

    def check(
        self, step: Step, text: str, value: dict[str, Any], prepared: Any
    ) -> tuple[str, dict]:
        if not text:
            raise refuse("live.empty", _("Write something first."))
        if len(text) > self.limit:
            raise refuse(
                "live.too_long",
                _("Your answer is too long: at most %(n)s characters.") % {"n": self.limit},
            )
        return text, {}

    def voice(self, step: Step, value: dict[str, Any]) -> str | None:
        return None if step.options.get("several") else ""

    def replaces(self, step: Step) -> bool:
        return not step.options.get("several")

    def options_from_form(self, data: dict[str, Any], lines: list[str]) -> dict[str, Any]:
        return {"several": bool(data.get("several"))}

    @property
    def phone_template(self) -> str:
        return "live/kinds/text_phone.html"


class CountedKind(Kind):
    counted = True
    facilitator_text = False

    @property
    def wall_template(self) -> str:
        return "live/kinds/bars_wall.html"


def tally(labels: list[str], picks: list[int]) -> list[tuple[str, int]]:
    counts = Counter(picks)
    return [(label, counts.get(index, 0)) for index, label in enumerate(labels)]


def int_list(raw: Any, *, most: int, below: int) -> list[int] | None:
    """A list of distinct whole numbers 0 <= n < below, at most `most` long; else None.

    Booleans, floats, strings of digits like "²" or "٣" are all refused."""
    if not isinstance(raw, list) or not raw or len(raw) > most:
        return None
    if not all(type(x) is int and 0 <= x < below for x in raw):
        return None
    if len(set(raw)) != len(raw):
        return None
    return raw


def ascii_int(raw: Any) -> int | None:
    """A whole number from a form field: ASCII digits only ("²" and "٣" are refused)."""
    value = validation.ascii_int(raw, default=-1, maximum=999_999_999)
    return None if value < 0 else value
