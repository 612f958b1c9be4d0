"""The one permission layer: which role may do what, in which scope.

Every object belongs to a scope — a network or a study (ARCHITECTURE §7). A user's roles in a
scope come from their role grants; a study's researchers also reach the networks that agreed to be
cases of that study, in the derived role ``case_researcher``. Views never filter by hand: they fetch
through :func:`fetch`, which looks only among objects the user may see (404 otherwise) and then
checks the action (403 otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from verbindend.core import scopes
from verbindend.core.roles import CASE_RESEARCHER, NetworkRoles, StudyRoles

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from verbindend.accounts.models import User

    AnyUser = User | AnonymousUser

C, F, MB, OB = (
    NetworkRoles.COORDINATOR,
    NetworkRoles.FACILITATOR,
    NetworkRoles.MEMBER,
    NetworkRoles.OBSERVER,
)
R, SO = StudyRoles.RESEARCHER, StudyRoles.OBSERVER

# action → roles (in the object's scope) that may perform it
NETWORK_RULES: dict[str, frozenset[str]] = {
    "network.view": frozenset({C, F, MB, OB, CASE_RESEARCHER}),
    "network.change": frozenset({C}),
    "network.delete": frozenset({C}),
    "people.view": frozenset({C, F, CASE_RESEARCHER}),
    "people.change": frozenset({C}),
    "people.export": frozenset({C}),
    "people.erase": frozenset({C}),
    "audit.view": frozenset({C}),
    "retention.change": frozenset({C}),
    "organisations.change": frozenset({C}),
    "roles.manage": frozenset({C}),
    "cases.decide": frozenset({C}),
    "sessions.run": frozenset({C, F}),
    "sessions.view": frozenset({C, F, MB, OB, CASE_RESEARCHER}),
    # offering a session's synthesis to a study the network takes part in is the network's
    # consent, so its coordinator gives it
    "sessions.share": frozenset({C}),
    "contribute": frozenset({C, F, MB}),
    "scans.view": frozenset({C, F, MB, OB, CASE_RESEARCHER}),
    "scans.manage": frozenset({C}),
    "scans.export": frozenset({C, F, CASE_RESEARCHER}),
    "historyline.view": frozenset({C, F, MB, OB, CASE_RESEARCHER}),
    "historyline.draw": frozenset({C, F, MB}),
    "historyline.run": frozenset({C, F}),
    "historyline.export": frozenset({C, F, CASE_RESEARCHER}),
    "learninglog.view": frozenset({C, F, MB, OB, CASE_RESEARCHER}),
    "learninglog.add": frozenset({C, F, MB}),  # members also edit the entries they wrote
    "learninglog.manage": frozenset({C, F}),  # goals, carriers and every entry
    "learninglog.edit": frozenset({C, F}),  # every entry; a member their own (see _by_object)
    "learninglog.export": frozenset({C, F, CASE_RESEARCHER}),
    # Reports are the network's shared record: everyone who reads its results reads them;
    # those who run the network's work make them; the coordinator clears old versions.
    "reports.view": frozenset({C, F, MB, OB, CASE_RESEARCHER}),
    "reports.create": frozenset({C, F}),
    "reports.delete": frozenset({C}),
}
STUDY_RULES: dict[str, frozenset[str]] = {
    "study.view": frozenset({R, SO}),
    "study.change": frozenset({R}),
    "study.delete": frozenset({R}),
    "roles.manage": frozenset({R}),
    "cases.propose": frozenset({R}),
    "sessions.run": frozenset({R}),
    "sessions.view": frozenset({R, SO}),
    # A study's own session is already the study's material; only a network offers one.
    "sessions.share": frozenset(),
    "selection.change": frozenset({R}),
    "material.view": frozenset({R, SO}),
    "material.change": frozenset({R}),
    "historyline.view": frozenset({R, SO}),
    "historyline.draw": frozenset({R}),
    "historyline.run": frozenset({R}),
    "historyline.export": frozenset({R}),
    "analysis.view": frozenset({R, SO}),
    "analysis.code": frozenset({R}),
    "codebook.change": frozenset({R}),
    "reports.view": frozenset({R, SO}),
    "reports.create": frozenset({R}),
    "reports.delete": frozenset({R}),
    # REFI-QDA: a project file holds whole transcripts (personal data), so researchers only
    "exchange.export": frozenset({R}),
    "exchange.import": frozenset({R}),
    # the team's glossary and literature; the guidance committee comments, researchers resolve
    "glossary.view": frozenset({R, SO}),
    "glossary.change": frozenset({R}),
    "glossary.agree": frozenset({R, SO}),
    "literature.view": frozenset({R, SO}),
    "literature.change": frozenset({R}),
    "comments.view": frozenset({R, SO}),
    "comments.write": frozenset({R, SO}),
    "comments.resolve": frozenset({R}),
    # interview mode: the respondent's answers and the interviewer's notes are personal data,
    # like the respondent selection, so researchers only
    "interviews.view": frozenset({R}),
    "interviews.conduct": frozenset({R}),
}
RULES = {"network": NETWORK_RULES, "study": STUDY_RULES}


def _cache(user: AnyUser) -> dict[tuple[str, int], frozenset[str]]:
    cache = getattr(user, "_verbindend_roles", None)
    if cache is None:
        cache = {}
        user._verbindend_roles = cache  # type: ignore[union-attr]
    return cache


def _roles(user: AnyUser, kind: str, scope: Any) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cache = _cache(user)
    key = (kind, scope.pk)
    if key not in cache:
        cache[key] = scopes.roles_in(user, kind, scope)
    return cache[key]


def network_roles(user: AnyUser, network: Any) -> frozenset[str]:
    """The user's roles in a network, including ``case_researcher`` through an agreed case."""
    return _roles(user, "network", network)


def study_roles(user: AnyUser, study: Any) -> frozenset[str]:
    return _roles(user, "study", study)


def _roles_anywhere(user: AnyUser) -> dict[str, frozenset[str]]:
    """The user's roles in any scope, per kind; read once per request (the user object is)."""
    held = getattr(user, "_verbindend_roles_anywhere", None)
    if held is None:
        held = scopes.roles_anywhere(user)
        user._verbindend_roles_anywhere = held  # type: ignore[union-attr]
    return held


def forget(user: AnyUser) -> None:
    """Drop the cached roles, e.g. after a role was granted within the same request."""
    for cached in ("_verbindend_roles", "_verbindend_roles_anywhere"):
        if hasattr(user, cached):
            delattr(user, cached)


scope_of = scopes.scope_of


def can(user: AnyUser, action: str, obj: Any) -> bool:
    """May this user perform this action on this object?"""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    shared_by = getattr(obj, "policy_scopes", None)
    if shared_by is not None:
        # shared by several scopes (an organisation in several networks): allowed in any of them
        return any(can(user, action, scope) for scope in shared_by)
    kind, scope = scope_of(obj)
    allowed = RULES[kind].get(action)
    roles = _roles(user, kind, scope)
    if allowed is None:
        raise KeyError(f"unknown {kind} action {action!r}")
    return bool(roles & allowed) or _by_object(user, action, obj)


def _by_object(user: AnyUser, action: str, obj: Any) -> bool:
    """Rules that look at the object itself, beyond the roles held in its scope."""
    if action == "sessions.run":
        # someone a facilitator invited to run this one session with them
        invited = getattr(obj, "co_facilitators", None)
        return invited is not None and invited.filter(pk=user.pk).exists()
    if action == "learninglog.edit":
        # a member changes the entries they wrote themselves
        author = getattr(obj, "created_by_id", None)
        return author is not None and author == user.pk and can(user, "learninglog.add", obj)
    return False


def require(user: AnyUser, action: str, obj: Any) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(action)


def fetch[M: models.Model](
    user: AnyUser, queryset: models.QuerySet[M], action: str, **lookup: Any
) -> M:
    """One object the user may see (else 404) and act on (else 403)."""
    visible = queryset.visible_to(user)  # type: ignore[attr-defined]
    obj = get_object_or_404(visible, **lookup)
    require(user, action, obj)
    return obj


def fetch_scope(user: AnyUser, kind: str, slug: str, action: str) -> Any:
    """The network or study with this slug, for views written once for both kinds of scope."""
    if kind not in scopes.KIND_NAMES:
        raise Http404(kind)
    return fetch(user, scopes.kind(kind).model._default_manager.all(), action, slug=slug)


def roles_of(user: AnyUser, obj: Any) -> frozenset[str]:
    kind, scope = scope_of(obj)
    return _roles(user, kind, scope)


def has_role_anywhere(user: AnyUser, roles: Iterable[str]) -> bool:
    """Does the user hold any of these roles in any scope? (Used for the two-factor rule.)"""
    if not user.is_authenticated:
        return False
    wanted = set(roles)
    return any(held & wanted for held in _roles_anywhere(user).values())


def can_create(user: AnyUser, what: str) -> bool:
    """May this user start a new network (``"network"``) or study (``"study"``)?

    Someone new to the site (no role anywhere) may start their own; after that, networks are
    started by those who run one (coordinators, facilitators) or study them (researchers), and
    studies by researchers. A member or observer only reads, so the overview offers them neither.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    held = _roles_anywhere(user)
    network_roles_held = held.get("network", frozenset())
    study_roles_held = held.get("study", frozenset())
    if not network_roles_held and not study_roles_held:
        return True
    if what == "network":
        return bool(network_roles_held & {C, F}) or R in study_roles_held
    if what == "study":
        return R in study_roles_held
    raise KeyError(f"unknown kind {what!r}")
