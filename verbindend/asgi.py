"""ASGI entry point: `uvicorn verbindend.asgi:application`."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbindend.settings")
django.setup(set_prefix=False)

from verbindend.core.asgi import limit_body  # noqa: E402
from verbindend.live.asgi import SharedExecutorASGIHandler  # noqa: E402
from verbindend.live.asgi import application as live_front  # noqa: E402

application = limit_body(live_front(SharedExecutorASGIHandler()))
