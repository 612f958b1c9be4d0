"""The roles a person holds anywhere are read once per request, and again after a change."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from verbindend.accounts.services import grant_network_role
from verbindend.core import policy
from verbindend.core.roles import NetworkRoles
from verbindend.testing.personas import Personas


def test_roles_anywhere_are_read_once_until_a_role_changes(personas: Personas) -> None:
    member = personas.member
    with CaptureQueriesContext(connection) as first:
        assert policy.can_create(member, "network") is False
    with CaptureQueriesContext(connection) as again:
        assert policy.can_create(member, "study") is False
        assert policy.has_role_anywhere(member, {NetworkRoles.MEMBER}) is True
    assert len(first) == 2  # one read per kind of scope
    assert len(again) == 0

    grant_network_role(user=member, network=personas.other_network, role=NetworkRoles.COORDINATOR)
    assert policy.can_create(member, "network") is True, "a new role counts within the request"
