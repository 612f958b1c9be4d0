"""Workbench pages. Every object comes through policy.fetch; views only orchestrate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.analysis import queries, services
from verbindend.analysis.access import (
    code_of,
    document_of,
    int_or_none,
    study_for,
    user_of,
    uuid_or_404,
)
from verbindend.analysis.forms import (
    CodeForm,
    MemoForm,
    MergeForm,
    NewCodeForm,
    SeedForm,
)
from verbindend.analysis.models import Code, Coding, Memo
from verbindend.core import nextpage, policy
from verbindend.core.errors import DomainError
from verbindend.studies.models import Document, Study

if TYPE_CHECKING:
    pass


# -- codebook --------------------------------------------------------------------------------


@require_GET
def codebook(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request, slug, "analysis.view")
    can_change = policy.can(request.user, "codebook.change", study)
    documents = (
        Document.objects.filter(study=study)
        .select_related("case__network")
        .only("pk", "title", "kind", "length", "case__network__name")
        .order_by("title")
    )
    tree = queries.code_tree(study)
    return render(
        request,
        "analysis/codebook.html",
        {
            "study": study,
            "tree": tree,
            "documents": documents,
            "can_change": can_change,
            "seed_form": SeedForm(),
            "new_form": NewCodeForm(study=study, tree=tree) if can_change else None,
        },
    )


@require_POST
def seed(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request, slug, "codebook.change")
    form = SeedForm(request.POST)
    form.is_valid()
    made = services.seed_codebook(
        study=study, with_findings=bool(form.cleaned_data.get("with_findings"))
    )
    messages.success(
        request,
        ngettext(
            "%(n)s code was added from the method.", "%(n)s codes were added from the method.", made
        )
        % {"n": made},
    )
    return redirect("analysis:codebook", study.slug)


@require_POST
def code_create(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request, slug, "codebook.change")
    form = NewCodeForm(request.POST, study=study)
    if not form.is_valid():
        raise DomainError(
            "analysis.form",
            _("Check the new code: %(errors)s")
            % {"errors": "; ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
    code = services.add_code(study=study, **form.cleaned_data)
    messages.success(request, _("The code “%(name)s” was added.") % {"name": code.label})
    return redirect("analysis:codebook", study.slug)


@require_http_methods(["GET", "POST"])
def code_detail(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    """A code: its definition, its memos, and all its fragments across cases with context."""
    study = study_for(request, slug, "analysis.view")
    code = code_of(study, uuid)
    can_change = policy.can(request.user, "codebook.change", study)
    initial = {
        "name": code.name,
        "parent": code.parent_id,
        "colour": code.colour,
        "definition": code.definition,
        "order": code.order,
    }
    form = CodeForm(request.POST or None, study=study, exclude=code, initial=initial)
    if request.method == "POST":
        policy.require(request.user, "codebook.change", study)
        if form.is_valid():
            services.change_code(code=code, **form.cleaned_data)
            messages.success(request, _("The code was saved."))
            return redirect("analysis:code", study.slug, code.uuid)
    page = Paginator(queries.fragments(study, code=code), queries.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "analysis/code.html",
        {
            "study": study,
            "code": code,
            "form": form if can_change else None,
            "merge_form": MergeForm(study=study, exclude=code) if can_change else None,
            "memo_form": MemoForm() if policy.can(request.user, "analysis.code", study) else None,
            "memos": code.memos.select_related("author"),
            "page": page,
            "fragments": queries.in_context(page.object_list),
            "can_change": can_change,
        },
    )


@require_POST
def code_merge(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    study = study_for(request, slug, "codebook.change")
    code = code_of(study, uuid)
    form = MergeForm(request.POST, study=study, exclude=code)
    if not form.is_valid():
        raise DomainError("analysis.merge", _("Choose another code of the same study."))
    target = services.merge_codes(source=code, target=form.cleaned_data["target"])
    messages.success(request, _("The codes were merged; every coding was kept."))
    return redirect("analysis:code", study.slug, target.uuid)


@require_http_methods(["GET", "POST"])
def code_delete(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    study = study_for(request, slug, "codebook.change")
    code = code_of(study, uuid)
    if request.method == "POST":
        services.delete_code(code=code, confirmed=request.POST.get("confirm") == "yes")
        messages.success(request, _("The code was deleted."))
        return redirect("analysis:codebook", study.slug)
    return render(
        request,
        "analysis/code_delete.html",
        {"study": study, "code": code, "count": code.codings.count()},
    )


# -- coding ----------------------------------------------------------------------------------


def _document_context(request: HttpRequest, study: Study, document: Document) -> dict[str, Any]:
    coder = int_or_none(request.GET.get("coder"))
    codings = list(Coding.objects.filter(document=document).select_related("code", "coder"))
    coders = sorted({c.coder for c in codings}, key=lambda u: u.pk)
    shown = [c for c in codings if coder is None or c.coder_id == coder]
    columns = [(u, [c for c in shown if c.coder_id == u.pk]) for u in coders]
    if coder is not None:
        columns = [col for col in columns if col[0].pk == coder]
    codes = {c.code_id: c.code for c in shown}
    return {
        "study": study,
        "document": document,
        "segments": queries.segments(document.text, shown, document.turns),
        "columns": columns,
        "coders": coders,
        "coder": coder,
        "codes": codes,
        "colours": {str(pk): code.colour for pk, code in codes.items()},
        "codings_data": [
            {
                "uuid": str(c.uuid),
                "code": c.code_id,
                "label": c.code.label,
                "colour": c.code.colour,
                "start": c.start,
                "end": c.end,
                "mine": c.coder_id == request.user.pk,
                "url": reverse("analysis:coding", args=[study.slug, c.uuid]),
            }
            for c in shown
        ],
    }


def _speaker_rows(study: Study, document: Document) -> list[dict[str, Any]]:
    names = list(dict.fromkeys(t["speaker"] for t in document.turns if t["speaker"]))
    return [{"name": name, "value": str(document.speakers.get(name, ""))} for name in names]


@require_GET
def document_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study = study_for(request, slug, "analysis.view")
    document = document_of(study, pk)
    can_code = policy.can(request.user, "analysis.code", study)
    context = _document_context(request, study, document)
    respondents = list(study.respondents.select_related("person")) if document.turns else []
    context.update(
        {
            "can_code": can_code,
            "can_add_codes": policy.can(request.user, "codebook.change", study),
            "tree": queries.code_tree(study, counts=False) if can_code else [],
            "memo_form": MemoForm() if can_code else None,
            "memos": Memo.objects.filter(document=document).select_related("author"),
            "speaker_rows": _speaker_rows(study, document),
            "respondents": respondents,
        }
    )
    return render(request, "analysis/document.html", context)


@require_GET
def document_text(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The text with its highlights and the margin, for the page to refresh after a change."""
    study = study_for(request, slug, "analysis.view")
    document = document_of(study, pk)
    context = _document_context(request, study, document)
    context["can_code"] = policy.can(request.user, "analysis.code", study)
    return render(request, "analysis/document.html#workspace", context)


@require_POST
def apply_code(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One coding, kept lean (a few small queries, one insert); answers with a small fragment.

    ``new_code`` (a name) makes the code first, for those who may change the codebook.
    """
    study = study_for(request, slug, "analysis.code")
    document = get_object_or_404(
        Document.objects.filter(study=study).only("pk", "study_id", "length"), pk=pk
    )
    start, end = int_or_none(request.POST.get("start")), int_or_none(request.POST.get("end"))
    if start is None or end is None:
        raise DomainError("analysis.span", _("Select a piece of the text first."))
    new_name = (request.POST.get("new_code") or "").strip()
    code_pk = int_or_none(request.POST.get("code"))
    code = Code.objects.filter(study=study, pk=code_pk).first() if code_pk else None
    if code is None and new_name:
        policy.require(request.user, "codebook.change", study)
        code = services.add_code(study=study, name=new_name, colour=services.next_colour(study))
    if code is None:
        raise DomainError("analysis.code", _("Choose a code."))
    coding = services.apply_code(
        document=document,
        code=code,
        coder=user_of(request),
        start=start,
        end=end,
    )
    if not getattr(request, "htmx", False):
        messages.success(request, _("The fragment was coded."))
        return redirect("analysis:document", study.slug, document.pk)
    response = render(
        request,
        "analysis/_coding.html",
        {"study": study, "coding": coding, "code": code, "document": document, "can_code": True},
    )
    response["HX-Trigger"] = "codings-changed"
    return response


UNDO_KEY = "analysis_undo"
UNDO_KEEP = 20


@require_POST
def coding_delete(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    """Delete one's own coding; the answer carries a key to undo it (kept in the session)."""
    study = study_for(request, slug, "analysis.code")
    coding = get_object_or_404(Coding.objects.filter(study=study).select_related("code"), uuid=uuid)
    if coding.coder_id != request.user.pk and not user_of(request).is_superuser:
        raise DomainError("analysis.coder", _("Only its coder removes a coding."), status=403)
    document_pk = coding.document_id
    label = coding.code.label
    snapshot = services.remove_coding(coding=coding)
    kept = [item for item in request.session.get(UNDO_KEY, []) if item["uuid"] != snapshot["uuid"]]
    request.session[UNDO_KEY] = [*kept, snapshot][-UNDO_KEEP:]
    undo_url = reverse("analysis:coding_restore", args=[study.slug, snapshot["uuid"]])
    if getattr(request, "htmx", False):
        response = JsonResponse({"undo": undo_url, "label": label})
        response["HX-Trigger"] = "codings-changed"
        return response
    messages.success(request, _("The coding was removed."))
    return redirect("analysis:document", study.slug, document_pk)


@require_POST
def coding_restore(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    """Undo the deletion of a coding this person removed in this session."""
    study = study_for(request, slug, "analysis.code")
    items = request.session.get(UNDO_KEY, [])
    snapshot = next((item for item in items if item["uuid"] == str(uuid)), None)
    if snapshot is None:
        raise DomainError("analysis.undo", _("This can no longer be undone."), status=404)
    coding = services.restore_coding(snapshot=snapshot, study=study, user=user_of(request))
    request.session[UNDO_KEY] = [item for item in items if item["uuid"] != str(uuid)]
    if getattr(request, "htmx", False):
        response = JsonResponse({"restored": str(coding.uuid)})
        response["HX-Trigger"] = "codings-changed"
        return response
    messages.success(request, _("The coding is back."))
    return redirect("analysis:document", study.slug, coding.document_id)


@require_POST
def coding_recode(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    study = study_for(request, slug, "analysis.code")
    coding = get_object_or_404(Coding.objects.filter(study=study), uuid=uuid)
    if coding.coder_id != request.user.pk and not user_of(request).is_superuser:
        raise DomainError("analysis.coder", _("Only its coder changes a coding."), status=403)
    code = Code.objects.filter(study=study, pk=int_or_none(request.POST.get("code")) or 0).first()
    if code is None:
        raise DomainError("analysis.code", _("Choose a code."))
    coding = services.recode(coding=coding, code=code)
    if getattr(request, "htmx", False):
        response = JsonResponse({"coding": str(coding.uuid)})
        response["HX-Trigger"] = "codings-changed"
        return response
    return redirect("analysis:document", study.slug, coding.document_id)


@require_POST
def document_speakers(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Map a transcript's speakers once to the interviewer or a respondent of the study."""
    study = study_for(request, slug, "analysis.code")
    document = document_of(study, pk)
    respondents = {str(r) for r in study.respondents.values_list("pk", flat=True)}
    mapping = {}
    for row in _speaker_rows(study, document):
        value = request.POST.get(f"speaker-{row['name']}", "")
        if value == "interviewer" or value in respondents:
            mapping[row["name"]] = value
        elif value:
            raise DomainError("analysis.speaker", _("Choose the interviewer or a respondent."))
    services.map_speakers(document=document, mapping=mapping)
    messages.success(request, _("The speakers were saved."))
    return redirect("analysis:document", study.slug, document.pk)


@require_GET
def coding_detail(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    study = study_for(request, slug, "analysis.view")
    coding = get_object_or_404(
        Coding.objects.filter(study=study).select_related("document", "code", "coder"), uuid=uuid
    )
    before, fragment, after = queries.with_context(
        coding, coding.document.text, queries.CONTEXT * 3
    )
    return render(
        request,
        "analysis/coding.html",
        {
            "study": study,
            "coding": coding,
            "before": before,
            "fragment": fragment,
            "after": after,
            "memos": coding.memos.select_related("author"),
            "memo_form": MemoForm() if policy.can(request.user, "analysis.code", study) else None,
        },
    )


# -- memos -----------------------------------------------------------------------------------


@require_POST
def memo_create(request: HttpRequest, slug: str) -> HttpResponse:
    study = study_for(request, slug, "analysis.code")
    form = MemoForm(request.POST)
    if not form.is_valid():
        raise DomainError(
            "analysis.memo", _("Write something in the memo (at most 20,000 characters).")
        )
    target = request.POST.get("target", "")
    ref = request.POST.get("ref", "")
    kwargs: dict[str, Any] = {}
    if target == "document":
        kwargs["document"] = document_of(study, int_or_none(ref) or 0)
        back = reverse("analysis:document", args=[study.slug, kwargs["document"].pk])
    elif target == "code":
        kwargs["code"] = code_of(study, uuid_or_404(ref))
        back = reverse("analysis:code", args=[study.slug, kwargs["code"].uuid])
    elif target == "coding":
        kwargs["coding"] = get_object_or_404(
            Coding.objects.filter(study=study), uuid=uuid_or_404(ref)
        )
        back = reverse("analysis:coding", args=[study.slug, kwargs["coding"].uuid])
    else:
        raise DomainError("analysis.memo_target", _("A memo belongs to one thing."))
    services.add_memo(
        study=study, author=user_of(request), text=form.cleaned_data["text"], **kwargs
    )
    messages.success(request, _("The memo was saved."))
    return redirect(back + "#memos")


@require_POST
def memo_edit(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    study = study_for(request, slug, "analysis.code")
    memo = get_object_or_404(Memo.objects.filter(study=study), uuid=uuid)
    form = MemoForm(request.POST)
    if not form.is_valid():
        raise DomainError(
            "analysis.memo", _("Write something in the memo (at most 20,000 characters).")
        )
    services.edit_memo(memo=memo, user=user_of(request), text=form.cleaned_data["text"])
    messages.success(request, _("The memo was saved."))
    back = nextpage.safe_next(request, request.POST.get("back"))
    return redirect((back or reverse("analysis:codebook", args=[study.slug])) + "#memos")


@require_POST
def memo_delete(request: HttpRequest, slug: str, uuid: Any) -> HttpResponse:
    study = study_for(request, slug, "analysis.code")
    memo = get_object_or_404(Memo.objects.filter(study=study), uuid=uuid)
    services.delete_memo(memo=memo, user=user_of(request))
    messages.success(request, _("The memo was deleted."))
    back = nextpage.safe_next(request, request.POST.get("back"))
    return redirect(back or reverse("analysis:codebook", args=[study.slug]))
