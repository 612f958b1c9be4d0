"""History-line pages. Objects come through policy.fetch; the work is in services and together."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import exports, nextpage, policy
from verbindend.core.errors import DomainError
from verbindend.historyline import export, services, together
from verbindend.historyline.forms import (
    ExerciseForm,
    InterviewForm,
    MomentForm,
    ToleranceForm,
    milestones_text,
)
from verbindend.historyline.models import Exercise, Line, Moment
from verbindend.historyline.posting import handle_line_post, handle_moment_post, wants_json
from verbindend.networks.models import LeadRole, Network, Person
from verbindend.privacy import audit
from verbindend.privacy.models import AuditAction
from verbindend.studies.models import Case, Study

PAGE_SIZE = 25


def _exercise(request: HttpRequest, pk: int, action: str) -> Exercise:
    return policy.fetch(
        request.user,
        Exercise.objects.select_related("network", "study"),
        action,
        pk=pk,
    )


def _scope_context(request: HttpRequest, exercise: Exercise) -> dict[str, Any]:
    user = request.user
    return {
        "exercise": exercise,
        "network": exercise.network,
        "study": exercise.study,
        "can_run": policy.can(user, "historyline.run", exercise),
        "can_draw": policy.can(user, "historyline.draw", exercise),
        "can_export": policy.can(user, "historyline.export", exercise),
    }


# lists and the axis ---------------------------------------------------------------------------


def _list(request: HttpRequest, scope: Network | Study) -> HttpResponse:
    field = "network" if isinstance(scope, Network) else "study"
    exercises = (
        Exercise.objects.filter(**{field: scope}).with_line_count().order_by("-created_at", "-pk")
    )
    page = Paginator(exercises, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "scope": scope,
        "page": page,
        "can_run": policy.can(request.user, "historyline.run", scope),
    }
    if isinstance(scope, Network):
        context.update(
            network=scope,
            can_change=policy.can(request.user, "network.change", scope),
            can_see_people=policy.can(request.user, "people.view", scope),
        )
    return render(request, "historyline/list.html", context)


@require_GET
def exercises(request: HttpRequest, slug: str, scope: str) -> HttpResponse:
    return _list(request, policy.fetch_scope(request.user, scope, slug, "historyline.view"))


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, slug: str, scope: str) -> HttpResponse:
    owner = policy.fetch_scope(request.user, scope, slug, "historyline.run")
    form = ExerciseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        exercise = services.create_exercise(
            scope=owner,
            title=data["title"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            milestones=data["milestones"],
            tolerance_days=data["tolerance_days"],
            created_by=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, _("The exercise was created."))
        return redirect(exercise)
    founded_on = getattr(owner, "founded_on", None)
    if founded_on and not form.is_bound:
        form.initial["start_date"] = founded_on
    return render(request, "historyline/exercise_form.html", {"form": form, "scope": owner})


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.run")
    initial = {
        "title": exercise.title,
        "start_date": exercise.start_date,
        "end_date": exercise.end_date,
        "milestones": milestones_text(exercise.milestones),
        "tolerance_days": exercise.tolerance_days,
    }
    form = ExerciseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_axis(
            exercise=exercise,
            title=data["title"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            milestones=data["milestones"],
            tolerance_days=data["tolerance_days"],
        )
        messages.success(request, _("The time axis was saved."))
        return redirect(exercise)
    return render(
        request,
        "historyline/exercise_form.html",
        {"form": form, "scope": exercise.policy_scope, "exercise": exercise},
    )


# drawing ------------------------------------------------------------------------------------


def draw_context(
    *,
    exercise: Exercise,
    participant_key: str,
    save_url: str,
    moment_url: str,
    moment_form: MomentForm | None = None,
) -> dict[str, Any]:
    """What the drawing partial ``historyline/_draw.html`` needs; also for a live phone page."""
    line = (
        Line.objects.filter(exercise=exercise, participant_key=participant_key)
        .prefetch_related("moments")
        .first()
    )
    moments = list(line.moments.all()) if line else []
    return {
        "exercise": exercise,
        "line": line,
        "points_json": json.dumps(line.points if line else []),
        "moments": moments,
        "moments_json": json.dumps([m.as_json() for m in moments]),
        "milestones_json": json.dumps(exercise.milestones),
        "moment_form": moment_form or MomentForm(initial={"kind": "peak"}),
        "save_url": save_url,
        "moment_url": moment_url,
        "frame": together.frame(exercise),
        "table_rows": [
            {"date": exercise.date_at(d).isoformat(), "value": v}
            for d, v in (line.points if line else [])
        ],
    }


def _own_key(request: HttpRequest, exercise: Exercise) -> str:
    return services.participant_key_for(exercise=exercise, user=request.user)  # type: ignore[arg-type]


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.view")
    return _detail_page(request, exercise)


def _detail_page(
    request: HttpRequest, exercise: Exercise, moment_form: MomentForm | None = None
) -> HttpResponse:
    context = _scope_context(request, exercise)
    if context["can_draw"]:
        context.update(
            draw_context(
                exercise=exercise,
                participant_key=_own_key(request, exercise),
                save_url=reverse("historyline:line", args=[exercise.pk]),
                moment_url=reverse("historyline:moments", args=[exercise.pk]),
                moment_form=moment_form,
            )
        )
    context["line_count"] = exercise.lines.count()
    status = 400 if moment_form is not None and moment_form.errors else 200
    return render(request, "historyline/detail.html", context, status=status)


@require_POST
def line(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.draw")
    return handle_line_post(
        request,
        exercise=exercise,
        participant_key=_own_key(request, exercise),
        next_url=exercise.get_absolute_url(),
    )


@require_POST
def moments(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.draw")

    def page(form: MomentForm | None, redirect_only: bool = False) -> HttpResponse:
        if redirect_only or form is None:
            return redirect(exercise)
        return _detail_page(request, exercise, moment_form=form)

    return handle_moment_post(
        request, exercise=exercise, participant_key=_own_key(request, exercise), page=page
    )


@require_POST
def moment_delete(request: HttpRequest, pk: int, moment_pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.draw")
    moment = policy.fetch(
        request.user,
        Moment.objects.filter(line__exercise=exercise).select_related("line__exercise"),
        "historyline.draw",
        pk=moment_pk,
    )
    own = moment.line.participant_key == _own_key(request, exercise)
    if not own and not policy.can(request.user, "historyline.run", exercise):
        policy.require(request.user, "historyline.run", exercise)
    services.delete_moment(moment=moment)
    if wants_json(request):
        return JsonResponse({"ok": True})
    messages.success(request, _("The moment was removed."))
    back = nextpage.safe_next(request, request.POST.get("next"))
    return redirect(back or exercise.get_absolute_url())


# interview mode -----------------------------------------------------------------------------


def _respondents(exercise: Exercise) -> Any:
    people = Person.objects.select_related("organisation").order_by("name")
    if exercise.network_id:
        return people.filter(network_id=exercise.network_id)
    agreed = Case.objects.agreed().filter(study=exercise.study).values("network")
    return people.filter(network__in=agreed)


@require_http_methods(["GET", "POST"])
def interview(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.run")
    people = _respondents(exercise)
    form = InterviewForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        return redirect(
            "historyline:interview_person", pk=exercise.pk, person_pk=form.cleaned_data["person"]
        )
    done = set(exercise.lines.filter(person__isnull=False).values_list("person_id", flat=True))
    return render(
        request,
        "historyline/interview_choose.html",
        {**_scope_context(request, exercise), "form": form, "done": done, "people": people},
    )


def _respondent(request: HttpRequest, exercise: Exercise, person_pk: int) -> Person:
    return policy.fetch(request.user, _respondents(exercise), "people.view", pk=person_pk)


def _interview_page(
    request: HttpRequest, exercise: Exercise, person: Person, moment_form: MomentForm | None = None
) -> HttpResponse:
    key = f"person:{person.pk}"
    context = {
        **_scope_context(request, exercise),
        **draw_context(
            exercise=exercise,
            participant_key=key,
            save_url=reverse("historyline:interview_line", args=[exercise.pk, person.pk]),
            moment_url=reverse("historyline:interview_moments", args=[exercise.pk, person.pk]),
            moment_form=moment_form,
        ),
        "person": person,
    }
    status = 400 if moment_form is not None and moment_form.errors else 200
    return render(request, "historyline/interview.html", context, status=status)


@require_GET
def interview_person(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.run")
    return _interview_page(request, exercise, _respondent(request, exercise, person_pk))


@require_POST
def interview_line(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.run")
    person = _respondent(request, exercise, person_pk)
    return handle_line_post(
        request,
        exercise=exercise,
        participant_key=f"person:{person.pk}",
        next_url=reverse("historyline:interview_person", args=[exercise.pk, person.pk]),
    )


@require_POST
def interview_moments(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.run")
    person = _respondent(request, exercise, person_pk)

    def page(form: MomentForm | None, redirect_only: bool = False) -> HttpResponse:
        if redirect_only or form is None:
            return redirect("historyline:interview_person", pk=exercise.pk, person_pk=person.pk)
        return _interview_page(request, exercise, person, moment_form=form)

    return handle_moment_post(
        request, exercise=exercise, participant_key=f"person:{person.pk}", page=page
    )


# together -----------------------------------------------------------------------------------


def _filter_options(exercise: Exercise, lines: list[Line]) -> dict[str, Any]:
    """Only the filters the disclosure engine allows beside the whole set are offered."""
    allowed = together.allowed_filters(exercise, lines)
    organisations = sorted(
        {
            (ln.organisation_id, ln.organisation.name)
            for ln in lines
            if ln.organisation and ("organisation", ln.organisation_id) in allowed
        },
        key=lambda pair: pair[1],
    )
    roles = sorted({ln.role for ln in lines if ln.role and ("role", ln.role) in allowed})
    role_labels = dict(LeadRole.choices)
    return {
        "organisations": organisations,
        "roles": [(r, role_labels.get(r, r)) for r in roles],
        "levels": services.tag_choices("level"),
    }


@require_GET
def together_page(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.view")
    lines = together.lines_of(exercise)
    filters = together.Filters.from_query(request.GET)
    result = together.overlay(exercise, filters, lines=lines)
    context = {
        **_scope_context(request, exercise),
        **_filter_options(exercise, lines),
        "o": result,
        "svg": result.svg(title=_("History lines of %(title)s") % {"title": exercise.title}),
        "shared": together.shared_with_lines(result),
        "tolerance_form": ToleranceForm(initial={"tolerance_days": exercise.tolerance_days}),
        "query": request.GET.urlencode(),
    }
    return render(request, "historyline/together.html", context)


@require_POST
def tolerance(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.run")
    form = ToleranceForm(request.POST)
    if not form.is_valid():
        raise DomainError(
            "bad_tolerance", _("The tolerance must lie between 0 and 3650 days (ten years).")
        )
    services.set_tolerance(exercise=exercise, days=form.cleaned_data["tolerance_days"])
    messages.success(request, _("The tolerance was changed."))
    return redirect(reverse("historyline:together", args=[exercise.pk]))


@require_GET
def wall(request: HttpRequest, pk: int) -> HttpResponse:
    """The lines as they arrive, for a projector; htmx refreshes the picture."""
    exercise = _exercise(request, pk, "historyline.view")
    context = {**_scope_context(request, exercise), "refresh": True}
    template = "historyline/wall.html"
    if getattr(request, "htmx", False):
        template += "#wall"
    return render(request, template, context)


# export -------------------------------------------------------------------------------------


IMAGE_FORMATS = {"svg", "png"}


def _filename(exercise: Exercise, suffix: str) -> str:
    return f"{slugify(exercise.title) or 'historyline'}-{suffix}"


def _download(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    stem, _dot, extension = filename.rpartition(".")
    return exports.download(stem, extension, body, content_type)


@require_GET
def overlay_image(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in IMAGE_FORMATS:
        raise Http404
    exercise = _exercise(request, pk, "historyline.view")
    result = together.overlay(exercise, together.Filters.from_query(request.GET))
    svg = result.svg(title=exercise.title)
    if fmt == "png":
        return _download(export.png(svg), "image/png", _filename(exercise, "overlay.png"))
    return _download(svg, "image/svg+xml", _filename(exercise, "overlay.svg"))


@require_GET
def line_image(request: HttpRequest, pk: int, line_pk: int, fmt: str) -> HttpResponse:
    if fmt not in IMAGE_FORMATS:
        raise Http404
    exercise = _exercise(request, pk, "historyline.export")
    line = policy.fetch(
        request.user, Line.objects.filter(exercise=exercise), "historyline.export", pk=line_pk
    )
    result = together.overlay(exercise, lines=[line])
    svg = result.svg(title=f"{exercise.title} · {line.pseudonym}")
    name = _filename(exercise, f"{line.pseudonym}.{fmt}")
    if fmt == "png":
        return _download(export.png(svg), "image/png", name)
    return _download(svg, "image/svg+xml", name)


@require_GET
def points_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    exercise = _exercise(request, pk, "historyline.export")
    return exports.csv_response(
        _filename(exercise, "points"), export.points_rows(exercise), header=export.POINTS_HEADER
    )


@require_GET
def moments_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    exercise = _exercise(request, pk, "historyline.export")
    audit.record(request, AuditAction.EXPORTED, exercise, detail="moments.csv")
    return exports.csv_response(
        _filename(exercise, "moments"), export.moments_rows(exercise), header=export.MOMENTS_HEADER
    )


@require_GET
def stories(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = _exercise(request, pk, "historyline.export")
    audit.record(request, AuditAction.EXPORTED, exercise, detail="stories.txt")
    return _download(
        services.stories_text(exercise),
        "text/plain; charset=utf-8",
        _filename(exercise, "stories.txt"),
    )
