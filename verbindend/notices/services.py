"""Writes for notices: make them, mark them read, choose how email comes, mail them.

Mail leaves only from the worker (`tasks`), and only to a person who agreed to be contacted by
email and chose email for that kind; every notice is in the inbox regardless.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verbindend.core.errors import DomainError
from verbindend.notices import kinds
from verbindend.notices.kinds import Mode
from verbindend.notices.models import ContactConsent, Notice, NoticePreference

if TYPE_CHECKING:
    from verbindend.accounts.models import User

Text = str | Promise | Callable[[], str]


def _text(value: Text) -> str:
    return value() if callable(value) else str(value)


def _language(user: User) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def mode_for(user: User, kind: str) -> str:
    chosen = NoticePreference.objects.filter(user=user, kind=kind).values_list("mode", flat=True)
    return chosen.first() or kinds.get(kind).default


def may_email(user: User) -> bool:
    """Only people who agreed to be contacted, with an address and an active account."""
    if not user.is_active or not user.email:
        return False
    consent = ContactConsent.objects.filter(user=user).first()
    return consent is not None and consent.active


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    where: str = "",
) -> list[Notice]:
    """One notice per recipient (each in their own language); immediate mail goes to the worker.

    Texts are callables (or lazy strings) so each recipient reads them in their own language.
    """
    kinds.get(kind)  # refuse unknown kinds early
    made = []
    for user in {u.pk: u for u in recipients if u is not None}.values():
        mode = mode_for(user, kind) if may_email(user) else Mode.OFF
        texts = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                texts[code] = {"title": _text(title)[:300], "body": _text(body)[:2000]}
        own = texts.get(_language(user)) or next(iter(texts.values()))
        notice = Notice.objects.create(
            recipient=user,
            kind=kind,
            title=own["title"],
            body=own["body"],
            texts=texts,
            url=url,
            where=where[:200],
            email_mode=mode,
        )
        made.append(notice)
        if mode == Mode.IMMEDIATELY:
            transaction.on_commit(partial(send_notice.enqueue, notice.pk))
    return made


def mark_read(*, user: User, notice: Notice) -> None:
    if notice.recipient_id != user.pk:
        raise DomainError("notices.not_yours", _("This notice is not yours."), status=404)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])


def mark_all_read(*, user: User) -> int:
    return Notice.objects.filter(recipient=user).unread().update(read_at=timezone.now())


def set_preferences(*, user: User, modes: dict[str, str]) -> None:
    valid = set(Mode.values)
    for kind, mode in modes.items():
        kinds.get(kind)
        if mode not in valid:
            raise DomainError("notices.bad_mode", _("Choose one of the offered options."))
    with transaction.atomic():
        for kind, mode in modes.items():
            NoticePreference.objects.update_or_create(user=user, kind=kind, defaults={"mode": mode})


def set_contact_consent(*, user: User, agree: bool) -> None:
    now = timezone.now()
    consent = ContactConsent.objects.filter(user=user).first()
    if agree:
        if consent is None:
            ContactConsent.objects.create(user=user, given_at=now)
        elif not consent.active:
            consent.given_at, consent.withdrawn_at = now, None
            consent.save(update_fields=["given_at", "withdrawn_at"])
    elif consent is not None and consent.active:
        consent.withdrawn_at = now
        consent.save(update_fields=["withdrawn_at"])


def _absolute(url: str) -> str:
    if not url or url.startswith("http"):
        return url
    return str(settings.SITE_URL).rstrip("/") + url


@task
def send_notice(notice_id: int) -> bool:
    """One notice mailed from the worker."""
    return send_one(notice_id)


def send_one(notice_id: int) -> bool:
    """Mail one notice now, if its recipient still wants it that way; True when sent."""
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.emailed_at is not None:
            return False
        user = notice.recipient
        if not may_email(user) or mode_for(user, notice.kind) != Mode.IMMEDIATELY:
            return False
        with translation.override(_language(user)):
            body = render_to_string(
                "notices/email/notice.txt", {"notice": notice, "link": _absolute(notice.url)}
            )
            subject = notice.title
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
    send_mail(subject, body, None, [user.email])
    return True


def send_digests(now: object = None) -> int:
    """One email per person with every digest notice not yet mailed; returns emails sent."""
    waiting = (
        Notice.objects.filter(email_mode=Mode.DIGEST, emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    by_user: dict[int, list[Notice]] = {}
    for notice in waiting:
        by_user.setdefault(notice.recipient_id, []).append(notice)
    sent = 0
    for items in by_user.values():
        user = items[0].recipient
        due = [n for n in items if mode_for(user, n.kind) == Mode.DIGEST and n.read_at is None]
        if not may_email(user) or not due:
            Notice.objects.filter(pk__in=[n.pk for n in items]).update(email_mode=Mode.OFF)
            continue
        with translation.override(_language(user)):
            subject = ngettext(
                "Verbindend: %(count)d new notice", "Verbindend: %(count)d new notices", len(due)
            ) % {"count": len(due)}
            body = render_to_string(
                "notices/email/digest.txt",
                {"notices": [(n, _absolute(n.url)) for n in due], "user": user},
            )
        Notice.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
