"""REFI-QDA fixtures: the schemas (skip locally when missing, fail on CI) and a coded study."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from verbindend.analysis import services
from verbindend.analysis.models import Code, Coding, Memo
from verbindend.analysis.refi import validation
from verbindend.analysis.tests.conftest import TEXT, World
from verbindend.networks.models import Engagement, LeadRole, Tenure
from verbindend.studies import services as study_services
from verbindend.studies.models import DocumentKind

ON_CI = os.environ.get("CI", "").lower() == "true"  # as in the root conftest.py
FILES = Path(__file__).resolve().parent.parent / "refi_files"


@pytest.fixture(scope="session")
def schemas() -> Path:
    """The folder with Project.xsd and Codebook.xsd (REFI_QDA_SCHEMAS, see DEVELOPERS.md)."""
    folder = validation.schema_dir()
    missing = [n for n in validation.SCHEMAS.values() if not (folder / n).is_file()]
    if missing:
        message = (
            f"REFI-QDA schemas {', '.join(missing)} not found in {folder}; "
            "set REFI_QDA_SCHEMAS to the folder that holds them"
        )
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    return folder


@dataclass
class Coded:
    w: World
    child: Code
    codings: list[Coding]
    memos: list[Memo]


@pytest.fixture
def coded(world: World) -> Coded:
    """The analysis world, with a nested code, codings over accents and emoji, memos on a
    document, a code and a coding, a respondent with attributes and a second document."""
    p = world.p
    person = p.person
    person.lead_role = LeadRole.TREKKER
    person.engagement = Engagement.VOLUNTEER
    person.tenure = Tenure.LONG_STANDING
    person.gender = "vrouw"
    person.involved_since = date(2019, 9, 1)
    person.save()
    child = services.add_code(
        study=p.study,
        name="Vertrouwen 🤝 één taal",
        parent=world.code,
        colour="#aa3300",
        definition="Waar mensen op elkaar rekenen — “echt”.",
    )
    emoji = TEXT.index("😀")
    flag = TEXT.index("🇧🇪")
    spin = TEXT.index("Spin")
    codings = [
        services.apply_code(
            document=world.document, code=world.code, coder=p.researcher, start=0, end=3
        ),
        services.apply_code(
            document=world.document, code=child, coder=p.researcher, start=emoji, end=emoji + 1
        ),
        services.apply_code(
            document=world.document, code=child, coder=world.second_coder, start=flag, end=flag + 2
        ),
        services.apply_code(
            document=world.document,
            code=world.code,
            coder=world.second_coder,
            start=spin,
            end=spin + 7,
        ),
    ]
    other = study_services.add_material(
        study=p.study,
        kind=DocumentKind.NETWORK_DOCUMENT,
        title="Verslag “café” ☕",
        text="Tweede tekst — met één ☕ en nog wat.",
        case=world.case,
        source="Stuurgroep",
        date=date(2024, 3, 14),
    )
    codings.append(
        services.apply_code(
            document=other,
            code=child,
            coder=p.researcher,
            start=other.text.index("één"),
            end=other.text.index("☕") + 1,
        )
    )
    memos = [
        services.add_memo(
            study=p.study, author=p.researcher, text="Over het gesprek 😀", document=world.document
        ),
        services.add_memo(
            study=p.study, author=world.second_coder, text="Definitie bijstellen?", code=child
        ),
        services.add_memo(
            study=p.study,
            author=p.researcher,
            text="Mooi voorbeeld\nmet twee lijnen",
            coding=codings[1],
        ),
    ]
    return Coded(world, child, codings, memos)
