"""Reading untrusted files safely: a guarded zip reader and an XML parser without entities.

Every limit is checked on the zip's directory before anything is unpacked, and again while
reading (a directory can lie about sizes). XML with a DTD is refused outright: REFI-QDA files
need none, and that closes external entities (XXE) and entity expansion (billion laughs).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import PurePosixPath
from typing import IO

from django.utils.translation import gettext as _
from lxml import etree

from verbindend.analysis.refi.spec import LIMITS, Limits
from verbindend.core.errors import DomainError

SHOWN = 20  # problems named in the message; all of them are in ``Refused.problems``


class Refused(DomainError):
    """The file cannot be imported; ``problems`` lists every reason found."""

    def __init__(self, problems: list[str]) -> None:
        shown = " · ".join(problems[:SHOWN])
        if len(problems) > SHOWN:
            shown += " · " + _("and %(n)s more") % {"n": len(problems) - SHOWN}
        super().__init__(
            "refi.refused", _("Nothing was imported: %(problems)s") % {"problems": shown}
        )
        self.problems = problems


def refuse(message: str) -> Refused:
    return Refused([message])


def parse_xml(data: bytes, what: str) -> etree._Element:
    """Parse XML without DTDs, entities, network access or huge trees."""
    head = data[:8192]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise refuse(
            _("%(what)s declares a DTD or entities, which are not accepted.") % {"what": what}
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise refuse(
            _("%(what)s is not well-formed XML (%(error)s).") % {"what": what, "error": error}
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise refuse(
            _("%(what)s declares a DTD or entities, which are not accepted.") % {"what": what}
        )
    return root


class Package:
    """A ``.qdpx`` zip whose directory passed the limits; entries are read with a size cap."""

    def __init__(self, file: IO[bytes], limits: Limits = LIMITS) -> None:
        try:
            self.zip = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise refuse(_("The file is not a .qdpx (zip) archive.")) from None
        self.limits = limits
        infos = self.zip.infolist()
        if len(infos) > limits.max_entries:
            raise refuse(
                _("The archive has more than %(n)s entries.") % {"n": f"{limits.max_entries:,}"}
            )
        total = 0
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            path = PurePosixPath(name.replace("\\", "/"))
            parts = path.parts
            if path.is_absolute() or ".." in parts or (parts and ":" in parts[0]):
                raise refuse(
                    _("The archive has an entry outside its folder: %(name)s") % {"name": name}
                )
            if info.flag_bits & 0x1:
                raise refuse(_("The archive is encrypted."))
            if info.file_size > limits.max_entry:
                raise refuse(_("An entry of the archive is too large: %(name)s") % {"name": name})
            if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise refuse(
                    _("An entry unpacks to far more than it holds (a zip bomb?): %(name)s")
                    % {"name": name}
                )
            total += info.file_size
            if total > limits.max_total:
                raise refuse(_("The archive unpacks to more than the limit."))
            if not info.is_dir():
                self.entries[str(path)] = info

    def names(self) -> list[str]:
        return list(self.entries)

    def read(self, name: str) -> bytes:
        info = self.entries[name]
        try:
            with self.zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            raise refuse(
                _("An entry of the archive is damaged: %(name)s") % {"name": name}
            ) from None
        if len(data) > info.file_size:
            raise refuse(
                _("An entry of the archive is larger than it says: %(name)s") % {"name": name}
            )
        return data
