"""The streams' cache of which session a phone belongs to stays bounded (a soak of 44,000
phones grew the web processes by 34 MB before it was)."""

from __future__ import annotations

from verbindend.live.asgi import Members


def test_the_oldest_phones_are_forgotten_first_and_a_reconnect_keeps_one_known() -> None:
    members = Members(limit=3)
    for n in range(3):
        members.put(("ABC", f"token{n}"), 7)
    assert members.get(("ABC", "token0")) == 7  # a reconnect: now the most recent
    members.put(("ABC", "token3"), 7)
    assert members.get(("ABC", "token1")) is None
    assert [members.get(("ABC", f"token{n}")) for n in (0, 2, 3)] == [7, 7, 7]
    assert len(members.known) == 3


def test_a_long_stream_of_phones_never_grows_it_beyond_its_limit() -> None:
    members = Members(limit=100)
    for n in range(10_000):
        members.put((f"S{n % 50}", f"token{n}"), n % 50)
    assert len(members.known) == 100
    assert members.get(("S49", "token9999")) == 49
