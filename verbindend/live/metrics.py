"""The live engine's figures in Prometheus format: streams open, acknowledgements, their
latency and the writer's queue.

With several server processes (``serve --workers N``) each process writes its figures to
``PROMETHEUS_MULTIPROC_DIR`` and ``/metrics`` adds them up (prometheus-client's multiprocess
mode); a single process keeps them in memory.
"""

from __future__ import annotations

import os

from prometheus_client import Counter, Gauge, Histogram

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # a process started without `serve` making it
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

STREAMS_OPEN = Gauge(
    "verbindend_live_streams_open",
    "Live event streams open now (phones and screens).",
    ["kind"],
    multiprocess_mode="livesum",
)
ACKS = Counter(
    "verbindend_live_acks",
    "Contributions acknowledged after commit (rate() gives acks per second).",
)
ACK_SECONDS = Histogram(
    "verbindend_live_ack_seconds",
    "From a submission reaching the writer to its acknowledgement (commit included).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0),
)
WRITER_QUEUE = Gauge(
    "verbindend_live_writer_queue",
    "Submissions waiting for this process's writer.",
    multiprocess_mode="livesum",
)
WRITE_RETRIES = Counter(
    "verbindend_live_write_retries",
    "Batches written again after the database connection failed.",
)
