"""A study's session arrives in the study as material; its themes and tags become codings."""

from __future__ import annotations

from verbindend.analysis.models import Coding
from verbindend.live import services, synthesis
from verbindend.live.material import THEME_GROUP, summary_text
from verbindend.live.models import Contribution
from verbindend.studies.models import Document
from verbindend.testing.personas import Personas


def test_saving_a_study_sessions_synthesis_sends_it_with_codings(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.researcher, template="cross_network", study=personas.study
    )
    services.start(session=session)
    session.refresh_from_db()
    step = session.current_step
    services.enter_for(session=session, step=step, name="A", text="Samen een jobbeurs 🎉 opgezet")
    services.enter_for(session=session, step=step, name="B", text="Café-overleg élke maand")
    first, second = Contribution.objects.filter(session=session).order_by("sequence")
    theme = services.add_theme(session=session, name="Samen doen")
    services.set_theme(contribution=first, theme=theme)
    services.toggle_tag(contribution=second, tag="principle.p2")

    services.save_synthesis(session=session, notes="", user=personas.researcher)

    document = Document.objects.get(study=personas.study, kind="session_summary")
    codings = {
        (c.code.method_key or c.code.name, document.text[c.start : c.end])
        for c in Coding.objects.filter(document=document).select_related("code")
    }
    assert codings == {
        ("Samen doen", "Samen een jobbeurs 🎉 opgezet"),
        ("principle.p2", "Café-overleg élke maand"),
    }
    assert all(c.coder == personas.researcher for c in Coding.objects.all())
    assert Coding.objects.get(code__name="Samen doen").code.parent.name == THEME_GROUP

    # Saving again replaces the text and the codings; nothing is doubled.
    services.save_synthesis(session=session, notes="", user=personas.researcher)
    assert Document.objects.filter(study=personas.study, kind="session_summary").count() == 1
    assert Coding.objects.count() == 2


def test_a_network_session_stays_in_the_network(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.facilitator, template="focus_group", network=personas.network
    )
    services.save_synthesis(session=session, notes="", user=personas.facilitator)
    assert not Document.objects.exists()


def test_summary_text_spans_point_at_the_items(personas: Personas) -> None:
    session = services.create_session(
        creator=personas.researcher, template="cross_network", study=personas.study
    )
    services.start(session=session)
    session.refresh_from_db()
    services.enter_for(
        session=session, step=session.current_step, name="A", text="e\u0301 combining + 👩‍👩‍👧"
    )
    text, spans = summary_text(synthesis.session_summary(session))
    (start, end, _theme, _tags) = spans[0]
    assert text[start:end] == "\u00e9 combining + 👩‍👩‍👧"  # NFC, as stored documents are
