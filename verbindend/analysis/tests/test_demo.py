"""The demo study arrives coded by two researchers, and loading it again adds nothing."""

from __future__ import annotations

import pytest

from verbindend.analysis import queries
from verbindend.analysis.models import Coding, Memo
from verbindend.core import demo
from verbindend.studies.models import Study


@pytest.mark.django_db
def test_demo_codings_are_there_once_with_two_coders() -> None:
    demo.load_demo()
    study = Study.objects.get(slug=demo.DEMO_STUDY_SLUG)
    first = Coding.objects.filter(study=study).count()
    demo.load_demo()
    assert Coding.objects.filter(study=study).count() == first >= 30
    assert Memo.objects.filter(study=study).count() == 3
    coders = queries.coders(study)
    assert len(coders) == 2
    _per_code, overall = queries.agreement_between(study, coders[0].pk, coders[1].pk)
    assert overall.kappa is not None and 0 < overall.kappa < 1
    assert queries.code_by_case(study) and queries.code_by_level(study)
