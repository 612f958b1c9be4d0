"""Turns domain errors into a clear page (or an htmx fragment) in one place."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from servestatic.middleware import ServeStaticMiddleware

from verbindend.core import validation
from verbindend.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        return render_error(request, exception)


def render_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The clear page (or htmx fragment) for a domain error."""
    template = "core/error.html#message" if getattr(request, "htmx", False) else "core/error.html"
    response = TemplateResponse(request, template, {"error": error}, status=error.status)
    return response.render()


SECRET_FIELDS = frozenset({"password", "password1", "password2", "old_password", "new_password1"})


class CleanFormInputMiddleware:
    """Every posted form field loses bidirectional control characters before a form sees it.

    One place instead of every form: names, answers and notes can no longer be made to read
    differently from what they are. Secret fields are left exactly as typed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            try:
                posted = request.POST
            except TooManyFilesSent:
                return render_error(request, _too_many_files())
            except MultiPartParserError:
                return render_error(request, _unreadable_form())
            if any(
                validation.has_bidi(value)
                for key, values in posted.lists()
                if key not in SECRET_FIELDS
                for value in values
            ):
                cleaned = posted.copy()
                for key, values in posted.lists():
                    if key not in SECRET_FIELDS:
                        cleaned.setlist(key, [validation.strip_bidi(v) for v in values])
                cleaned._mutable = False
                request.POST = cleaned  # type: ignore[assignment]
        return self.get_response(request)


def _too_many_files() -> DomainError:
    return DomainError(
        "import.too_many",
        _("At most %(n)d files can be sent at once; import them in several rounds.")
        % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FILES},
    )


def _unreadable_form() -> DomainError:
    return DomainError(
        "request.unreadable",
        _("The form could not be read. Reload the page and send it again."),
    )


class StaticFilesMiddleware:
    """ServeStatic's files, served sync with the rest of the middleware.

    ServeStatic's own middleware runs only async. In the web processes the whole middleware chain
    and the view run on a page thread in one hand-over (``live.asgi``); an async-only middleware
    in it would add two more per request. This one uses ServeStatic's table of files and its
    responses (headers, compressed variants, ranges, 304s) as they are, and sends the file's
    bytes: the static files are small.

    A missing or climbing path (`/static/../../settings.py`) is a 404, in development too, where
    ServeStatic itself raises an error (a 500 page) for a static path it cannot find.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.files = ServeStaticMiddleware(_never_called)  # builds ServeStatic's table of files

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        found = (
            self.files.find_file(request.path_info)
            if self.files.autorefresh
            else self.files.files.get(request.path_info)
        )
        if found is None:
            if settings.DEBUG and request.path.startswith(settings.STATIC_URL):
                raise Http404(request.path)
            return self.get_response(request)
        served = found.get_response(request.method or "GET", request.META)
        content = b""
        if served.file is not None:
            with served.file as file:
                content = file.read()
        response = HttpResponse(content, status=int(served.status))
        del response["Content-Type"]  # ServeStatic's headers say it
        for key, value in served.headers:
            if value is not None:
                response[key] = value
        return response


async def _never_called(request: HttpRequest) -> HttpResponseBase:
    raise AssertionError("ServeStatic's own middleware is only used for its table of files")
