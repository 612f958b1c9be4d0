"""One click turns a session answer or a history-line moment into a draft entry, once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.core.errors import DomainError
from verbindend.learninglog import services
from verbindend.learninglog.models import Entry, EntryStatus
from verbindend.learninglog.tests.conftest import World, make_contribution
from verbindend.live import services as live
from verbindend.live.models import StepKind


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_contribution_becomes_a_prefilled_draft_linked_to_its_source(world: World) -> None:
    response = client_for(world.p.facilitator).post(
        reverse("learninglog:from_contribution", args=[world.contribution.pk])
    )
    entry = Entry.objects.get(source_contribution=world.contribution)
    assert response.status_code == 302
    assert response["Location"] == reverse("learninglog:entry_edit", args=[entry.pk])
    assert entry.status == EntryStatus.DRAFT
    assert entry.network == world.p.network
    assert entry.created_by == world.p.facilitator
    assert entry.title == "We bellen elkaar nu eerst voor we doorverwijzen."
    assert "dubbel werk" in entry.change
    assert entry.happened_on == world.contribution.created_at.date()
    assert "Focusgroep" in entry.source_label
    assert entry.levels == ["level.organisation"]
    assert entry.knowledge_types == ["knowledge.social"]
    assert entry.principles == ["principle.p2"]
    assert list(entry.organisations.all()) == [world.p.organisation]
    assert entry.reached == 0  # no evidence is claimed for it
    page = client_for(world.p.facilitator).get(entry.get_absolute_url())
    assert reverse("live:synthesis", args=[world.session.pk]) in page.content.decode()


def test_clicking_twice_gives_the_same_entry(world: World) -> None:
    client = client_for(world.p.member)
    url = reverse("learninglog:from_contribution", args=[world.contribution.pk])
    first = client.post(url)
    second = client.post(url, follow=True)
    assert Entry.objects.filter(source_contribution=world.contribution).count() == 1
    assert first["Location"] == second.redirect_chain[0][0]
    assert "already made an entry" in second.content.decode()


def test_two_people_may_each_log_the_same_contribution(world: World) -> None:
    for user in (world.p.member, world.p.coordinator):
        services.entry_from_contribution(contribution=world.contribution, user=user)
    assert Entry.objects.filter(source_contribution=world.contribution).count() == 2


def test_a_moment_becomes_a_prefilled_draft(world: World) -> None:
    response = client_for(world.p.member).post(
        reverse("learninglog:from_moment", args=[world.moment.pk])
    )
    entry = Entry.objects.get(source_moment=world.moment)
    assert response.status_code == 302
    assert entry.status == EntryStatus.DRAFT
    assert entry.title == "Eerste gezamenlijke intake"
    assert "<b>intake</b>" in entry.change  # kept as text, escaped when shown
    assert "elkaars aanpak" in entry.change
    assert entry.happened_on == world.moment.on
    assert entry.levels == ["level.network"]
    assert entry.principles == ["principle.p1"]
    assert entry.knowledge_types == ["knowledge.intervention"]
    assert list(entry.people.all()) == [world.p.person]
    assert "Onze weg" in entry.source_label
    again, created = services.entry_from_moment(moment=world.moment, user=world.p.member)
    assert (again, created) == (entry, False)
    page = client_for(world.p.member).get(entry.get_absolute_url()).content.decode()
    assert "&lt;b&gt;intake&lt;/b&gt;" in page


def test_a_private_letter_cannot_be_logged(world: World) -> None:
    letter_step = world.session.steps.create(order=99, kind=StepKind.FAREWELL_LETTER)
    letter = make_contribution(world.session, "Lieve collega's", step=letter_step)
    with pytest.raises(DomainError) as error:
        services.entry_from_contribution(contribution=letter, user=world.p.coordinator)
    assert error.value.code == "log.private"
    assert not Entry.objects.filter(source_contribution=letter).exists()


def test_a_study_session_has_no_learning_log(world: World) -> None:
    session = live.create_session(
        creator=world.p.researcher, template="cross_network", study=world.p.study
    )
    answer = make_contribution(session, "Over de netwerken heen")
    with pytest.raises(DomainError) as error:
        services.entry_from_contribution(contribution=answer, user=world.p.researcher)
    assert error.value.code == "log.no_network"


def test_buttons_appear_beside_contributions_and_moments_for_those_who_may_log(
    world: World,
) -> None:
    synthesis = reverse("live:synthesis", args=[world.session.pk])
    together = reverse("historyline:together", args=[world.moment.line.exercise.pk])
    assert 'data-testid="to-log-contribution"' in (
        client_for(world.p.facilitator).get(synthesis).content.decode()
    )
    assert 'data-testid="to-log-contribution"' not in (
        client_for(world.p.observer).get(synthesis).content.decode()
    )
    # a shared moment needs two people marking a peak close together in time
    from datetime import date

    from verbindend.historyline import services as history

    exercise = world.moment.line.exercise
    line, _ = history.save_line(
        exercise=exercise,
        participant_key="0b6f9a52-7c1d-4e3f-9a8b-2c4d6e8f0a1b",
        points=[[0, 40], [400, 80], [800, 30]],
    )
    history.add_moment(line=line, on=date(2021, 2, 10), kind="peak", title="Ook een piek")
    assert "to-log-moment" in client_for(world.p.member).get(together).content.decode()
    assert "to-log-moment" not in client_for(world.p.observer).get(together).content.decode()


def test_the_console_offers_the_button_beside_each_answer(world: World) -> None:
    live.start(session=world.session)
    world.session.refresh_from_db()
    make_contribution(world.session, "Nog een antwoord", step=world.session.current_step)
    html = (
        client_for(world.p.facilitator)
        .get(reverse("live:console", args=[world.session.pk]))
        .content.decode()
    )
    assert 'data-testid="to-log-contribution"' in html


def test_the_drawing_page_offers_the_button_beside_ones_own_moments(world: World) -> None:
    from datetime import date

    from verbindend.historyline import services as history

    exercise = world.moment.line.exercise
    key = history.participant_key_for(exercise=exercise, user=world.p.member)
    line, _ = history.save_line(exercise=exercise, participant_key=key, points=[[0, 40], [500, 70]])
    history.add_moment(line=line, on=date(2021, 5, 1), kind="peak", title="Mijn piek")
    url = reverse("historyline:detail", args=[exercise.pk])
    assert "to-log-moment" in client_for(world.p.member).get(url).content.decode()
