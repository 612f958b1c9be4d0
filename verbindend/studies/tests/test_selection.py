"""Coverage of the case and respondent criteria, and the gaps it flags."""

from __future__ import annotations

from datetime import date

import pytest

from verbindend.core.errors import DomainError
from verbindend.networks.models import (
    Engagement,
    GoalOrigin,
    GovernanceForm,
    LeadRole,
    Network,
    Person,
    Phase,
    Scale,
    Sector,
    Tenure,
)
from verbindend.studies import selection, services
from verbindend.studies.models import Case, CaseStatus, Judgement, Respondent
from verbindend.testing.personas import Personas


def profile(network: Network, **fields: object) -> None:
    for name, value in fields.items():
        setattr(network, name, value)
    network.save()


def test_case_coverage_reads_the_profiles_and_flags_what_the_set_lacks(
    personas: Personas,
) -> None:
    p = personas
    profile(
        p.network,
        goal_origin=GoalOrigin.VOLUNTARY,
        governance_form=GovernanceForm.LEAD_ORGANISATION,
        sectors=[Sector.SOCIAL_ECONOMY, Sector.EDUCATION],
        scale=Scale.LOCAL,
        phase=Phase.MATURE,
        founded_on=date(2012, 1, 1),
    )
    second = Network.objects.create(
        name="Netwerk West",
        slug="west",
        goal_origin=GoalOrigin.MANDATED,
        governance_form=GovernanceForm.PARTICIPANT_GOVERNED,
        sectors=[Sector.SOCIO_CULTURAL],
        scale=Scale.REGIONAL,
        phase=Phase.STARTING,
    )
    Case.objects.create(study=p.study, network=second, status=CaseStatus.PROPOSED)
    declined = Network.objects.create(name="Weg", slug="weg", scale=Scale.FLEMISH)
    Case.objects.create(study=p.study, network=declined, status=CaseStatus.DECLINED)

    coverage = selection.case_coverage(p.study)
    by_key = {c.node.key: c for c in coverage.criteria}
    assert [r.case.network.name for r in coverage.rows] == ["Netwerk Noord", "Netwerk West"]
    assert by_key["case_criterion.goal_origin"].missing == []
    assert by_key["case_criterion.governance_form"].missing == [
        str(GovernanceForm.ADMINISTRATIVE_ORGANISATION.label)
    ]
    assert by_key["case_criterion.sector"].missing == []
    assert by_key["case_criterion.scale"].missing == [str(Scale.FLEMISH.label)]  # declined
    assert by_key["case_criterion.durability"].flagged == ["Netwerk West"]  # no founding date
    assert by_key["case_criterion.life_phase"].flagged == ["Netwerk West"]  # still starting
    assert by_key["case_criterion.openness"].flagged == ["Netwerk Noord", "Netwerk West"]

    assessment = services.assessment_for(case=Case.objects.get(network=second))
    assessment.durable = Judgement.YES
    assessment.open_about_history = Judgement.YES
    assessment.save()
    coverage = selection.case_coverage(p.study)
    by_key = {c.node.key: c for c in coverage.criteria}
    assert by_key["case_criterion.durability"].flagged == []
    assert by_key["case_criterion.openness"].flagged == ["Netwerk Noord"]


@pytest.mark.parametrize(
    ("recorded", "side"),
    [("vrouw", "women"), ("Man", "men"), (" V ", "women"), ("non-binair", "other"), ("", "")],
)
def test_gender_is_read_from_the_self_description(recorded: str, side: str) -> None:
    assert selection.gender_side(recorded) == side


def add(personas: Personas, name: str, **fields: object) -> Respondent:
    person = Person.objects.create(network=personas.network, name=name, **fields)
    respondent = services.add_respondent(
        study=personas.study, case=personas.study.cases.get(), person=person
    )
    respondent.selected = True
    respondent.save()
    return respondent


def test_respondent_coverage_flags_missing_sides_among_the_selected(personas: Personas) -> None:
    p = personas
    a = add(
        p,
        "Trekker",
        lead_role=LeadRole.TREKKER,
        engagement=Engagement.PROFESSIONAL,
        tenure=Tenure.LONG_STANDING,
        gender="vrouw",
    )
    a.positive_experiences = True
    a.reflective = Judgement.YES
    a.save()
    b = add(p, "Volger", lead_role=LeadRole.FOLLOWER, tenure=Tenure.NEWCOMER)
    b.critical_experiences = True
    b.save()
    unselected = add(p, "Vrijwilliger", engagement=Engagement.VOLUNTEER, gender="man")
    unselected.selected = False
    unselected.save()

    respondents = list(Respondent.objects.filter(case__study=p.study).select_related("person"))
    coverage = selection.respondent_coverage(respondents)
    gaps = {c.node.key: c.missing for c in coverage.criteria if c.gap}
    assert coverage.selected == 2
    assert gaps == {
        "respondent_criterion.professional_volunteer": [str(Engagement.VOLUNTEER.label)],
        "respondent_criterion.gender": ["men"],
    }
    unselected.selected = True
    unselected.save()
    respondents = list(Respondent.objects.filter(case__study=p.study).select_related("person"))
    assert selection.respondent_coverage(respondents).gap_count == 0


def test_gender_is_no_gap_where_nobody_recorded_it(personas: Personas) -> None:
    add(personas, "Zonder", lead_role=LeadRole.TREKKER)
    coverage = selection.respondent_coverage(list(Respondent.objects.select_related("person")))
    gender = next(c for c in coverage.criteria if c.node.key == "respondent_criterion.gender")
    assert not gender.gap


def test_respondents_come_only_from_the_cases_own_network(personas: Personas) -> None:
    p = personas
    case = p.study.cases.get()
    with pytest.raises(DomainError):
        services.add_respondent(study=p.study, case=case, person=p.other_person)
    with pytest.raises(DomainError):
        services.add_respondent(study=p.other_study, case=case, person=p.person)
    proposed = Case.objects.create(study=p.other_study, network=p.network)
    with pytest.raises(DomainError):
        services.add_respondent(study=p.other_study, case=proposed, person=p.person)
    services.add_respondent(study=p.study, case=case, person=p.person)
    with pytest.raises(DomainError):
        services.add_respondent(study=p.study, case=case, person=p.person)


def test_consent_is_recorded_and_withdrawn_per_purpose(personas: Personas) -> None:
    respondent = services.add_respondent(
        study=personas.study, case=personas.study.cases.get(), person=personas.person
    )
    services.record_consent(respondent=respondent, purpose="research", given=True)
    services.record_consent(respondent=respondent, purpose="research", given=True)
    assert services.consents_of([respondent]) == {personas.person.pk: {"research"}}
    services.record_consent(respondent=respondent, purpose="research", given=False)
    assert services.consents_of([respondent]) == {personas.person.pk: set()}
    with pytest.raises(DomainError):
        services.record_consent(respondent=respondent, purpose="quoting", given=True)


def test_every_study_plans_the_six_steps_once(personas: Personas) -> None:
    steps = services.ensure_steps(study=personas.study)
    assert [s.step_key for s in steps] == [
        "step.preparation",
        "step.documents",
        "step.interviews",
        "step.focus_groups",
        "step.cross_network",
        "step.analysis",
    ]
    assert len(services.ensure_steps(study=personas.study)) == 6
