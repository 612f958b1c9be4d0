from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from verbindend.testing.personas import PASSWORD, Personas


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_it_logs_in_with_email_and_password(personas: Personas) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "MEMBER@noord.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")


def test_it_refuses_a_wrong_password_with_a_message(personas: Personas) -> None:
    response = Client().post(
        reverse("accounts:login"), {"username": "member@noord.test", "password": "nope"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session
    assert response.context["form"].errors


def test_it_ignores_an_offsite_next(personas: Personas) -> None:
    response = Client().post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "member@noord.test", "password": PASSWORD},
    )
    assert response["Location"] == reverse("core:dashboard")


def test_two_factor_set_up_then_required_at_login(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.coordinator)
    page = client.get(reverse("accounts:twofactor_setup"))
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert not TOTPDevice.objects.filter(user=personas.coordinator).exists()  # GET writes nothing
    again = client.get(reverse("accounts:twofactor_setup"))
    assert again.context["secret"] == page.context["secret"]  # the same QR code on a reload
    wrong = client.post(reverse("accounts:twofactor_setup"), {"token": "000000"})
    device = TOTPDevice.objects.get(user=personas.coordinator)
    assert device.bin_key.hex() == page.context["secret"]
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    device.refresh_from_db()
    device.throttle_reset()  # a failed try slows the next one down; the test does not wait
    done = client.post(reverse("accounts:twofactor_setup"), {"token": code_for(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed

    fresh = Client()
    first = fresh.post(
        reverse("accounts:login"), {"username": "coordinator@noord.test", "password": PASSWORD}
    )
    assert first["Location"] == reverse("accounts:twofactor_verify")
    assert "_auth_user_id" not in fresh.session
    refused = fresh.post(reverse("accounts:twofactor_verify"), {"token": "abcdef"})
    assert refused.status_code == 200 and "_auth_user_id" not in fresh.session
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    device.throttle_reset()
    ok = fresh.post(reverse("accounts:twofactor_verify"), {"token": code_for(device)})
    assert ok.status_code == 302
    assert fresh.session["_auth_user_id"] == str(personas.coordinator.pk)


def test_site_can_require_two_factor_for_coordinators(personas: Personas, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REQUIRE_2FA_FOR = ["coordinator", "researcher"]
    coordinator, member = Client(), Client()
    coordinator.force_login(personas.coordinator)
    member.force_login(personas.member)
    response = coordinator.get(reverse("networks:detail", args=["noord"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:twofactor_setup"))
    assert member.get(reverse("networks:detail", args=["noord"])).status_code == 200


def test_verify_step_without_password_step_goes_back_to_login(db: None) -> None:
    response = Client().get(reverse("accounts:twofactor_verify"))
    assert response["Location"] == reverse("accounts:login")


@pytest.mark.parametrize("token", ["", "12", "12345a", "<script>", "9" * 50])
def test_bad_codes_are_refused_with_a_message(personas: Personas, token: str) -> None:
    client = Client()
    client.force_login(personas.member)
    response = client.post(reverse("accounts:twofactor_setup"), {"token": token})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_profile_saves_the_preferred_language(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.member)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "Mo", "last_name": "<b>L</b>", "preferred_language": "en"},
    )
    assert response.status_code == 302
    personas.member.refresh_from_db()
    assert personas.member.preferred_language == "en"
    page = client.get(reverse("accounts:profile"))
    assert page.wsgi_request.LANGUAGE_CODE == "en"
    assert b"<b>L</b>" not in page.content


def test_profile_refuses_an_unknown_language(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.member)
    response = client.post(reverse("accounts:profile"), {"preferred_language": "xx"})
    assert response.status_code == 200
    assert "preferred_language" in response.context["form"].errors


def test_language_switch_remembers_the_choice(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.member)
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    personas.member.refresh_from_db()
    assert personas.member.preferred_language == "en"


def test_language_switch_works_anonymously(db: None) -> None:
    client = Client()
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    assert client.get("/").wsgi_request.LANGUAGE_CODE == "en"
    client.post(reverse("core:set_language"), {"language": "nl", "next": "/"})
    assert client.get("/").wsgi_request.LANGUAGE_CODE == "nl"


def test_password_reset_mails_a_working_link(personas: Personas, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": "member@noord.test"})
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "a much longer pass phrase",
            "new_password2": "a much longer pass phrase",
        },
    )
    assert done.status_code == 302
    personas.member.refresh_from_db()
    assert personas.member.check_password("a much longer pass phrase")


def test_password_reset_says_nothing_about_unknown_addresses(db: None, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@x.test"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_forty_wrong_passwords_then_the_right_one_stays_locked_out(personas: Personas) -> None:
    client = Client(REMOTE_ADDR="198.51.100.4")
    url = reverse("accounts:login")
    statuses = [
        client.post(
            url, {"username": "coordinator@noord.test", "password": f"wrong{n}"}
        ).status_code
        for n in range(40)
    ]
    assert statuses[0] == 200 and statuses[-1] == 429
    right = client.post(url, {"username": "coordinator@noord.test", "password": PASSWORD})
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    page = right.content.decode()
    assert "Login paused" in page and "15 minutes" in page and 'lang="en"' in page


def test_the_lockout_page_speaks_dutch(personas: Personas) -> None:
    client = Client(REMOTE_ADDR="198.51.100.5", headers={"accept-language": "nl"})
    client.cookies["django_language"] = "nl"
    url = reverse("accounts:login")
    for n in range(6):
        response = client.post(url, {"username": "member@noord.test", "password": f"x{n}"})
    assert response.status_code == 429
    assert "Inloggen gepauzeerd" in response.content.decode()


def test_a_forged_forwarded_for_does_not_reset_the_lockout(personas: Personas) -> None:
    url = reverse("accounts:login")
    for n in range(6):
        Client(REMOTE_ADDR="198.51.100.6", headers={"x-forwarded-for": f"10.1.1.{n}"}).post(
            url, {"username": "member@noord.test", "password": f"x{n}"}
        )
    again = Client(REMOTE_ADDR="198.51.100.6", headers={"x-forwarded-for": "10.1.1.99"}).post(
        url, {"username": "member@noord.test", "password": PASSWORD}
    )
    assert again.status_code == 429


def test_password_reset_mails_are_limited(personas: Personas, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR="198.51.100.7")
    url = reverse("accounts:password_reset")
    statuses = [client.post(url, {"email": "member@noord.test"}).status_code for _ in range(12)]
    assert statuses[:5] == [302] * 5 and statuses[-1] == 429
    assert len(mailoutbox) == 5
