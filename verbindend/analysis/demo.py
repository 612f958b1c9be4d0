"""Demo codings: the demo study's two documents coded by two researchers, so that agreement,
matrices and retrieval show something. Idempotent: codings are found again, not added twice."""

from __future__ import annotations

from verbindend.accounts.models import User
from verbindend.accounts.services import grant_study_role
from verbindend.analysis import services
from verbindend.analysis.models import Code, Coding, Memo
from verbindend.core.demo import DEMO_PASSWORD
from verbindend.core.roles import StudyRoles
from verbindend.networks.models import Network
from verbindend.studies.models import Document, DocumentKind, Study, StudyRole

SECOND_CODER = "coder@verbindend.demo"

#: (phrase in the text, method key) — what the first researcher coded
TRANSCRIPT_CODES = [
    ("We bellen elkaar nu voor we een deelnemer doorverwijzen", "principle.p1"),
    ("We bellen elkaar nu voor we een deelnemer doorverwijzen", "condition.collective_behaviour"),
    ("we kennen elkaars werking beter", "condition.shared"),
    ("we kennen elkaars werking beter", "level.organisation"),
    ("hebben we samen teruggeblikt", "principle.p2"),
    ("elke organisatie een vast aanspreekpunt heeft", "condition.anchored"),
    ("Dat staat nu ook in ons huishoudelijk reglement", "carrier.management_system"),
    ("Dat staat nu ook in ons huishoudelijk reglement", "level.network"),
    ("je het gesprek over wat misloopt niet moet uitstellen", "condition.learned"),
    ("je het gesprek over wat misloopt niet moet uitstellen", "level.individual"),
    ("nieuwe collega's pas echt meedoen als iemand hen meeneemt naar het overleg", "principle.p4"),
    ("nieuwe collega's pas echt meedoen", "carrier.people"),
    ("Niemand had daar toen echt ervaring mee", "knowledge.intervention"),
]
DOCUMENT_CODES = [
    ("De gezamenlijke vacaturebank telt 140 plaatsen", "principle.p1"),
    ("De gezamenlijke vacaturebank telt 140 plaatsen", "level.network"),
    ("twee keer per jaar een intervisie te organiseren", "principle.p2"),
    ("twee keer per jaar een intervisie te organiseren", "condition.anchored"),
    ("een geslaagde samenwerking en een moeilijke situatie inbrengen", "knowledge.social"),
    ("Leerwerkplek Atlas stapte uit het netwerk", "principle.p4"),
    ("een onthaalmoment wordt voorbereid", "principle.p3"),
    ("een onthaalmoment wordt voorbereid", "level.network"),
]
#: the second researcher: mostly the same, some spans longer or shorter, some codes differ
SECOND_TRANSCRIPT = [
    ("We bellen elkaar nu voor we een deelnemer doorverwijzen. Vroeger stuurden", "principle.p1"),
    ("We bellen elkaar nu voor we een deelnemer doorverwijzen", "condition.collective_behaviour"),
    ("elkaars werking beter", "condition.shared"),
    ("we kennen elkaars werking beter", "level.organisation"),
    ("samen teruggeblikt", "principle.p2"),
    ("vast aanspreekpunt", "condition.anchored"),
    ("huishoudelijk reglement", "carrier.management_system"),
    ("wat misloopt niet moet uitstellen", "condition.learned"),
    ("iemand hen meeneemt naar het overleg", "principle.p5"),
]
SECOND_DOCUMENT = [
    ("De gezamenlijke vacaturebank telt 140 plaatsen", "principle.p1"),
    ("een intervisie te organiseren", "principle.p2"),
    ("Twee nieuwe organisaties tonen interesse", "principle.p4"),
    ("een onthaalmoment wordt voorbereid", "principle.p3"),
]


def _second_coder(study: Study) -> User:
    user, created = User.objects.get_or_create(
        username=SECOND_CODER,
        defaults={"email": SECOND_CODER, "first_name": "Sam", "last_name": "Tweede"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    if not StudyRole.objects.filter(user=user, study=study).exists():
        grant_study_role(user=user, study=study, role=StudyRoles.RESEARCHER)
    return user


def _code(document: Document, coder: User, items: list[tuple[str, str]]) -> None:
    found = []
    for phrase, key in items:
        start = document.text.find(phrase)
        if start >= 0:
            found.append((start, start + len(phrase), key))
    services.import_codings(study=document.study, document=document, items=found, coder=coder)


def extend_demo(*, network: Network, study: Study) -> None:
    first = StudyRole.objects.filter(study=study, role=StudyRoles.RESEARCHER).first()
    transcript = Document.objects.filter(study=study, origin_ref="demo:transcript").first()
    document = Document.objects.filter(study=study, origin_ref="demo:network-document").first()
    if first is None or transcript is None or document is None:
        return
    services.seed_codebook(study=study)
    second = _second_coder(study)
    _code(transcript, first.user, TRANSCRIPT_CODES)
    _code(document, first.user, DOCUMENT_CODES)
    _code(transcript, second, SECOND_TRANSCRIPT)
    _code(document, second, SECOND_DOCUMENT)
    note = (
        "Veranderen gebeurt hier in kleine afspraken die later vastgelegd worden: "
        "eerst gedrag, dan verankering."
    )
    if not Memo.objects.filter(study=study, document=transcript).exists():
        services.add_memo(study=study, author=first.user, text=note, document=transcript)
    _exchange_material(study, first.user, second)


#: a short note with accents and emoji, so an export to other tools shows that ranges are exact
CAFE_NOTE = (
    "Notitie na het café-overleg ☕ van 3 maart: één vast aanspreekpunt per organisatie werkt. "
    "De nieuwe partners vonden het onthaal „hartelijk” 😀 — dat willen we behouden."
)
CAFE_CODES = [
    ("één vast aanspreekpunt per organisatie werkt", "condition.anchored"),
    ("„hartelijk” 😀", "principle.p3"),
]


def _exchange_material(study: Study, first: User, second: User) -> None:
    """A researcher's own code, memos on a code and on a coding, and a note with emoji."""
    from verbindend.studies import services as study_services

    transcript = Document.objects.get(study=study, origin_ref="demo:transcript")
    note = study_services.add_material(
        study=study,
        kind=DocumentKind.OTHER,
        title="Notitie café-overleg ☕",
        text=CAFE_NOTE,
        case=transcript.case,
        origin_ref="demo:cafe-note",
        language="nl",
    )
    own = Code.objects.filter(study=study, name="Vertrouwen 🤝 tussen partners").first()
    if own is None:
        own = services.add_code(
            study=study,
            name="Vertrouwen 🤝 tussen partners",
            colour="#b35900",
            definition="Waar partners op elkaar rekenen, ook als het moeilijk wordt.",
        )
    _code(note, first, [*CAFE_CODES, ("„hartelijk” 😀", str(own.uuid))])
    _code(note, second, [("één vast aanspreekpunt", "condition.anchored")])
    if not Memo.objects.filter(study=study, code=own).exists():
        services.add_memo(
            study=study,
            author=second,
            text="Is dit een aparte code, of hoort het bij P3 (identiteit)?",
            code=own,
        )
    coding = Coding.objects.filter(document=note, code=own).first()
    if coding is not None and not Memo.objects.filter(coding=coding).exists():
        services.add_memo(
            study=study, author=first, text="Mooi citaat voor het rapport 👍", coding=coding
        )
