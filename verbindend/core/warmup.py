"""Load at a web process's start what its first requests would otherwise load one by one.

A fresh process compiles each template, builds the URL map's reverse tables and reads the
translation catalogues the first time a page needs them: 50–300 ms on each kind of page's first
visit, paid again after every restart and by every process. Doing it once before the process
takes requests gives its first visitors the same times as its later ones.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import URLResolver, get_resolver
from django.utils import translation

log = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = {".html", ".txt", ".svg", ".xml"}


def warm() -> int:
    """Warm this process; the number of templates compiled."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Verbindend")
            _url_map(get_resolver())  # its reverse tables are kept per language
    return _templates()


def _url_map(resolver: URLResolver) -> None:
    """The reverse tables of the URL map and of every namespace in it (built on first use)."""
    resolver.reverse_dict  # noqa: B018 - reading it builds it
    for _prefix, child in resolver.namespace_dict.values():
        _url_map(child)


def _templates() -> int:
    """Compile every template of the project's template engines into their cached loaders."""
    compiled = 0
    for engine in engines.all():
        for folder in engine.template_dirs:
            root = Path(folder)
            for path in sorted(root.rglob("*")):
                if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
                    continue
                name = path.relative_to(root).as_posix()
                try:
                    engine.get_template(name)
                except (TemplateSyntaxError, UnicodeDecodeError) as error:
                    # A template only ever included into another may not stand on its own;
                    # it is compiled when that page first needs it.
                    log.debug("not warmed: %s (%s)", name, error)
                    continue
                compiled += 1
    return compiled
