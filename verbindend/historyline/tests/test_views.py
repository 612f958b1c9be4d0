"""The history-line pages doing their work, and refusing bad or hostile input clearly."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbindend.historyline import services
from verbindend.historyline.models import Exercise, Line, Moment
from verbindend.historyline.tests.conftest import World
from verbindend.networks.models import Organisation, Person
from verbindend.testing import downloads


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def post_line(client: Client, url: str, payload: object) -> tuple[int, dict]:
    response = client.post(url, json.dumps(payload), content_type="application/json")
    return response.status_code, response.json()


def own_line(w: World, user: object) -> Line:
    key = services.participant_key_for(exercise=w.exercise, user=user)  # type: ignore[arg-type]
    return Line.objects.get(exercise=w.exercise, participant_key=key)


# saving a line ------------------------------------------------------------------------------


def test_it_saves_a_drawn_line_and_shows_it_again_identically(world: World) -> None:
    client = client_for(world.p.member)
    url = reverse("historyline:line", args=[world.exercise.pk])
    status, body = post_line(client, url, {"points": [[0, 10], [30.4, 55.56], ["2021-01-01", 70]]})
    assert status == 200 and body["ok"]
    assert body["points"] == [[0, 10.0], [30, 55.6], [366, 70.0]]
    assert own_line(world, world.p.member).points == body["points"]
    page = client.get(reverse("historyline:detail", args=[world.exercise.pk])).content.decode()
    assert 'data-points="[[0, 10.0], [30, 55.6], [366, 70.0]]"' in page.replace("&quot;", '"')


def test_saving_again_replaces_the_line_and_keeps_its_moments(world: World) -> None:
    client = client_for(world.p.coordinator)
    url = reverse("historyline:interview_line", args=[world.exercise.pk, world.p.person.pk])
    status, body = post_line(client, url, {"points": [[0, 90], [10, 95]]})
    assert status == 200 and body["pseudonym"] == "P01"
    world.line.refresh_from_db()
    assert world.line.points == [[0, 90.0], [10, 95.0]]
    assert world.line.moments.count() == 1
    assert Line.objects.filter(exercise=world.exercise).count() == 1


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"points": [[0, "veel"]]}, "points_not_a_number"),
        ({"points": [[0, None]]}, "points_not_a_number"),
        ({"points": [["gisteren", 4]]}, "points_not_a_number"),
        ({"points": [["2021-13-01", 4]]}, "points_bad_date"),
        ({"points": "0,10"}, "points_not_a_list"),
        ({"nothing": 1}, "points_not_a_list"),
        ([1, 2], "points_not_a_list"),
        ({"points": [[0, 1]] * 20_001}, "points_too_many"),
    ],
)
def test_bad_points_get_a_clear_error_and_the_saved_line_stays(
    world: World, payload: object, code: str
) -> None:
    client = client_for(world.p.coordinator)
    url = reverse("historyline:interview_line", args=[world.exercise.pk, world.p.person.pk])
    before = list(world.line.points)
    status, body = post_line(client, url, payload)
    assert status == 400 and body["code"] == code and body["message"]
    world.line.refresh_from_db()
    assert world.line.points == before


def test_a_body_that_is_not_json_is_a_clear_error(world: World) -> None:
    client = client_for(world.p.member)
    url = reverse("historyline:line", args=[world.exercise.pk])
    response = client.post(url, b"{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "bad_json"


def test_out_of_axis_backwards_and_huge_lines_are_repaired_and_reported(world: World) -> None:
    client = client_for(world.p.member)
    url = reverse("historyline:line", args=[world.exercise.pk])
    raw = [[d, (d * 7) % 100] for d in range(-100, 5000)]  # thousands, partly outside the axis
    raw += [[10, 50]]  # and one going back in time
    status, body = post_line(client, url, {"points": raw})
    assert status == 200
    assert len(body["points"]) <= 250
    assert body["points"][0][0] == 0 and body["points"][-1][0] == world.exercise.span_days
    assert len(body["notices"]) == 3  # moved onto the axis, put in order, simplified


def test_values_above_100_are_clamped(world: World) -> None:
    client = client_for(world.p.member)
    status, body = post_line(
        client,
        reverse("historyline:line", args=[world.exercise.pk]),
        {"points": [[0, 250], [5, -3]]},
    )
    assert status == 200 and body["points"] == [[0, 100.0], [5, 0.0]] and body["notices"]


def test_the_table_works_without_javascript(world: World) -> None:
    client = client_for(world.p.member)
    url = reverse("historyline:line", args=[world.exercise.pk])
    response = client.post(
        url, {"date": ["2020-03-01", "2020-01-01", ""], "value": ["60", "20", ""]}
    )
    assert response.status_code == 302
    assert own_line(world, world.p.member).points == [[0, 20.0], [60, 60.0]]
    bad = client.post(url, {"date": ["2020-03-01"], "value": ["hoog"]})
    assert bad.status_code == 400 and "not a number" in bad.content.decode()


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=6)
            | st.dictionaries(
                st.sampled_from(["points", "date", "value", "x"]), children, max_size=3
            )
        ),
        max_leaves=40,
    )
)
def test_hostile_payloads_never_cause_a_server_error(world: World, payload: object) -> None:
    client = client_for(world.p.facilitator)
    url = reverse("historyline:line", args=[world.exercise.pk])
    response = client.post(url, json.dumps({"points": payload}), content_type="application/json")
    assert response.status_code in {200, 400}


# moments ------------------------------------------------------------------------------------


def moment(**extra: str) -> dict[str, str]:
    return {"on": "2021-06-01", "kind": "peak", "title": "Beurs", "story": "Het verhaal", **extra}


def test_it_marks_a_moment_with_answers_and_tags(world: World) -> None:
    client = client_for(world.p.coordinator)
    url = reverse("historyline:interview_moments", args=[world.exercise.pk, world.p.person.pk])
    data = moment(
        q_peaks="Samen gedaan",
        q_valleys="",
        q_red_thread="Altijd samen",
        level="level.network",
        principle="principle.p1",
        condition="condition.shared",
        knowledge="knowledge.social",
    )
    response = client.post(url, data, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    saved = response.json()["moment"]
    assert saved["answers"] == {
        "q_peaks": "Samen gedaan",
        "q_valleys": "",
        "q_red_thread": "Altijd samen",
    }
    assert saved["level"] == "level.network" and saved["knowledge"] == "knowledge.social"
    assert saved["value"] == pytest.approx(65.4, abs=0.2)  # the line's height on that day


@pytest.mark.parametrize(
    "bad",
    [
        {"level": "level" + ".galaxy"},  # not a real level (built, so no key check reads it)
        {"principle": "principle.p1.r1"},
        {"knowledge": "condition.shared"},
        {"on": "2030-01-01"},
        {"on": "morgen"},
        {"kind": "plateau"},
        {"title": ""},
        {"value": "hoog"},
        {"story": "x" * 5001},
    ],
)
def test_a_bad_moment_is_refused_clearly_and_nothing_is_saved(world: World, bad: dict) -> None:
    client = client_for(world.p.coordinator)
    url = reverse("historyline:interview_moments", args=[world.exercise.pk, world.p.person.pk])
    response = client.post(url, moment(**bad), HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and not response.json()["ok"]
    assert Moment.objects.count() == 1
    page = client.post(url, moment(**bad))
    assert page.status_code == 400
    typed = "Het verhaal" if "title" in bad else "Beurs"
    assert typed in page.content.decode()  # what was typed is shown again, not lost


def test_a_moment_needs_a_line_first(world: World) -> None:
    client = client_for(world.p.member)
    response = client.post(
        reverse("historyline:moments", args=[world.exercise.pk]),
        moment(),
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "first" in json.dumps(response.json())


def test_a_member_may_remove_only_their_own_moments(world: World) -> None:
    client = client_for(world.p.member)
    theirs = world.line.moments.get()
    url = reverse("historyline:moment_delete", args=[world.exercise.pk, theirs.pk])
    assert client.post(url).status_code == 403
    services.save_line(
        exercise=world.exercise,
        participant_key=services.participant_key_for(exercise=world.exercise, user=world.p.member),
        points=[[0, 1], [100, 90]],
    )
    mine = services.add_moment(
        line=own_line(world, world.p.member), on=date(2020, 3, 1), kind="valley", title="Mijn dip"
    )
    response = client.post(reverse("historyline:moment_delete", args=[world.exercise.pk, mine.pk]))
    assert response.status_code == 302 and not Moment.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("next_value", ["https://elders.test/", "//elders.test/", ":x", "-1"])
def test_removing_a_moment_never_sends_you_off_the_site(world: World, next_value: str) -> None:
    client = client_for(world.p.coordinator)
    theirs = world.line.moments.get()
    response = client.post(
        reverse("historyline:moment_delete", args=[world.exercise.pk, theirs.pk]),
        {"next": next_value},
    )
    assert response.status_code == 302
    assert response["Location"] == world.exercise.get_absolute_url()


# interview ----------------------------------------------------------------------------------


def test_the_interview_starts_with_choosing_a_person(world: World) -> None:
    client = client_for(world.p.facilitator)
    url = reverse("historyline:interview", args=[world.exercise.pk])
    assert world.p.person.name in client.get(url).content.decode()
    response = client.post(url, {"person": world.p.person.pk})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert world.p.person.name in page and "data-historyline" in page
    for q in ("q_peaks", "q_valleys", "q_red_thread"):
        assert f'name="{q}"' in page


def test_an_interview_cannot_reach_another_networks_person(world: World) -> None:
    client = client_for(world.p.coordinator)
    url = reverse("historyline:interview_person", args=[world.exercise.pk, world.p.other_person.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("historyline:interview", args=[world.exercise.pk]),
            {"person": world.p.other_person.pk},
        ).status_code
        == 200
    )


def test_the_line_keeps_the_respondents_attributes_as_they_were(world: World) -> None:
    assert world.line.organisation == world.p.organisation
    Person.objects.filter(pk=world.p.person.pk).update(organisation=None)
    world.line.refresh_from_db()
    assert world.line.organisation == world.p.organisation


# together -----------------------------------------------------------------------------------


def add_lines(
    w: World, count: int, *, organisation: Organisation | None = None, role: str = "follower"
) -> None:
    for n in range(count):
        person = Person.objects.create(
            network=w.p.network,
            name=f"Persoon {n}",
            organisation=organisation or w.p.organisation,
            lead_role=role,
        )
        line, _ = services.save_line(
            exercise=w.exercise,
            participant_key=f"person:{person.pk}",
            points=[[0, 30], [400, 85 - n], [900, 20]],
        )
        services.add_moment(
            line=line,
            on=date(2021, 2, 1 + n),
            kind="peak",
            title=f"Beurs {n}",
            story=f"Verhaal <i>{n}</i>",
            level="level.network",
        )


def test_together_shows_overlay_shared_moments_and_consensus(world: World) -> None:
    add_lines(world, 3)
    page = (
        client_for(world.p.observer)
        .get(reverse("historyline:together", args=[world.exercise.pk]))
        .content.decode()
    )
    assert page.count('class="hl-line"') == 4
    assert 'class="hl-median"' in page and 'class="hl-band"' in page
    assert "Verhaal &lt;i&gt;1&lt;/i&gt;" in page and "<i>1</i>" not in page
    assert "Samen &lt;b&gt;sterk&lt;/b&gt;" in page
    assert page.count('class="hl-story"') == 4  # one shared peak, four stories side by side
    assert "Ann Noord" not in page  # pseudonyms only


def test_the_tolerance_changes_what_is_shared(world: World) -> None:
    add_lines(world, 2)
    client = client_for(world.p.facilitator)
    url = reverse("historyline:together", args=[world.exercise.pk])
    assert 'class="hl-story"' in client.get(url).content.decode()
    client.post(reverse("historyline:tolerance", args=[world.exercise.pk]), {"tolerance_days": 0})
    assert 'class="hl-story"' not in client.get(url).content.decode()
    bad = client.post(
        reverse("historyline:tolerance", args=[world.exercise.pk]), {"tolerance_days": "-4"}
    )
    assert bad.status_code == 400
    world.exercise.refresh_from_db()
    assert world.exercise.tolerance_days == 0


def test_small_groups_are_not_shown_on_their_own(world: World) -> None:
    add_lines(world, 3)
    client = client_for(world.p.coordinator)
    url = reverse("historyline:together", args=[world.exercise.pk])
    small = client.get(url, {"organisation": world.p.organisation.pk}).content.decode()
    assert "hl-line" not in small and "privacy" in small
    add_lines(world, 2)
    wanted = {"organisation": str(world.p.organisation.pk), "role": "follower"}
    # five followers, but beside all six lines the one left out would stand alone
    alone = client.get(url, wanted).content.decode()
    assert "hl-line" not in alone and "privacy" in alone
    # once what a filter leaves out is a group of at least k too, it is answered
    add_lines(world, 4, role="")  # the organisation's other members: no stated role
    add_lines(world, 5, organisation=Organisation.objects.create(name="Elders"), role="")
    enough = client.get(url, wanted)
    assert enough.content.decode().count('class="hl-line"') == 5


def test_the_level_filter_keeps_lines_and_shows_only_those_moments(world: World) -> None:
    add_lines(world, 2)
    client = client_for(world.p.coordinator)
    url = reverse("historyline:together", args=[world.exercise.pk])
    page = client.get(url, {"level": "level.individual"}).content.decode()
    assert page.count('class="hl-line"') == 3 and 'class="hl-moment"' not in page
    page = client.get(
        url, {"level": "level.network", "organisation": "abc", "drawn": "1"}
    ).content.decode()
    assert page.count('class="hl-moment"') == 2


def test_the_wall_refreshes_itself_with_htmx(world: World) -> None:
    client = client_for(world.p.member)
    url = reverse("historyline:wall", args=[world.exercise.pk])
    full = client.get(url).content.decode()
    assert 'hx-trigger="every 4s"' in full and "<html" in full
    part = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and 'class="hl-line"' in part


# exports ------------------------------------------------------------------------------------


def test_overlay_and_line_export_as_svg_and_png(world: World) -> None:
    client = client_for(world.p.coordinator)
    svg = client.get(reverse("historyline:overlay", args=[world.exercise.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(reverse("historyline:overlay", args=[world.exercise.pk, "png"]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    one = client.get(
        reverse("historyline:line_image", args=[world.exercise.pk, world.line.pk, "png"])
    )
    assert one.content.startswith(b"\x89PNG")
    assert (
        client.get(reverse("historyline:overlay", args=[world.exercise.pk, "gif"])).status_code
        == 404
    )


def test_csv_exports_are_pseudonymous_and_spreadsheet_safe(world: World) -> None:
    services.add_moment(
        line=world.line, on=date(2021, 5, 1), kind="valley", title="=HYPERLINK(1)", story="-1+1"
    )
    client = client_for(world.p.researcher)
    points = downloads.text(client.get(reverse("historyline:points_csv", args=[world.exercise.pk])))
    assert points.splitlines()[:2] == ["pseudonym,date,day,value", "P01,2020-01-01,0,40.0"]
    moments = downloads.text(
        client.get(reverse("historyline:moments_csv", args=[world.exercise.pk]))
    )
    assert "'=HYPERLINK(1)" in moments and "'-1+1" in moments and "Ann Noord" not in moments


def test_stories_are_text_material_for_analysis(world: World) -> None:
    services.add_moment(
        line=world.line,
        on=date(2022, 1, 1),
        kind="valley",
        title="Dip",
        story="Moeilijk jaar",
        answers={"q_valleys": "We praatten erover"},
        level="level.organisation",
    )
    text = services.stories_text(world.exercise)
    assert text.startswith("Ons verhaal\n2020-01-01 – 2024-12-31\n")
    assert (
        "## P01 · 2022-01-01" in text and "We praatten erover" in text and "Moeilijk jaar" in text
    )
    assert "Ann Noord" not in text
    response = client_for(world.p.coordinator).get(
        reverse("historyline:stories", args=[world.exercise.pk])
    )
    assert response["Content-Type"].startswith("text/plain") and response.content.decode() == text


# the axis -----------------------------------------------------------------------------------


def test_creating_an_exercise_with_milestones(world: World) -> None:
    client = client_for(world.p.coordinator)
    url = reverse("historyline:network_create", args=[world.p.network.slug])
    data = {
        "title": "Nieuw",
        "start_date": "2010-01-01",
        "end_date": "2020-01-01",
        "milestones": "2015-05-01 Fusie\n\n2012-01-01 Nieuwe voorzitter",
        "tolerance_days": 60,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    created = Exercise.objects.get(title="Nieuw")
    assert created.milestones == [
        {"date": "2012-01-01", "label": "Nieuwe voorzitter"},
        {"date": "2015-05-01", "label": "Fusie"},
    ]
    assert "Fusie" in client.get(created.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"end_date": "2009-01-01"},
        {"milestones": "morgen Fusie"},
        {"milestones": "2015-05-01"},
        {"milestones": "2030-05-01 Te laat"},
        {"tolerance_days": "-1"},
        {"start_date": "nooit"},
    ],
)
def test_a_bad_axis_is_refused_in_the_form(world: World, bad: dict) -> None:
    client = client_for(world.p.coordinator)
    data = {
        "title": "Nieuw",
        "start_date": "2010-01-01",
        "end_date": "2020-01-01",
        "milestones": "",
        "tolerance_days": 60,
        **bad,
    }
    response = client.post(reverse("historyline:network_create", args=[world.p.network.slug]), data)
    assert response.status_code == 200 and "error" in response.content.decode()
    assert not Exercise.objects.filter(title="Nieuw").exists()


def test_moving_the_start_keeps_the_lines_on_their_dates(world: World) -> None:
    services.update_axis(
        exercise=world.exercise,
        title="Ons verhaal",
        start_date=date(2019, 12, 1),
        end_date=date(2024, 12, 31),
        milestones=[],
        tolerance_days=90,
    )
    world.line.refresh_from_db()
    assert world.line.points[0] == [31, 40.0]


# the live hooks -----------------------------------------------------------------------------


def test_the_live_partials_render_for_a_step(world: World) -> None:
    world.exercise.live_step_id = 77
    world.exercise.save()
    request = RequestFactory().get("/")
    request.user = world.p.member
    participant = SimpleNamespace(uuid="0b1e7f8e-4c1a-4c0e-9d35-0a8cbe5e1d11")
    context = {
        "session": None,
        "step": SimpleNamespace(pk=77),
        "participant": participant,
        "save_url": "/live/save/",
        "moment_url": "/live/moment/",
        "csp_nonce": "n",
    }
    phone = render_to_string("historyline/live_phone.html", context, request=request)
    assert 'data-save-url="/live/save/"' in phone and "draw.js" in phone
    wall = render_to_string("historyline/live_wall.html", context, request=request)
    assert 'class="hl-line"' in wall
    context["step"] = SimpleNamespace(pk=78)
    assert "hl-line" not in render_to_string("historyline/live_wall.html", context, request=request)


def test_a_live_participant_key_is_a_uuid(world: World) -> None:
    line, _ = services.save_line(
        exercise=world.exercise,
        participant_key="0B1E7F8E-4C1A-4C0E-9D35-0A8CBE5E1D11",
        points=[[0, 5]],
    )
    assert line.participant_key == "0b1e7f8e-4c1a-4c0e-9d35-0a8cbe5e1d11" and line.person is None
    with pytest.raises(services.DomainError):
        services.save_line(exercise=world.exercise, participant_key="admin:1", points=[])
