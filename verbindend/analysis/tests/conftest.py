from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import translation

from verbindend.accounts.models import User
from verbindend.analysis import services
from verbindend.analysis.models import Code
from verbindend.studies import services as study_services
from verbindend.studies.models import Case, Document, DocumentKind, Respondent
from verbindend.testing.personas import Personas, make_user

# accents (precomposed), an emoji outside the BMP, a flag (two code points), and a combining
# diaeresis on n (no precomposed form, so the stored NFC text keeps it as two code points)
TEXT = "Één café 😀 in Gent: Spin\u0308al-samenwerking 🇧🇪 groeit.\nNieuwe lijn met ß."


@pytest.fixture(autouse=True)
def _english(settings: object) -> Iterator[None]:
    """Assertions read the English messages; Dutch is the site's default language."""
    settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
    with translation.override("en"):
        yield


@dataclass
class World:
    p: Personas
    case: Case
    respondent: Respondent
    document: Document
    code: Code
    second_coder: User


@pytest.fixture
def world(personas: Personas) -> World:
    p = personas
    case = p.study.cases.get()
    respondent = study_services.add_respondent(study=p.study, case=case, person=p.person)
    document = study_services.add_material(
        study=p.study, kind=DocumentKind.TRANSCRIPT, title="Gesprek", text=TEXT, case=case
    )
    document.respondent = respondent
    document.save()
    services.seed_codebook(study=p.study)
    second = make_user("second@studie-a.test")
    from verbindend.accounts.services import grant_study_role
    from verbindend.core.roles import StudyRoles

    grant_study_role(user=second, study=p.study, role=StudyRoles.RESEARCHER)
    return World(
        p, case, respondent, document, services.code_for_key(p.study, "principle.p1"), second
    )
