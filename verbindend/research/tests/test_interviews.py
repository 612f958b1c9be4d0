"""Interview mode: the guide, the consent check first, notes per question, the aligned
transcript."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from verbindend.analysis.models import Code, Coding
from verbindend.core.errors import DomainError
from verbindend.privacy.models import ConsentPurpose, ConsentRecord
from verbindend.research import alignment, interviews
from verbindend.research.models import InterviewNote, InterviewRun
from verbindend.studies import transcripts
from verbindend.studies.models import Document, Interview, Respondent, Study
from verbindend.testing.personas import Personas

TRANSCRIPT = """\
Interviewer: Welkom, fijn dat je er bent. We beginnen met het eerste beeld.
Interviewer: Welke voorwaarden en welke settings bevorderen volgens jou het leren op de drie \
niveaus?
Ann Noord: Vooral tijd en vertrouwen, en een plek om samen te komen.
Interviewer: Goed. Wat moet er aanwezig zijn opdat leren op drie niveaus kan plaatsvinden?
Ann Noord: Mensen die durven vragen stellen.
Interviewer: Wie of wat speelt daarbij een belangrijke rol?
Ann Noord: De coördinator, zeker in het begin.
Interviewer: Welke soorten kennis zijn er aanwezig?
Ann Noord: Vooral ervaringskennis.
Interviewer: Dank je wel voor het gesprek.
"""


@pytest.fixture
def interview(personas: Personas) -> Interview:
    respondent = Respondent.objects.create(
        study=personas.study, case=personas.study.cases.get(), person=personas.person
    )
    return Interview.objects.create(
        study=personas.study, respondent=respondent, scheduled_at=timezone.now()
    )


def _consent(interview: Interview) -> ConsentRecord:
    return ConsentRecord.objects.create(
        person=interview.respondent.person,
        purpose=ConsentPurpose.RECORDING,
        text_version="2026-1",
        given_at=timezone.now() - timedelta(days=2),
    )


def _transcript(personas: Personas, text: str = TRANSCRIPT, study: Study | None = None) -> Document:
    spoken = transcripts.from_lines(text.splitlines())
    assert spoken is not None
    return Document.objects.create(
        study=study or personas.study,
        kind="transcript",
        title="Interview Ann",
        text=spoken.text,
        length=len(spoken.text),
        turns=spoken.turns,
    )


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _url(name: str, interview: Interview, *args: object) -> str:
    return reverse(f"research:{name}", args=[interview.study.slug, interview.pk, *args])


# -- the guide -----------------------------------------------------------------------------------


def test_the_guide_follows_the_interview_blueprint_theme_by_theme() -> None:
    guide = interviews.guide()
    assert [q.number for q in guide] == list(range(1, len(guide) + 1))
    firsts = [q for q in guide if q.first_of_theme]
    assert [q.key for q in firsts] == [
        "interview.levels",
        "interview.knowledge",
        "interview.history_line",
    ]
    assert guide[1].key == "interview.levels.q1" and guide[1].aid == "levels"
    assert guide[-1].key == "exercise.history_line.q_red_thread"
    assert guide[-1].aid == "history_line_frame"
    assert len(guide) == 1 + 4 + 1 + 8 + 1 + 3


# -- consent first -------------------------------------------------------------------------------


def test_without_consent_for_recording_the_interview_does_not_start(
    personas: Personas, interview: Interview
) -> None:
    with pytest.raises(DomainError, match="has not consented to recording"):
        interviews.start(interview=interview, by=personas.researcher)
    client = _client(personas.researcher)
    page = client.get(_url("interview", interview)).content.decode()
    assert "Ann Noord has not consented to recording." in page
    assert "Do not record this interview" in page
    response = client.post(_url("interview", interview), {})
    assert response.status_code == 400
    assert "has not consented to recording" in response.content.decode()
    assert not InterviewRun.objects.exists()
    # the interviewer's explicit choice: notes only
    response = client.post(_url("interview", interview), {"without_recording": "1"})
    assert response["Location"] == _url("interview_question", interview, 1)
    run = InterviewRun.objects.get()
    assert run.recording is False and run.consent_version == ""
    assert "do not record" in client.get(_url("interview_question", interview, 1)).content.decode()


def test_with_consent_it_starts_and_remembers_the_version(
    personas: Personas, interview: Interview
) -> None:
    _consent(interview)
    client = _client(personas.researcher)
    page = client.get(_url("interview", interview)).content.decode()
    assert "consented to recording and transcribing" in page and "2026-1" in page
    client.post(_url("interview", interview), {})
    run = InterviewRun.objects.get()
    assert run.recording is True and run.consent_version == "2026-1"
    client.post(_url("interview", interview), {})  # starting twice changes nothing
    assert InterviewRun.objects.count() == 1


def test_withdrawn_consent_counts_as_none(personas: Personas, interview: Interview) -> None:
    record = _consent(interview)
    record.withdrawn_at = timezone.now()
    record.save()
    assert interviews.recording_consent(interview) is None


# -- one question at a time, with notes ----------------------------------------------------------


def test_a_question_shows_its_theme_aid_and_saves_notes(
    personas: Personas, interview: Interview
) -> None:
    _consent(interview)
    client = _client(personas.researcher)
    client.post(_url("interview", interview), {})
    page = client.get(_url("interview_question", interview, 2)).content.decode()
    assert "Question 2 of 18" in page
    assert "What needs to be in place for learning to take place on the three levels?" in page
    assert "<svg" in page and "Connected learning is learning on three levels" in page
    response = client.post(
        _url("interview_question", interview, 2), {"text": "Tijd <b>en</b> ruimte", "go": "3"}
    )
    assert response["Location"] == _url("interview_question", interview, 3)
    assert InterviewNote.objects.get().text == "Tijd <b>en</b> ruimte"
    page = client.get(_url("interview_question", interview, 2)).content.decode()
    assert "Tijd &lt;b&gt;en&lt;/b&gt; ruimte" in page and "Saved at" in page
    # the page's script saves while typing, and stays
    response = client.post(
        _url("interview_question", interview, 2),
        {"text": "Tijd en ruimte, en vertrouwen"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json()["saved"].startswith("Saved at")
    assert InterviewNote.objects.get().text == "Tijd en ruimte, en vertrouwen"
    overview = client.get(_url("interview", interview)).content.decode()
    assert "Tijd en ruimte, en vertrouwen" in overview


def test_bad_input_is_refused_and_nothing_changes(personas: Personas, interview: Interview) -> None:
    client = _client(personas.researcher)
    # not started: no question page
    response = client.get(_url("interview_question", interview, 1))
    assert response.status_code == 400 and "Start the interview first" in response.content.decode()
    _consent(interview)
    client.post(_url("interview", interview), {})
    client.post(_url("interview_question", interview, 1), {"text": "eerst", "go": "1"})
    response = client.post(_url("interview_question", interview, 1), {"text": "x" * 20001})
    assert response.status_code == 400 and "at most 20,000 characters" in response.content.decode()
    assert client.get(_url("interview_question", interview, 99)).status_code == 404
    assert list(InterviewNote.objects.values_list("text", flat=True)) == ["eerst"]


def test_other_researchers_observers_and_anonymous_visitors_get_nothing(
    personas: Personas, interview: Interview
) -> None:
    _consent(interview)
    _client(personas.researcher).post(_url("interview", interview), {})
    run = InterviewRun.objects.get()
    document = _transcript(personas)
    urls = [
        ("get", _url("interview", interview), {}),
        ("post", _url("interview", interview), {"without_recording": "1"}),
        ("get", _url("interview_question", interview, 1), {}),
        ("post", _url("interview_question", interview, 1), {"text": "gestolen"}),
        ("post", _url("interview_transcript", interview), {"document": document.pk}),
    ]
    expected = ((personas.other_researcher, 404), (personas.study_observer, 403))
    for user, status in expected:
        client = _client(user)
        for method, url, data in urls:
            assert getattr(client, method)(url, data).status_code == status, (user, url)
    anonymous = Client()
    for method, url, data in urls:
        response = getattr(anonymous, method)(url, data)
        assert response.status_code == 302 and "login" in response["Location"]
    list_url = reverse("research:interviews", args=[personas.study.slug])
    assert _client(personas.other_researcher).get(list_url).status_code == 404
    assert _client(personas.study_observer).get(list_url).status_code == 403
    assert not InterviewNote.objects.exists()
    run.refresh_from_db()
    assert run.transcript is None and not Coding.objects.exists()


# -- the transcript, aligned to the guide ---------------------------------------------------------


def test_the_transcript_is_aligned_to_the_questions_asked(
    personas: Personas, interview: Interview
) -> None:
    _consent(interview)
    client = _client(personas.researcher)
    client.post(_url("interview", interview), {})
    document = _transcript(personas)
    response = client.post(_url("interview_transcript", interview), {"document": document.pk})
    assert response.status_code == 302
    page = client.get(_url("interview", interview)).content.decode()
    assert "4 of the 18 questions were found" in page
    run = InterviewRun.objects.get()
    assert [span["key"] for span in run.aligned] == [
        "interview.levels",
        "interview.levels.q1",
        "interview.levels.q4",
        "interview.knowledge.q1",
    ]
    text = document.text

    def coded(key: str) -> str:
        coding = Coding.objects.get(code__method_key=key)
        return text[coding.start : coding.end]

    assert coded("interview.levels.q1").startswith("Interviewer: Goed. Wat moet er aanwezig")
    assert coded("interview.levels.q1").endswith("Mensen die durven vragen stellen.")
    assert coded("interview.levels.q4").endswith("De coördinator, zeker in het begin.")
    # the interviewer's two lines are one turn: a section starts where the asking turn starts
    assert coded("interview.levels").startswith("Interviewer: Welkom, fijn dat je er bent.")
    assert coded("interview.levels").endswith("zeker in het begin.")
    assert coded("interview.knowledge").endswith("Dank je wel voor het gesprek.")
    q1 = Code.objects.get(method_key="interview.levels.q1")
    assert q1.parent is not None and q1.parent.method_key == "interview.levels"
    assert q1.label == "What needs to be in place for learning to take place on the three levels?"
    # aligning again replaces the earlier alignment; detaching removes it; hand-made codings stay
    by_hand = Coding.objects.create(
        study=personas.study, document=document, code=q1, coder=personas.researcher, start=0, end=5
    )
    client.post(_url("interview_transcript", interview), {"document": document.pk})
    assert Coding.objects.filter(code__method_key="interview.levels.q1").count() == 2
    client.post(_url("interview_transcript", interview), {"detach": "1"})
    assert list(Coding.objects.all()) == [by_hand]


def test_a_transcript_without_turns_or_of_another_study_is_refused(
    personas: Personas, interview: Interview
) -> None:
    _consent(interview)
    client = _client(personas.researcher)
    client.post(_url("interview", interview), {})
    flat = Document.objects.create(
        study=personas.study, kind="transcript", title="Plat", text="Gewoon tekst.", length=13
    )
    response = client.post(_url("interview_transcript", interview), {"document": flat.pk})
    assert response.status_code == 400 and "no speaker turns" in response.content.decode()
    elsewhere = _transcript(personas, study=personas.other_study)
    response = client.post(_url("interview_transcript", interview), {"document": elsewhere.pk})
    assert response.status_code == 400
    assert "Choose one of the study's transcripts." in html.unescape(response.content.decode())
    response = client.post(_url("interview_transcript", interview), {"document": "x"})
    assert response.status_code == 400
    assert InterviewRun.objects.get().transcript is None and not Coding.objects.exists()


def test_alignment_keeps_the_guides_order_and_skips_what_was_not_asked() -> None:
    spoken = transcripts.from_lines(
        [
            "Interviewer: Wie of wat speelt daarbij een belangrijke rol?",
            "R: De trekker.",
            "Interviewer: Wat heeft daar invloed op?",
            "R: Geld.",
        ]
    )
    assert spoken is not None
    questions = [
        ["Wat heeft daar invloed op?"],
        ["Iets wat nooit gevraagd werd over de zee?"],
        ["Wie of wat speelt daarbij een belangrijke rol?"],
    ]
    found = alignment.align(questions, spoken.text, spoken.turns, {})
    assert list(found) in ([0], [2])  # never both: they were asked the other way round
    assert (
        alignment.similarity(
            ["Welke soorten kennis zijn er aanwezig?"], "Ok. Welke soorten kennis zijn aanwezig?"
        )
        > 0.8
    )


def test_the_notes_are_part_of_the_respondents_data_rights(
    personas: Personas, interview: Interview
) -> None:
    from verbindend.privacy import rights
    from verbindend.privacy.personal_data import DataSubject

    _consent(interview)
    run = interviews.start(interview=interview, by=personas.researcher)
    interviews.save_note(run=run, number=2, text="Ann twijfelt over de trekker.", by=None)
    subject = DataSubject(person=personas.person)
    data = rights.export_subject(subject)
    (row,) = data["apps"]["research"]["interview_notes"]
    assert row["text"] == "Ann twijfelt over de trekker."
    assert row["title"].startswith("What needs to be in place")
    assert "The interviewer&#x27;s notes on your interviews" in rights.export_html(data)
    rights.erase_subject(subject, by=personas.researcher)
    assert InterviewNote.objects.get().text == ""
