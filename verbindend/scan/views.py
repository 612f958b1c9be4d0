"""Scan pages: a network's rounds and results (policy-checked); answering by link or by code."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from verbindend.core import disclosure, exports, policy, throttle
from verbindend.core.errors import DomainError
from verbindend.method import content
from verbindend.networks.models import Network
from verbindend.scan import charts, dimensions, export, results, services
from verbindend.scan.forms import AboutYouForm, RoundForm
from verbindend.scan.links import links_for
from verbindend.scan.models import UNKNOWN, Answer, Response, Round, ScanInvitation

if TYPE_CHECKING:
    from verbindend.accounts.models import User

COOKIE_SALT = "verbindend.scan.response"
COOKIE_AGE = 60 * 60 * 24 * 120


def _network(request: HttpRequest, slug: str, action: str) -> Network:
    return policy.fetch(request.user, Network.objects.all(), action, slug=slug)


def _round(request: HttpRequest, slug: str, pk: int, action: str) -> Round:
    network = _network(request, slug, "network.view")
    return policy.fetch(
        request.user,
        Round.objects.filter(network=network).select_related("network"),
        action,
        pk=pk,
    )


def _results_or_error(round_: Round) -> results.RoundResult:
    if not round_.results_available:
        raise DomainError(
            "scans.not_released",
            _("The results are shown once the round closes or the coordinator releases them."),
            status=409,
        )
    return results.for_round(round_)


# network pages -------------------------------------------------------------------------------


@require_GET
def network_scan(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "scans.view")
    rounds = list(Round.objects.filter(network=network).select_related("network"))
    latest = next((r for r in rounds if r.results_available), None)
    context: dict[str, object] = {
        "network": network,
        "rounds": rounds,
        "latest": latest,
        "can_manage": policy.can(request.user, "scans.manage", network),
        "intro": content.get("scan.intro"),
    }
    if latest is not None:
        result = results.for_round(latest)
        context["radar"] = charts.of_round(latest.title, result, numbered=True)
        context["radar_key"] = charts.key_of(result)
    return render(request, "scan/network.html", context)


@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug, "scans.manage")
    form = RoundForm(
        request.POST or None, network=network, initial=services.previous_settings(network)
    )
    if request.method == "POST" and form.is_valid():
        round_ = services.create_round(
            network=network,
            by=request.user,  # type: ignore[arg-type]
            **form.cleaned_data,
        )
        messages.success(request, _("The round was opened."))
        return redirect(round_)
    return render(request, "scan/round_form.html", {"network": network, "form": form})


@require_GET
def round_mine(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The member's own answer form for a round, straight from their overview."""
    round_ = _round(request, slug, pk, "contribute")
    invitation = services.invitation_for_user(round_=round_, user=request.user)  # type: ignore[arg-type]
    return redirect("scan:start", "i", invitation.token)


def _progress(round_: Round) -> dict[str, object]:
    """Counted responses per organisation for the coordinator, under the small-group rule.

    An organisation's count is shown only when the engine allows it beside the total (at least
    k, and the hidden rest not smaller than k either); the rest is one line.
    """
    responses = Response.objects.filter(round=round_).filter(
        Exists(Answer.objects.filter(response=OuterRef("pk")))
    )
    counted = responses.counted()
    by_org: dict[str, set[int]] = {}
    names: dict[str, str] = {}
    for pk, org_id, name in counted.values_list("pk", "organisation_id", "organisation_name"):
        if org_id:
            by_org.setdefault(str(org_id), set()).add(pk)
            names[str(org_id)] = name
    everyone = frozenset(counted.values_list("pk", flat=True))
    allowed = disclosure.allowed_groups(
        {key: frozenset(members) for key, members in by_org.items()},
        k=round_.effective_k,
        population=everyone,
    )
    per_org = sorted((names[key], len(by_org[key])) for key in allowed)
    rest = len(everyone) - sum(count for _name, count in per_org)
    return {
        "per_org": per_org,
        "rest": rest,
        "total": len(everyone),
        "finished": counted.filter(finished_at__isnull=False).count(),
        "invitations": round_.invitations.count(),
        "waiting": responses.waiting().count(),
    }


@require_GET
def round_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = _round(request, slug, pk, "scans.view")
    network = round_.network
    can_manage = policy.can(request.user, "scans.manage", round_)
    context: dict[str, object] = {
        "network": network,
        "round": round_,
        "can_manage": can_manage,
        "can_export": policy.can(request.user, "scans.export", round_),
    }
    if can_manage:
        context["progress"] = _progress(round_)
        context["join_url"] = request.build_absolute_uri(
            reverse("scan:start", args=["c", round_.code])
        )
    if round_.results_available:
        result = results.for_round(round_)
        earlier = Round.objects.filter(network=network, opens_on__lte=round_.opens_on)
        keys = [p.key for p in result.principles]
        trend = results.trend(earlier.select_related("network"), keys)
        context.update(
            result=result,
            radar=charts.of_round(round_.title, result, numbered=True),
            radar_key=charts.key_of(result),
            dimensions=[
                (dimension, result.groups_of(dimension))
                for dimension in results.DIMENSIONS
                if result.groups_of(dimension)
            ],
            trend=trend,
            trend_chart=charts.trend(
                _("Over time"),
                [row.round.title for row in trend],
                keys,
                [row.means for row in trend],
            )
            if len(trend) > 1
            else "",
            links={key: links_for(network, key, request.user) for key in keys},
        )
    return render(request, "scan/round.html", context)


def _only(result: results.RoundResult, dimension: str) -> results.RoundResult:
    return results.RoundResult(
        result.round_id,
        result.k,
        result.respondents,
        result.principles,
        result.groups_of(dimension),
        result.hidden_groups,
    )


@require_POST
def round_invite(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = _round(request, slug, pk, "scans.manage")
    sent = services.invite_members(round_=round_)
    messages.success(
        request,
        ngettext("%(n)d invitation was sent.", "%(n)d invitations were sent.", sent) % {"n": sent},
    )
    return redirect(round_)


@require_POST
def round_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The coordinator vouches for the shared-code answers that wait: they start to count."""
    round_ = _round(request, slug, pk, "scans.manage")
    confirmed = services.confirm_waiting(round_=round_)
    messages.success(
        request,
        ngettext(
            "%(n)d answer by shared code now counts.",
            "%(n)d answers by shared code now count.",
            confirmed,
        )
        % {"n": confirmed},
    )
    return redirect(round_)


@require_POST
def round_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = _round(request, slug, pk, "scans.manage")
    services.close_round(round_=round_)
    messages.success(request, _("The round is closed; the results are ready."))
    return redirect(round_)


@require_POST
def round_release(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = _round(request, slug, pk, "scans.manage")
    services.release_results(round_=round_)
    messages.success(request, _("The results are now visible to the network."))
    return redirect(round_)


@require_GET
def round_qr(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = _round(request, slug, pk, "scans.manage")
    link = request.build_absolute_uri(reverse("scan:start", args=["c", round_.code]))
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=6, dark="#1b2a30")
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@require_GET
def round_agenda(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    round_ = _round(request, slug, pk, "scans.view")
    result = _results_or_error(round_)
    topics = []
    for p in result.agenda():
        principle = content.get(p.key)
        exercise_key = f"{p.key}.exercise"
        topics.append(
            {
                "result": p,
                "principle": principle,
                "reflections": principle.children("reflection"),
                "exercise": content.get(exercise_key) if content.exists(exercise_key) else None,
            }
        )
    return render(
        request,
        "scan/agenda.html",
        {
            "network": round_.network,
            "round": round_,
            "result": result,
            "topics": topics,
            "principle_list": ",".join(t["result"].key for t in topics),  # type: ignore[attr-defined]
            "can_run": policy.can(request.user, "sessions.run", round_.network),
        },
    )


@require_GET
def round_radar(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    if fmt not in {"svg", "png"}:
        raise Http404
    round_ = _round(request, slug, pk, "scans.view")
    result = _results_or_error(round_)
    dimension = request.GET.get("by", "")
    shown = "view" in request.GET  # shown in the page as an image, beside the names
    if dimension in results.DIMENSIONS:
        svg = charts.of_round(round_.title, _only(result, dimension), groups=True, numbered=shown)
    else:
        svg = charts.of_round(round_.title, result, numbered=shown)
    name = f"scan-{round_.network.slug}-{round_.pk}-radar"
    if fmt == "png":
        import cairosvg

        png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=1320)
        return exports.download(name, "png", png, "image/png")
    if shown:  # otherwise a download, with the names at the axes
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    return exports.download(name, "svg", svg, "image/svg+xml; charset=utf-8")


@require_GET
def round_export(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponseBase:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    round_ = _round(request, slug, pk, "scans.export")
    result = _results_or_error(round_)
    header, rows = export.export_rows(round_, result)
    name = f"scan-{round_.network.slug}-{round_.pk}"
    if fmt == "xlsx":
        about: list[list[Any]] = [
            [_("Round"), round_.title],
            [_("Content version"), round_.content_version],
            [_("Smallest group shown"), result.k],
            [_("Scale"), _("1–5; unknown = don't know / not applicable")],
        ]
        answers: list[list[Any]] = [header, *([_cell(value) for value in row] for row in rows)]
        return exports.xlsx_response(
            name, [exports.Sheet(_("Answers"), answers), exports.Sheet(_("About"), about)]
        )
    return exports.csv_response(name, rows, header=header)


def _cell(value: str) -> int | str:
    return int(value) if value.isascii() and value.isdigit() else value


# answering: by invitation link ("i") or by the round's code with a cookie ("c") ------------------


@dataclass
class Respondent:
    round: Round
    kind: str
    key: str
    invitation: ScanInvitation | None
    response: Response | None


def _cookie_name(round_: Round) -> str:
    return f"scan_{round_.pk}"


def _respondent(request: HttpRequest, kind: str, key: str) -> Respondent:
    """Who answers: by personal link or shared code; wrong ones count against the address."""
    address = throttle.client_address(request)
    return throttle.guard(
        "scans", address, f"{kind}:{key}", lambda: _find_respondent(request, kind, key)
    )


def _find_respondent(request: HttpRequest, kind: str, key: str) -> Respondent:
    forged = DomainError("scans.forged", _("This answer link is not valid."), status=404)
    if kind == "i":
        invitation = (
            ScanInvitation.objects.filter(token=key).select_related("round__network").first()
            if key
            else None
        )
        if invitation is None:
            raise forged
        response = Response.objects.filter(invitation=invitation).first()
        return Respondent(invitation.round, kind, key, invitation, response)
    if kind == "c":
        round_ = Round.objects.filter(code=key.upper()).select_related("network").first()
        if round_ is None:
            raise forged
        response = None
        member = _member(request, round_)
        if member is not None:
            response = Response.objects.filter(round=round_, user=member).first()
        if response is None and _cookie_name(round_) in request.COOKIES:
            try:
                token = request.get_signed_cookie(_cookie_name(round_), salt=COOKIE_SALT)
            except signing.BadSignature as error:
                raise forged from error
            response = Response.objects.filter(round=round_, token=token).first()
            if response is None:
                raise forged
        return Respondent(round_, kind, key, None, response)
    raise forged


def _member(request: HttpRequest, round_: Round) -> User | None:
    """The logged-in member of the round's network, whose answers are verified."""
    user = request.user
    if user.is_authenticated and policy.can(user, "contribute", round_.network):
        return user
    return None


#: New shared-code responses one address may start per round and hour (a room shares one).
NEW_BY_CODE_PER_ADDRESS = 40


def _limit_new_by_code(request: HttpRequest, round_: Round) -> None:
    key = f"scan:new-by-code:{round_.pk}:{throttle.client_address(request)}"
    if (cache.get(key) or 0) >= NEW_BY_CODE_PER_ADDRESS:
        raise DomainError(
            "scans.throttled",
            _("Many answers came from this connection already. Try again in an hour."),
            status=429,
        )
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)


def _need_response(who: Respondent) -> Response:
    if who.response is None:
        raise DomainError(
            "scans.no_response", _("Start by telling us a little about yourself."), status=409
        )
    return who.response


def _sections(round_: Round) -> list[str]:
    return round_.principle_keys()


def _first_open_page(round_: Round, response: Response) -> int:
    answered = set(response.answers.values_list("item_key", flat=True))
    for n, key in enumerate(_sections(round_), start=1):
        if any(item not in answered for item in round_.items_of(key)):
            return n
    return len(_sections(round_))


@login_not_required
@require_http_methods(["GET", "POST"])
def respond_start(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    who = _respondent(request, kind, key)
    round_ = who.round
    initial = {}
    person = who.invitation.person if who.invitation else None
    if person is not None:
        initial = {
            "organisation": person.organisation_id,
            **{name: getattr(person, name) for name in dimensions.NAMES},
        }
    posted = request.POST if request.method == "POST" else None
    form = AboutYouForm(posted, network=round_.network, initial=initial)
    if request.method == "POST":
        if who.response is not None:
            raise DomainError(
                "scans.already_started",
                _("You already started this scan; your answers are kept. Continue below."),
                status=409,
            )
        if form.is_valid():
            data = form.cleaned_data
            organisation = data["organisation"]
            member = _member(request, round_) if kind == "c" else None
            if kind == "c" and member is None:
                _limit_new_by_code(request, round_)
            response = services.start_response(
                member=member,
                round_=round_,
                invitation=who.invitation,
                organisation_id=organisation.pk if organisation else None,
                **{name: data[name] for name in dimensions.NAMES},
            )
            reply: HttpResponse = redirect("scan:page", kind, key, 1)
            if kind == "c":
                reply.set_signed_cookie(
                    _cookie_name(round_),
                    response.token,
                    salt=COOKIE_SALT,
                    max_age=COOKIE_AGE,
                    httponly=True,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
            return reply
    resume = _first_open_page(round_, who.response) if who.response else None
    return render(
        request,
        "scan/respond_start.html",
        {
            "who": who,
            "round": round_,
            "form": form,
            "resume": resume,
            "open": round_.accepts_answers(),
            "intro": content.get("scan.intro"),
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def respond_page(request: HttpRequest, kind: str, key: str, n: int) -> HttpResponse:
    who = _respondent(request, kind, key)
    response = _need_response(who)
    round_ = who.round
    sections = _sections(round_)
    if not 1 <= n <= len(sections):
        raise DomainError("scans.page", _("This page does not exist."), status=404)
    principle_key = sections[n - 1]
    items = round_.items_of(principle_key)
    if request.method == "POST":
        values = {item: request.POST.get(f"item-{item}", "") for item in items}
        extra = {
            name[5:] for name in request.POST if name.startswith("item-") and name[5:] not in items
        }
        if extra:
            raise DomainError("scans.item", _("This statement is not part of this round."))
        services.save_principle(
            response=response,
            principle_key=principle_key,
            values=values,
            comment=request.POST.get("comment", ""),
        )
        if n < len(sections) and "back" not in request.POST:
            return redirect("scan:page", kind, key, n + 1)
        if "back" in request.POST and n > 1:
            return redirect("scan:page", kind, key, n - 1)
        return redirect("scan:done", kind, key)
    saved = dict(
        response.answers.filter(principle_key=principle_key).values_list("item_key", "value")
    )
    comment = response.comments.filter(principle_key=principle_key).first()
    scale = [(str(i), content.get(f"scan.scale.{i}").text("label")) for i in range(1, 6)]
    scale.append((UNKNOWN, content.get("scan.scale.unknown").text("label")))
    rows = []
    for item in items:
        value = saved.get(item, "") if item in saved else ""
        current = UNKNOWN if item in saved and value is None else str(value or "")
        rows.append(
            {"key": item, "statement": content.get(item).text("statement"), "current": current}
        )
    return render(
        request,
        "scan/respond_page.html",
        {
            "who": who,
            "round": round_,
            "n": n,
            "count": len(sections),
            "principle": content.get(principle_key),
            "rows": rows,
            "scale": scale,
            "comment": comment.text if comment else "",
            "comment_label": content.get("scan.comment").text("label"),
            "comment_help": content.get("scan.comment").text("help"),
            "open": round_.accepts_answers(),
        },
    )


@login_not_required
@require_POST
def respond_item(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """One answer, saved as soon as it is chosen (htmx)."""
    who = _respondent(request, kind, key)
    response = _need_response(who)
    item = request.POST.get("item", "")
    services.save_answer(
        response=response, item_key=item, raw_value=request.POST.get(f"item-{item}", "")
    )
    return render(request, "scan/respond_page.html#saved", {"saved": True})


@login_not_required
@require_http_methods(["GET", "POST"])
def respond_done(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    who = _respondent(request, kind, key)
    response = _need_response(who)
    if request.method == "POST":
        services.finish_response(response=response)
        return HttpResponseRedirect(reverse("scan:done", args=[kind, key]))
    answered = response.answers.count()
    return render(
        request,
        "scan/respond_done.html",
        {
            "who": who,
            "round": who.round,
            "answered": answered,
            "total": len(who.round.item_keys),
            "finished": response.finished_at is not None,
            "open": who.round.accepts_answers(),
        },
    )
