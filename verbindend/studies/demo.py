"""Demo material for the demo study: a plan, judgements, candidate respondents and three
fictional documents (two interview transcripts and a network document), in Dutch."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from verbindend.networks.models import LeadRole, Network, Person
from verbindend.privacy.models import ConsentPurpose
from verbindend.studies import services
from verbindend.studies.models import (
    Case,
    DocumentKind,
    Interview,
    Judgement,
    Respondent,
    StepStatus,
    Study,
)

#: a second interview, left uncoded in the demo so that the suggested codes have work to do
FOLLOWER_TRANSCRIPT = """\
Interviewer: Hoe ben jij bij het netwerk betrokken geraakt?
Respondent: Via mijn leidinggevende. Ze vroeg of ik de maandelijkse overleggen wilde volgen, \
omdat ik het meest met werkzoekenden werk. In het begin zat ik vooral te luisteren.
Interviewer: Wat heb je sindsdien geleerd?
Respondent: Dat de andere organisaties met dezelfde vragen worstelen als wij. We hebben \
samen een draaiboek gemaakt voor het eerste gesprek met een nieuwe deelnemer, en dat gebruik ik \
nu elke week.
Interviewer: Merk je dat ook in je eigen organisatie?
Respondent: Ja. Mijn collega's vragen nu zelf naar het draaiboek, en we hebben het aangepast aan \
onze eigen werking. Dat was er zonder het netwerk niet gekomen.
Interviewer: Wat maakt het soms moeilijk?
Respondent: Er komen nieuwe partners bij die de voorgeschiedenis niet kennen. Dan moeten we \
opnieuw uitleggen waarom we dingen doen zoals we ze doen, en dat kost tijd die niemand echt heeft.
Interviewer: Wat zou helpen?
Respondent: Een vast moment om stil te staan bij wat we bereikt hebben. Nu gaan we meteen door \
naar het volgende project, en vergeten we te vieren wat goed ging.
"""

TRANSCRIPT = """\
Interviewer: Fijn dat je tijd maakt. Kun je vertellen hoe je bij Werkwinkel Gent terechtkwam?
Respondent: Ik kwam erbij in 2015, toen we met vier organisaties een gezamenlijke vacaturebank \
wilden opzetten. Niemand had daar toen echt ervaring mee.
Interviewer: Wat doen jullie vandaag anders dan toen?
Respondent: We bellen elkaar nu voor we een deelnemer doorverwijzen. Vroeger stuurden we gewoon \
een formulier. Dat klinkt klein, maar het heeft veel veranderd: we kennen elkaars werking beter.
Interviewer: Hoe is dat zo gegroeid?
Respondent: Na een moeilijke periode, toen een project stopte, hebben we samen teruggeblikt. \
Daar is afgesproken dat elke organisatie een vast aanspreekpunt heeft. Dat staat nu ook in ons \
huishoudelijk reglement.
Interviewer: Wat heb jij daar zelf uit geleerd?
Respondent: Dat je het gesprek over wat misloopt niet moet uitstellen. En dat nieuwe collega's \
pas echt meedoen als iemand hen meeneemt naar het overleg.
"""

NETWORK_DOCUMENT = """\
Verslag stuurgroep Werkwinkel Gent — 14 maart 2024
Aanwezig: acht van de twaalf partnerorganisaties.
1. Terugblik op het voorbije jaar
De gezamenlijke vacaturebank telt 140 plaatsen. Drie organisaties namen nieuwe trajecten op.
2. Leren als netwerk
De stuurgroep spreekt af om twee keer per jaar een intervisie te organiseren waarin partners \
een geslaagde samenwerking en een moeilijke situatie inbrengen.
3. Nieuwe partners
Leerwerkplek Atlas stapte uit het netwerk. Twee nieuwe organisaties tonen interesse; een \
onthaalmoment wordt voorbereid.
4. Volgende vergadering
Juni 2024, bij Vormingplus Gent-Eeklo.
"""


def extend_demo(*, network: Network, study: Study) -> None:
    case = Case.objects.filter(study=study, network=network).first()
    if case is None:
        return
    steps = services.ensure_steps(study=study)
    start = date(2026, 1, 12)
    for index, step in enumerate(steps):
        if step.starts_on is None:
            step.starts_on = start + timedelta(weeks=6 * index)
            step.ends_on = step.starts_on + timedelta(weeks=5)
            step.status = StepStatus.DONE if index < 2 else StepStatus.PLANNED
            step.save()
    assessment = services.assessment_for(case=case)
    if not assessment.open_about_history:
        assessment.durable = Judgement.YES
        assessment.open_about_history = Judgement.YES
        assessment.save()
    people = list(Person.objects.filter(network=network).order_by("pk")[:6])
    respondents = []
    for index, person in enumerate(people):
        respondent, created = Respondent.objects.get_or_create(
            case=case,
            person=person,
            defaults={
                "study": study,
                "selected": index < 4,
                "positive_experiences": index % 2 == 0,
                "critical_experiences": index % 3 == 0,
                "reflective": Judgement.YES if index != 2 else Judgement.NO,
            },
        )
        respondents.append(respondent)
        if created and index < 4:
            services.record_consent(
                respondent=respondent, purpose=ConsentPurpose.RESEARCH, given=True
            )
    trekker = next((r for r in respondents if r.person.lead_role == LeadRole.TREKKER), None)
    if trekker and not trekker.interviews.exists():
        Interview.objects.create(
            study=study,
            respondent=trekker,
            scheduled_at=timezone.now() + timedelta(days=7),
            place="Vormingplus Gent-Eeklo",
        )
    services.add_material(
        study=study,
        kind=DocumentKind.NETWORK_DOCUMENT,
        title="Verslag stuurgroep maart 2024",
        text=NETWORK_DOCUMENT,
        case=case,
        source="Verslagen van de stuurgroep",
        date=date(2024, 3, 14),
        origin_ref="demo:network-document",
        language="nl",
    )
    transcript = services.add_material(
        study=study,
        kind=DocumentKind.TRANSCRIPT,
        title="Interview met een trekker",
        text=TRANSCRIPT,
        case=case,
        source="Opname interview, uitgeschreven",
        date=date(2026, 2, 20),
        origin_ref="demo:transcript",
        language="nl",
    )
    services.add_material(
        study=study,
        kind=DocumentKind.TRANSCRIPT,
        title="Interview met een volger",
        text=FOLLOWER_TRANSCRIPT,
        case=case,
        source="Opname interview, uitgeschreven",
        date=date(2026, 3, 4),
        origin_ref="demo:transcript-follower",
        language="nl",
    )
    if trekker and transcript.respondent_id is None:
        transcript.respondent = trekker
        transcript.save(update_fields=["respondent"])
