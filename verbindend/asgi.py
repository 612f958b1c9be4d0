"""ASGI entry point: `uvicorn verbindend.asgi:application`."""

import gc
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbindend.settings")
django.setup(set_prefix=False)

from verbindend.core.asgi import limit_body  # noqa: E402
from verbindend.live.asgi import SharedExecutorASGIHandler  # noqa: E402
from verbindend.live.asgi import application as live_front  # noqa: E402

application = limit_body(live_front(SharedExecutorASGIHandler()))

# Templates, the URL map's reverse tables, the translation catalogues and the page threads'
# database connections are made ready now, before the process takes requests, rather than by
# each kind of page's first visitor (see warmup).
from verbindend.core.warmup import warm  # noqa: E402

warm()
SharedExecutorASGIHandler.pool.connect()

# Django, the URL map and the templates' modules are loaded once and live as long as the
# process: kept out of the garbage collector's passes, which otherwise walk them all. A larger
# first generation lets a request's objects die young instead of being promoted: with 10,000
# open streams in a process, every full pass walked them all for 300 ms and found nothing,
# stalling the live writer mid-batch (submit p95 550 ms → 69 ms in bench/live.py, 10,000 phones
# on two processes).
gc.freeze()
gc.set_threshold(50_000, 20, 10)

# Page threads (templates, exports) are CPU-bound; the live writer and the hot path's reads wait on
# the database and then on the interpreter. A shorter hand-over than the default 5 ms gives them
# the interpreter back sooner after each round trip while a page renders.
sys.setswitchinterval(0.001)
