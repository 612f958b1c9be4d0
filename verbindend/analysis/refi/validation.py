"""Validation against the REFI-QDA schemas (Project.xsd, Codebook.xsd).

The schemas are not part of this repository: ``REFI_QDA_SCHEMAS`` names the folder that holds
them (tests default to ``../shared/refi-qda`` beside the repository, see DEVELOPERS.md).
"""

from __future__ import annotations

import io
import os
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = {"project": "Project.xsd", "codebook": "Codebook.xsd"}


def schema_dir() -> Path:
    return Path(os.environ.get("REFI_QDA_SCHEMAS", str(ROOT.parent / "shared" / "refi-qda")))


@cache
def schema(kind: str, folder: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(Path(folder) / SCHEMAS[kind]), parser))


def errors(xml: bytes, kind: str, folder: Path | None = None) -> list[str]:
    """Schema errors of a project.qde (``kind="project"``) or a .qdc (``"codebook"``)."""
    checker = schema(kind, str(folder or schema_dir()))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    document = etree.parse(io.BytesIO(xml), parser)
    if checker.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in checker.error_log]


def project_xml(qdpx: bytes) -> bytes:
    """The project.qde inside a .qdpx."""
    with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
        return archive.read("project.qde")
