"""Guarding the rule for keys and versions of the method content.

The rule: an item keeps its key as long as its meaning stays the same; when the meaning changes
it gets a new key, and the content version in ``meta.toml`` goes up whenever a text's meaning
changes. Instruments (scan rounds, live sessions, codebooks) record :func:`content.version`, so
a result can always be read against the texts it was given with.

A committed snapshot, ``content/keys.lock``, lists every key with a hash of its Dutch and
English texts for the current version. A test compares it with the content: a text that changed
while neither its key nor the version changed fails the test, until someone decides:

- the meaning changed: give the item a new key, or raise the version in ``meta.toml``; then
  ``python manage.py method_snapshot``;
- only the wording changed (a typo, a smoother sentence): ``python manage.py method_snapshot
  --same-meaning``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from verbindend.method import content

SNAPSHOT_PATH = content.CONTENT_DIR / "keys.lock"
HEADER = (
    "# Method content snapshot: every key with a hash of its Dutch and English texts.\n"
    "# Do not edit by hand; see verbindend/method/versioning.py. Update with:\n"
    "#   python manage.py method_snapshot                 (after a new key or a version bump)\n"
    "#   python manage.py method_snapshot --same-meaning  (wording changed, meaning did not)\n"
)


def text_hash(node: content.Node) -> str:
    """A short, stable hash of all of a node's texts in every language."""
    texts = {name: dict(values) for name, values in node.texts.items()}
    data = json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True)
class Snapshot:
    version: str
    hashes: dict[str, str]

    @classmethod
    def of(cls, catalogue: content.Catalogue) -> Snapshot:
        return cls(
            catalogue.version(),
            {key: text_hash(catalogue.get(key)) for key in catalogue.all_keys()},
        )

    def dumps(self) -> str:
        body = "".join(f"{key} {digest}\n" for key, digest in sorted(self.hashes.items()))
        return f"{HEADER}version {self.version}\n{body}"

    @classmethod
    def loads(cls, text: str) -> Snapshot:
        version = ""
        hashes: dict[str, str] = {}
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            name, _, value = line.partition(" ")
            if not value:
                raise ValueError(f"keys.lock line {number}: expected '<key> <hash>'")
            if name == "version":
                version = value.strip()
            else:
                hashes[name] = value.strip()
        if not version:
            raise ValueError("keys.lock has no 'version' line")
        return cls(version, hashes)


@dataclass(frozen=True)
class Drift:
    """How the content differs from the snapshot."""

    version_changed: bool
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.version_changed or self.changed or self.added or self.removed)

    @property
    def breaks_the_rule(self) -> bool:
        """Texts changed under the same keys while the version stayed the same."""
        return bool(self.changed) and not self.version_changed


def compare(snapshot: Snapshot, current: Snapshot) -> Drift:
    old, new = snapshot.hashes, current.hashes
    return Drift(
        version_changed=snapshot.version != current.version,
        changed=sorted(k for k in old.keys() & new.keys() if old[k] != new[k]),
        added=sorted(new.keys() - old.keys()),
        removed=sorted(old.keys() - new.keys()),
    )


def explain(drift: Drift, *, version: str) -> str:
    """A message saying what differs and how to bring the snapshot up to date."""
    lines = []
    if drift.breaks_the_rule:
        lines += [
            f"The texts of {len(drift.changed)} key(s) changed while the content version "
            f"stayed {version}:",
            *(f"  {key}" for key in drift.changed[:20]),
            "If the meaning changed: give the item a new key (or raise 'version' in "
            "verbindend/method/content/meta.toml), then run: python manage.py method_snapshot",
            "If only the wording changed: python manage.py method_snapshot --same-meaning",
        ]
    elif not drift.clean:
        what = []
        if drift.version_changed:
            what.append(f"the version is now {version}")
        if drift.changed:
            what.append(f"{len(drift.changed)} text(s) changed")
        if drift.added:
            what.append(f"{len(drift.added)} key(s) added")
        if drift.removed:
            what.append(f"{len(drift.removed)} key(s) removed")
        lines.append(
            "The content snapshot is out of date (" + ", ".join(what) + "). "
            "Run: python manage.py method_snapshot"
        )
    return "\n".join(lines)


def read(path: Path = SNAPSHOT_PATH) -> Snapshot:
    return Snapshot.loads(path.read_text(encoding="utf-8"))


def write(snapshot: Snapshot, path: Path = SNAPSHOT_PATH) -> None:
    path.write_text(snapshot.dumps(), encoding="utf-8")
