"""Backup and restore in this process: round trip, retention, and bad archives that change nothing.

Restoring empties every table, so these tests use a real transaction (``transactional_db``), as
the command does. The SQLite ↔ PostgreSQL round trip is in test_backup_engines.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from verbindend.core import backup
from verbindend.networks.models import Network, Organisation
from verbindend.privacy.models import ConsentText
from verbindend.testing.personas import Personas

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    root = tmp_path / "media"
    (root / "studies" / "originals" / "1").mkdir(parents=True)
    (root / "studies" / "originals" / "1" / "verslag.txt").write_bytes("één 🌱\n".encode() * 100)
    (root / "leeg.bin").write_bytes(b"")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def archive(personas: Personas, media: Path, tmp_path: Path) -> Path:
    Network.objects.filter(pk=personas.network.pk).update(
        description="Samen 🤝 leren", sectors=["onderwijs", {"ü": None}]
    )
    path = tmp_path / "backups" / "instance.tar.gz"
    backup.create_backup(path)
    return path


def state(media_root: Path) -> tuple[dict[str, tuple[int, str]], dict[str, bytes]]:
    """Everything a restore could change: each table's rows and checksum, and every file."""
    tables = {label: (s.rows, s.checksum) for label, s in backup.table_sums().items()}
    files = {
        path.relative_to(media_root).as_posix(): path.read_bytes()
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }
    return tables, files


def change_something(media_root: Path) -> None:
    Organisation.objects.create(name="Na de back-up")
    Network.objects.update(description="gewijzigd")
    (media_root / "nieuw.txt").write_text("nieuw")


def rewrite(
    source: Path,
    target: Path,
    *,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    data: dict[str, Callable[[bytes], bytes]] | None = None,
    extra: list[tuple[tarfile.TarInfo, bytes]] | None = None,
) -> Path:
    """Copy an archive, changing the manifest or a member's bytes, or adding members."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            handle = old.extractfile(member)
            content = handle.read() if handle else b""
            if member.name == backup.MANIFEST and manifest:
                loaded = json.loads(content)
                manifest(loaded)
                content = json.dumps(loaded).encode()
            if data and member.name in data:
                content = data[member.name](content)
            member.size = len(content)
            new.addfile(member, io.BytesIO(content))
        for info, content in extra or []:
            info.size = len(content)
            new.addfile(info, io.BytesIO(content))
    return target


def test_round_trip_restores_every_table_and_file(archive: Path, media: Path) -> None:
    before = state(media)
    manifest = backup.read_manifest(archive)
    assert manifest["tables"]["networks.network"]["rows"] == 2
    assert manifest["tables"]["contenttypes.contenttype"]["rows"] > 0
    assert "accounts.user_groups" in manifest["tables"]  # auto-created through tables too
    assert {f["name"] for f in manifest["files"]} == {"leeg.bin", "studies/originals/1/verslag.txt"}
    change_something(media)
    assert state(media) != before

    summary = backup.restore_backup(archive, replace=True)

    assert state(media) == before
    assert summary.files == 2
    assert not [p for p in media.iterdir() if p.name.startswith((".restore-", ".replaced-"))]
    network = Network.objects.get(slug="noord")
    assert network.description == "Samen 🤝 leren"
    assert network.sectors == ["onderwijs", {"ü": None}]


def test_backup_keeps_microseconds_that_djangos_json_encoder_drops(archive: Path) -> None:
    with tarfile.open(archive, "r:gz") as tar:
        handle = tar.extractfile("data/networks.network.jsonl")
        assert handle is not None
        row = json.loads(handle.readline())
    stored = Network.objects.get(pk=row["pk"]).created_at
    assert row["fields"]["created_at"] == stored.isoformat()


def test_restore_refuses_a_target_with_data_unless_replace(archive: Path, media: Path) -> None:
    change_something(media)
    before = state(media)
    with pytest.raises(backup.BackupError) as caught:
        backup.restore_backup(archive)
    assert caught.value.code == "not_empty"
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(archive))
    assert state(media) == before


def test_rows_the_archive_holds_too_do_not_block_a_restore_but_any_other_row_does(
    archive: Path, media: Path
) -> None:
    """A freshly migrated target holds rows its data migrations seeded; nothing is lost by
    restoring over rows the archive holds as well, while a row it lacks makes restore refuse."""
    for path in [p for p in media.rglob("*") if p.is_file()]:
        path.unlink()
    ConsentText.objects.create(
        purpose="research", version="lokaal", text_nl="x", text_en="x", published_on=date.today()
    )
    before = state(media)
    with pytest.raises(backup.BackupError) as caught:
        backup.restore_backup(archive)
    assert caught.value.code == "not_empty"
    assert state(media) == before
    ConsentText.objects.filter(version="lokaal").delete()
    backup.restore_backup(archive)  # the same rows as the archive: nothing to lose
    assert (media / "leeg.bin").exists()


def test_restore_command_asks_before_replacing(
    archive: Path, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    change_something(media)
    before = state(media)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(archive), "--replace")
    assert state(media) == before
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    out = io.StringIO()
    call_command("restore", str(archive), "--replace", stdout=out)
    assert "verified" in out.getvalue()
    assert not Organisation.objects.filter(name="Na de back-up").exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"just some text\n", b"PK\x03\x04 not a zip either", b"\x1f\x8b\x08\x00garbage"],
)
def test_restore_rejects_what_is_not_an_archive(
    archive: Path, media: Path, tmp_path: Path, content: bytes
) -> None:
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(content)
    change_something(media)
    before = state(media)
    with pytest.raises(backup.BackupError, match="not a Verbindend backup") as caught:
        backup.restore_backup(bad, replace=True)
    assert caught.value.code in {"not_an_archive", "not_a_backup"}
    assert state(media) == before


def test_restore_rejects_a_tar_without_manifest(media: Path, tmp_path: Path) -> None:
    bad = tmp_path / "other.tar.gz"
    with tarfile.open(bad, "w:gz") as tar:
        info = tarfile.TarInfo("README")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(backup.BackupError) as caught:
        backup.restore_backup(bad, replace=True)
    assert caught.value.code == "not_a_backup"


@pytest.mark.parametrize("keep", [0.05, 0.5, 0.9, 0.999])
def test_restore_of_a_truncated_archive_changes_nothing(
    archive: Path, media: Path, tmp_path: Path, keep: float
) -> None:
    content = archive.read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(content[: int(len(content) * keep)])
    change_something(media)
    before = state(media)
    with pytest.raises(backup.BackupError) as caught:
        backup.restore_backup(cut, replace=True)
    assert caught.value.code in {"damaged", "not_an_archive", "incomplete"}
    assert state(media) == before


def test_restore_rejects_a_tampered_checksum(archive: Path, media: Path, tmp_path: Path) -> None:
    def tamper(manifest: dict[str, Any]) -> None:
        manifest["tables"]["networks.person"]["checksum"] = "0" * 64

    bad = rewrite(archive, tmp_path / "tampered.tar.gz", manifest=tamper)
    change_something(media)
    before = state(media)
    with pytest.raises(backup.BackupError, match=r"networks\.person") as caught:
        backup.restore_backup(bad, replace=True)
    assert caught.value.code == "checksum"
    assert state(media) == before


def test_restore_rejects_a_changed_row(archive: Path, media: Path, tmp_path: Path) -> None:
    def edit(content: bytes) -> bytes:
        return content.replace(b"Netwerk Noord", b"Netwerk Oost")

    bad = rewrite(archive, tmp_path / "edited.tar.gz", data={"data/networks.network.jsonl": edit})
    change_something(media)
    before = state(media)
    with pytest.raises(backup.BackupError) as caught:
        backup.restore_backup(bad, replace=True)
    assert caught.value.code == "checksum"
    assert state(media) == before


def test_restore_rejects_a_changed_file(archive: Path, media: Path, tmp_path: Path) -> None:
    name = "media/studies/originals/1/verslag.txt"
    bad = rewrite(archive, tmp_path / "file.tar.gz", data={name: lambda content: content[:-1]})
    change_something(media)
    before = state(media)
    with pytest.raises(backup.BackupError, match="verslag") as caught:
        backup.restore_backup(bad, replace=True)
    assert caught.value.code == "checksum"
    assert state(media) == before


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda m: m["migrations"].append(["networks", "9999_from_the_future"]), "9999_from"),
        (lambda m: m["migrations"].remove(["networks", "0001_initial"]), "networks.0001_initial"),
    ],
)
def test_restore_rejects_another_migration_state(
    archive: Path, media: Path, tmp_path: Path, change: Callable[[dict[str, Any]], None], named: str
) -> None:
    bad = rewrite(archive, tmp_path / "migrations.tar.gz", manifest=change)
    change_something(media)
    before = state(media)
    with pytest.raises(backup.BackupError, match="different migration state") as caught:
        backup.restore_backup(bad, replace=True)
    assert named in str(caught.value)
    with pytest.raises(CommandError, match="different migration state"):
        call_command("restore", str(bad), "--replace", "--noinput")
    assert state(media) == before


def _link(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    return info


@pytest.mark.parametrize(
    "info",
    [
        tarfile.TarInfo("media/../escaped.txt"),
        tarfile.TarInfo("media/studies/../../escaped.txt"),
        tarfile.TarInfo("media//tmp/escaped.txt"),
        tarfile.TarInfo("media/.restore-x/escaped.txt"),
        tarfile.TarInfo("../escaped.txt"),
        _link("media/escaped.txt"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "staging", "outside-media", "symlink"],
)
def test_restore_refuses_file_names_that_leave_media_root(
    archive: Path, media: Path, tmp_path: Path, info: tarfile.TarInfo
) -> None:
    relative = info.name.removeprefix("media/")

    def listed(manifest: dict[str, Any]) -> None:
        manifest["files"].append({"name": relative, "size": 4, "sha256": "0" * 64})

    bad = rewrite(archive, tmp_path / "evil.tar.gz", manifest=listed, extra=[(info, b"evil")])
    change_something(media)
    before = state(media)
    with pytest.raises(backup.BackupError) as caught:
        backup.restore_backup(bad, replace=True)
    assert caught.value.code in {"unsafe_name", "unexpected"}
    assert state(media) == before
    assert not list(tmp_path.rglob("escaped.txt"))
    assert not Path("/tmp/escaped.txt").exists()


def test_backup_command_names_files_by_time_and_ages_out_old_ones(
    personas: Personas, media: Path, tmp_path: Path, settings: Any
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    now = timezone.now()
    old = backup.default_path(folder, now=now - dt.timedelta(days=31))
    recent = backup.default_path(folder, now=now - dt.timedelta(days=29))
    unrelated = folder / "notes-2001.tar.gz"
    for path in (old, recent, unrelated):
        path.write_bytes(b"x")
    settings.BACKUP_KEEP_DAYS = 30
    out = io.StringIO()

    call_command("backup", "--dir", str(folder), stdout=out)

    made = sorted(set(folder.iterdir()) - {recent, unrelated})
    assert len(made) == 1
    assert made[0].name.startswith("verbindend-backup-")
    assert backup.read_manifest(made[0])["tables"]["networks.network"]["rows"] == 2
    assert not old.exists()
    assert f"Removed {old.name}" in out.getvalue()
    call_command("backup", "--dir", str(folder), "--keep-days", "7", stdout=io.StringIO())
    assert not recent.exists()
    assert unrelated.exists()
    with pytest.raises(CommandError):
        call_command("backup", "--dir", str(folder), "--keep-days", "-1")


def test_keep_days_zero_keeps_every_backup(tmp_path: Path) -> None:
    old = backup.default_path(tmp_path, now=timezone.now() - dt.timedelta(days=3650))
    old.write_bytes(b"x")
    assert backup.prune_backups(tmp_path, keep_days=0) == []
    assert old.exists()


def test_scheduled_backup_writes_to_backup_dir_and_ages_out_old_ones(
    personas: Personas, media: Path, tmp_path: Path, settings: Any
) -> None:
    from verbindend.core.tasks import scheduled_backup

    folder = tmp_path / "scheduled"
    folder.mkdir()
    old = backup.default_path(folder, now=timezone.now() - dt.timedelta(days=40))
    old.write_bytes(b"x")
    settings.BACKUP_DIR = folder
    settings.BACKUP_KEEP_DAYS = 30

    result = scheduled_backup.enqueue()

    made = Path(result.return_value)
    assert made.parent == folder
    assert backup.read_manifest(made)["files"]
    assert not old.exists()


def test_backup_schedule_puts_the_backup_on_the_scheduler() -> None:
    code = (
        "import django; django.setup(); import verbindend.core.tasks; "
        "from crontask import scheduler; "
        "print([str(job.trigger) for job in scheduler.get_jobs()])"
    )
    env = {**os.environ, "BACKUP_SCHEDULE": "30 2 * * *"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "verbindend.settings")
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "hour='2', minute='30'" in done.stdout


def test_restore_of_rows_that_break_a_foreign_key_changes_nothing(
    archive: Path, media: Path, tmp_path: Path
) -> None:
    member = "data/networks.person.jsonl"
    with tarfile.open(archive, "r:gz") as tar:
        handle = tar.extractfile(member)
        assert handle is not None
        rows = [json.loads(line) for line in handle]
    rows[0]["fields"]["network"] = 987654321  # a network that does not exist
    lines = [json.dumps(row, ensure_ascii=False, separators=(",", ": ")) for row in rows]
    total = backup.TableSum()
    for line in lines:
        total.add(line)

    def consistent(manifest: dict[str, Any]) -> None:
        manifest["tables"]["networks.person"]["checksum"] = total.checksum

    content = "".join(line + "\n" for line in lines).encode()
    bad = rewrite(
        archive, tmp_path / "fk.tar.gz", manifest=consistent, data={member: lambda _: content}
    )
    change_something(media)
    before = state(media)
    with pytest.raises(backup.BackupError, match="nothing was changed") as caught:
        backup.restore_backup(bad, replace=True)
    assert caught.value.code == "load_failed"
    assert state(media) == before


@settings_(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(position=st.floats(min_value=0, max_value=1), flip=st.integers(min_value=1, max_value=255))
def test_a_damaged_byte_anywhere_restores_all_or_changes_nothing(
    archive: Path, media: Path, tmp_path: Path, position: float, flip: int
) -> None:
    backup.restore_backup(archive, replace=True)
    good = state(media)
    content = bytearray(archive.read_bytes())
    at = min(len(content) - 1, int(position * len(content)))
    content[at] ^= flip
    bad = tmp_path / "flipped.tar.gz"
    bad.write_bytes(bytes(content))
    change_something(media)
    before = state(media)
    try:
        backup.restore_backup(bad, replace=True)
    except backup.BackupError:
        assert state(media) == before
    else:  # a byte the content does not depend on (e.g. the gzip header's time stamp)
        assert state(media) == good
