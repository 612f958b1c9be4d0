"""The welcome pack: what a newcomer needs to know, built from the network's own record.

It reuses the report sections (profile, goals, history line, milestones, learning log, roles and
carrier map), so the pack, the report and the pages never tell different stories; every section
keeps its own privacy rules (small groups, consent for quotes). After the profile comes the
method's advice for this kind of network (form of governance, goal origin, life phase), when the
profile calls for any.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from verbindend.method import guidance
from verbindend.networks.models import Network

#: The report sections a newcomer reads, in this order.
WELCOME_SECTIONS = (
    "profile",
    "learning_goals",
    "historyline",
    "milestones",
    "learning_log",
    "roles",
    "knowledge_carriers",
)


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    body: SafeString


def parts(network: Network, language: str | None = None) -> list[Part]:
    from verbindend.reports.sections import ReportRequest, all_sections

    lang = language or translation.get_language() or "nl"
    request = ReportRequest(network=network, language=lang, sections=WELCOME_SECTIONS)
    by_key = {s.key: s for s in all_sections()}
    found = []
    with translation.override(lang):
        for key in WELCOME_SECTIONS:
            section = by_key.get(key)
            if section is None:
                continue
            context = section.build(request)
            body = render_to_string(section.template, {**context, "report": request})
            found.append(Part(key, str(section.title), SafeString(body)))
            if key == "profile":
                found.extend(_guidance(network))
    return found


def _guidance(network: Network) -> list[Part]:
    """The advice for this kind of network, as one part (none when nothing applies)."""
    advice = guidance.applicable(network, screen="welcome")
    if not advice:
        return []
    body = render_to_string("networks/_welcome_guidance.html", {"advice": advice})
    return [Part("guidance", gettext("Advice for our kind of network"), SafeString(body))]


def document(network: Network, language: str | None = None) -> str:
    """The pack as one self-contained HTML document (for the PDF)."""
    lang = language or translation.get_language() or "nl"
    with translation.override(lang):
        return render_to_string(
            "networks/welcome_document.html",
            {
                "network": network,
                "parts": parts(network, lang),
                "language": lang,
                "generated": timezone.now(),
            },
        )


def pdf(network: Network, language: str | None = None) -> bytes:
    from verbindend.reports.render import render_pdf

    data, _pages = render_pdf(document(network, language))
    return data


def context(network: Network) -> dict[str, Any]:
    return {
        "network": network,
        "parts": parts(network),
        "profile_missing": not guidance.has_profile(network),
    }
