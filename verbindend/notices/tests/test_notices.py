"""Notices: each kind reaches its people, in the inbox and by email as each person chose."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from verbindend.learninglog import services as log_services
from verbindend.learninglog.models import Entry, EntryStatus, LearningGoal, Milestone
from verbindend.networks import services as network_services
from verbindend.notices import kinds, services
from verbindend.notices.kinds import Mode
from verbindend.notices.models import Notice
from verbindend.reports import services as report_services
from verbindend.reports.models import ReportKind, ReportVersion
from verbindend.scan import services as scan_services
from verbindend.studies.models import Case, CaseStatus, Study
from verbindend.testing.personas import Personas


@pytest.fixture
def commits(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Mail is queued after the commit; inside a test, run those callbacks at the block's end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def consent(*users) -> None:  # type: ignore[no-untyped-def]
    for user in users:
        services.set_contact_consent(user=user, agree=True)


def inbox(user) -> list[Notice]:  # type: ignore[no-untyped-def]
    return list(Notice.objects.filter(recipient=user))


def test_every_kind_is_registered_with_a_label() -> None:
    keys = {k.key for k in kinds.all_kinds()}
    assert {
        "case.proposed",
        "case.decided",
        "scan.opened",
        "report.ready",
        "milestone.reached",
    } <= keys
    assert all(str(k.label) and "." not in str(k.label)[:3] for k in kinds.all_kinds())


def test_a_case_request_reaches_the_coordinator_only(personas: Personas, commits) -> None:  # type: ignore[no-untyped-def]
    p = personas
    consent(p.coordinator, p.member)
    study = Study.objects.create(name="Studie C", slug="studie-c")
    case = Case.objects.create(study=study, network=p.network)
    mail.outbox.clear()
    with commits():
        network_services.notify_case_proposed(case=case)
    (notice,) = inbox(p.coordinator)
    assert notice.kind == "case.proposed" and "Studie C" in notice.title
    assert notice.url == reverse("core:dashboard")
    assert inbox(p.member) == [] and inbox(p.facilitator) == []
    assert [m.to for m in mail.outbox] == [[p.coordinator.email]]
    assert "Studie C" in mail.outbox[0].subject


def test_a_decision_reaches_the_study_researchers(personas: Personas, commits) -> None:  # type: ignore[no-untyped-def]
    p = personas
    consent(p.researcher)
    case = Case.objects.get(study=p.study, network=p.network)
    case.status = CaseStatus.PROPOSED
    case.save()
    with commits():
        network_services.decide_case(case=case, agree=False, by=p.coordinator)
    (notice,) = inbox(p.researcher)
    assert notice.kind == "case.decided" and "declined" in notice.title
    assert inbox(p.study_observer) == []
    assert mail.outbox[-1].to == [p.researcher.email]


def test_an_opened_scan_reaches_those_who_may_answer(personas: Personas, commits) -> None:  # type: ignore[no-untyped-def]
    p = personas
    today = timezone.localdate()
    with commits():
        scan_services.create_round(
            network=p.network,
            by=p.coordinator,
            title="Voorjaar",
            opens_on=today,
            closes_on=today + timedelta(days=14),
            k=5,
            show_breakdowns=True,
            reminder_days=7,
        )
    got = {u.email for u in (p.coordinator, p.facilitator, p.member, p.observer) if inbox(u)}
    assert got == {p.coordinator.email, p.facilitator.email, p.member.email}
    assert inbox(p.other_coordinator) == []
    assert mail.outbox == []  # nobody agreed to email


def test_a_ready_report_reaches_who_asked(personas: Personas) -> None:
    p = personas
    consent(p.coordinator)
    version = ReportVersion.objects.create(
        kind=ReportKind.NETWORK, network=p.network, requested_by=p.coordinator
    )
    report_services.announce_ready(version)
    (notice,) = inbox(p.coordinator)
    assert notice.kind == "report.ready" and notice.url == version.get_absolute_url()
    assert inbox(p.member) == []


def test_an_anchored_change_is_a_milestone_for_everyone_once(personas: Personas) -> None:
    p = personas
    entry = Entry(
        title="We delen één intakefiche",
        happened_on=timezone.localdate(),
        status=EntryStatus.RECORDED,
        evidence_learned="a",
        evidence_shared="b",
        evidence_behaviour="c",
        evidence_anchored="d",
    )
    log_services.save_entry(entry=entry, network=p.network, user=p.coordinator)
    log_services.save_entry(entry=entry, network=p.network, user=p.coordinator)  # again
    assert Milestone.objects.filter(entry=entry).count() == 1
    for user in p.network_roles().values():
        assert [n.kind for n in inbox(user)] == ["milestone.reached"]
    assert inbox(p.researcher) == []  # case researchers hold no role in the network


def test_a_reached_goal_is_a_milestone(personas: Personas) -> None:
    p = personas
    goal = LearningGoal.objects.create(network=p.network, title="Samen werven")
    log_services.add_revisit(
        goal=goal, on=timezone.localdate(), progress="reached", note="", user=p.coordinator
    )
    assert Milestone.objects.get(goal=goal).title.endswith("Samen werven")
    assert inbox(p.member)[0].kind == "milestone.reached"


def test_no_mail_without_contact_consent_whatever_the_preference(
    personas: Personas, commits
) -> None:  # type: ignore[no-untyped-def]
    p = personas
    services.set_preferences(user=p.coordinator, modes={"case.proposed": Mode.IMMEDIATELY})
    case = Case.objects.create(study=Study.objects.create(name="S", slug="s"), network=p.network)
    with commits():
        network_services.notify_case_proposed(case=case)
    assert mail.outbox == []
    assert len(inbox(p.coordinator)) == 1  # the inbox has it all the same
    consent(p.coordinator)
    services.set_contact_consent(user=p.coordinator, agree=False)  # withdrawn again
    with commits():
        network_services.notify_case_proposed(case=case)
    assert services.send_digests() == 0
    assert mail.outbox == []


def test_the_preference_is_per_person_and_per_kind(personas: Personas, commits) -> None:  # type: ignore[no-untyped-def]
    p = personas
    consent(p.coordinator, p.facilitator, p.member)
    services.set_preferences(user=p.coordinator, modes={"scan.opened": Mode.OFF})
    services.set_preferences(user=p.facilitator, modes={"scan.opened": Mode.DIGEST})
    today = timezone.localdate()
    with commits():
        scan_services.create_round(
            network=p.network,
            by=p.coordinator,
            title="Najaar",
            opens_on=today,
            closes_on=today + timedelta(days=7),
            k=5,
            show_breakdowns=True,
            reminder_days=7,
        )
    assert [m.to for m in mail.outbox] == [[p.member.email]]  # only the member: at once
    assert all(len(inbox(u)) == 1 for u in (p.coordinator, p.facilitator, p.member))
    # the coordinator's choice for another kind is untouched
    assert services.mode_for(p.coordinator, "case.proposed") == Mode.IMMEDIATELY


def test_the_daily_digest_bundles_and_sends_once(personas: Personas) -> None:
    p = personas
    consent(p.member, p.facilitator)
    for user in (p.member, p.facilitator):
        services.set_preferences(
            user=user, modes={"milestone.reached": Mode.DIGEST, "scan.opened": Mode.DIGEST}
        )
    for n in range(3):
        services.notify(
            recipients=[p.member, p.facilitator],
            kind="milestone.reached",
            title=f"Mijlpaal {n}",
            url="/log/",
        )
    Notice.objects.filter(recipient=p.facilitator).update(read_at=timezone.now())  # read them
    assert mail.outbox == []
    assert services.send_digests() == 1
    (digest,) = mail.outbox
    assert digest.to == [p.member.email]
    assert "3 new notices" in digest.subject
    assert all(f"Mijlpaal {n}" in digest.body for n in range(3))
    assert services.send_digests() == 0  # nothing mailed twice


def test_the_digest_speaks_the_readers_language(personas: Personas) -> None:
    p = personas
    p.member.preferred_language = "nl"
    p.member.save()
    consent(p.member)
    services.set_preferences(user=p.member, modes={"milestone.reached": Mode.DIGEST})
    services.notify(recipients=[p.member], kind="milestone.reached", title="Eén")
    services.send_digests()
    assert "1 nieuwe melding" in mail.outbox[0].subject


def test_the_inbox_shows_the_unread_count_and_marks_read(personas: Personas) -> None:
    p = personas
    notice, *_ = services.notify(
        recipients=[p.member], kind="milestone.reached", title="Feest", url="/log/network/noord/"
    )
    client = client_for(p.member)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="unread-count">1<' in page
    response = client.post(reverse("notices:open", args=[notice.pk]))
    assert response["Location"] == "/log/network/noord/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'data-testid="unread-count"' not in client.get(reverse("notices:inbox")).content.decode()


def test_nobody_opens_or_reads_anothers_notice(personas: Personas) -> None:
    p = personas
    (notice,) = services.notify(recipients=[p.member], kind="milestone.reached", title="Mijn")
    assert (
        client_for(p.coordinator).post(reverse("notices:open", args=[notice.pk])).status_code == 404
    )
    assert "Mijn" not in client_for(p.coordinator).get(reverse("notices:inbox")).content.decode()
    anonymous = Client().get(reverse("notices:inbox"))
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous["Location"]
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_notice_never_leads_off_site(personas: Personas) -> None:
    p = personas
    (notice,) = services.notify(
        recipients=[p.member], kind="milestone.reached", title="x", url="https://evil.test/"
    )
    response = client_for(p.member).post(reverse("notices:open", args=[notice.pk]))
    assert response["Location"] == reverse("notices:inbox")


def test_the_settings_page_saves_consent_and_choices(personas: Personas) -> None:
    p = personas
    client = client_for(p.member)
    data: dict[str, str] = {f"kind_{k.key}": Mode.DIGEST.value for k in kinds.all_kinds()}
    data["contact"] = "on"
    assert client.post(reverse("notices:settings"), data).status_code == 302
    assert services.may_email(p.member)
    assert services.mode_for(p.member, "scan.opened") == Mode.DIGEST
    bad = {**data, "kind_scan.opened": "always"}
    response = client.post(reverse("notices:settings"), bad)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert services.mode_for(p.member, "scan.opened") == Mode.DIGEST


def test_an_unknown_kind_is_refused(personas: Personas) -> None:
    with pytest.raises(KeyError):
        services.notify(recipients=[personas.member], kind="nonsense", title="x")
