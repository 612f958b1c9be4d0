"""The rule for keys and versions, guarded by the committed snapshot content/keys.lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from verbindend.method import content, versioning


def test_the_snapshot_matches_the_content() -> None:
    """Fails when a text changed but neither its key nor the content version did."""
    current = versioning.Snapshot.of(content.catalogue())
    drift = versioning.compare(versioning.read(), current)
    assert drift.clean, versioning.explain(drift, version=current.version)


def _snapshot(version: str, **hashes: str) -> versioning.Snapshot:
    return versioning.Snapshot(version, {k.replace("__", "."): v for k, v in hashes.items()})


def test_a_changed_text_under_the_same_key_and_version_breaks_the_rule() -> None:
    old = _snapshot("1", principle__p1="aaaa", principle__p2="bbbb")
    new = _snapshot("1", principle__p1="cccc", principle__p2="bbbb")
    drift = versioning.compare(old, new)
    assert drift.breaks_the_rule and drift.changed == ["principle.p1"]
    message = versioning.explain(drift, version="1")
    assert "principle.p1" in message
    assert "new key" in message and "method_snapshot --same-meaning" in message


def test_a_version_bump_or_a_new_key_only_asks_for_a_new_snapshot() -> None:
    old = _snapshot("1", principle__p1="aaaa")
    bumped = versioning.compare(old, _snapshot("2", principle__p1="cccc"))
    assert not bumped.breaks_the_rule and not bumped.clean
    renamed = versioning.compare(old, _snapshot("1", principle__p1_v2="cccc"))
    assert not renamed.breaks_the_rule
    assert renamed.added == ["principle.p1_v2"]  # method-key: ignore
    assert renamed.removed == ["principle.p1"]
    assert "python manage.py method_snapshot" in versioning.explain(renamed, version="1")


def test_the_hash_covers_both_languages() -> None:
    node = content.get("principle.p1")
    assert len(versioning.text_hash(node)) == 16
    assert versioning.text_hash(node) != versioning.text_hash(content.get("principle.p2"))


def test_the_snapshot_file_round_trips() -> None:
    snapshot = versioning.Snapshot.of(content.catalogue())
    assert versioning.Snapshot.loads(snapshot.dumps()) == snapshot


@pytest.mark.parametrize("text", ["", "# only a comment\n", "version 1\nprinciple.p1\n"])
def test_a_broken_snapshot_file_is_reported(text: str) -> None:
    with pytest.raises(ValueError):
        versioning.Snapshot.loads(text)


def _stale(path: Path, *, version: str) -> None:
    """Write a snapshot in which principle.p1's text looks different."""
    snapshot = versioning.Snapshot.of(content.catalogue())
    hashes = {**snapshot.hashes, "principle.p1": "0000000000000000"}
    versioning.write(versioning.Snapshot(version, hashes), path)


def test_the_command_refuses_a_changed_meaning_without_a_new_key_or_version(
    tmp_path: Path,
) -> None:
    path = tmp_path / "keys.lock"
    _stale(path, version=content.version())
    with pytest.raises(CommandError, match=r"principle\.p1"):
        call_command("method_snapshot", path=str(path))
    with pytest.raises(CommandError):
        call_command("method_snapshot", "--check", path=str(path))
    call_command("method_snapshot", "--same-meaning", path=str(path))
    assert versioning.read(path) == versioning.Snapshot.of(content.catalogue())
    call_command("method_snapshot", "--check", path=str(path))


def test_the_command_records_a_new_version(tmp_path: Path) -> None:
    path = tmp_path / "keys.lock"
    _stale(path, version="0.old")
    call_command("method_snapshot", path=str(path))
    assert versioning.read(path).version == content.version()


def test_the_command_writes_a_first_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "keys.lock"
    call_command("method_snapshot", path=str(path))
    assert len(versioning.read(path).hashes) == len(content.all_keys())
