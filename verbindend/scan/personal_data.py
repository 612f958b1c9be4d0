"""The scan's part in people's data rights: invitations, responses and comments.

In a closed round the answers are part of an aggregate that others already read, so they stay,
cut loose from the invitation that tied them to the person; the comments (free text) go, also
from the stored result snapshots (whose figures stay). In a round that is still open the whole
response goes, as if it was never given.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q

from verbindend.privacy.personal_data import DataSubject
from verbindend.scan import dimensions


def _invitations(subject: DataSubject) -> Any:
    from verbindend.scan.models import ScanInvitation

    query = Q(person__in=[p.pk for p in subject.people()])
    for email in subject.emails():
        query |= Q(email__iexact=email)
    return ScanInvitation.objects.filter(query).select_related("round")


def _responses(subject: DataSubject) -> Any:
    from verbindend.scan.models import Response

    return Response.objects.filter(invitation__in=_invitations(subject)).select_related("round")


def export(subject: DataSubject) -> dict[str, list[dict[str, Any]]]:
    responses = list(_responses(subject).prefetch_related("answers", "comments"))
    return {
        "scan_invitations": [
            {
                "round": str(i.round),
                "email": i.email,
                "sent": i.sent_at.isoformat() if i.sent_at else None,
            }
            for i in _invitations(subject)
        ],
        "scan_responses": [
            {
                "round": str(r.round),
                "organisation": r.organisation_name,
                **{
                    ("role_in_network" if name == "lead_role" else name): getattr(r, name)
                    for name in dimensions.NAMES
                },
                "answers": {a.item_key: a.value for a in r.answers.all()},
                "comments": {c.principle_key: c.text for c in r.comments.all()},
                "finished": r.finished_at.isoformat() if r.finished_at else None,
            }
            for r in responses
        ],
    }


def fragments(subject: DataSubject) -> list[str]:
    from verbindend.scan.models import Comment

    return list(
        Comment.objects.filter(response__in=_responses(subject)).values_list("text", flat=True)
    )


def erase(subject: DataSubject, *, pseudonym: str) -> None:
    from verbindend.scan import results
    from verbindend.scan.models import Comment, Round

    responses = list(_responses(subject))
    touched = {r.round_id for r in responses}
    # the comments go from the stored snapshots too (their figures stay as published)
    said: dict[int, list[tuple[str, str]]] = {}
    for round_id, principle_key, text in Comment.objects.filter(
        response__in=[r.pk for r in responses]
    ).values_list("response__round_id", "principle_key", "text"):
        said.setdefault(round_id, []).append((principle_key, text))
    for response in responses:
        if response.round.is_closed:
            Comment.objects.filter(response=response).delete()
            type(response).objects.filter(pk=response.pk).update(invitation=None)
        else:
            response.delete()
    _invitations(subject).delete()
    for round_id, comments in said.items():
        results.forget_comments(round_id, comments)
    # results are cached per revision: a new revision drops the erased comments from the cache
    Round.objects.filter(pk__in=touched).update(revision=F("revision") + 1)
