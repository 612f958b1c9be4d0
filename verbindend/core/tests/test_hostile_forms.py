"""Every remaining form with bad and hostile input: a clear message, nothing saved, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from verbindend.accounts.models import Invitation
from verbindend.core.errors import DomainError
from verbindend.networks.models import Organisation, Person
from verbindend.studies.models import Case, Study
from verbindend.testing.personas import Personas

HOSTILE = [
    "<script>alert(1)</script>",
    "x" * 10_000,
    "' OR 1=1 --",
    "\u202egnp.exe",
    "",
]


def counts() -> tuple[int, ...]:
    models: list[type[Model]] = [Invitation, Organisation, Person, Case, Study]
    return tuple(m.objects.count() for m in models)


FORMS: list[tuple[str, Callable[[Personas], str], str, Callable[[str], dict[str, object]]]] = [
    (
        "invite",
        lambda p: reverse("networks:team", args=["noord"]),
        "coordinator",
        lambda v: {"invite": "1", "email": v, "role": "member"},
    ),
    (
        "invite with a foreign role",
        lambda p: reverse("networks:team", args=["noord"]),
        "coordinator",
        lambda v: {"invite": "1", "email": "a@b.test", "role": v or "researcher"},
    ),
    (
        "organisation",
        lambda p: reverse("networks:organisation_add", args=["noord"]),
        "coordinator",
        lambda v: {"org-name": v if len(v) > 200 or not v else "", "org-website": v, "org-size": v},
    ),
    (
        "study",
        lambda p: reverse("studies:create"),
        "researcher",
        lambda v: {"name": v if not v or len(v) > 200 else "", "kind": v},
    ),
    (
        "propose case",
        lambda p: reverse("studies:detail", args=["studie-a"]),
        "researcher",
        lambda v: {"propose": "1", "network": v},
    ),
    (
        "study invitation",
        lambda p: reverse("studies:detail", args=["studie-a"]),
        "researcher",
        lambda v: {"invite": "1", "email": v, "role": "researcher"},
    ),
]


@pytest.mark.parametrize("value", HOSTILE, ids=["html", "overlong", "sql", "bidi", "empty"])
@pytest.mark.parametrize(("name", "url", "who", "data"), FORMS, ids=[f[0] for f in FORMS])
def test_hostile_input_changes_nothing(
    personas: Personas,
    name: str,
    url: Callable[[Personas], str],
    who: str,
    data: Callable[[str], dict[str, object]],
    value: str,
) -> None:
    client = Client()
    client.force_login(personas.everyone()[who])
    before = counts()
    response = client.post(url(personas), data(value))
    assert response.status_code == 200, (name, response.status_code)
    assert counts() == before
    assert b"<script>alert(1)</script>" not in response.content


def test_bulk_invitation_cannot_reach_another_networks_person(personas: Personas) -> None:
    personas.other_person.email = "zoe@zuid.test"
    personas.other_person.save()
    client = Client()
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("networks:team", args=["noord"]),
        {"bulk": "1", "people": [personas.other_person.pk], "role": "member"},
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("field", ["username", "password"])
def test_login_with_hostile_input_is_just_refused(db: None, field: str) -> None:
    data = {"username": "a@b.test", "password": "x"}
    data[field] = "<script>" + "x" * 5000
    response = Client().post(reverse("accounts:login"), data)
    assert response.status_code == 200
    assert b"<script>xxx" not in response.content


def test_bidi_controls_never_reach_a_stored_name(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("networks:organisation_add", args=["noord"]),
        {"org-name": "Kring\u202ewinkel\u2066 Oost\u200f", "org-size": "", "org-website": ""},
    )
    assert response.status_code in {200, 302}
    stored = list(
        Organisation.objects.filter(name__startswith="Kring").values_list("name", flat=True)
    )
    assert stored == ["Kringwinkel Oost"], response.content.decode()[-2000:]


@pytest.mark.parametrize("next_value", ["-14345701", "0", "home", "?x=1", "//elders.test/"])
def test_a_next_value_that_is_no_page_is_ignored(personas: Personas, next_value: str) -> None:
    case = Case.objects.get(study=personas.study, network=personas.network)
    client = Client()
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("networks:case_decide", args=["noord", case.pk]),
        {"decision": "agree", "next": next_value},
    )
    assert response.status_code == 302
    assert response["Location"] == personas.network.get_absolute_url()


def test_a_study_plan_with_rows_that_are_not_its_steps_is_refused(personas: Personas) -> None:
    from verbindend.studies.models import StepPlan

    client = Client()
    client.force_login(personas.researcher)
    url = reverse("studies:steps", args=["studie-a"])
    assert client.get(url).status_code == 200
    other = StepPlan.objects.exclude(study=personas.study).first() or StepPlan.objects.first()
    data = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "3",
        "form-0-id": "",
        "form-1-id": str(other.pk if other else 999_999),
        "form-2-id": "not a number",
        "form-0-notes": "overwritten",
    }
    before = list(StepPlan.objects.values_list("pk", "notes").order_by("pk"))
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Reload the page" in response.content.decode()
    assert list(StepPlan.objects.values_list("pk", "notes").order_by("pk")) == before


def test_a_multipart_body_with_endless_part_headers_is_a_clear_400(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.coordinator)
    boundary = "xyz"
    headers = "".join(f"X-Filler-{i}: {'a' * 900}\r\n" for i in range(20))
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n{headers}\r\nhi\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    response = client.generic(
        "POST",
        reverse("networks:team", args=["noord"]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


@pytest.mark.parametrize("step", ["²", "٣", "1²", "-1", "99999999999999999999999"])
def test_a_step_named_by_no_plain_number_is_not_found(personas: Personas, step: str) -> None:
    from verbindend.live import services as live_services

    session = live_services.create_session(
        creator=personas.facilitator, template="focus_group", network=personas.network
    )
    client = Client()
    client.force_login(personas.facilitator)
    response = client.post(
        reverse("live:steps", args=[session.pk]), {"action": "edit", "step": step}
    )
    assert response.status_code == 404


def test_a_study_whose_short_name_was_taken_meanwhile_is_refused_cleanly(
    personas: Personas,
) -> None:
    from verbindend.studies import services
    from verbindend.studies.forms import StudyForm
    from verbindend.studies.models import StepPlan

    form = StudyForm({"name": "Gelijktijdig", "kind": "research"})
    assert form.is_valid(), form.errors
    Study.objects.create(name="Iemand anders was sneller", slug="gelijktijdig")  # the other click
    before = (Study.objects.count(), StepPlan.objects.count())
    with pytest.raises(DomainError) as refused:
        services.create_study(form=form, by=personas.researcher)
    assert refused.value.code == "studies.slug_taken"
    assert (Study.objects.count(), StepPlan.objects.count()) == before


@pytest.mark.parametrize("next_value", ["::::", "-1", "https://elders.test/", "/networks/"])
def test_the_language_switch_only_sends_you_to_a_page_of_this_site(
    personas: Personas, next_value: str
) -> None:
    client = Client()
    client.force_login(personas.member)
    response = client.post(reverse("core:set_language"), {"language": "nl", "next": next_value})
    assert response.status_code == 302
    assert response["Location"] == ("/networks/" if next_value == "/networks/" else "/")
