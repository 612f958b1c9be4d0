"""Networks' part in people's data rights: the person records.

An erased person keeps their record under the pseudonym, with the attributes the method's
breakdowns count (role, engagement, tenure, organisation) but without name, address or
self-described gender, and no longer linked to an account. Studies' respondent selection and
the closed aggregates that count them thus stay as they were.
"""

from __future__ import annotations

from typing import Any

from verbindend.privacy.personal_data import DataSubject


def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
    return {
        "people": [
            {
                "network": str(p.network),
                "name": p.name,
                "email": p.email,
                "organisation": str(p.organisation) if p.organisation_id else "",
                "role_in_network": p.get_lead_role_display(),
                "engagement": p.get_engagement_display(),
                "tenure": p.get_tenure_display(),
                "involved_since": p.involved_since.isoformat() if p.involved_since else None,
                "gender": p.gender,
                "added": p.created_at.isoformat(),
            }
            for p in subject.people()
        ]
    }


def erase(subject: DataSubject, *, pseudonym: str) -> None:
    from verbindend.networks.models import Person

    Person.objects.filter(pk__in=[p.pk for p in subject.people()]).update(
        name=pseudonym, email="", gender="", user=None
    )
