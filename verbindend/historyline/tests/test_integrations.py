"""History lines feed the scan's principle links and, for a study, the study's material."""

from __future__ import annotations

from datetime import date

from verbindend.historyline import integrations, services
from verbindend.scan import links
from verbindend.studies.models import Document
from verbindend.testing.personas import Personas


def test_a_study_exercise_sends_its_stories_as_material(
    personas: Personas,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    exercise = services.create_exercise(
        scope=personas.study, title="Focus groep Noord", start_date=date(2015, 1, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        line, _cleaned = services.save_line(
            exercise=exercise,
            participant_key="user:1",
            points=[["2015-01-01", 20], ["2020-01-01", 80]],
        )
        services.add_moment(
            line=line,
            on=date(2018, 3, 1),
            kind="peak",
            title="Eerste gezamenlijke actie",
            story="We organiseerden samen een jobbeurs.",
            principle="principle.p1",
        )
    document = Document.objects.get(study=personas.study, kind="history_story")
    assert "We organiseerden samen een jobbeurs." in document.text
    moment = line.moments.get()
    with django_capture_on_commit_callbacks(execute=True):
        moment.story = "Een jobbeurs met twaalf partners."
        moment.save()
    document = Document.objects.get(study=personas.study, kind="history_story")
    assert "twaalf partners" in document.text


def test_network_exercises_stay_out_of_studies(
    personas: Personas,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    exercise = services.create_exercise(
        scope=personas.network, title="Noord", start_date=date(2015, 1, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.save_line(exercise=exercise, participant_key="user:1", points=[["2016-01-01", 50]])
    assert not Document.objects.exists()


def test_the_scan_links_a_principle_to_its_moments(personas: Personas) -> None:
    integrations.connect()
    exercise = services.create_exercise(
        scope=personas.network, title="Noord", start_date=date(2015, 1, 1)
    )
    line, _cleaned = services.save_line(
        exercise=exercise, participant_key="user:1", points=[["2016-01-01", 50]]
    )
    services.add_moment(
        line=line, on=date(2017, 5, 1), kind="valley", title="Fusie", principle="principle.p4"
    )
    found = links.links_for(personas.network, "principle.p4")
    assert [link.title for link in found] == ["Fusie (2017-05)"]
    assert links.links_for(personas.network, "principle.p1") == []
    assert links.links_for(personas.other_network, "principle.p4") == []


def test_moment_tags_become_codings_of_the_moments_text(
    personas: Personas,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from verbindend.analysis.models import Coding

    exercise = services.create_exercise(
        scope=personas.study,
        title="Cross-netwerk",
        start_date=date(2015, 1, 1),
        created_by=personas.researcher,
    )
    with django_capture_on_commit_callbacks(execute=True):
        line, _cleaned = services.save_line(
            exercise=exercise, participant_key="user:1", points=[["2016-01-01", 50]]
        )
        services.add_moment(
            line=line,
            on=date(2016, 1, 1),
            kind="peak",
            title="Start",
            story="Eerste stap 🚀",
            level="level.network",
            principle="principle.p3",
        )
        services.add_moment(
            line=line,
            on=date(2019, 1, 1),
            kind="valley",
            title="Dip",
            story="Moeilijk jaar",
            condition="condition.shared",
        )
    document = Document.objects.get(study=personas.study)
    coded = sorted(
        (c.code.method_key, document.text[c.start : c.end].splitlines()[-1])
        for c in Coding.objects.filter(document=document).select_related("code")
    )
    assert coded == [
        ("condition.shared", "Moeilijk jaar"),
        ("level.network", "Eerste stap 🚀"),
        ("principle.p3", "Eerste stap 🚀"),
    ]
