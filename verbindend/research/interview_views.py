"""Interview mode: the study's interviews, the consent check, one question at a time with its
visual aid and notes, and the transcript aligned to the guide afterwards. Thin: fetch through the
policy, call :mod:`research.interviews`, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import policy, validation
from verbindend.core.errors import DomainError
from verbindend.method import aids
from verbindend.research import interviews
from verbindend.research.models import InterviewRun
from verbindend.studies.models import Document, Interview, Study


def _interview(request: HttpRequest, slug: str, pk: int, action: str) -> tuple[Study, Interview]:
    study = policy.fetch(request.user, Study.objects.all(), "study.view", slug=slug)
    interview = policy.fetch(
        request.user,
        Interview.objects.filter(study=study).select_related("respondent__person", "study"),
        action,
        pk=pk,
    )
    return study, interview


def _run(interview: Interview) -> InterviewRun:
    run = InterviewRun.objects.filter(interview=interview).first()
    if run is None:
        raise DomainError(
            "research.not_started",
            _("Start the interview first: its consent for recording is checked then."),
        )
    return run


@require_GET
def interview_list(request: HttpRequest, slug: str) -> HttpResponse:
    study = policy.fetch(request.user, Study.objects.all(), "interviews.view", slug=slug)
    rows = (
        Interview.objects.filter(study=study)
        .select_related("respondent__person", "respondent__case__network", "run__transcript")
        .order_by("-scheduled_at")
    )
    return render(request, "research/interviews.html", {"study": study, "interviews": rows})


@require_http_methods(["GET", "POST"])
def interview_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Before: the consent check and the start. After: the notes per question and the
    transcript."""
    study, interview = _interview(request, slug, pk, "interviews.view")
    if request.method == "POST":
        policy.require(request.user, "interviews.conduct", interview)
        interviews.start(
            interview=interview,
            by=request.user,
            without_recording=request.POST.get("without_recording") == "1",
        )
        return redirect("research:interview_question", slug=study.slug, pk=interview.pk, number=1)
    run = InterviewRun.objects.filter(interview=interview).select_related("transcript").first()
    notes = interviews.notes_of(run) if run else {}
    aligned = {span["key"] for span in (run.aligned if run else [])}
    questions = [(q, notes.get(q.key), q.key in aligned) for q in interviews.guide()]
    return render(
        request,
        "research/interview.html",
        {
            "study": study,
            "interview": interview,
            "run": run,
            "consent": interviews.recording_consent(interview),
            "questions": questions,
            "transcripts": interviews.transcripts_for(run) if run else [],
            "can_conduct": policy.can(request.user, "interviews.conduct", interview),
            "can_code": policy.can(request.user, "analysis.code", study),
        },
    )


@require_http_methods(["GET", "POST"])
def interview_question(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    """One question of the guide with its aid and the notes field; saving moves on (or, from the
    page's script, answers with JSON and stays)."""
    study, interview = _interview(request, slug, pk, "interviews.conduct")
    run = _run(interview)
    questions = interviews.guide()
    if not 1 <= number <= len(questions):
        raise Http404("no such question")
    current = questions[number - 1]
    if request.method == "POST":
        note = interviews.save_note(
            run=run, number=number, text=request.POST.get("text", ""), by=request.user
        )
        if request.headers.get("Accept", "").startswith("application/json"):
            saved = formats.time_format(note.updated_at, "TIME_FORMAT")
            return JsonResponse({"saved": _("Saved at %(time)s") % {"time": saved}})
        go = validation.ascii_int(request.POST.get("go"), default=number)
        if 1 <= go <= len(questions):
            return redirect(
                "research:interview_question", slug=study.slug, pk=interview.pk, number=go
            )
        messages.success(request, _("Your notes were saved."))
        return redirect("research:interview", slug=study.slug, pk=interview.pk)
    notes = interviews.notes_of(run)
    return render(
        request,
        "research/interview_question.html",
        {
            "study": study,
            "interview": interview,
            "run": run,
            "question": current,
            "questions": [(q, q.key in notes and bool(notes[q.key].text)) for q in questions],
            "note": notes.get(current.key),
            "total": len(questions),
            "svg": aids.render(current.aid) if current.aid and aids.exists(current.aid) else "",
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < len(questions) else None,
        },
    )


@require_POST
def interview_transcript(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    study, interview = _interview(request, slug, pk, "interviews.conduct")
    policy.require(request.user, "analysis.code", study)
    run = _run(interview)
    back = redirect("research:interview", slug=study.slug, pk=interview.pk)
    if request.POST.get("detach"):
        interviews.detach_transcript(run=run)
        messages.success(request, _("The transcript was detached; its alignment was removed."))
        return back
    document = Document.objects.filter(
        study=study, pk=validation.ascii_int(request.POST.get("document"))
    ).first()
    if document is None:
        raise DomainError("research.no_transcript", _("Choose one of the study's transcripts."))
    found = interviews.attach_transcript(run=run, document=document, by=request.user)
    messages.success(request, _message(found, len(interviews.guide())))
    return back


def _message(found: int, total: int) -> Any:
    if not found:
        return _(
            "The transcript was attached, but none of the guide's questions was found in the "
            "interviewer's turns. Check who is the interviewer on the document."
        )
    return _("The transcript was attached: %(found)s of the %(total)s questions were found.") % {
        "found": found,
        "total": total,
    }
