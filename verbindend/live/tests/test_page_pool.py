"""Page threads open their database connections when the process starts, not on a request."""

from __future__ import annotations

import pytest
from django.db import connection

from verbindend.live.asgi import PagePool


@pytest.mark.django_db(transaction=True)
def test_each_page_thread_is_connected_before_its_first_request() -> None:
    pool = PagePool(3)
    pool.connect()
    try:
        # each thread runs its work in order: these checks run after its connect
        checks = [e.submit(lambda: connection.connection is not None) for e in pool.executors]
        assert [c.result(timeout=30) for c in checks] == [True, True, True]
    finally:
        for executor in pool.executors:
            executor.submit(lambda: connection.close()).result(timeout=30)
            executor.shutdown()
