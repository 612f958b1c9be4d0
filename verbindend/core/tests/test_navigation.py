"""One tab bar per network: every network page, as every role, shows the same tabs for that
role, marks the current tab with aria-current, and offers a way back (breadcrumbs)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from verbindend.core import navigation
from verbindend.testing.personas import Personas

ROLES = ("coordinator", "facilitator", "member", "observer", "researcher")
#: Full-screen or participant screens: no tab bar on purpose (the console leads to them).
NOT_NETWORK_PAGES = {
    "live:wall",
    "live:wall_frame",
    "live:handout",
    "historyline:wall",
    "networks:list",
    "networks:create",
}


class Tabs(HTMLParser):
    """Collects the tab bar's tabs, the current one, and the breadcrumb links."""

    def __init__(self) -> None:
        super().__init__()
        self.tabs: list[str] = []
        self.current: list[str] = []
        self.crumbs: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "nav" and a.get("data-testid") == "network-tabs":
            self._in = "tabs"
        elif tag == "nav" and a.get("data-testid") == "breadcrumbs":
            self._in = "crumbs"
        elif tag == "a" and self._in == "tabs":
            self.tabs.append(a.get("data-tab") or "")
            if a.get("aria-current") == "page":
                self.current.append(a.get("data-tab") or "")
        elif tag == "a" and self._in == "crumbs":
            self.crumbs.append(a.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in = None


def _world(p: Personas) -> dict[str, object]:
    """One of everything a network page can show, in the personas' network."""
    from verbindend.historyline import services as history
    from verbindend.learninglog.models import Carrier, Entry, LearningGoal
    from verbindend.live import services as live
    from verbindend.networks.models import Role
    from verbindend.reports.models import ReportKind, ReportVersion
    from verbindend.scan import services as scan

    today = timezone.localdate()
    round_ = scan.create_round(
        network=p.network,
        by=p.coordinator,
        title="Ronde",
        opens_on=today,
        closes_on=today + timedelta(days=7),
        k=5,
        show_breakdowns=True,
    )
    session = live.create_session(creator=p.coordinator, template="focus_group", network=p.network)
    exercise = history.create_exercise(
        scope=p.network, title="Lijn", start_date=date(2015, 1, 1), created_by=p.coordinator
    )
    entry = Entry.objects.create(network=p.network, title="Anders", created_by=p.coordinator)
    goal = LearningGoal.objects.create(network=p.network, title="Doel")
    carrier = Carrier.objects.create(
        network=p.network, kind="system", name="Map", knowledge_types=["knowledge.dossier"]
    )
    version = ReportVersion.objects.create(
        kind=ReportKind.NETWORK, network=p.network, requested_by=p.coordinator
    )
    Role.objects.create(network=p.network, title="Voorzitter")
    return {
        "round": round_,
        "session": session,
        "exercise": exercise,
        "entry": entry,
        "goal": goal,
        "carrier": carrier,
        "version": version,
    }


def network_pages(p: Personas, w: dict[str, object]) -> dict[str, str]:
    """Every GET page of the network (view name → address)."""
    slug = p.network.slug
    s, r, e = w["session"].pk, w["round"].pk, w["exercise"].pk  # type: ignore[attr-defined]
    org = p.organisation.pk
    membership = p.network.memberships.get(organisation=p.organisation).pk
    return {
        "networks:detail": f"/networks/{slug}/",
        "networks:edit": f"/networks/{slug}/edit/",
        "networks:delete": f"/networks/{slug}/delete/",
        "networks:organisations": f"/networks/{slug}/organisations/",
        "networks:organisation_add": f"/networks/{slug}/organisations/new/",
        "networks:organisation_edit": f"/networks/{slug}/organisations/{membership}/",
        "networks:organisation": f"/networks/{slug}/organisations/{org}/about/",
        "networks:people": f"/networks/{slug}/people/",
        "networks:person_add": f"/networks/{slug}/people/new/",
        "networks:people_import": f"/networks/{slug}/people/import/",
        "networks:person_edit": f"/networks/{slug}/people/{p.person.pk}/",
        "networks:person_delete": f"/networks/{slug}/people/{p.person.pk}/delete/",
        "networks:roles": f"/networks/{slug}/roles/",
        "networks:welcome": f"/networks/{slug}/welcome/",
        "networks:team": f"/networks/{slug}/team/",
        "scan:network": f"/scan/n/{slug}/",
        "scan:create": f"/scan/n/{slug}/new/",
        "scan:round": f"/scan/n/{slug}/{r}/",
        "scan:agenda": f"/scan/n/{slug}/{r}/agenda/",
        "live:network": f"/live/network/{slug}/",
        "live:console": f"/live/{s}/",
        "live:steps": f"/live/{s}/steps/",
        "live:synthesis": f"/live/{s}/synthesis/",
        "historyline:network": f"/history-lines/network/{slug}/",
        "historyline:network_create": f"/history-lines/network/{slug}/new/",
        "historyline:detail": f"/history-lines/{e}/",
        "historyline:edit": f"/history-lines/{e}/edit/",
        "historyline:together": f"/history-lines/{e}/together/",
        "historyline:interview": f"/history-lines/{e}/interview/",
        "learninglog:network": f"/log/network/{slug}/",
        "learninglog:entry_create": f"/log/network/{slug}/new/",
        "learninglog:goals": f"/log/network/{slug}/goals/",
        "learninglog:goal_create": f"/log/network/{slug}/goals/new/",
        "learninglog:carriers": f"/log/network/{slug}/carriers/",
        "learninglog:carrier_create": f"/log/network/{slug}/carriers/new/",
        "learninglog:entry": f"/log/entry/{w['entry'].pk}/",  # type: ignore[attr-defined]
        "learninglog:entry_edit": f"/log/entry/{w['entry'].pk}/edit/",  # type: ignore[attr-defined]
        "learninglog:goal": f"/log/goal/{w['goal'].pk}/",  # type: ignore[attr-defined]
        "learninglog:goal_edit": f"/log/goal/{w['goal'].pk}/edit/",  # type: ignore[attr-defined]
        "learninglog:carrier_edit": f"/log/carrier/{w['carrier'].pk}/edit/",  # type: ignore[attr-defined]
        "reports:network": f"/reports/network/{slug}/",
        "reports:network_version": f"/reports/network/{slug}/{w['version'].pk}/",  # type: ignore[attr-defined]
        "privacy:network_audit": f"/privacy/network/{slug}/audit/",
        "privacy:retention": f"/privacy/network/{slug}/retention/",
    }


def _expected(p: Personas, role: str) -> list[str]:
    user = getattr(p, role)
    from verbindend.core import policy

    return [t.key for t in navigation.registered() if policy.can(user, t.action, p.network)]


@pytest.mark.django_db
def test_every_network_page_shows_the_same_tabs_marks_the_current_one_and_leads_back(
    personas: Personas,
) -> None:
    p = personas
    world = _world(p)
    pages = network_pages(p, world)
    checked = 0
    problems = []
    for role in ROLES:
        client = Client()
        client.force_login(getattr(p, role))
        expected = _expected(p, role)
        for view_name, url in pages.items():
            response = client.get(url)
            if response.status_code in (403, 404, 409):
                continue  # not for this role (the permission tables test it) or not yet there
            where = f"{role} on {view_name}"
            if response.status_code != 200:
                problems.append(f"{where}: HTTP {response.status_code}")
                continue
            if "text/html" not in response["Content-Type"]:
                continue
            parsed = Tabs()
            parsed.feed(response.content.decode())
            own = navigation.tab_for(view_name)
            if parsed.tabs != expected:
                problems.append(f"{where}: tabs {parsed.tabs} != {expected}")
            if own is None or parsed.current != [own.key]:
                problems.append(f"{where}: current {parsed.current}")
            if parsed.crumbs[:2] != ["/overview/", f"/networks/{p.network.slug}/"]:
                problems.append(f"{where}: breadcrumbs {parsed.crumbs}")
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked > 100  # the loop really looked at pages


def test_the_tab_set_differs_by_role_only(personas: Personas) -> None:
    p = personas
    coordinator = _expected(p, "coordinator")
    member = _expected(p, "member")
    assert set(member) < set(coordinator)
    assert "team" in coordinator and "privacy" in coordinator
    assert "team" not in member and "people" not in member
    assert _expected(p, "researcher") != []  # a case researcher reads the network


def test_every_network_url_is_visited_or_named_as_not_a_network_page(personas: Personas) -> None:
    """A new network page cannot slip past the navigation test."""
    world = _world(personas)
    visited = set(network_pages(personas, world))
    found = set()
    for pattern in _walk(get_resolver().url_patterns, ""):
        name, route = pattern
        if not name or not re.search(r"<slug:slug>|<int:pk>", route):
            continue
        if any(route.endswith(ext) for ext in (".svg", ".csv", ".pdf", ".png", ".txt", "fmt>")):
            continue
        found.add(name)
    namespaces = ("networks:", "scan:", "learninglog:", "historyline:", "reports:network")
    candidates = {n for n in found if n.startswith(namespaces) or n.startswith("privacy:network")}
    missing = candidates - visited - NOT_NETWORK_PAGES - _post_only()
    assert not missing, sorted(missing)


def _post_only() -> set[str]:
    """Views that only act (POST), redirect, or serve people without an account."""
    return POST_ONLY


POST_ONLY = {
    "networks:role_remove",
    "networks:case_decide",
    "networks:consent_add",
    "networks:consent_withdraw",
    "networks:welcome_links",
    "networks:welcome_link_revoke",
    "networks:welcome_shared",  # public, without an account: no network tabs
    "live:network_create",
    "scan:invite",
    "scan:close",
    "scan:release",
    "scan:mine",  # a redirect to the answer form
    "scan:confirm",
    "learninglog:entry_delete",
    "learninglog:goal_revisit",
    "learninglog:carrier_delete",
    "learninglog:celebrate",
    "learninglog:from_contribution",
    "learninglog:from_moment",
    "historyline:line",
    "historyline:moments",
    "historyline:moment_delete",
    "historyline:interview_person",
    "historyline:interview_line",
    "historyline:tolerance",
    "historyline:study",
    "historyline:study_create",
    "reports:network_retry",
    "reports:network_delete",
    "reports:network_html",
    "reports:network_pdf",
    "historyline:interview_moments",
    "privacy:person_erase",
}


def _walk(patterns: list[object], prefix: str, namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for pattern in patterns:
        inner = getattr(pattern, "url_patterns", None)
        route = prefix + str(pattern.pattern)  # type: ignore[attr-defined]
        if inner is not None:
            ns = getattr(pattern, "namespace", None) or namespace
            found.extend(_walk(inner, route, ns))
        else:
            name = getattr(pattern, "name", None)
            found.append((f"{namespace}:{name}" if name and namespace else "", route))
    return found


def test_every_page_a_tab_claims_exists() -> None:
    """A tab names real views (or a namespace): a renamed page leaves no stale entry."""
    named = {name for name, _route in _walk(get_resolver().url_patterns, "") if name}
    stale = [
        (tab.key, page)
        for tab in navigation.registered()
        for page in (tab.url_name, *tab.pages)
        if not page.endswith(":") and page not in named
    ]
    assert not stale, stale
