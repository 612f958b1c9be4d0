"""A web process compiles its templates before its first request, not during it."""

from __future__ import annotations

import os
import subprocess
import sys

from django.template import Engine, engines
from django.template.loaders.cached import Loader as CachedLoader
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import get_ns_resolver

from verbindend.core.tests.test_settings_and_setup import ROOT
from verbindend.core.warmup import warm
from verbindend.testing.personas import Personas


def cached_loader(engine: Engine | None = None) -> CachedLoader:
    engine = engine or engines["django"].engine  # type: ignore[attr-defined]
    loader = engine.template_loaders[0]
    assert isinstance(loader, CachedLoader), "the templates are served by Django's cached loader"
    return loader


def test_warm_compiles_the_templates_the_pages_then_use(personas: Personas) -> None:
    loader = cached_loader()
    loader.reset()
    get_resolver()._reverse_dict.clear()  # as in a fresh process
    get_ns_resolver.cache_clear()

    compiled = warm()
    warmed = set(loader.get_template_cache)
    assert compiled == len(warmed)
    assert len(warmed) > 100
    assert {"core/field.html", "django/forms/widgets/input.html"} <= warmed, "the forms' too"
    assert {"base.html", "core/home.html", "networks/detail.html"} <= warmed
    assert {"nl", "en"} <= set(get_resolver()._reverse_dict), "the URL map, in every language"
    namespaces = get_ns_resolver.cache_info().currsize
    assert namespaces >= 10, "a resolver for each namespace of the URL map"

    client = Client()
    client.force_login(personas.coordinator)
    slug = personas.network.slug
    for url in (
        reverse("core:dashboard"),
        reverse("networks:detail", args=[slug]),
        reverse("scan:network", args=[slug]),
        reverse("learninglog:network", args=[slug]),
    ):
        assert client.get(url, headers={"accept-language": "nl"}).status_code == 200, url

    compiled_by_visitors = set(loader.get_template_cache) - warmed
    assert compiled_by_visitors == set(), "a visitor compiled what the warm-up had skipped"
    assert get_ns_resolver.cache_info().currsize == namespaces, "a visitor built a namespace's"


def test_warm_imports_the_session_cache_client_without_connecting() -> None:
    """Redis's client library took the first logged-in page of each process 100 ms to import."""
    code = (
        "import sys, django; django.setup(); "
        "before = 'redis' in sys.modules; "
        "from verbindend.core.warmup import warm; warm(); "
        "print(before, 'redis' in sys.modules)"
    )
    # Nothing listens on port 1: warming must not try to connect.
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "verbindend.settings",
            "REDIS_URL": "redis://127.0.0.1:1/0",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["False", "True"], done.stdout


def test_warming_leaves_nothing_in_the_process_context() -> None:
    """What warming sets in asgiref's context-local storage (a flag of each of the URL map's
    resolvers: about 70) stayed in the process's context, so every request inherited it and
    asgiref copied all of it at each hand-over between the event loop and a page thread."""
    code = (
        "import contextvars, django; django.setup(); "
        "from django.urls import get_resolver; "
        "from verbindend.core.warmup import warm; "
        "before = sum(v.name == 'asgiref.local' for v in contextvars.copy_context()); warm(); "
        "after = sum(v.name == 'asgiref.local' for v in contextvars.copy_context()); "
        "print(before, after, 'nl' in get_resolver()._reverse_dict)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "verbindend.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    before, after, built = done.stdout.split()[-3:]
    assert after == before, f"{before} context-local entries before warming, {after} after"
    assert built == "True", "the URL map was built all the same"
