"""A web process compiles its templates before its first request, not during it."""

from __future__ import annotations

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.test import Client
from django.urls import get_resolver, reverse

from verbindend.core.warmup import warm
from verbindend.testing.personas import Personas


def cached_loader() -> CachedLoader:
    loader = engines["django"].engine.template_loaders[0]  # type: ignore[attr-defined]
    assert isinstance(loader, CachedLoader), "the templates are served by Django's cached loader"
    return loader


def test_warm_compiles_the_templates_the_pages_then_use(personas: Personas) -> None:
    loader = cached_loader()
    loader.reset()
    get_resolver()._reverse_dict.clear()  # as in a fresh process

    compiled = warm()
    warmed = set(loader.get_template_cache)
    assert compiled == len(warmed) > 100
    assert {"base.html", "core/home.html", "networks/detail.html"} <= warmed
    assert {"nl", "en"} <= set(get_resolver()._reverse_dict), "the URL map, in every language"

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
