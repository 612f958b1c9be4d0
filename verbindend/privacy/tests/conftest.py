from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from verbindend.accounts.models import Invitation, User
from verbindend.accounts.services import grant_network_role, grant_study_role
from verbindend.analysis import services as analysis
from verbindend.analysis.models import Memo
from verbindend.core.roles import NetworkRoles, StudyRoles
from verbindend.historyline.models import Exercise, Line, Moment
from verbindend.learninglog.models import Carrier, CarrierKind, Entry
from verbindend.live import services as live_services
from verbindend.live.models import Contribution, LiveSession, Participant, State, Step
from verbindend.networks.models import Person
from verbindend.privacy import audit
from verbindend.privacy.models import ConsentRecord
from verbindend.scan import services as scan_services
from verbindend.scan.models import Answer, Comment, Response, Round, ScanInvitation
from verbindend.studies import services as study_services
from verbindend.studies.models import Case, Document, DocumentKind, Interview, Respondent
from verbindend.testing.personas import Personas, make_user

NAME = "Griet Vandenbroucke"
EMAIL = "griet.vdb@voorbeeld.test"
# Free texts only this person wrote: none of them may survive erasure.
CONTRIBUTION = "Het koffiemoment op dinsdag bracht ons echt samen"
STORY = "Toen de subsidie wegviel, bleef iedereen toch komen"
COMMENT = "Onze trekker luistert te weinig naar de vrijwilligers"
MEMO = "Mijn eigen memo over samenwerking tussen de drie scholen"
RESPONDENT_NOTES = "Belt liever na vijf uur, via haar collega"
INTERVIEW_NOTES = "Zij brengt de notulen van 2019 mee"
PLACE = "Café De Zwaan in Oudenaarde"
# What she said in her interview: kept under the pseudonym only with consent.
SAID = "Ik merk dat we nu samen plannen in plaats van elk apart"
LOG_CHANGE = "Sinds de crisis bellen we elkaar eerst voor we een dossier doorsturen"
FREE_TEXTS = [
    CONTRIBUTION,
    STORY,
    COMMENT,
    MEMO,
    RESPONDENT_NOTES,
    INTERVIEW_NOTES,
    PLACE,
    LOG_CHANGE,
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@dataclass
class Griet:
    person: Person
    user: User
    participant: Participant
    round: Round
    transcript: Document
    summary: Document
    session: LiveSession


def build_griet(p: Personas, *, consent: bool) -> Griet:
    """A person with data in every app: the erasure test's subject."""
    user = make_user(EMAIL, first_name="Griet", last_name="Vandenbroucke")
    grant_network_role(user=user, network=p.network, role=NetworkRoles.MEMBER)
    grant_study_role(user=user, study=p.study, role=StudyRoles.RESEARCHER)
    person = Person.objects.create(
        network=p.network,
        name=NAME,
        email=EMAIL,
        organisation=p.organisation,
        gender="vrouw",
        user=user,
        lead_role="follower",
    )
    if consent:
        ConsentRecord.objects.create(
            person=person, purpose="research", text_version="2026.1", given_at=timezone.now()
        )
    ConsentRecord.objects.create(
        person=person, purpose="participation", text_version="2026.1", given_at=timezone.now()
    )
    Invitation.objects.create(email=EMAIL, network=p.network, role="member", person=person)

    # live: a closed session with an open answer and a scale answer, and a saved synthesis
    session = LiveSession.objects.create(network=p.network, title="Focusgroep")
    open_step = Step.objects.create(session=session, order=1, kind="open_answer", prompt="Wat?")
    scale = Step.objects.create(session=session, order=2, kind="scale", prompt="Hoeveel?")
    participant = Participant.objects.create(session=session, display_name=NAME, user=user)
    Contribution.objects.create(
        session=session, step=open_step, participant=participant, sequence=1, text=CONTRIBUTION
    )
    Contribution.objects.create(
        session=session, step=scale, participant=participant, sequence=2, value={"value": 4}
    )
    live_services.save_synthesis(session=session, notes="Goede sessie", user=p.coordinator)
    LiveSession.objects.filter(pk=session.pk).update(state=State.CLOSED, closed_at=timezone.now())

    # history line
    exercise = Exercise.objects.create(
        network=p.network, title="Tijdlijn", start_date=date(2015, 1, 1), end_date=date(2026, 1, 1)
    )
    line = Line.objects.create(
        exercise=exercise,
        participant_key=f"person:{person.pk}",
        pseudonym="Griet",
        person=person,
        points=[[0, 50], [100, 70]],
    )
    Moment.objects.create(
        line=line, on=date(2020, 3, 1), value=20, kind="valley", title="Crisis", story=STORY
    )

    # scan: a closed round of six, one of them Griet's (with a comment)
    items = scan_services.current_items()
    round_ = Round.objects.create(
        network=p.network,
        title="Scan 2026",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 2, 1),
        content_version="test",
        item_keys=items,
    )
    invitation = ScanInvitation.objects.create(round=round_, person=person, email=EMAIL)
    for number in range(6):
        response = Response.objects.create(
            round=round_,
            invitation=invitation if number == 0 else None,
            organisation=p.organisation,
            organisation_name=p.organisation.name,
            lead_role="follower",
            finished_at=timezone.now(),
            verified=True,
        )
        Answer.objects.bulk_create(
            Answer(
                response=response,
                round=round_,
                item_key=key,
                principle_key="principle." + key.split(".")[1],
                value=1 + (number + i) % 5,
            )
            for i, key in enumerate(items)
        )
        if number == 0:
            Comment.objects.create(response=response, principle_key="principle.p1", text=COMMENT)
    Round.objects.filter(pk=round_.pk).update(closed_at=timezone.now())
    round_.refresh_from_db()

    # study: respondent, interview, transcript with an uploaded original, codings and memos
    case = Case.objects.get(study=p.study, network=p.network)
    respondent = Respondent.objects.create(
        study=p.study, case=case, person=person, notes=RESPONDENT_NOTES, selected=True
    )
    Interview.objects.create(
        study=p.study,
        respondent=respondent,
        scheduled_at=timezone.now() - timedelta(days=3),
        place=PLACE,
        notes=INTERVIEW_NOTES,
    )
    text = f"Interviewer: Dag {NAME}, vertel eens.\n{NAME}: {SAID}.\nInterviewer: Dank je."
    transcript = Document.objects.create(
        study=p.study,
        case=case,
        respondent=respondent,
        kind=DocumentKind.TRANSCRIPT,
        title=f"Interview met {NAME}",
        text=text,
        length=len(text),
        paragraph_starts=study_services.paragraph_starts(text),
    )
    transcript.original.save("interview.txt", ContentFile(text.encode()), save=True)
    summary = study_services.add_material(
        study=p.study,
        kind=DocumentKind.SESSION_SUMMARY,
        title="Focusgroep",
        text=f"Antwoorden:\n{CONTRIBUTION}\nEn nog iets anders.",
        case=case,
        origin_ref=f"live-session:{session.pk}",
    )
    analysis.seed_codebook(study=p.study)
    code = analysis.code_for_key(p.study, "principle.p1")
    said_at = text.index(SAID)
    analysis.apply_code(
        document=transcript, code=code, coder=user, start=said_at, end=said_at + len(SAID)
    )
    analysis.apply_code(
        document=transcript, code=code, coder=p.researcher, start=said_at, end=len(text)
    )
    Memo.objects.create(study=p.study, author=user, document=transcript, text=MEMO)
    Memo.objects.create(
        study=p.study, author=p.researcher, document=transcript, text=f"{NAME} twijfelde hier."
    )
    # learning log: a change she was involved in, told in her words, and her as a knowledge carrier
    entry = Entry.objects.create(
        network=p.network,
        title="Samen plannen",
        change=LOG_CHANGE,
        involved=NAME,
        evidence_learned=LOG_CHANGE,
        created_by=user,
    )
    entry.people.add(person)
    Carrier.objects.create(
        network=p.network,
        kind=CarrierKind.PERSON,
        name=NAME,
        person=person,
        knowledge_types=["knowledge.social"],
    )

    # an admin's log line and an audit event
    LogEntry.objects.create(
        user=p.admin,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message=f"Changed email of {NAME}",
    )
    audit.record(None, "viewed", person)
    return Griet(person, user, participant, round_, transcript, summary, session)
