"""What every workbench page fetches first: the study through the permission layer, then its
codes and documents (another study's give a 404)."""

from __future__ import annotations

import uuid as uuid_module
from typing import TYPE_CHECKING, Any, cast

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from verbindend.analysis.models import Code
from verbindend.core import policy
from verbindend.studies.models import Document, Study

if TYPE_CHECKING:
    from verbindend.accounts.models import User


def study_for(request: HttpRequest, slug: str, action: str) -> Study:
    return policy.fetch(request.user, Study.objects.all(), action, slug=slug)


def code_of(study: Study, uuid: Any) -> Code:
    return get_object_or_404(Code.objects.filter(study=study).select_related("parent"), uuid=uuid)


def document_of(study: Study, pk: int) -> Document:
    return get_object_or_404(Document.objects.filter(study=study), pk=pk)


def user_of(request: HttpRequest) -> User:
    """The logged-in user (every workbench page needs a login)."""
    return cast("User", request.user)


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def uuid_or_404(value: str) -> str:
    """A well-formed UUID from a form or address, else a 404."""
    try:
        return str(uuid_module.UUID(value))
    except ValueError:
        raise Http404 from None
