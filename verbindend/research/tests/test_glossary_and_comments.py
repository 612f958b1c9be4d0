"""The glossary's history and agreement; comment threads; who may do what."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from verbindend.analysis.models import Code
from verbindend.core.errors import DomainError
from verbindend.method import content
from verbindend.reports.tests.builders import finished_version
from verbindend.research import services
from verbindend.research.models import Comment, Target, Term, TermRevision
from verbindend.testing.personas import Personas


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_glossary_starts_from_the_methods_concepts_once(personas: Personas) -> None:
    made = services.seed_glossary(study=personas.study, by=personas.researcher, language="en")
    assert made >= 10
    assert services.seed_glossary(study=personas.study, by=personas.researcher) == 0
    term = Term.objects.get(study=personas.study, method_key="concept.collective_learning")
    assert term.from_method and term.term == content.get("concept.collective_learning").title
    assert term.revisions.get().note == "From the method"


def test_every_change_is_kept_with_who_made_it_and_who_agreed(personas: Personas) -> None:
    study = personas.study
    term = services.add_term(
        study=study, by=personas.researcher, term="Verankeren", definition="Vastleggen."
    )
    services.agree(term=term, by=personas.study_observer)
    services.revise_term(
        term=term,
        by=personas.researcher,
        name="Verankeren",
        definition="Vastleggen in afspraken, systemen of werkwijzen van het netwerk.",
        note="Na het teamoverleg van 3 maart",
    )
    # saving the same text again makes no new version
    term.refresh_from_db()
    services.revise_term(
        term=term, by=personas.researcher, name=term.term, definition=term.definition
    )
    services.agree(term=term, by=personas.researcher)
    services.agree(term=term, by=personas.researcher)  # once per version
    history = list(TermRevision.objects.filter(term=term).order_by("number"))
    assert [r.number for r in history] == [1, 2]
    assert history[0].definition == "Vastleggen."
    assert [a.user for a in history[0].agreements.all()] == [personas.study_observer]
    assert [a.user for a in history[1].agreements.all()] == [personas.researcher]
    assert history[1].note == "Na het teamoverleg van 3 maart"
    assert history[1].changed_by == personas.researcher

    # the export carries the whole history and round-trips through JSON
    response = client_for(personas.study_observer).get(
        reverse("research:glossary_export", args=[study.slug, "json"])
    )
    exported = json.loads(response.content)["glossary"]
    row = next(r for r in exported if r["term"] == "Verankeren")
    assert [h["definition"] for h in row["history"]] == [
        "Vastleggen.",
        "Vastleggen in afspraken, systemen of werkwijzen van het netwerk.",
    ]
    assert row["history"][0]["agreed_by"] == [str(personas.study_observer)]
    assert row["agreed_by"] == [str(personas.researcher)]


def test_a_term_links_only_codes_of_its_own_study(personas: Personas) -> None:
    term = services.add_term(study=personas.study, by=None, term="Leren", definition="…")
    own = Code.objects.create(study=personas.study, name="Leren")
    other = Code.objects.create(study=personas.other_study, name="Leren")
    services.link_term(term=term, codes=[own], memos=[])
    assert list(own.glossary_terms.all()) == [term]
    with pytest.raises(DomainError):
        services.link_term(term=term, codes=[other], memos=[])
    assert list(term.codes.all()) == [own]


def test_duplicate_and_empty_terms_are_refused(personas: Personas) -> None:
    services.add_term(study=personas.study, by=None, term="Netwerk", definition="Een groep.")
    with pytest.raises(DomainError):
        services.add_term(study=personas.study, by=None, term="Netwerk", definition="Anders.")
    with pytest.raises(DomainError):
        services.add_term(study=personas.study, by=None, term="  ", definition="Iets")
    assert Term.objects.count() == 1


def test_threads_on_a_report_draft_resolve_and_reopen(personas: Personas) -> None:
    version = finished_version(personas.study)
    thread = services.post_comment(
        study=personas.study,
        by=personas.study_observer,
        target=Target.REPORT,
        report=version,
        text="Hoofdstuk 2 mist de bron.",
    )
    reply = services.post_comment(
        study=personas.study, by=personas.researcher, target="plan", parent=thread, text="Klopt."
    )
    assert reply.parent == thread and reply.target == Target.REPORT and reply.report == version
    services.resolve(comment=reply, by=personas.researcher)
    thread.refresh_from_db()
    assert thread.resolved_by == personas.researcher and not thread.open
    services.post_comment(
        study=personas.study, by=personas.study_observer, target="plan", parent=thread, text="Nog?"
    )
    thread.refresh_from_db()
    assert thread.open


def test_a_report_of_another_study_cannot_be_commented_on(personas: Personas) -> None:
    other = finished_version(personas.other_study)
    with pytest.raises(DomainError):
        services.post_comment(
            study=personas.study, by=personas.researcher, target="report", report=other, text="x"
        )
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("researcher", 302),
        ("study_observer", 302),
        ("other_researcher", 404),
        ("coordinator", 404),
        ("outsider", 404),
    ],
)
def test_who_may_comment(personas: Personas, who: str, status: int) -> None:
    url = reverse("research:comments", args=[personas.study.slug, "plan"])
    response = client_for(getattr(personas, who)).post(url, {"text": "Een opmerking"})
    assert response.status_code == status
    assert Comment.objects.count() == (1 if status == 302 else 0)


@pytest.mark.parametrize(
    ("who", "status"),
    [("researcher", 302), ("study_observer", 403), ("other_researcher", 404)],
)
def test_only_researchers_resolve(personas: Personas, who: str, status: int) -> None:
    thread = services.post_comment(
        study=personas.study, by=personas.study_observer, target="codebook", text="Code 3?"
    )
    url = reverse("research:resolve", args=[personas.study.slug, thread.uuid])
    response = client_for(getattr(personas, who)).post(url)
    assert response.status_code == status
    thread.refresh_from_db()
    assert thread.open is (status != 302)


def test_anonymous_visitors_are_sent_to_log_in(personas: Personas) -> None:
    for name in ("glossary", "literature"):
        response = Client().get(reverse(f"research:{name}", args=[personas.study.slug]))
        assert response.status_code == 302 and "login" in response["Location"]


def test_researchers_see_open_comments_on_their_overview(personas: Personas) -> None:
    services.post_comment(
        study=personas.study, by=personas.study_observer, target="plan", text="Stap 3 is te kort."
    )
    page = client_for(personas.researcher).get(
        reverse("studies:detail", args=[personas.study.slug])
    )
    assert "Stap 3 is te kort." in page.content.decode()
    other = client_for(personas.other_researcher).get(
        reverse("studies:detail", args=[personas.other_study.slug])
    )
    assert "Stap 3 is te kort." not in other.content.decode()


def test_observers_read_but_do_not_change_the_glossary_or_literature(personas: Personas) -> None:
    observer = client_for(personas.study_observer)
    glossary = reverse("research:glossary", args=[personas.study.slug])
    assert observer.get(glossary).status_code == 200
    assert observer.post(glossary, {"seed": "1"}).status_code == 403
    literature = reverse("research:literature", args=[personas.study.slug])
    assert observer.get(literature).status_code == 200
    assert not Term.objects.exists()


def test_codes_and_memos_show_the_glossarys_definitions(personas: Personas) -> None:
    from verbindend.analysis.models import Code, Memo

    study = personas.study
    trust = Code.objects.create(study=study, name="Vertrouwen")
    level = Code.objects.create(study=study, method_key="level.network")
    other = Code.objects.create(study=study, name="Iets anders")
    services.add_term(study=study, by=personas.researcher, term="vertrouwen", definition="Durven.")
    services.seed_glossary(study=study, by=personas.researcher, language="en")
    linked = services.add_term(
        study=study, by=personas.researcher, term="Ritme", definition="Vaste <momenten>."
    )
    services.link_term(term=linked, codes=[other], memos=[])
    memo = Memo.objects.create(
        study=study, author=personas.researcher, code=trust, text="Vertrouwen groeit traag."
    )
    client = Client()
    client.force_login(personas.researcher)

    def page(code: Code) -> str:
        return client.get(reverse("analysis:code", args=[study.slug, code.uuid])).content.decode()

    shown = page(trust)
    assert "In the study's glossary" in shown and "Durven." in shown  # same name
    assert "Glossary: vertrouwen" in shown  # the memo names the term
    network = Term.objects.get(study=study, method_key="level.network")
    assert network.definition[:40] in page(level)  # the same concept of the method
    assert "Vaste &lt;momenten&gt;." in page(other)  # linked by hand, escaped
    assert "Durven." not in page(other)
    # another study's glossary never shows, and a memo that names no term shows none
    Term.objects.create(study=personas.other_study, term="Ritme 2", definition="Elders.")
    memo.text = "Niets hier."
    memo.save()
    assert "Elders." not in page(other) and "Glossary: " not in page(trust)
