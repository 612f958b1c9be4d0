from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from verbindend.accounts import services
from verbindend.accounts.models import Invitation, User
from verbindend.core.errors import DomainError
from verbindend.networks.models import NetworkRole
from verbindend.studies.models import StudyRole
from verbindend.testing.personas import Personas


def invite(p: Personas, email: str = "new@noord.test", role: str = "member") -> Invitation:
    return services.invite(email=email, role=role, invited_by=p.coordinator, network=p.network)


def test_an_invitation_is_mailed_with_its_link(personas: Personas, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    invitation = invite(personas)
    assert len(mailoutbox) == 1
    assert invitation.token in mailoutbox[0].body
    assert mailoutbox[0].to == ["new@noord.test"]


def test_a_new_person_accepts_and_gets_the_role(personas: Personas) -> None:
    invitation = invite(personas)
    client = Client()
    url = reverse("accounts:accept", args=[invitation.token])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Nieuw Lid",
            "password1": "lang genoeg wachtwoord",
            "password2": "lang genoeg wachtwoord",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new@noord.test")
    assert user.first_name == "Nieuw"
    assert NetworkRole.objects.filter(user=user, network=personas.network, role="member").exists()
    assert client.get(reverse("networks:detail", args=["noord"])).status_code == 200


def test_a_logged_in_user_accepts_a_study_invitation(personas: Personas) -> None:
    invitation = services.invite(
        email=personas.outsider.email,
        role="observer",
        invited_by=personas.researcher,
        study=personas.study,
    )
    client = Client()
    client.force_login(personas.outsider)
    client.post(reverse("accounts:accept", args=[invitation.token]))
    assert StudyRole.objects.filter(
        user=personas.outsider, study=personas.study, role="observer"
    ).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("password2", "something else entirely"), ("password1", "123"), ("name", "")],
)
def test_bad_account_details_create_nothing(personas: Personas, field: str, value: str) -> None:
    invitation = invite(personas)
    data = {
        "name": "X",
        "password1": "lang genoeg wachtwoord",
        "password2": "lang genoeg wachtwoord",
    }
    data[field] = value
    response = Client().post(reverse("accounts:accept", args=[invitation.token]), data)
    assert response.status_code == 200
    assert not User.objects.filter(username="new@noord.test").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_expired_or_used_invitation_says_so(personas: Personas) -> None:
    invitation = invite(personas)
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    assert Client().get(reverse("accounts:accept", args=[invitation.token])).status_code == 410
    with pytest.raises(DomainError):
        services.accept_invitation(invitation=invitation, user=personas.outsider)


def test_an_invitation_is_used_once(personas: Personas) -> None:
    invitation = invite(personas, email=personas.outsider.email)
    services.accept_invitation(invitation=invitation, user=personas.outsider)
    with pytest.raises(DomainError) as error:
        services.accept_invitation(invitation=invitation, user=personas.outsider)
    assert error.value.code == "invitation.unusable"


def test_an_unknown_token_is_not_found(db: None) -> None:
    assert Client().get(reverse("accounts:accept", args=["nope"])).status_code == 404


def test_inviting_twice_updates_the_open_invitation(personas: Personas) -> None:
    first = invite(personas, role="member")
    second = invite(personas, email="NEW@noord.test", role="facilitator")
    assert first.pk == second.pk
    assert Invitation.objects.get(pk=first.pk).role == "facilitator"


def test_a_role_from_the_other_scope_is_refused(personas: Personas) -> None:
    with pytest.raises(DomainError):
        invite(personas, role="researcher")


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_the_mail(settings, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from verbindend.testing.personas import build

    p = build()
    invite(p)
    assert mailoutbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0.01")
    assert len(mailoutbox) == 1


def test_the_nightly_job_forgets_long_expired_invitations(personas: Personas) -> None:
    from verbindend.accounts.tasks import purge_stale_invitations

    old, _recent, used = (
        invite(personas, "old@x.test"),
        invite(personas, "new@x.test"),
        invite(personas, personas.outsider.email),
    )
    services.accept_invitation(invitation=used, user=personas.outsider)
    Invitation.objects.filter(pk__in=[old.pk, used.pk]).update(
        expires_at=timezone.now() - timedelta(days=91)
    )
    assert purge_stale_invitations.call() == 1
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "new@x.test",
        personas.outsider.email,
    }


def test_the_scheduler_knows_the_nightly_job(db: None) -> None:
    from crontask import scheduler

    import verbindend.accounts.tasks  # noqa: F401  (registering happens on import)

    names = [job.name for job in scheduler.get_jobs()]
    assert any("purge_stale_invitations" in name for name in names)


def test_a_forwarded_link_gives_another_account_nothing(personas: Personas) -> None:
    invitation = services.invite(
        email="Coordinator.Two@Noord.test",
        role="coordinator",
        invited_by=personas.coordinator,
        network=personas.network,
    )
    url = reverse("accounts:accept", args=[invitation.token])
    client = Client()
    client.force_login(personas.outsider)
    page = client.get(url)
    assert page.status_code == 403
    text = page.content.decode()
    assert "This invitation is for someone else" in text and "C" in text
    assert "Coordinator.Two@Noord.test" not in text  # the address is only hinted at
    assert client.post(url).status_code == 403
    assert not NetworkRole.objects.filter(user=personas.outsider, network=personas.network).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # still usable by the person it was sent to
    with pytest.raises(DomainError):
        services.accept_invitation(invitation=invitation, user=personas.outsider)


def test_the_invited_address_accepts_whatever_its_letter_case(personas: Personas) -> None:
    invitation = services.invite(
        email=personas.outsider.email.upper(),
        role="member",
        invited_by=personas.coordinator,
        network=personas.network,
    )
    client = Client()
    client.force_login(personas.outsider)
    assert client.post(reverse("accounts:accept", args=[invitation.token])).status_code == 302
    assert NetworkRole.objects.filter(user=personas.outsider, network=personas.network).exists()
    # single use: a second try, even by the same account, is refused
    assert client.get(reverse("accounts:accept", args=[invitation.token])).status_code == 410


def test_the_refusal_page_speaks_dutch(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "nl"
    invitation = invite(personas, email="iemand@noord.test", role="coordinator")
    client = Client(headers={"accept-language": "nl"})
    client.force_login(personas.outsider)
    page = client.get(reverse("accounts:accept", args=[invitation.token]))
    assert page.status_code == 403
    assert "Deze uitnodiging is voor iemand anders" in page.content.decode()
