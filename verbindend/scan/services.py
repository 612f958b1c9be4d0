"""Writes for the scan: opening and closing rounds, inviting, answering, reminding.

Answers change only while their round accepts answers, and only through the respondent's own
response; every bad input raises a :class:`DomainError` before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.method import content
from verbindend.networks.models import (
    Network,
    Organisation,
    OrganisationMembership,
    Person,
)
from verbindend.scan import dimensions
from verbindend.scan.models import (
    UNKNOWN,
    Answer,
    Comment,
    Response,
    Round,
    ScanInvitation,
    principle_of,
)

if TYPE_CHECKING:
    from verbindend.accounts.models import User

COMMENT_MAX = 2000


def current_items() -> list[str]:
    """The scan items of the current content version, in questionnaire order."""
    return [node.key for node in content.of_kind("scan_item")]


def previous_settings(network: Network) -> dict[str, object]:
    """Initial form values copied from the network's latest round (or sensible defaults)."""
    today = timezone.localdate()
    last = Round.objects.filter(network=network).order_by("-opens_on", "-pk").first()
    if last is None:
        return {
            "title": _("Scan %(year)s") % {"year": today.year},
            "opens_on": today,
            "closes_on": today + timedelta(days=21),
            "k": network.k_threshold,
            "show_breakdowns": True,
            "reminder_days": 7,
        }
    length = last.closes_on - last.opens_on
    return {
        "title": _("Scan %(year)s") % {"year": today.year},
        "opens_on": today,
        "closes_on": today + length,
        "k": max(last.k, network.k_threshold),
        "show_breakdowns": last.show_breakdowns,
        "reminder_days": last.reminder_days,
    }


def create_round(
    *,
    network: Network,
    by: User | None,
    title: str,
    opens_on: date,
    closes_on: date,
    k: int,
    show_breakdowns: bool,
    reminder_days: int = 7,
) -> Round:
    if closes_on < opens_on:
        raise DomainError("scans.dates", _("The close date must not be before the open date."))
    if k < max(5, network.k_threshold):
        raise DomainError(
            "scans.k",
            _("The smallest group shown must be at least %(k)d.")
            % {"k": max(5, network.k_threshold)},
        )
    round_ = Round(
        network=network,
        created_by=by,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        k=k,
        show_breakdowns=show_breakdowns,
        reminder_days=reminder_days,
        content_version=content.version(),
        item_keys=current_items(),
    )
    round_.full_clean()
    round_.save()
    _announce(round_)
    return round_


def _announce(round_: Round) -> None:
    """Everyone who may answer hears that the round opens; their overview has the button."""
    from verbindend.core.roles import NetworkRoles
    from verbindend.networks.services import users_of
    from verbindend.notices.services import notify

    notify(
        recipients=users_of(
            round_.network,
            [NetworkRoles.COORDINATOR, NetworkRoles.FACILITATOR, NetworkRoles.MEMBER],
        ),
        kind="scan.opened",  # a notice kind: method-key: ignore
        title=lambda: (
            _("The scan “%(round)s” is open until %(day)s")
            % {"round": round_.title, "day": date_format(round_.closes_on, "DATE_FORMAT")}
        ),
        body=lambda: _("Your answers count once the round closes; it takes about ten minutes."),
        url=reverse("core:dashboard"),
        where=round_.network.name,
    )


def _link(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def invitation_link(invitation: ScanInvitation) -> str:
    return _link(reverse("scan:start", args=["i", invitation.token]))


def _send(invitation: ScanInvitation, *, reminder: bool) -> None:
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "round": invitation.round,
            "network": invitation.round.network,
            "link": invitation_link(invitation),
            "reminder": reminder,
        }
        subject = (
            _("Reminder: the scan of %(network)s")
            if reminder
            else _("Your voice in the scan of %(network)s")
        ) % {"network": invitation.round.network.name}
        body = render_to_string("scan/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invite_members(*, round_: Round) -> int:
    """Invite every person of the network with an email address who has no invitation yet."""
    if round_.is_closed:
        raise DomainError("scans.closed", _("This round is closed."), status=409)
    people = Person.objects.filter(network=round_.network).exclude(email="")
    known = set(round_.invitations.values_list("email", flat=True))
    created = []
    with transaction.atomic():
        for person in people:
            email = person.email.strip().lower()
            if email in known:
                continue
            known.add(email)
            created.append(ScanInvitation.objects.create(round=round_, person=person, email=email))
    for invitation in created:
        _send(invitation, reminder=False)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return len(created)


def _require_open(round_: Round) -> None:
    if round_.is_closed or timezone.localdate() > round_.closes_on:
        raise DomainError(
            "scans.closed",
            _("This round is closed; answers can no longer be changed."),
            status=409,
        )
    if timezone.localdate() < round_.opens_on:
        raise DomainError("scans.not_open", _("This round has not opened yet."), status=409)


def _choice(value: str, allowed: list[str]) -> str:
    if value and value not in allowed:
        raise DomainError("scans.attribute", _("That choice is not one of the options."))
    return value


def start_response(
    *,
    round_: Round,
    invitation: ScanInvitation | None = None,
    organisation_id: int | str | None = None,
    member: User | None = None,
    **attributes: str,
) -> Response:
    """Create a respondent's response with the attributes they state (``scan.dimensions``; an
    attribute left out or empty is not stated).

    One response per invitation and per logged-in ``member``; both are verified. Without
    either it came by the shared code: unverified, counted once the coordinator confirms it.
    """
    _require_open(round_)
    unknown = set(attributes) - set(dimensions.NAMES)
    if unknown:
        raise TypeError(f"not a respondent attribute: {sorted(unknown)}")
    stated = {
        a.name: _choice(attributes.get(a.name, ""), list(a.choices.values))
        for a in dimensions.ATTRIBUTES
    }
    if invitation is not None and invitation.round_id != round_.pk:
        raise DomainError("scans.forged", _("This link is not valid."), status=404)
    organisation = None
    if organisation_id not in (None, ""):
        current = OrganisationMembership.objects.filter(network=round_.network).current()
        try:
            organisation = Organisation.objects.get(
                pk=int(organisation_id),
                memberships__in=current,
            )
        except (Organisation.DoesNotExist, ValueError, TypeError) as error:
            raise DomainError(
                "scans.organisation", _("Choose an organisation of this network.")
            ) from error
    response = Response(
        round=round_,
        invitation=invitation,
        organisation=organisation,
        organisation_name=organisation.name if organisation else "",
        **stated,
        verified=invitation is not None or member is not None,
        user=member,
    )
    with transaction.atomic():
        if member is not None and Response.objects.filter(round=round_, user=member).exists():
            raise DomainError(
                "scans.already_started",
                _("You already answered this round; continue your own answers instead."),
                status=409,
            )
        if invitation is not None:
            locked = ScanInvitation.objects.select_for_update().get(pk=invitation.pk)
            if Response.objects.filter(invitation=locked).exists():
                raise DomainError(
                    "scans.already_started",
                    _("This invitation already has a response; continue it instead."),
                    status=409,
                )
        response.save()
    return response


def parse_value(raw: object) -> int | None:
    """'1'…'5' → int, 'unknown' → None; anything else is refused."""
    text = str(raw).strip()
    if text == UNKNOWN:
        return None
    if text in {"1", "2", "3", "4", "5"}:
        return int(text)
    raise DomainError("scans.value", _("Choose one of the answers on the scale."))


def _check_item(round_: Round, item_key: str) -> None:
    if item_key not in round_.item_keys:
        raise DomainError("scans.item", _("This statement is not part of this round."))


def save_answer(*, response: Response, item_key: str, raw_value: object) -> Answer:
    """Save (or change) one answer of one's own response while the round is open."""
    round_ = response.round
    _require_open(round_)
    _check_item(round_, item_key)
    value = parse_value(raw_value)
    with transaction.atomic():
        answer, _created = Answer.objects.update_or_create(
            response=response,
            item_key=item_key,
            defaults={"value": value, "principle_key": principle_of(item_key), "round": round_},
        )
        _bump(round_)
    return answer


def _bump(round_: Round) -> None:
    """Mark the round's results as changed (cached results are keyed by this revision)."""
    Round.objects.filter(pk=round_.pk).update(revision=F("revision") + 1)


def save_principle(
    *, response: Response, principle_key: str, values: Mapping[str, object], comment: str
) -> None:
    """Save one page (a principle's answers and its comment) all at once, or nothing."""
    round_ = response.round
    _require_open(round_)
    items = round_.items_of(principle_key)
    if not items:
        raise DomainError("scans.item", _("This statement is not part of this round."))
    unknown_items = set(values) - set(items)
    if unknown_items:
        raise DomainError("scans.item", _("This statement is not part of this round."))
    parsed = {key: parse_value(raw) for key, raw in values.items() if str(raw) != ""}
    text = comment.strip()
    if len(text) > COMMENT_MAX:
        raise DomainError(
            "scans.comment", _("A comment can be at most %(n)d characters.") % {"n": COMMENT_MAX}
        )
    with transaction.atomic():
        for key, value in parsed.items():
            Answer.objects.update_or_create(
                response=response,
                item_key=key,
                defaults={"value": value, "principle_key": principle_key, "round": round_},
            )
        if text:
            Comment.objects.update_or_create(
                response=response, principle_key=principle_key, defaults={"text": text}
            )
        else:
            Comment.objects.filter(response=response, principle_key=principle_key).delete()
        _bump(round_)


def finish_response(*, response: Response) -> None:
    _require_open(response.round)
    if response.finished_at is None:
        response.finished_at = timezone.now()
        response.save(update_fields=["finished_at"])


def confirm_waiting(*, round_: Round) -> int:
    """The coordinator confirms the batch of shared-code answers that wait: they now count."""
    with transaction.atomic():
        confirmed = (
            Response.objects.filter(round=round_)
            .waiting()
            .filter(answers__isnull=False)
            .distinct()
            .values_list("pk", flat=True)
        )
        count = Response.objects.filter(pk__in=list(confirmed)).update(confirmed_at=timezone.now())
        _bump(round_)
    return count


def close_round(*, round_: Round) -> None:
    if round_.is_closed:
        raise DomainError("scans.closed", _("This round is already closed."), status=409)
    round_.closed_at = timezone.now()
    round_.save(update_fields=["closed_at"])


def release_results(*, round_: Round) -> None:
    """Show results before the close date (answers can still come in)."""
    round_.released = True
    round_.save(update_fields=["released"])


# scheduler jobs -----------------------------------------------------------------------------


def close_due_rounds(*, today: date | None = None) -> int:
    """Close every round whose close date has passed."""
    return Round.objects.due_to_close(today).update(closed_at=timezone.now())


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind invited people who have not finished, at most once per round's reminder interval."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    sent = 0
    rounds = Round.objects.filter(closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today)
    for round_ in rounds.select_related("network"):
        cutoff = moment - timedelta(days=round_.reminder_days)
        pending = (
            round_.invitations.exclude(response__finished_at__isnull=False)
            .filter(sent_at__isnull=False, sent_at__lte=cutoff)
            .exclude(reminded_at__gt=cutoff)
        )
        for invitation in pending:
            _send(invitation, reminder=True)
            invitation.reminded_at = moment
            invitation.save(update_fields=["reminded_at"])
            sent += 1
    return sent


def invitation_for_user(*, round_: Round, user: User) -> ScanInvitation:
    """The signed-in member's own invitation to a round, made on first use.

    It ties the answers to the member's person in the network (so the overview knows when the
    scan is done) without sending an email: the member came from their overview.
    """
    if not round_.accepts_answers():
        raise DomainError("scans.closed", _("This round does not accept answers now."), status=409)
    person = Person.objects.filter(network=round_.network, user=user).first()
    emails = {
        e for e in (user.email.strip().lower(), person.email.strip().lower() if person else "") if e
    }
    found = ScanInvitation.objects.filter(round=round_, email__in=emails).first()
    if found is None and person is not None:
        found = ScanInvitation.objects.filter(round=round_, person=person).first()
    if found is not None:
        return found
    email = user.email.strip().lower() or (person.email.strip().lower() if person else "")
    if not email:
        raise DomainError(
            "scans.no_email",
            _("Your account has no email address; use the round's shared code instead."),
            status=409,
        )
    invitation, _created = ScanInvitation.objects.get_or_create(
        round=round_, email=email, defaults={"person": person}
    )
    return invitation


def open_rounds_for(user: User) -> list[tuple[Round, ScanInvitation | None]]:
    """Rounds the user may answer today, each with their invitation when they have one."""
    from verbindend.core import policy

    today = timezone.localdate()
    rounds = (
        Round.objects.visible_to(user)
        .filter(closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today)
        .select_related("network")
    )
    found = []
    for round_ in rounds:
        if not policy.can(user, "contribute", round_.network):
            continue
        person = Person.objects.filter(network=round_.network, user=user).first()
        emails = [e for e in (user.email.lower(), person.email.lower() if person else "") if e]
        invitation = ScanInvitation.objects.filter(round=round_, email__in=emails).first()
        found.append((round_, invitation))
    return found
