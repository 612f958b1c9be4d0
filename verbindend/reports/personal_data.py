"""The reports app's part in people's data rights (see ``verbindend.privacy.personal_data``).

A kept report is a copy of other apps' data as it was. On erasure every finished version whose
stored page mentions the subject is rendered again from the (already erased) data; whatever
still names them afterwards (text that other apps clear later, or a name typed into a note) is
replaced by the pseudonym, and the PDF is made again from that page. So no kept report holds
the name. Versions the subject asked for lose that link.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from verbindend.reports import render, services
from verbindend.reports.models import ReportStatus, ReportVersion

MIN_NAME = 3  # shorter "names" would blank ordinary words
ERASED = "…"
STYLE = re.compile(r"(<style>.*?</style>)", re.DOTALL)


def names_of(subject: Any) -> list[str]:
    """The names and addresses the subject is known by, longest first."""
    names = set(getattr(subject, "names", ()) or ())
    person, user, participant = subject.person, subject.user, subject.participant
    if person is not None:
        names.update({person.name, person.email})
    if participant is not None:
        names.add(participant.display_name)
    if user is not None:
        names.update({user.get_full_name(), user.email, user.username})
    found = {n.strip() for n in names if n and len(n.strip()) >= MIN_NAME}
    return sorted(found, key=lambda n: (-len(n), n))


def _pattern(needles: list[str]) -> re.Pattern[str] | None:
    forms = {form for n in needles for form in (n, html_lib.escape(n))}
    if not forms:
        return None
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def redact(page: str, pattern: re.Pattern[str], replacement: str) -> str:
    """Replace every match in the page's text (the embedded stylesheet is left alone)."""
    parts = STYLE.split(page)
    return "".join(
        part if part.startswith("<style>") else pattern.sub(replacement, part) for part in parts
    )


def export(subject: Any) -> dict[str, list[dict[str, Any]]]:
    if subject.user is None:
        return {}
    rows = [
        {
            "report": v.get_kind_display(),
            "scope": str(v.scope),
            "asked_for_at": v.created_at.isoformat(),
            "language": v.language,
            "status": v.status,
        }
        for v in ReportVersion.objects.filter(requested_by=subject.user).select_related(
            "network", "study"
        )
    ]
    return {"Report versions asked for": rows} if rows else {}


def erase(subject: Any, *, pseudonym: str) -> None:
    if subject.user is not None:
        ReportVersion.objects.filter(requested_by=subject.user).update(requested_by=None)
    names = _pattern(names_of(subject))
    fragments = _pattern([f for f in getattr(subject, "fragments", ()) or () if f])
    if names is None and fragments is None:
        return
    versions = ReportVersion.objects.filter(status=ReportStatus.DONE).select_related(
        "network", "study"
    )
    for version in versions:
        if not version.html:
            continue
        page = services.read_html(version)
        if not any(p is not None and p.search(redact_text(page)) for p in (names, fragments)):
            continue
        page = render.render_html(version)
        cleaned = page
        if names is not None:
            cleaned = redact(cleaned, names, html_lib.escape(pseudonym))
        if fragments is not None:
            cleaned = redact(cleaned, fragments, ERASED)
        pdf, pages = render.render_pdf(cleaned)
        services.store(version, html=cleaned, pdf=pdf, pages=pages)
        if cleaned != page:
            ReportVersion.objects.filter(pk=version.pk).update(redacted=True)


def redact_text(page: str) -> str:
    """The page without its stylesheet (what a name could appear in)."""
    return STYLE.sub("", page)
