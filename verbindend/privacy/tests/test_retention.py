"""The nightly purge: people who left, closed sessions' free text, old invitations and audit
events go after the network's retention period — and nothing younger, nobody still involved."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from verbindend.accounts.services import grant_network_role
from verbindend.core.roles import NetworkRoles
from verbindend.live.models import Contribution, LiveSession, Participant, State, Step
from verbindend.networks.models import Organisation, OrganisationMembership, Person
from verbindend.privacy.models import AuditEvent, RetentionPolicy
from verbindend.privacy.retention import purge
from verbindend.privacy.tasks import purge_expired_data
from verbindend.scan.models import Round, ScanInvitation
from verbindend.testing.personas import Personas, make_user

TODAY = timezone.localdate()


def _org(p: Personas, name: str, left_on: date | None) -> Organisation:
    org = Organisation.objects.create(name=name)
    OrganisationMembership.objects.create(
        network=p.network, organisation=org, joined_on=date(2015, 1, 1), left_on=left_on
    )
    return org


def _session(p: Personas, closed_days_ago: int) -> LiveSession:
    session = LiveSession.objects.create(
        network=p.network,
        title=f"Sessie {closed_days_ago}",
        state=State.CLOSED,
        closed_at=timezone.now() - timedelta(days=closed_days_ago),
    )
    step = Step.objects.create(session=session, order=1, kind="open_answer", prompt="Wat?")
    scale = Step.objects.create(session=session, order=2, kind="scale", prompt="Hoeveel?")
    who = Participant.objects.create(session=session, display_name="Jan Deelnemer")
    Contribution.objects.create(
        session=session,
        step=step,
        participant=who,
        sequence=1,
        text="Een antwoord",
        organisation_name="Org",
    )
    Contribution.objects.create(
        session=session, step=scale, participant=who, sequence=2, value={"value": 3}
    )
    return session


def test_purge_applies_the_networks_period(personas: Personas) -> None:
    RetentionPolicy.objects.create(network=personas.network, months=12)
    long_gone = _org(personas, "Weg vzw", TODAY - timedelta(days=800))
    recently_gone = _org(personas, "Net weg vzw", TODAY - timedelta(days=30))
    gone = Person.objects.create(
        network=personas.network, name="Oud Lid", email="oud@x.test", organisation=long_gone
    )
    recent = Person.objects.create(
        network=personas.network, name="Recent Lid", organisation=recently_gone
    )
    still_coordinating = make_user("blijft@x.test")
    grant_network_role(
        user=still_coordinating, network=personas.network, role=NetworkRoles.COORDINATOR
    )
    with_role = Person.objects.create(
        network=personas.network,
        name="Blijft Trekker",
        organisation=long_gone,
        user=still_coordinating,
    )
    old_session, new_session = _session(personas, 800), _session(personas, 30)
    old_round = Round.objects.create(
        network=personas.network,
        title="Oud",
        opens_on=date(2023, 1, 1),
        closes_on=date(2023, 2, 1),
        closed_at=timezone.now() - timedelta(days=700),
    )
    ScanInvitation.objects.create(round=old_round, email="iemand@x.test")
    old_event = AuditEvent.objects.create(
        action="viewed", subject_type="person", network=personas.network
    )
    AuditEvent.objects.filter(pk=old_event.pk).update(at=timezone.now() - timedelta(days=500))
    fresh_event = AuditEvent.objects.create(
        action="viewed", subject_type="person", network=personas.network
    )

    report = purge()

    assert (report.people, report.sessions, report.invitations) == (1, 1, 1)
    gone.refresh_from_db()
    assert gone.name.startswith("Participant ") and gone.email == ""
    assert Person.objects.get(pk=recent.pk).name == "Recent Lid"
    assert Person.objects.get(pk=with_role.pk).name == "Blijft Trekker"
    assert Person.objects.get(pk=personas.person.pk).name == "Ann Noord"
    old = Contribution.objects.filter(session=old_session).order_by("sequence")
    assert [c.text for c in old] == ["", ""] and old[1].value == {"value": 3}
    assert old_session.participants.get().display_name == ""
    assert old_session.participants.count() == 1
    assert Contribution.objects.filter(session=new_session, text="Een antwoord").exists()
    assert not ScanInvitation.objects.exists()
    assert not AuditEvent.objects.filter(pk=old_event.pk).exists()
    assert AuditEvent.objects.filter(pk=fresh_event.pk).exists()
    assert AuditEvent.objects.filter(action="purged", network=personas.network).exists()

    # a second night finds nothing more to do
    again = purge()
    assert (again.people, again.sessions, again.invitations) == (0, 0, 0)


def test_the_default_period_is_24_months_and_the_task_runs(personas: Personas) -> None:
    org = _org(personas, "Weg vzw", TODAY - timedelta(days=400))
    person = Person.objects.create(network=personas.network, name="Een Jaar Weg", organisation=org)
    result = purge_expired_data.enqueue()
    assert result.return_value["people"] == 0  # 13 months < 24 months
    assert Person.objects.get(pk=person.pk).name == "Een Jaar Weg"
    report = purge(now=timezone.now() + timedelta(days=400))
    assert report.people == 1
