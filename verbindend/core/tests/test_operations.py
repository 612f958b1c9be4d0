"""Health, readiness, metrics and the workers' heartbeats, against the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from verbindend.core import workers
from verbindend.core.management.commands.serve import default_workers
from verbindend.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def _running(worker_id: str, *, attempts: int = 1, minutes_ago: int = 5) -> DBTaskResult:
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"version_id": 0}},
        task_path="verbindend.reports.tasks.render_version",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() - timedelta(hours=1),
    )
    result.status = TaskResultStatus.RUNNING
    result.started_at = timezone.now() - timedelta(minutes=minutes_ago)
    result.worker_ids = [f"earlier-{i}" for i in range(attempts - 1)] + [worker_id]
    result.save()
    return result


def test_readiness_names_a_missing_worker_then_passes_once_one_beats(client: Client) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"] == {"ok": True}
    assert answer.json()["checks"]["worker"] == {"ok": False, "alive": 0}
    workers.beat("w1")
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "checks": {"database": {"ok": True}, "worker": {"ok": True, "alive": 1}},
    }


def test_a_silent_worker_is_not_counted_alive() -> None:
    workers.beat("old")
    WorkerHeartbeat.objects.filter(worker_id="old").update(
        seen_at=timezone.now() - workers.stale_after() - timedelta(seconds=1)
    )
    workers.beat("new")
    assert workers.alive_workers() == ["new"]


def test_the_task_of_a_dead_worker_is_queued_again_and_a_live_ones_is_not() -> None:
    workers.beat("dead")
    WorkerHeartbeat.objects.filter(worker_id="dead").update(
        seen_at=timezone.now() - timedelta(minutes=10)
    )
    orphan = _running("dead")
    assert workers.requeue_orphans() == [str(orphan.pk)]
    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.READY and orphan.started_at is None
    assert DBTaskResult.objects.ready().filter(pk=orphan.pk).exists()

    workers.beat("alive")
    orphan.status, orphan.worker_ids = TaskResultStatus.RUNNING, ["dead", "alive"]
    orphan.save()
    assert workers.requeue_orphans() == []


def test_a_task_that_keeps_killing_its_worker_fails_instead_of_running_forever() -> None:
    orphan = _running("gone", attempts=3)
    assert workers.requeue_orphans() == []
    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.FAILED
    assert "stopped during this task 3 times" in orphan.traceback


def test_a_just_started_task_of_a_worker_that_never_beat_gets_time() -> None:
    orphan = _running("starting", minutes_ago=0)
    assert workers.requeue_orphans() == []
    orphan.refresh_from_db()
    assert orphan.status == TaskResultStatus.RUNNING


def test_metrics_in_prometheus_format(client: Client) -> None:
    from verbindend.live import metrics

    metrics.ACKS.inc()
    workers.beat("w1")
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    text = answer.content.decode()
    for name in (
        "verbindend_live_acks_total",
        "verbindend_live_ack_seconds_bucket",
        "verbindend_live_writer_queue",
        'verbindend_tasks{status="ready"} 0.0',
        "verbindend_workers_alive 1.0",
    ):
        assert name in text, name


def test_metrics_with_a_token_need_it(client: Client, settings: object) -> None:
    settings.METRICS_TOKEN = "s3cret"  # type: ignore[attr-defined]
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200


def test_serve_defaults_to_one_web_process_per_core() -> None:
    import os

    assert default_workers() == len(os.sched_getaffinity(0))


def test_the_page_pool_spreads_requests_over_its_threads() -> None:
    from verbindend.live.asgi import PagePool

    pool = PagePool(3)
    taken = [pool.acquire() for _ in range(3)]
    assert sorted(taken) == [0, 1, 2]  # a long request holds one thread, not all
    pool.release(1)
    assert pool.acquire() == 1  # the free one is chosen next
    import threading

    names = {
        pool.executors[i].submit(lambda: threading.current_thread().name).result() for i in range(3)
    }
    assert names == {"django-sync-0_0", "django-sync-1_0", "django-sync-2_0"}
