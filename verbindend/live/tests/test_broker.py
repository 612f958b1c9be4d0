"""The in-process fan-out: who gets which message, counts, and the end of every stream."""

from __future__ import annotations

import asyncio

from verbindend.live.engine.broker import CLOSE, LocalBroker, Subscription


def _drain(sub: Subscription) -> list[dict]:
    got = []
    while not sub.queue.empty():
        got.append(sub.queue.get_nowait())
    return got


def test_a_message_for_the_screens_reaches_no_phone_and_no_other_session() -> None:
    async def run() -> None:
        broker = LocalBroker()
        wall = await broker.subscribe(1, phones=False)
        phones = [await broker.subscribe(1, phones=True) for _ in range(3)]
        other_wall = await broker.subscribe(2, phones=False)
        other_phone = await broker.subscribe(2, phones=True)

        answer = {"session": 1, "phones": False, "events": [{"type": "contribution"}]}
        step = {"session": 1, "phones": True, "events": [{"type": "step"}]}
        broker.dispatch(answer)
        broker.dispatch(step)

        assert _drain(wall) == [answer, step]
        assert [_drain(p) for p in phones] == [[step]] * 3
        assert _drain(other_wall) == [] and _drain(other_phone) == []

    asyncio.run(run())


def test_counts_follow_streams_coming_and_going() -> None:
    async def run() -> None:
        broker = LocalBroker()
        await broker.subscribe(1, phones=False)
        phones = [await broker.subscribe(1, phones=True) for _ in range(4)]
        assert broker.count(1, phones=True) == 4
        assert broker.count(1, phones=False) == 1
        for sub in phones[:3]:
            sub.close()
        assert broker.count(1, phones=True) == 1
        phones[3].close()
        assert broker.count(1, phones=True) == 0
        assert 1 not in broker.subscribers[True]  # a session without phones leaves no trace
        assert broker.count(1, phones=False) == 1

    asyncio.run(run())


def test_shutting_down_ends_every_stream() -> None:
    async def run() -> None:
        broker = LocalBroker()
        subs = [
            await broker.subscribe(1, phones=False),
            await broker.subscribe(1, phones=True),
            await broker.subscribe(2, phones=True),
        ]
        broker.close_all()
        assert [_drain(s) for s in subs] == [[CLOSE]] * 3

    asyncio.run(run())
