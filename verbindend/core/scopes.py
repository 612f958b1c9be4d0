"""The scope every object belongs to: a network or a study (ARCHITECTURE §7).

``core`` imports no domain app, so the two kinds of scope are registered by the apps that own
them, in their ``ready()``: ``scopes.register(ScopeKind(...))``. A kind knows its model and its
model of role grants; another app may add derived roles (a study's
researcher reaches the networks that agreed to be its cases) with :func:`derive_roles`.

Models owned by either kind share one shape: a nullable foreign key per kind, named after it
(``network``, ``study``), exactly one of them set (:func:`one_scope`), a :class:`Scoped` mixin for
``scope`` and ``policy_scope``, and :class:`ScopedQuerySet` for ``visible_to`` and ``of``.
Views and URLs that exist once per kind are written once with :func:`scope_paths`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.urls import URLPattern, path

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from verbindend.accounts.models import User

    type AnyUser = User | AnonymousUser

#: the kinds of scope, in the order pages list them; also the owning foreign keys' names
KIND_NAMES = ("network", "study")


@dataclass(frozen=True)
class ScopeKind:
    name: str
    model: type[models.Model]
    #: the role grants: rows with ``user``, ``role`` and a foreign key named like the kind
    grants: type[models.Model]

    def roles_in(self, user: AnyUser, scope: Any) -> set[str]:
        """The roles this user was granted in this scope."""
        rows = self.grants._default_manager.filter(user=user, **{self.name: scope})
        return set(rows.values_list("role", flat=True))

    def roles_anywhere(self, user: AnyUser) -> set[str]:
        """Every role this user was granted in any scope of this kind."""
        rows = self.grants._default_manager.filter(user=user)
        return set(rows.values_list("role", flat=True))


_kinds: dict[str, ScopeKind] = {}
_derived: list[Callable[[Any, str, Any], Iterable[str]]] = []


def register(kind: ScopeKind) -> None:
    """Add (or replace, by name) a kind of scope; registering twice is harmless."""
    if kind.name not in KIND_NAMES:
        raise ValueError(f"unknown kind of scope {kind.name!r}")
    _kinds[kind.name] = kind


def derive_roles(rule: Callable[[Any, str, Any], Iterable[str]]) -> None:
    """Add a rule ``(user, kind name, scope) → roles`` that grants roles beyond direct grants."""
    if rule not in _derived:
        _derived.append(rule)


def kind(name: str) -> ScopeKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"no app registered the {name!r} scope") from None


def kinds() -> list[ScopeKind]:
    return [_kinds[name] for name in KIND_NAMES if name in _kinds]


def scope_of(obj: Any) -> tuple[str, Any]:
    """``(kind name, scope)`` for any scoped object, or for a network or study itself."""
    explicit = getattr(obj, "policy_scope", None)
    if explicit is not None:
        return scope_of(explicit)
    for scope_kind in kinds():
        if isinstance(obj, scope_kind.model):
            return scope_kind.name, obj
    for scope_kind in kinds():
        owner = getattr(obj, scope_kind.name, None)
        if isinstance(owner, scope_kind.model):
            return scope_kind.name, owner
    raise TypeError(f"{type(obj).__name__} has no network or study scope")


def roles_in(user: AnyUser, name: str, scope: Any) -> frozenset[str]:
    """Granted and derived roles of a signed-in user in one scope."""
    roles = set(kind(name).roles_in(user, scope))
    for rule in _derived:
        roles.update(rule(user, name, scope))
    return frozenset(roles)


def roles_anywhere(user: AnyUser) -> dict[str, frozenset[str]]:
    """Per kind, the roles the user was granted in any scope of it."""
    return {k.name: frozenset(k.roles_anywhere(user)) for k in kinds()}


def one_scope(name: str) -> models.CheckConstraint:
    """The constraint of every scoped model: exactly one owner (network or study) is set."""
    network, study = KIND_NAMES
    return models.CheckConstraint(
        condition=Q(**{f"{network}__isnull": False, f"{study}__isnull": True})
        | Q(**{f"{network}__isnull": True, f"{study}__isnull": False}),
        name=name,
    )


class ScopedQuerySet(models.QuerySet):
    """Rows owned by a network or a study: visible where their owner is."""

    def visible_to(self, user: AnyUser) -> ScopedQuerySet:
        if not user.is_authenticated:
            return self.none()
        visible = Q()
        for scope_kind in kinds():
            owners = scope_kind.model.objects.visible_to(user)  # type: ignore[attr-defined]
            visible |= Q(**{f"{scope_kind.name}__in": owners})
        return self.filter(visible)

    def of(self, scope: Any) -> ScopedQuerySet:
        """Rows owned by this network or study."""
        name, owner = scope_of(scope)
        return self.filter(**{name: owner})


class Scoped(models.Model):
    """The owner of a row that belongs to a network or to a study (see :func:`one_scope`)."""

    class Meta:
        abstract = True

    @property
    def scope(self) -> Any:
        return next(
            (
                getattr(self, name)
                for name in KIND_NAMES
                if getattr(self, f"{name}_id", None) is not None
            ),
            None,
        )

    @property
    def scope_kind(self) -> str:
        return next(n for n in KIND_NAMES if getattr(self, f"{n}_id", None) is not None)

    @property
    def policy_scope(self) -> Any:
        return self.scope

    @staticmethod
    def owned_by(scope: Any) -> dict[str, Any]:
        """The field values that make a new row belong to this network or study."""
        name, owner = scope_of(scope)
        return {name: owner}


class RoleGrantQuerySet(models.QuerySet):
    """Role grants of one kind of scope (the grant's foreign key is named after the kind)."""

    def visible_to(self, user: AnyUser) -> RoleGrantQuerySet:
        name = self.model.scope_name  # type: ignore[attr-defined]
        owners = self.model._meta.get_field(name).related_model.objects.visible_to(user)  # type: ignore[union-attr]
        return self.filter(**{f"{name}__in": owners})

    def of(self, scope: Any) -> RoleGrantQuerySet:
        return self.filter(**{self.model.scope_name: scope})  # type: ignore[attr-defined]

    def holders(self, scope: Any, role: str) -> list[User]:
        """The people who hold this role in this network or study (whom its notices reach)."""
        return [grant.user for grant in self.of(scope).filter(role=role).select_related("user")]


class RoleGrant(models.Model):
    """One role of one person in one network or study.

    Each kind keeps its own table (its roles are its own: a network's coordinator, a study's
    researcher); they share this shape, so the permission layer reads both the same way.
    Subclasses add ``user``, the kind's foreign key and ``role`` with the kind's choices.
    """

    scope_name: str = ""
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope}"  # type: ignore[attr-defined]

    @property
    def scope(self) -> Any:
        return getattr(self, self.scope_name)


def context(kind_name: str, owner: Any) -> dict[str, Any]:
    """Template context for a page written once for both kinds: ``network`` and ``study`` (the
    other one ``None``), ``owner`` and ``scope_kind``."""
    return {
        "scope_kind": kind_name,
        "owner": owner,
        **{name: owner if name == kind_name else None for name in KIND_NAMES},
    }


def scope_paths(route: str, view: Callable[..., Any], name: str) -> list[URLPattern]:
    """One URL per kind for a view written once: ``network/<slug>/…`` and ``study/<slug>/…``.

    The view receives ``scope`` (the kind's name) and ``slug``; the URL names are
    ``network_<name>`` and ``study_<name>`` (``network`` and ``study`` for an empty name).
    """
    return [
        path(
            f"{kind_name}/<slug:slug>/{route}",
            view,
            {"scope": kind_name},
            name=f"{kind_name}_{name}" if name else kind_name,
        )
        for kind_name in KIND_NAMES
    ]
