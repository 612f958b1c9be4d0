"""Probing the static files for paths outside them is a plain 404, in development too."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

PROBES = [
    "/static/..%2f..%2fsettings.py",
    "/static/../../etc/passwd",
    "/static/%2e%2e/%2e%2e/manage.py",
    "/static/vendor/htmx/..%2f..%2f..%2fpyproject.toml",
    "/static/a%00b.css",
    "/static/..%5c..%5cmanage.py",
]


@pytest.mark.parametrize("path", PROBES)
def test_a_climbing_static_path_is_not_found_in_development(
    db: None, settings: Any, path: str
) -> None:
    settings.DEBUG = True
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 404


def test_real_static_files_are_still_served(db: None, settings: Any) -> None:
    settings.DEBUG = True
    response = Client().get("/static/img/favicon.svg")
    assert response.status_code == 200
