"""The public guide through the method: sections, key links, visual aids and a print view.

Everything here is public (no login) and read-only; the content comes from
:mod:`verbindend.method.content` in the active language.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from verbindend.method import aids, content, guide


def _common() -> dict[str, Any]:
    return {
        "sections": guide.SECTIONS,
        "version": content.version(),
        "principles": content.of_kind("principle"),
        "aid_names": aids.names(),
    }


def _section_page(request: HttpRequest, section: guide.Section) -> HttpResponse:
    before, after = guide.neighbours(section)
    return render(
        request,
        "method/section.html",
        {**_common(), "section": section, "before": before, "after": after},
    )


@require_GET
@login_not_required
def overview(request: HttpRequest) -> HttpResponse:
    """The guide's front page: the five principles with all their reflection items."""
    return _section_page(request, guide.BY_SLUG[""])


@require_GET
@login_not_required
def section(request: HttpRequest, slug: str) -> HttpResponse:
    found = guide.BY_SLUG.get(slug)
    if found is None or not slug:
        raise Http404("no such section of the guide")
    return _section_page(request, found)


@require_GET
@login_not_required
def key(request: HttpRequest, key: str) -> HttpResponse:
    """A stable address for every node: redirects to its home section and anchor."""
    if not content.exists(key):
        raise Http404("unknown method content key")
    return HttpResponseRedirect(guide.key_url(key))


def _language(request: HttpRequest) -> str | None:
    """An explicit ?lang=nl|en for reuse in reports; anything else means the active language."""
    lang = request.GET.get("lang", "")
    return lang if lang in content.LANGUAGES else None


@require_GET
@login_not_required
def aid_svg(request: HttpRequest, name: str) -> HttpResponse:
    """One visual aid as an SVG file, for live sessions, reports and downloads."""
    if not aids.exists(name):
        raise Http404("no such visual aid")
    lang = _language(request) or translation.get_language() or content.DEFAULT_LANGUAGE
    response = HttpResponse(
        aids.render(name, lang=lang, standalone=True),
        content_type="image/svg+xml; charset=utf-8",
    )
    response["Content-Language"] = lang
    response["X-Content-Type-Options"] = "nosniff"
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_GET
@login_not_required
def projector(request: HttpRequest, name: str) -> HttpResponse:
    """One aid filling the screen, with big type: for a projector or a shared screen."""
    if not aids.exists(name):
        raise Http404("no such visual aid")
    names = aids.names()
    index = names.index(name)
    return render(
        request,
        "method/projector.html",
        {
            "aid": aids.node(name),
            "name": name,
            "svg": aids.render(name),
            "before": names[index - 1] if index > 0 else None,
            "after": names[index + 1] if index + 1 < len(names) else None,
            "version": content.version(),
        },
    )


@require_GET
@login_not_required
def print_view(request: HttpRequest) -> HttpResponse:
    """The whole guide on one page, laid out for A4 paper (print it, or save it as PDF)."""
    return render(request, "method/print.html", {**_common(), "printing": True})
