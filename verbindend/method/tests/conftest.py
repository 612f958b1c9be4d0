"""Let these tests run without the project's settings (e.g. with ``-p no:django``).

When Django is already configured (pytest-django, DJANGO_SETTINGS_MODULE) this does nothing but
make sure the app registry is ready; otherwise it configures the minimum the tests need.
"""

from __future__ import annotations

import os

import django
from django.apps import apps
from django.conf import settings

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE="nl",
        LANGUAGES=[("nl", "Nederlands"), ("en", "English")],
        INSTALLED_APPS=[],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
    )
if not apps.ready:
    django.setup()
