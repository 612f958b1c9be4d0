"""Erasing and exporting one person in a full network and study.

The erasure walks every app and then sweeps every text column of every table for the person's
names and free texts, so its cost grows with the database. Baselines in the same run: one
case-insensitive search of all document text for a name (the single biggest scan the sweep
makes), and pseudonymising one person row by hand.
"""

from __future__ import annotations

import random
import time
from datetime import date

from bench._common import emit, fresh_database, median, setup_django, size

PEOPLE = size(2000, 60)
DOCUMENTS = size(100, 5)
WORDS = 3000
ERASURES = size(10, 2)


def build() -> list[int]:
    """A network of PEOPLE with scan answers and live contributions, and a study whose
    DOCUMENTS transcripts (3,000 words each) belong to respondents among them."""
    from django.utils import timezone

    from verbindend.live.models import Contribution, LiveSession, Participant, State, Step
    from verbindend.networks.models import Network, Organisation, Person
    from verbindend.privacy.models import ConsentRecord
    from verbindend.scan.models import Answer, Comment, Response, Round, ScanInvitation
    from verbindend.scan.services import current_items
    from verbindend.studies.models import (
        Case,
        CaseStatus,
        Document,
        DocumentKind,
        Respondent,
        Study,
    )
    from verbindend.studies.services import paragraph_starts

    rng = random.Random(7)
    vocabulary = [f"woord{n}" for n in range(400)]
    network = Network.objects.create(name="Bench", slug="bench-erasure")
    organisation = Organisation.objects.create(name="Bench vzw")
    people = Person.objects.bulk_create(
        Person(
            network=network,
            name=f"Voornaam{n} Achternaam{n}",
            email=f"persoon{n}@bench.test",
            organisation=organisation,
        )
        for n in range(PEOPLE)
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(person=p, purpose="research", text_version="2026.1", given_at=timezone.now())
        for p in people[: PEOPLE // 2]
    )
    items = current_items()
    round_ = Round.objects.create(
        network=network,
        title="Scan",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 2, 1),
        content_version="bench",
        item_keys=items,
        closed_at=timezone.now(),
    )
    invitations = ScanInvitation.objects.bulk_create(
        ScanInvitation(round=round_, person=p, email=p.email, token=f"t{p.pk}") for p in people
    )
    responses = Response.objects.bulk_create(
        Response(round=round_, invitation=i, token=f"r{i.pk}", organisation=organisation)
        for i in invitations
    )
    Answer.objects.bulk_create(
        Answer(
            response=r,
            round=round_,
            item_key=k,
            principle_key="principle." + k.split(".")[1],
            value=rng.randint(1, 5),
        )
        for r in responses
        for k in items
    )
    Comment.objects.bulk_create(
        Comment(response=r, principle_key="principle.p1", text=f"Opmerking van respondent {r.pk}")
        for r in responses
    )
    session = LiveSession.objects.create(
        network=network, title="Sessie", state=State.CLOSED, closed_at=timezone.now()
    )
    step = Step.objects.create(session=session, order=1, kind="open_answer", prompt="Wat?")
    participants = Participant.objects.bulk_create(
        Participant(session=session, display_name=p.name, token=f"p{p.pk}") for p in people
    )
    Contribution.objects.bulk_create(
        Contribution(
            session=session,
            step=step,
            participant=pa,
            sequence=n + 1,
            text=f"Een bijdrage van deelnemer nummer {pa.pk} over samen leren",
        )
        for n, pa in enumerate(participants)
    )
    study = Study.objects.create(name="Bench", slug="bench-erasure")
    case = Case.objects.create(study=study, network=network, status=CaseStatus.AGREED)
    chosen = people[:: max(1, PEOPLE // DOCUMENTS)][:DOCUMENTS]
    for person in chosen:
        respondent = Respondent.objects.create(study=study, case=case, person=person)
        words = [rng.choice(vocabulary) for _ in range(WORDS)]
        words[10:12] = person.name.split()
        text = "\n".join(" ".join(words[i : i + 60]) for i in range(0, WORDS, 60))
        Document.objects.create(
            study=study,
            case=case,
            respondent=respondent,
            kind=DocumentKind.TRANSCRIPT,
            title="Interview",
            text=text,
            length=len(text),
            paragraph_starts=paragraph_starts(text),
        )
    return [p.pk for p in chosen]


def main() -> None:
    with fresh_database() as url:
        setup_django(url)
        chosen = build()
        from verbindend.networks.models import Person
        from verbindend.privacy.personal_data import DataSubject
        from verbindend.privacy.rights import erase_subject, export_subject
        from verbindend.studies.models import Document

        exports, erasures, searches, updates = [], [], [], []
        for pk in chosen[:ERASURES]:
            person = Person.objects.get(pk=pk)
            began = time.perf_counter()
            export_subject(DataSubject(person=person))
            exports.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            Document.objects.filter(text__icontains=person.name).count()
            searches.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            erase_subject(DataSubject(person=person), by=None)
            erasures.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            Person.objects.filter(pk=pk).update(name="Deelnemer X", email="")
            updates.append((time.perf_counter() - began) * 1000)
    emit(
        {
            "bench": "erasure",
            "people": PEOPLE,
            "documents": DOCUMENTS,
            "words_per_document": WORDS,
            "erase_ms": round(median(erasures), 1),
            "erase_max_ms": round(max(erasures), 1),
            "export_ms": round(median(exports), 1),
            "baseline_document_search_ms": round(median(searches), 2),
            "baseline_row_update_ms": round(median(updates), 2),
            "erasures": len(erasures),
        }
    )


if __name__ == "__main__":
    main()
