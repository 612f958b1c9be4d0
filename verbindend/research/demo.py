"""Demo data: a guidance-committee member, a glossary with history, literature, open comments."""

from __future__ import annotations

from typing import Any

from verbindend.accounts.models import User
from verbindend.accounts.services import grant_study_role
from verbindend.core.roles import StudyRoles
from verbindend.research import services
from verbindend.research.models import Comment, Reference, Term
from verbindend.studies.models import StudyRole

COMMITTEE_EMAIL = "committee@verbindend.demo"

LITERATURE = r"""
@techreport{opstaele2021,
  author = {Opstaele, Veerle and Bonn{\'e}, Karijn and Naert, Linda},
  title = {Verbindend leren: collectief leren in netwerken van organisaties},
  institution = {Arteveldehogeschool},
  year = {2021},
  keywords = {netwerken, collectief leren},
  annote = {Het onderzoeksrapport waarop de methode steunt.}
}
@book{luther2011,
  author = {Luther, Michael},
  title = {Leren in organisaties},
  publisher = {Academia Press},
  year = {2011},
  keywords = {leren}
}
@article{provan2008,
  author = {Provan, Keith G. and Kenis, Patrick},
  title = {Modes of Network Governance: Structure, Management, and Effectiveness},
  journal = {Journal of Public Administration Research and Theory},
  volume = {18},
  number = {2},
  pages = {229--252},
  year = {2008},
  doi = {10.1093/jopart/mum015},
  keywords = {governance, netwerken}
}
"""


def extend_demo(*, network: Any, study: Any) -> None:
    from verbindend.core.demo import DEMO_PASSWORD

    member, created = User.objects.get_or_create(
        username=COMMITTEE_EMAIL,
        defaults={"email": COMMITTEE_EMAIL, "first_name": "Bea", "last_name": "Begeleiding"},
    )
    if created:
        member.set_password(DEMO_PASSWORD)
        member.save()
    if not StudyRole.objects.filter(study=study, user=member).exists():
        grant_study_role(user=member, study=study, role=StudyRoles.OBSERVER)
    researcher = StudyRole.objects.filter(study=study, role=StudyRoles.RESEARCHER).first()
    by = researcher.user if researcher else None
    if not Term.objects.filter(study=study).exists():
        services.seed_glossary(study=study, by=by, language="nl")
        term = Term.objects.filter(study=study, method_key="condition.anchored").first()
        if term is not None:
            services.agree(term=term, by=member)
            services.revise_term(
                term=term,
                by=by,
                name=term.term,
                definition=term.definition
                + " In deze studie: zichtbaar in een afspraak, een systeem of een vaste werkwijze.",
                note="Afgesproken op het teamoverleg",
            )
            if by is not None:
                services.agree(term=term, by=by)
        from verbindend.analysis.models import Code

        for linked in Term.objects.filter(study=study).exclude(method_key=""):
            codes = list(Code.objects.filter(study=study, method_key=linked.method_key))
            if codes:
                services.link_term(term=linked, codes=codes, memos=[])
    if not Reference.objects.filter(study=study).exists():
        services.import_references(study=study, data=LITERATURE.encode(), fmt="bibtex")
        from verbindend.analysis.models import Code

        governance = Reference.objects.filter(study=study, key="provan2008").first()
        trust = Code.objects.filter(study=study, name__startswith="Vertrouwen").first()
        if governance is not None and trust is not None:
            services.update_reference(
                reference=governance,
                notes="Bruikbaar om de bestuursvorm van de casussen te benoemen.",
                tags=list(governance.tags),
                codes=[trust],
                memos=[],
            )
    if not Comment.objects.filter(study=study).exists():
        thread = services.post_comment(
            study=study,
            by=member,
            target="plan",
            text="Plan je de focusgroep pas na de eerste analyse van de interviews?",
        )
        if by is not None:
            services.post_comment(
                study=study,
                by=by,
                target="plan",
                parent=thread,
                text="Ja, de thema's komen uit de eerste codering.",
            )
        services.post_comment(
            study=study,
            by=member,
            target="codebook",
            text="Kunnen jullie 'verankeren' scherper afbakenen tegenover 'delen'?",
        )
    if by is not None:
        interview_demo(study=study, by=by)


#: an interview that followed the guide, as the transcriber wrote it out
GUIDED_TRANSCRIPT = """\
Interviewer: Dank je om mee te doen. Ik toon eerst het beeld met de drie niveaus. Welke \
voorwaarden en welke settings bevorderen volgens jou het leren op de drie niveaus?
{name}: Tijd om elkaar echt te leren kennen, en een vaste plek waar we samenkomen. Zonder \
vertrouwen gebeurt er weinig.
Interviewer: Wat moet er aanwezig zijn opdat leren op de drie niveaus kan plaatsvinden?
{name}: Mensen die durven vragen stellen, en een coördinator die dat toelaat.
Interviewer: Wat heeft daar invloed op?
{name}: Vooral de tijd die organisaties vrijmaken. Als de directie het belangrijk vindt, lukt \
het.
Interviewer: Wie of wat speelt daarbij een belangrijke rol?
{name}: De trekker van het netwerk, zeker in het begin. Later namen anderen dat over.
Interviewer: Dan het tweede beeld, over soorten kennis. Welke soorten kennis zijn er aanwezig?
{name}: Veel ervaringskennis van de werkvloer, en wat kennis over subsidies en regelgeving.
Interviewer: Welke kennis wordt er in het netwerk gedeeld?
{name}: Vooral praktijkvoorbeelden: hoe pak je een moeilijke aanvraag aan, wie kan je bellen.
Interviewer: Kan je daar enkele voorbeelden van geven?
{name}: Vorig jaar hebben we samen een draaiboek voor de intake gemaakt. Dat gebruiken nu vier \
organisaties.
Interviewer: Tot slot de historielijn. Teken de historielijn van het netwerk en vertel erover.
{name}: We begonnen klein, daarna kwam de piek met het gezamenlijke project, en toen een dip \
toen de trekker wegviel.
"""

DEMO_NOTES = {
    "interview.levels": "Noemt tijd en vertrouwen eerst; plek om samen te komen.",
    "interview.levels.q4": "Rol van de trekker: eerst één persoon, later gedeeld.",
    "interview.knowledge.q3": "Draaiboek intake — vragen of we het mogen inkijken.",
}


def interview_demo(*, study: Any, by: Any) -> None:
    """A done interview in interview mode (notes, the guided transcript aligned) and a planned
    one whose respondent has not consented to recording yet."""
    from datetime import date, timedelta

    from django.utils import timezone

    from verbindend.research import interviews
    from verbindend.research.models import InterviewRun
    from verbindend.studies import services as studies
    from verbindend.studies.models import DocumentKind, Interview, InterviewStatus, Respondent
    from verbindend.studies.transcripts import from_lines

    if InterviewRun.objects.filter(study=study).exists():
        return
    selected = list(Respondent.objects.filter(study=study, selected=True).select_related("person"))
    if len(selected) < 2:
        return
    done, planned = selected[0], selected[1]
    studies.record_consent(respondent=done, purpose="recording", given=True)
    interview = Interview.objects.create(
        study=study,
        respondent=done,
        scheduled_at=timezone.now() - timedelta(days=21),
        place="Vormingplus Gent-Eeklo",
        status=InterviewStatus.DONE,
    )
    Interview.objects.create(
        study=study,
        respondent=planned,
        scheduled_at=timezone.now() + timedelta(days=10),
        place="Online",
    )
    run = interviews.start(interview=interview, by=by)
    for question in interviews.guide():
        if question.key in DEMO_NOTES:
            interviews.save_note(
                run=run, number=question.number, text=DEMO_NOTES[question.key], by=by
            )
    spoken = from_lines(GUIDED_TRANSCRIPT.format(name=done.person.name).splitlines())
    if spoken is None:
        return
    document = studies.add_material(
        study=study,
        kind=DocumentKind.TRANSCRIPT,
        title=f"Interview volgens de gids: {done.person.name}",
        text=spoken.text,
        case=done.case,
        source="Opname interview, uitgeschreven",
        date=date.today() - timedelta(days=20),
        origin_ref="demo:guided-transcript",
        language="nl",
    )
    if document.text != spoken.text:
        return
    type(document).objects.filter(pk=document.pk).update(
        turns=spoken.turns,
        speakers={"Interviewer": "interviewer", done.person.name: str(done.pk)},
        respondent=done,
    )
    document.refresh_from_db()
    interviews.attach_transcript(run=run, document=document, by=by)
