"""Learning-log pages: goals, the change-and-learning log and the knowledge-carrier map.

Objects come through ``policy.fetch``; the method's reading (progression, risk) lives in
``services`` and ``carriers``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import exports, nextpage, policy
from verbindend.core.errors import DomainError
from verbindend.learninglog import carriers, services
from verbindend.learninglog.forms import (
    CarrierForm,
    EntryForm,
    FilterForm,
    GoalForm,
    RevisitForm,
)
from verbindend.learninglog.models import (
    CONDITIONS,
    Carrier,
    Entry,
    EntryStatus,
    LearningGoal,
    Milestone,
)
from verbindend.method import content
from verbindend.networks.models import Network

PAGE_SIZE = 20


def _network(request: HttpRequest, slug: str, action: str) -> Network:
    return policy.fetch(request.user, Network.objects.all(), action, slug=slug)


def _base(request: HttpRequest, network: Network) -> dict[str, Any]:
    user = request.user
    return {
        "network": network,
        "can_add": policy.can(user, "learninglog.add", network),
        "can_manage": policy.can(user, "learninglog.manage", network),
        "can_export": policy.can(user, "learninglog.export", network),
        "can_change": policy.can(user, "network.change", network),
        "can_see_people": policy.can(user, "people.view", network),
    }


# -- the log ------------------------------------------------------------------------------------


def _filtered(network: Network, form: FilterForm) -> QuerySet[Entry]:
    entries = Entry.objects.filter(network=network)
    form.is_valid()  # a bad value drops only its own filter
    data = getattr(form, "cleaned_data", {})
    if data.get("goal"):
        entries = entries.filter(goal_id=data["goal"])
    if data.get("reached"):
        entries = entries.filter(reached__gte=data["reached"])
    # The lists hold method keys only, so matching the quoted key in the JSON text is exact.
    if data.get("level"):
        entries = entries.filter(levels__icontains=f'"{data["level"]}"')
    if data.get("knowledge"):
        entries = entries.filter(knowledge_types__icontains=f'"{data["knowledge"]}"')
    if data.get("start"):
        entries = entries.filter(happened_on__gte=data["start"])
    if data.get("end"):
        entries = entries.filter(happened_on__lte=data["end"])
    return entries


@require_GET
def network(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _network(request, slug, "learninglog.view")
    form = FilterForm(request.GET or None, network=scope)
    entries = _filtered(scope, form).select_related("goal", "created_by")
    counts = services.condition_counts(entries)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "next_step": services.next_step_key(entry),
            "can_edit": policy.can(request.user, "learninglog.edit", entry),
        }
        for entry in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        **_base(request, scope),
        "form": form,
        "page": page,
        "rows": rows,
        "counts": [(i + 1, key, n) for i, (key, n) in enumerate(counts)],
        "total": page.paginator.count,
        "filtered": bool(query),
        "query": query.urlencode(),
        "any_entries": Entry.objects.filter(network=scope).exists(),
    }
    return render(request, "learninglog/network.html", context)


@require_GET
def entries_csv(request: HttpRequest, slug: str) -> HttpResponseBase:
    scope = _network(request, slug, "learninglog.export")
    entries = _filtered(scope, FilterForm(request.GET or None, network=scope)).select_related(
        "goal"
    )
    header = [
        _("Date"),
        _("What do we do differently now?"),
        _("Status"),
        _("Learning goal"),
        _("Levels"),
        _("Knowledge types"),
        _("Conditions reached"),
        *(content.get(key).title for key in CONDITIONS),
        _("Where it is anchored"),
        _("Source"),
    ]

    def titles(keys: list[str]) -> str:
        return "; ".join(content.get(k).title for k in keys if content.exists(k))

    rows = (
        [
            entry.happened_on.isoformat(),
            entry.title,
            entry.get_status_display(),
            entry.goal.title if entry.goal else "",
            titles(entry.levels),
            titles(entry.knowledge_types),
            entry.reached,
            *entry.evidence(),
            titles(entry.anchor_places),
            entry.source_label,
        ]
        for entry in entries
    )
    return exports.csv_response(f"learning-log-{scope.slug}", rows, header=header)


def _entry_form(request: HttpRequest, scope: Network, entry: Entry | None) -> HttpResponse:
    may_link = policy.can(request.user, "people.view", scope)
    form = EntryForm(request.POST or None, instance=entry, network=scope, may_link_people=may_link)
    if request.method == "POST" and form.is_valid():
        saved = services.save_entry(entry=form.save(commit=False), network=scope, user=request.user)
        form.save_m2m()
        if request.POST.get("record") and saved.status == EntryStatus.DRAFT:
            services.record(entry=saved)
        messages.success(request, _("The entry was saved."))
        return redirect(saved)
    context = {**_base(request, scope), "form": form, "entry": entry}
    return render(request, "learninglog/entry_form.html", context)


@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _network(request, slug, "learninglog.add")
    return _entry_form(request, scope, None)


def _entry(request: HttpRequest, pk: int, action: str) -> Entry:
    return policy.fetch(
        request.user, Entry.objects.select_related("network", "goal"), action, pk=pk
    )


@require_GET
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    item = policy.fetch(
        request.user,
        Entry.objects.select_related(
            "network",
            "goal",
            "source_contribution__session",
            "source_contribution__step",
            "source_moment__line__exercise",
        ),
        "learninglog.view",
        pk=pk,
    )
    context = {
        **_base(request, item.network),
        "entry": item,
        "conditions": services.conditions_of(item),
        "next_step": services.next_step_key(item),
        "gap": services.gap_warning(item),
        "can_edit": policy.can(request.user, "learninglog.edit", item),
        "source_url": services.source_url(item, request.user),
        "source_title": services.source_title(item),
        "people": item.people.all() if policy.can(request.user, "people.view", item) else None,
        "organisations": item.organisations.all(),
    }
    return render(request, "learninglog/entry.html", context)


def _require_edit(user: Any, entry: Entry) -> None:
    if not policy.can(user, "learninglog.edit", entry):
        raise DomainError(
            "log.not_yours",
            _("You may only change the entries you wrote yourself."),
            status=403,
        )


@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _entry(request, pk, "learninglog.add")
    _require_edit(request.user, item)
    return _entry_form(request, item.network, item)


@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _entry(request, pk, "learninglog.add")
    _require_edit(request.user, item)
    slug = item.network.slug
    services.delete_entry(entry=item)
    messages.success(request, _("The entry was deleted."))
    return redirect("learninglog:network", slug)


# -- one click from a session or a history line ---------------------------------------------------


@require_POST
def from_contribution(request: HttpRequest, pk: int) -> HttpResponse:
    from verbindend.live.models import Contribution, LiveSession

    found = get_object_or_404(Contribution.objects.select_related("step", "participant"), pk=pk)
    session = policy.fetch(
        request.user, LiveSession.objects.all(), "sessions.view", pk=found.session_id
    )
    found.session = session
    item, created = services.entry_from_contribution(contribution=found, user=request.user)  # type: ignore[arg-type]
    return _after_one_click(request, item, created)


@require_POST
def from_moment(request: HttpRequest, pk: int) -> HttpResponse:
    from verbindend.historyline.models import Moment

    moment = policy.fetch(
        request.user,
        Moment.objects.select_related("line__exercise", "line__person", "line__organisation"),
        "historyline.view",
        pk=pk,
    )
    item, created = services.entry_from_moment(moment=moment, user=request.user)  # type: ignore[arg-type]
    return _after_one_click(request, item, created)


def _after_one_click(request: HttpRequest, item: Entry, created: bool) -> HttpResponse:
    if created:
        messages.success(request, _("A draft entry was made. Complete it and record it."))
    else:
        messages.info(request, _("You already made an entry from this; here it is."))
    return redirect("learninglog:entry_edit", item.pk)


# -- goals --------------------------------------------------------------------------------------


@require_GET
def goals(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _network(request, slug, "learninglog.view")
    found = (
        LearningGoal.objects.filter(network=scope)
        .annotate(
            entry_count=Count("entries", distinct=True),
            anchored_count=Count("entries", filter=Q(entries__reached=4), distinct=True),
        )
        .prefetch_related("revisits")
        .order_by("status", "title", "pk")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {**_base(request, scope), "page": page}
    return render(request, "learninglog/goals.html", context)


def _goal_form(request: HttpRequest, scope: Network, goal: LearningGoal | None) -> HttpResponse:
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        saved = services.save_goal(goal=form.save(commit=False), network=scope, user=request.user)
        messages.success(request, _("The learning goal was saved."))
        return redirect(saved)
    context = {**_base(request, scope), "form": form, "goal": goal}
    return render(request, "learninglog/goal_form.html", context)


@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _network(request, slug, "learninglog.manage")
    return _goal_form(request, scope, None)


def _goal(request: HttpRequest, pk: int, action: str) -> LearningGoal:
    return policy.fetch(request.user, LearningGoal.objects.select_related("network"), action, pk=pk)


@require_GET
def goal(request: HttpRequest, pk: int) -> HttpResponse:
    item = _goal(request, pk, "learninglog.view")
    entries = item.entries.all()
    context = {
        **_base(request, item.network),
        "goal": item,
        "revisits": item.revisits.all(),
        "entries": entries[:50],
        "counts": [
            (i + 1, key, n) for i, (key, n) in enumerate(services.condition_counts(entries))
        ],
        "revisit_form": RevisitForm(initial={"progress": "some"}),
    }
    return render(request, "learninglog/goal.html", context)


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _goal(request, pk, "learninglog.manage")
    return _goal_form(request, item.network, item)


@require_POST
def goal_revisit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _goal(request, pk, "learninglog.manage")
    form = RevisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The revisit was not saved: give a date and the progress."))
        return redirect(item)
    services.add_revisit(goal=item, user=request.user, **form.cleaned_data)
    messages.success(request, _("The revisit was saved."))
    return redirect(item)


@require_POST
def celebrate(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the milestone goes on the agenda of the network's next session."""
    milestone = policy.fetch(
        request.user, Milestone.objects.select_related("network"), "sessions.run", pk=pk
    )
    step = services.celebrate(milestone=milestone, user=request.user)
    messages.success(
        request,
        _("The milestone is on the agenda of “%(session)s”.") % {"session": step.session.title},
    )
    back = nextpage.safe_next(request, request.POST.get("next"))
    if back:
        return redirect(back)
    return redirect("learninglog:network", milestone.network.slug)


# -- knowledge carriers -------------------------------------------------------------------------


def _map_title(scope: Network) -> str:
    return _("Knowledge carriers of %(network)s") % {"network": scope.name}


@require_GET
def carrier_map(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _network(request, slug, "learninglog.view")
    found = carriers.for_network(scope)
    context = {
        **_base(request, scope),
        "map": found,
        "svg": carriers.svg(found, title=_map_title(scope)),
    }
    return render(request, "learninglog/carriers.html", context)


@require_GET
def carriers_svg(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _network(request, slug, "learninglog.view")
    found = carriers.for_network(scope)
    return HttpResponse(
        carriers.svg(found, title=_map_title(scope)), content_type="image/svg+xml; charset=utf-8"
    )


@require_GET
def carriers_csv(request: HttpRequest, slug: str) -> HttpResponseBase:
    scope = _network(request, slug, "learninglog.export")
    header, rows = carriers.csv_rows(carriers.for_network(scope))
    return exports.csv_response(f"knowledge-carriers-{scope.slug}", rows, header=header)


def _carrier_form(request: HttpRequest, scope: Network, item: Carrier | None) -> HttpResponse:
    form = CarrierForm(request.POST or None, instance=item, network=scope)
    if request.method == "POST" and form.is_valid():
        services.save_carrier(carrier=form.save(commit=False), network=scope)
        messages.success(request, _("The carrier was saved."))
        return redirect("learninglog:carriers", scope.slug)
    context = {**_base(request, scope), "form": form, "carrier": item}
    return render(request, "learninglog/carrier_form.html", context)


@require_http_methods(["GET", "POST"])
def carrier_create(request: HttpRequest, slug: str) -> HttpResponse:
    scope = _network(request, slug, "learninglog.manage")
    return _carrier_form(request, scope, None)


def _carrier(request: HttpRequest, pk: int, action: str) -> Carrier:
    return policy.fetch(request.user, Carrier.objects.select_related("network"), action, pk=pk)


@require_http_methods(["GET", "POST"])
def carrier_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _carrier(request, pk, "learninglog.manage")
    return _carrier_form(request, item.network, item)


@require_POST
def carrier_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _carrier(request, pk, "learninglog.manage")
    slug = item.network.slug
    services.delete_carrier(carrier=item)
    messages.success(request, _("The carrier was removed."))
    return redirect(reverse("learninglog:carriers", args=[slug]))
