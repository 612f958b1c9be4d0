"""A study's live sessions arrive in the study as material, their themes and tags as codings.

When the facilitators save a session's synthesis, a session that belongs to a study becomes one
document of kind "session summary" in that study (replaced on every save), and each theme and
method tag of a contribution becomes a coding of that contribution's text, made by the
facilitator who saved it. Private farewell letters never appear: the summary holds only what
its authors shared.

A network's own session reaches a study only when the network's coordinator offers it to a
study the network takes part in (an agreed case): then its summary text, without names or
organisations, becomes material of that case, renewed on every save, until the offer is
withdrawn. No codings travel with it: the network's facilitators are not the study's coders.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.core.roles import StudyRoles
from verbindend.live.models import LiveSession, SharedSession
from verbindend.live.synthesis import SessionSummary, session_summary

THEME_GROUP = "Themes from live sessions"


def summary_text(
    summary: SessionSummary,
) -> tuple[str, list[tuple[int, int, str, tuple[str, ...]]]]:
    """The summary as plain text, and per item its span (code points), theme and tags."""
    parts: list[str] = []
    spans: list[tuple[int, int, str, tuple[str, ...]]] = []
    length = 0

    def add(line: str) -> tuple[int, int]:
        nonlocal length
        line = unicodedata.normalize("NFC", line.replace("\r\n", "\n").replace("\r", "\n"))
        start = length
        parts.append(line)
        length += len(line) + 1  # the newline that joins the parts
        return start, start + len(line)

    add(summary.title)
    add("")
    for step in summary.steps:
        add(f"{step.order}. {step.prompt}")
        for item in step.items:
            text = item.text.strip()
            if not text:
                continue
            start, end = add(text)
            spans.append((start, end, item.theme, item.tags))
        add("")
    return "\n".join(parts).strip(), spans


@transaction.atomic
def send_to_study(*, session: LiveSession, user: Any) -> None:
    if session.study_id is None:
        return
    from verbindend.analysis import services as analysis
    from verbindend.analysis.models import Code, Coding
    from verbindend.studies.models import DocumentKind
    from verbindend.studies.services import add_material

    study = session.study
    text, spans = summary_text(session_summary(session))
    document = add_material(
        study=study,  # type: ignore[arg-type]
        kind=DocumentKind.SESSION_SUMMARY,
        title=_("Live session: %(title)s") % {"title": session.title},
        text=text,
        source=_("Live session"),
        origin_ref=f"live-session:{session.pk}",
    )
    if user is None or not user.is_authenticated:
        return
    # The text was just replaced: this facilitator's earlier codings would point at old offsets.
    Coding.objects.filter(document=document, coder=user).delete()
    items: list[tuple[int, int, str]] = []
    group = None
    for start, end, theme, tags in spans:
        items.extend((start, end, tag) for tag in tags)
        if theme:
            group = group or Code.objects.filter(study=study, name=THEME_GROUP, parent=None).first()
            group = group or analysis.add_code(study=study, name=THEME_GROUP)  # type: ignore[arg-type]
            code = Code.objects.filter(study=study, parent=group, name=theme[:200]).first()
            code = code or analysis.add_code(study=study, name=theme, parent=group)  # type: ignore[arg-type]
            items.append((start, end, str(code.uuid)))
    if items:
        analysis.import_codings(study=study, document=document, items=items, coder=user)  # type: ignore[arg-type]


def _origin(session: LiveSession) -> str:
    return f"live-session:{session.pk}"


def _send_shared(share: SharedSession) -> None:
    from verbindend.studies.models import DocumentKind
    from verbindend.studies.services import add_material

    session = share.session
    text, _spans = summary_text(session_summary(session))
    add_material(
        study=share.case.study,
        case=share.case,
        kind=DocumentKind.SESSION_SUMMARY,
        title=_("Live session: %(title)s") % {"title": session.title},
        text=text,
        source=_("Live session of the network, offered by its coordinator"),
        origin_ref=_origin(session),
    )


@transaction.atomic
def offer(*, session: LiveSession, case: Any, user: Any) -> SharedSession:
    """The coordinator's consent: the session's summary becomes material of the case's study."""
    from verbindend.studies.models import CaseStatus

    if session.network_id is None or case.network_id != session.network_id:
        raise DomainError("live.share_case", _("This study does not follow this network."))
    if case.status != CaseStatus.AGREED:
        raise DomainError(
            "live.share_case", _("The network takes part in this study only once it agreed.")
        )
    share, created = SharedSession.objects.get_or_create(
        session=session, case=case, defaults={"shared_by": user}
    )
    _send_shared(share)
    if created:
        _tell_researchers(share)
    return share


def _tell_researchers(share: SharedSession) -> None:
    """The study's researchers hear that a network offered a session, with a link to it."""
    from verbindend.notices.services import notify
    from verbindend.studies.models import Document, StudyRole

    study = share.case.study
    document = Document.objects.filter(study=study, origin_ref=_origin(share.session)).first()
    researchers = StudyRole.objects.holders(study, StudyRoles.RESEARCHER)
    notify(
        recipients=researchers,
        kind="session.offered",
        title=lambda: (
            _("%(network)s offered the session “%(session)s” to “%(study)s”")
            % {
                "network": share.session.network.name if share.session.network else "",
                "session": share.session.title,
                "study": study.name,
            }
        ),
        url=document.get_absolute_url() if document else study.get_absolute_url(),
        where=study.name,
    )


@transaction.atomic
def withdraw(*, session: LiveSession, case: Any) -> None:
    """Take the offer back: the study loses the document and whatever was coded in it."""
    from verbindend.studies.models import Document

    SharedSession.objects.filter(session=session, case=case).delete()
    Document.objects.filter(study=case.study, origin_ref=_origin(session)).delete()


def renew_shared(session: LiveSession) -> None:
    """After a new save of the synthesis: every study it was offered to gets the new text."""
    for share in SharedSession.objects.filter(session=session).select_related(
        "case__study", "session"
    ):
        _send_shared(share)
