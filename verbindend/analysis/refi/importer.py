"""Import a REFI-QDA project (``.qdpx``/``.qde``) or codebook (``.qdc``) made by another tool.

Two phases. :func:`read` parses and checks everything and returns a :class:`Plan`: counts for a
preview, ``problems`` that refuse the file (missing sources, selections outside their text,
references to unknown codes, malformed XML, unsafe archives), and ``skipped`` — what the file
holds that Verbindend cannot take over (PDF or picture sources, sets, graphs, unlinked notes…).
:func:`apply` then writes the plan in one transaction: an error leaves nothing behind.

Identity: an object whose GUID this study already knows is found again, not added twice; a
new object keeps the file's GUID, so exporting again gives the same GUIDs.

The parts: ``plan`` (what a file holds), ``reader`` and ``writer``.
"""

from __future__ import annotations

from verbindend.analysis.refi.plan import Plan
from verbindend.analysis.refi.reader import normalise, read, read_bytes
from verbindend.analysis.refi.writer import IMPORT_ACCOUNT, Report, UserMatch, apply, match_users

__all__ = [
    "IMPORT_ACCOUNT",
    "Plan",
    "Report",
    "UserMatch",
    "apply",
    "match_users",
    "normalise",
    "read",
    "read_bytes",
]
