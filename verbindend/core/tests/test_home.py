"""The overview lists what waits for each person, and nothing they cannot do."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from verbindend.core import home, joining
from verbindend.scan import services as scan_services
from verbindend.scan.models import Response, ScanInvitation
from verbindend.studies.models import Case, CaseStatus, Study
from verbindend.testing.personas import Personas


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def open_round(p: Personas):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return scan_services.create_round(
        network=p.network,
        by=p.coordinator,
        title="Voorjaar",
        opens_on=today,
        closes_on=today + timedelta(days=14),
        k=5,
        show_breakdowns=True,
    )


def kinds(user) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.kind for t in home.tasks_for(user)]


def test_an_open_round_is_a_task_for_those_who_answer_only(personas: Personas) -> None:
    p = personas
    open_round(p)
    for user in (p.coordinator, p.facilitator, p.member):
        assert "scan" in kinds(user)
    for user in (p.observer, p.researcher, p.other_coordinator, p.outsider):
        assert "scan" not in kinds(user)


def test_the_scan_button_opens_the_members_own_answer_form(personas: Personas) -> None:
    p = personas
    round_ = open_round(p)
    (task,) = [t for t in home.tasks_for(p.member) if t.kind == "scan"]
    client = client_for(p.member)
    response = client.get(task.url)
    invitation = ScanInvitation.objects.get(round=round_, email=p.member.email)
    assert response["Location"] == reverse("scan:start", args=["i", invitation.token])
    assert client.get(task.url)["Location"] == response["Location"]  # the same one again
    assert ScanInvitation.objects.filter(round=round_).count() == 1
    # another network's coordinator cannot make themselves an invitation
    assert client_for(p.other_coordinator).get(task.url).status_code == 404
    assert client_for(p.observer).get(task.url).status_code == 403


def test_a_finished_scan_leaves_the_list(personas: Personas) -> None:
    p = personas
    round_ = open_round(p)
    invitation = scan_services.invitation_for_user(round_=round_, user=p.member)
    Response.objects.create(round=round_, invitation=invitation, finished_at=timezone.now())
    assert "scan" not in kinds(p.member)


def test_a_case_request_is_decided_from_the_overview(personas: Personas) -> None:
    p = personas
    study = Study.objects.create(name="Studie C", slug="studie-c")
    case = Case.objects.create(study=study, network=p.network)
    (task,) = [t for t in home.tasks_for(p.coordinator) if t.kind == "case"]
    assert "case" not in kinds(p.member)
    assert "case" not in kinds(p.facilitator)
    page = client_for(p.coordinator).get(reverse("core:dashboard")).content.decode()
    assert "Studie C" in page and task.url in page
    response = client_for(p.coordinator).post(
        task.url, {"decision": "agree", "next": reverse("core:dashboard")}
    )
    assert response["Location"] == reverse("core:dashboard")
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREED
    assert "case" not in kinds(p.coordinator)


def test_a_decision_never_redirects_off_site(personas: Personas) -> None:
    p = personas
    case = Case.objects.create(study=Study.objects.create(name="X", slug="x"), network=p.network)
    url = reverse("networks:case_decide", args=[p.network.slug, case.pk])
    response = client_for(p.coordinator).post(url, {"decision": "x", "next": "https://evil.test/"})
    assert response["Location"] == p.network.get_absolute_url()


def test_create_buttons_only_for_those_who_may(personas: Personas) -> None:
    p = personas
    member_page = client_for(p.member).get(reverse("core:dashboard")).content.decode()
    assert reverse("networks:create") not in member_page
    assert reverse("studies:create") not in member_page
    assert client_for(p.member).post(reverse("networks:create"), {"name": "X"}).status_code == 403
    assert client_for(p.observer).get(reverse("studies:create")).status_code == 403
    coordinator_page = client_for(p.coordinator).get(reverse("core:dashboard")).content.decode()
    assert reverse("networks:create") in coordinator_page
    assert reverse("studies:create") not in coordinator_page
    researcher_page = client_for(p.researcher).get(reverse("core:dashboard")).content.decode()
    assert reverse("studies:create") in researcher_page
    newcomer = client_for(p.outsider).get(reverse("core:dashboard")).content.decode()
    assert reverse("networks:create") in newcomer  # someone new may start their own


def test_nothing_waits_says_so(personas: Personas) -> None:
    page = client_for(personas.outsider).get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="no-tasks"' in page


def test_the_shared_scan_code_resolves_through_the_join_registry(personas: Personas) -> None:
    round_ = open_round(personas)
    request = RequestFactory().get("/")
    expected = reverse("scan:start", args=["c", round_.code])
    assert joining.resolve(request, round_.code) == expected
    assert joining.resolve(request, round_.code.lower()) == expected
    assert joining.resolve(request, "NOPE99") is None
    assert joining.resolve(request, "") is None
    assert joining.resolve(request, "X" * 500) is None


def test_an_invitation_waits_for_its_own_address_only(personas: Personas) -> None:
    from verbindend.accounts import services as account_services

    p = personas
    invitation = account_services.invite(
        email=p.outsider.email.upper(), role="member", invited_by=p.coordinator, network=p.network
    )
    (task,) = [t for t in home.tasks_for(p.outsider) if t.kind == "invitation"]
    assert task.url == reverse("accounts:accept", args=[invitation.token])
    assert task.where == p.network.name
    page = client_for(p.outsider).get(reverse("core:dashboard")).content.decode()
    assert task.url in page
    for user in (p.member, p.coordinator, p.other_coordinator):
        assert "invitation" not in kinds(user)  # a forwarded link never shows elsewhere
    invitation.revoked_at = timezone.now()
    invitation.save()
    assert "invitation" not in kinds(p.outsider)


def test_a_session_planned_for_today_waits_for_members_with_a_join_button(
    personas: Personas,
) -> None:
    from verbindend.live import services as live_services

    p = personas
    today = timezone.localdate()
    session = live_services.create_session(
        creator=p.facilitator, template="focus_group", network=p.network, title="Voorjaar"
    )
    live_services.describe_session(
        session=session, title="Voorjaarsbijeenkomst", planned_for=today + timedelta(days=3)
    )
    # planned for later this week: the facilitator sees it coming, a member not yet
    (ahead,) = [t for t in home.tasks_for(p.facilitator) if t.kind == "session"]
    assert ahead.url == reverse("live:console", args=[session.pk])
    assert "session" not in kinds(p.member)

    live_services.describe_session(session=session, title="Voorjaarsbijeenkomst", planned_for=today)
    (join,) = [t for t in home.tasks_for(p.member) if t.kind == "session"]
    assert join.url == reverse("live:phone", args=[session.public_id])
    assert "Voorjaarsbijeenkomst" in join.title
    joined = client_for(p.member).get(join.url, follow=True)  # the join form, code filled in
    assert joined.status_code == 200 and session.join_code in joined.content.decode()
    for user in (p.other_coordinator, p.outsider):
        assert "session" not in kinds(user)

    # last week's planned session is no longer on anyone's list
    live_services.describe_session(
        session=session, title="Voorjaarsbijeenkomst", planned_for=today - timedelta(days=7)
    )
    assert "session" not in kinds(p.member) and "session" not in kinds(p.facilitator)


def test_the_steps_page_sets_the_date_and_refuses_a_bad_one(personas: Personas) -> None:
    from verbindend.live import services as live_services

    p = personas
    session = live_services.create_session(
        creator=p.facilitator, template="focus_group", network=p.network, title="Voorjaar"
    )
    client = client_for(p.facilitator)
    url = reverse("live:steps", args=[session.pk])
    client.post(url, {"action": "rename", "title": "Najaar", "planned_for": "2027-03-04"})
    session.refresh_from_db()
    assert (session.title, str(session.planned_for)) == ("Najaar", "2027-03-04")
    response = client.post(url, {"action": "rename", "title": "X", "planned_for": "4 maart"})
    assert response.status_code == 400
    session.refresh_from_db()
    assert (session.title, str(session.planned_for)) == ("Najaar", "2027-03-04")
    assert client_for(p.member).post(
        url, {"action": "rename", "title": "Y", "planned_for": ""}
    ).status_code in (403, 404)


def test_the_scan_task_names_its_closing_day_in_the_pages_language(personas: Personas) -> None:
    """Not 05-12-2027 but the language's own long date: “5 december 2027”, “Dec. 5, 2027”."""
    p = personas
    today = timezone.localdate()
    closes = today.replace(year=today.year + 1, month=12, day=5)
    scan_services.create_round(
        network=p.network,
        by=p.coordinator,
        title="Najaar",
        opens_on=today,
        closes_on=closes,
        k=5,
        show_breakdowns=True,
    )
    with translation.override("nl"):
        (dutch,) = [t.detail for t in home.tasks_for(p.member) if t.kind == "scan"]
    with translation.override("en"):
        (english,) = [t.detail for t in home.tasks_for(p.member) if t.kind == "scan"]
    assert f"5 december {closes.year}" in dutch and "-12-" not in dutch
    assert f"Dec. 5, {closes.year}" in english
