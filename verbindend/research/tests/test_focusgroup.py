"""From analysis to focus group: chosen codes become steps with quotable, nameless fragments."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from verbindend.accounts.models import User
from verbindend.analysis.models import Code, Coding
from verbindend.core.errors import DomainError
from verbindend.live.models import LiveSession
from verbindend.networks.models import Person
from verbindend.privacy.models import ConsentPurpose, ConsentRecord
from verbindend.research import focusgroup
from verbindend.studies.models import Document, Respondent
from verbindend.testing.personas import Personas


def _transcript(personas: Personas, person: Person, text: str) -> Document:
    case = personas.study.cases.get()
    respondent = Respondent.objects.create(study=personas.study, case=case, person=person)
    return Document.objects.create(
        study=personas.study,
        case=case,
        respondent=respondent,
        kind="transcript",
        title=f"Interview {person.name}",
        text=text,
        length=len(text),
    )


def _code(document: Document, code: Code, words: str, coder: User) -> None:
    start = document.text.index(words)
    Coding.objects.create(
        study=document.study,
        document=document,
        code=code,
        start=start,
        end=start + len(words),
        coder=coder,
    )


@pytest.fixture
def coded(personas: Personas) -> tuple[Code, Code]:
    quoted = personas.person  # Ann Noord: agreed to be quoted
    ConsentRecord.objects.create(
        person=quoted, purpose=ConsentPurpose.QUOTING, text_version="1", given_at=timezone.now()
    )
    silent = Person.objects.create(network=personas.network, name="Bert Stil")
    ConsentRecord.objects.create(
        person=silent,
        purpose=ConsentPurpose.QUOTING,
        text_version="1",
        given_at=timezone.now(),
        withdrawn_at=timezone.now(),
    )
    sharing = Code.objects.create(
        study=personas.study, name="Kennis delen", definition="Wie deelt?"
    )
    trust = Code.objects.create(study=personas.study, name="Vertrouwen")
    one = _transcript(
        personas, quoted, "Ann Noord vertelt: we delen alles op het overleg met Bert."
    )
    two = _transcript(personas, silent, "Bert zegt: ik vertrouw de anderen pas na een jaar.")
    _code(
        one,
        sharing,
        "Ann Noord vertelt: we delen alles op het overleg met Bert.",
        personas.researcher,
    )
    _code(two, sharing, "ik vertrouw de anderen pas na een jaar", personas.researcher)
    _code(two, trust, "ik vertrouw de anderen pas na een jaar", personas.researcher)
    return sharing, trust


def test_only_fragments_of_people_who_agreed_to_be_quoted_without_names(
    personas: Personas, coded: tuple[Code, Code]
) -> None:
    sharing, trust = coded
    fragments = focusgroup.quotable_fragments(sharing)
    assert fragments == ["[…] vertelt: we delen alles op het overleg met […]."]
    assert focusgroup.quotable_fragments(trust) == []  # withdrawn consent: nothing shown


def test_two_codes_become_a_study_session_with_a_step_each(
    personas: Personas, coded: tuple[Code, Code]
) -> None:
    sharing, trust = coded
    client = Client()
    client.force_login(personas.researcher)
    response = client.post(
        reverse("research:focus_group", args=[personas.study.slug]),
        {"codes": [str(sharing.uuid), str(trust.uuid)]},
    )
    session = LiveSession.objects.get(study=personas.study)
    assert response.status_code == 302 and response["Location"].endswith(f"/{session.pk}/")
    prompts = list(session.steps.order_by("order").values_list("prompt", flat=True))
    assert len(prompts) == 2
    assert prompts[0].startswith("Kennis delen\nWie deelt?\n“[…] vertelt")
    assert "Ann" not in prompts[0] and "Bert" not in "".join(prompts)
    assert prompts[1].startswith("Vertrouwen\n") and "vertrouw de anderen" not in prompts[1]


def test_codes_of_another_study_or_none_make_nothing(
    personas: Personas, coded: tuple[Code, Code]
) -> None:
    other = Code.objects.create(study=personas.other_study, name="Elders")
    with pytest.raises(DomainError):
        focusgroup.create_focus_group(study=personas.study, codes=[other], by=personas.researcher)
    with pytest.raises(DomainError):
        focusgroup.create_focus_group(study=personas.study, codes=[], by=personas.researcher)
    client = Client()
    client.force_login(personas.researcher)
    client.post(
        reverse("research:focus_group", args=[personas.study.slug]), {"codes": [str(other.uuid)]}
    )
    observer = Client()
    observer.force_login(personas.study_observer)
    url = reverse("research:focus_group", args=[personas.study.slug])
    assert observer.post(url, {"codes": [str(coded[0].uuid)]}).status_code == 403
    assert not LiveSession.objects.exists()


def test_the_focus_group_link_is_shown_only_to_who_may_open_it(personas: Personas) -> None:
    url = reverse("research:focus_group", args=[personas.study.slug])
    glossary = reverse("research:glossary", args=[personas.study.slug])
    for user, shown in ((personas.researcher, True), (personas.study_observer, False)):
        client = Client()
        client.force_login(user)
        page = client.get(glossary).content.decode()
        assert (url in page) is shown
        assert client.get(url).status_code == (200 if shown else 403)


def _query(sharing: Code, trust: Code, op: str = "and") -> dict[str, str]:
    return {"first": str(sharing.pk), "op": op, "second": str(trust.pk), "near": "10"}


def test_a_code_querys_results_become_a_focus_group_step(
    personas: Personas, coded: tuple[Code, Code]
) -> None:
    sharing, trust = coded
    client = Client()
    client.force_login(personas.researcher)
    query_page = reverse("analysis:query", args=[personas.study.slug])
    page = client.get(query_page, _query(sharing, trust, "or")).content.decode()
    url = reverse("research:focus_group_query", args=[personas.study.slug])
    assert url in page and "Make a focus group from these fragments" in page
    response = client.post(url, _query(sharing, trust, "or"))
    session = LiveSession.objects.get(study=personas.study)
    assert response.status_code == 302 and response["Location"].endswith(f"/{session.pk}/")
    assert session.title == "Focus group: Kennis delen OR Vertrouwen"
    (prompt,) = session.steps.values_list("prompt", flat=True)
    assert prompt.startswith("Kennis delen OR Vertrouwen\n“[…] vertelt: we delen alles")
    assert "vertrouw de anderen" not in prompt  # Bert withdrew his consent for quoting
    assert "Ann" not in prompt and "Bert" not in prompt


def test_an_empty_or_broken_query_or_the_wrong_person_makes_no_focus_group(
    personas: Personas, coded: tuple[Code, Code]
) -> None:
    sharing, trust = coded
    url = reverse("research:focus_group_query", args=[personas.study.slug])
    client = Client()
    client.force_login(personas.researcher)
    response = client.post(url, _query(trust, sharing, "not"))  # all trust is also sharing
    assert response.status_code == 400
    assert "finds no fragments" in response.content.decode()
    response = client.post(url, {"first": str(sharing.pk)})
    assert response.status_code == 400 and "Choose two codes." in response.content.decode()
    other = Code.objects.create(study=personas.other_study, name="Elders")
    response = client.post(url, {"first": str(other.pk), "second": str(trust.pk)})
    assert response.status_code == 400
    for user, status in ((personas.study_observer, 403), (personas.other_researcher, 404)):
        someone = Client()
        someone.force_login(user)
        assert someone.post(url, _query(sharing, trust, "or")).status_code == status
    observer_page = Client()
    observer_page.force_login(personas.study_observer)
    query_page = reverse("analysis:query", args=[personas.study.slug])
    assert url not in observer_page.get(query_page, _query(sharing, trust)).content.decode()
    response = Client().post(url, _query(sharing, trust, "or"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not LiveSession.objects.exists()
