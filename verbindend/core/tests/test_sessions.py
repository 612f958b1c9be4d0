"""With Redis, a logged-in page reads its session from the cache, not from the database, and the
database stays the record: a session survives the cache being emptied, and pages, logging in and
logging out go on while Redis is away."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from verbindend.accounts.models import User
from verbindend.core.tests.redis_tools import redis_url
from verbindend.core.tests.test_settings_and_setup import run_manage


def test_the_session_engine_follows_redis() -> None:
    show = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    with_redis = run_manage("shell", "-v", "0", "-c", show, REDIS_URL="redis://127.0.0.1:6379/15")
    without = run_manage("shell", "-v", "0", "-c", show, REDIS_URL="")
    assert with_redis.stdout.strip() == "django.contrib.sessions.backends.cached_db"
    assert without.stdout.strip() == "django.contrib.sessions.backends.db"


@pytest.mark.django_db
def test_a_page_reads_the_session_from_redis_and_survives_an_empty_cache(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "verbindend.core.cache.SharedPoolRedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": f"sessions-{uuid.uuid4().hex[:8]}",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    user = User.objects.create_user("ann@example.org", "ann@example.org", "a-long-password-1")
    client = Client()
    client.force_login(user)
    page = reverse("core:dashboard")
    client.get(page)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]

    cache.clear()  # Redis restarted empty: the session is read from the database again
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    assert [q for q in queries.captured_queries if "django_session" in q["sql"]]
    assert client.get(page).wsgi_request.user == user


@pytest.mark.django_db
def test_pages_login_and_logout_go_on_while_redis_is_away(settings: Any) -> None:
    from bench._common import free_port

    settings.CACHES = {  # a Redis address where nothing listens: every cache call fails
        "default": {
            "BACKEND": "verbindend.core.cache.SharedPoolRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    User.objects.create_user("ann@example.org", "ann@example.org", "a-long-password-1")
    client = Client()
    login = client.post(
        reverse("accounts:login"),
        {"username": "ann@example.org", "password": "a-long-password-1"},
    )
    assert login.status_code == 302, login.content[:300]
    page = client.get(reverse("core:dashboard"))
    assert page.status_code == 200
    assert page.wsgi_request.user.is_authenticated
    client.post(reverse("accounts:logout"))
    assert not client.get(reverse("core:dashboard")).wsgi_request.user.is_authenticated
