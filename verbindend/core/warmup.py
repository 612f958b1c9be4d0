"""Load at a web process's start what its first requests would otherwise load one by one.

A fresh process compiles each template, builds the URL map's reverse tables, reads the
translation catalogues and imports the cache's client library (Redis: 100 ms) the first time a
page needs them: 50–300 ms on each kind of page's first visit, paid again after every restart
and by every process. Doing it once before the process
takes requests gives its first visitors the same times as its later ones.
"""

from __future__ import annotations

import contextvars
import logging
from contextlib import suppress
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.template import TemplateSyntaxError, engines
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import translation

log = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = {".html", ".txt", ".svg", ".xml"}


def warm() -> int:
    """Warm this process; the number of templates compiled.

    Runs in a copy of the current context. Left in the process's own context, what warming sets
    in asgiref's context-local storage (a flag of each of the URL map's ~70 resolvers) would be
    inherited by every request, and asgiref copies each such entry at every hand-over between
    the event loop and a page thread, several times per request.
    """
    return contextvars.copy_context().run(_warm)


def _warm() -> int:
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # activating a language reads its catalogues
            _url_map(get_resolver())  # its reverse tables are kept per language
    _cache_client()
    return _templates()


def _cache_client() -> None:
    """Build the cache's client, importing its library (Redis), without opening a connection."""
    getattr(caches["default"], "_cache", None)


def _url_map(resolver: URLResolver, path: tuple[str, ...] = ()) -> None:
    """The reverse tables of the URL map and of every namespace in it (built on first use).

    ``reverse("ns:name")`` looks names up in a resolver of its own per namespace, built and
    kept on its first use: reversing one name of each namespace builds it.
    """
    resolver.reverse_dict  # noqa: B018 - reading it builds it
    for namespace, (_prefix, child) in resolver.namespace_dict.items():
        names = [key for key in child.reverse_dict if isinstance(key, str)]
        if names:  # a name that needs arguments fails, but builds the tables all the same
            with suppress(NoReverseMatch):
                reverse(":".join((*path, namespace, names[0])))
        _url_map(child, (*path, namespace))


def _templates() -> int:
    """Compile every template of the project's template engines into their cached loaders; the
    forms render with the same engine (``core.forms.FormRenderer``), so theirs are among them."""
    return sum(_compile(engine) for engine in engines.all())


def _compile(engine: Any) -> int:
    """The number of templates compiled; a name found in two folders is the first one's, as the
    loader has it (an app's template replacing one of Django's forms)."""
    names: set[str] = set()
    for folder in engine.template_dirs:
        root = Path(folder)
        for path in sorted(root.rglob("*")):
            if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
                continue
            name = path.relative_to(root).as_posix()
            if name in names:
                continue
            try:
                engine.get_template(name)
            except (TemplateSyntaxError, UnicodeDecodeError) as error:
                # A template only ever included into another may not stand on its own; it is
                # compiled when that page first needs it.
                log.debug("not warmed: %s (%s)", name, error)
                continue
            names.add(name)
    return len(names)
