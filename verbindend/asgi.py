"""ASGI entry point: `uvicorn verbindend.asgi:application`."""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbindend.settings")
django.setup(set_prefix=False)

from verbindend.core.asgi import limit_body  # noqa: E402
from verbindend.live.asgi import SharedExecutorASGIHandler  # noqa: E402
from verbindend.live.asgi import application as live_front  # noqa: E402

application = limit_body(live_front(SharedExecutorASGIHandler()))

# Django, the URL map and the templates' modules are loaded once and live as long as the
# process: kept out of the garbage collector's passes, which otherwise walk them all. A larger
# first generation lets a request's objects die young instead of being promoted: with 10,000
# open streams in a process, every full pass walked them all for 300 ms and found nothing,
# stalling the live writer mid-batch (submit p95 550 ms → 69 ms in bench/live.py, 10,000 phones
# on two processes).
gc.freeze()
gc.set_threshold(50_000, 20, 10)
