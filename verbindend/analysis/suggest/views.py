"""Pages of suggested codes: the suggestions of one document, and the study's model."""

from __future__ import annotations

import uuid as uuid_module
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from verbindend.analysis.access import document_of, study_for, user_of
from verbindend.analysis.models import ModelStatus, Suggestion, SuggestionModel
from verbindend.analysis.suggest import services
from verbindend.core import policy
from verbindend.core.errors import DomainError

DEFAULT_THRESHOLD = 0.6


def _suggestion(request: HttpRequest, slug: str, uuid: Any) -> Suggestion:
    study = study_for(request, slug, "analysis.code")
    return get_object_or_404(
        Suggestion.objects.filter(study=study).select_related("document", "code"), uuid=uuid
    )


@require_GET
def document_suggestions(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Uncoded segments of a document with their suggested codes; researchers only."""
    study = study_for(request, slug, "analysis.code")
    document = document_of(study, pk)
    rows = list(services.open_suggestions(document))
    model = SuggestionModel.objects.filter(study=study).first()
    return render(
        request,
        "analysis/suggestions.html",
        {
            "study": study,
            "document": document,
            "sentences": [
                (document.text[start:end], codes)
                for (start, end), codes in services.by_segment(rows).items()
            ],
            "model": model,
            "threshold": DEFAULT_THRESHOLD,
            "above": sum(1 for s in rows if s.confidence >= DEFAULT_THRESHOLD),
        },
    )


@require_POST
def find(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Score the document's uncoded parts now (a write, so never on opening the page)."""
    study = study_for(request, slug, "analysis.code")
    document = document_of(study, pk)
    services.maybe_retrain(study)
    new = services.suggest_for_document(document)
    messages.info(
        request,
        ngettext("%(n)d new suggestion.", "%(n)d new suggestions.", new) % {"n": new},
    )
    return redirect("analysis:suggestions", study.slug, document.pk)


def _decided(request: HttpRequest, suggestion: Suggestion, message: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse("")
        response["HX-Trigger"] = "codings-changed"
        return response
    messages.success(request, message)
    return redirect("analysis:suggestions", suggestion.document.study.slug, suggestion.document_id)


@require_POST
def accept(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    suggestion = _suggestion(request, slug, uuid)
    services.accept(suggestion=suggestion, user=user_of(request))
    services.maybe_retrain(suggestion.document.study)
    return _decided(request, suggestion, _("The suggestion was accepted: the fragment is coded."))


@require_POST
def reject(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    suggestion = _suggestion(request, slug, uuid)
    services.reject(suggestion=suggestion, user=user_of(request))
    return _decided(request, suggestion, _("The suggestion was rejected; it will not return."))


@require_POST
def accept_all(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Accept every open suggestion at or above a confidence, after a confirmation."""
    study = study_for(request, slug, "analysis.code")
    document = document_of(study, pk)
    threshold = services.parse_threshold(request.POST.get("threshold", ""))
    if request.POST.get("confirm") != "yes":
        count = services.open_suggestions(document).filter(confidence__gte=threshold).count()
        return render(
            request,
            "analysis/suggestions_confirm.html",
            {"study": study, "document": document, "threshold": threshold, "count": count},
        )
    batch, count = services.accept_many(
        document=document, user=user_of(request), min_confidence=threshold
    )
    services.maybe_retrain(study)
    if count:
        request.session["suggest_undo"] = {"batch": str(batch), "count": count}
    messages.success(
        request,
        ngettext("%(n)s suggestion was accepted.", "%(n)s suggestions were accepted.", count)
        % {"n": count},
    )
    return redirect("analysis:suggestions", study.slug, document.pk)


@require_POST
def undo(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = study_for(request, slug, "analysis.code")
    document = document_of(study, pk)
    try:
        batch = uuid_module.UUID(request.POST.get("batch", ""))
    except ValueError:
        raise DomainError("analysis.undo", _("There is nothing to undo."), status=404) from None
    count = services.undo_batch(study=study, batch=batch, user=user_of(request))
    request.session.pop("suggest_undo", None)
    messages.success(
        request,
        ngettext("%(n)s coding was taken back.", "%(n)s codings were taken back.", count)
        % {"n": count},
    )
    return redirect("analysis:suggestions", study.slug, document.pk)


@require_GET
def model(request: HttpRequest, slug: str) -> HttpResponse:
    """The study's model: quality per code, codes with too few examples, training progress."""
    study = study_for(request, slug, "analysis.view")
    row = SuggestionModel.objects.filter(study=study).first()
    context = {
        "study": study,
        "model": row,
        "busy": row is not None and row.busy,
        "rows": services.quality_rows(study),
        "min_examples": services.MIN_EXAMPLES,
        "min_held_out": services.MIN_HELD_OUT,
        "can_train": policy.can(request.user, "analysis.code", study),
        "ready": row is not None and row.status == ModelStatus.READY,
    }
    template = "analysis/suggest_model.html"
    if getattr(request, "htmx", False):
        template += "#state"
    return render(request, template, context)


@require_POST
def retrain(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request, slug, "analysis.code")
    services.queue_training(study)
    messages.success(request, _("The model is being trained in the background."))
    return redirect("analysis:suggest_model", study.slug)
