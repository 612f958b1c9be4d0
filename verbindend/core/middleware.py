"""Turns domain errors into a clear page (or an htmx fragment) in one place."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from verbindend.core.errors import DomainError


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        template = (
            "core/error.html#message" if getattr(request, "htmx", False) else "core/error.html"
        )
        response = TemplateResponse(
            request,
            template,
            {"error": exception},
            status=exception.status,
        )
        return response.render()
