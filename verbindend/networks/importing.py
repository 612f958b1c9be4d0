"""Import people (with their organisations), or organisations alone, from CSV or XLSX.

Read, check, then save.

Reading never writes. Each row is checked with the same form as the manual entry, so a row
is either taken over whole or reported with its errors; saving happens in one transaction.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError
from verbindend.networks.forms import PersonForm
from verbindend.networks.models import (
    Engagement,
    LeadRole,
    Network,
    Organisation,
    OrganisationMembership,
    Person,
    Sector,
    Tenure,
)

# header → field; Dutch and English headers, case-insensitive
COLUMNS = {
    "name": "name",
    "naam": "name",
    "pseudonym": "name",
    "pseudoniem": "name",
    "email": "email",
    "e-mail": "email",
    "organisation": "organisation",
    "organization": "organisation",
    "organisatie": "organisation",
    "sector": "sector",
    "role": "lead_role",
    "rol": "lead_role",
    "engagement": "engagement",
    "statuut": "engagement",
    "tenure": "tenure",
    "anciënniteit": "tenure",
    "ancienniteit": "tenure",
    "since": "involved_since",
    "sinds": "involved_since",
    "gender": "gender",
    "gender identity": "gender",
    "geslacht": "gender",
    "gender (self-described)": "gender",
}
# cell values → choice keys, in both languages
VALUES: dict[str, dict[str, str]] = {
    "lead_role": {
        "trekker": LeadRole.TREKKER,
        "leading": LeadRole.TREKKER,
        "lead": LeadRole.TREKKER,
        "follower": LeadRole.FOLLOWER,
        "volger": LeadRole.FOLLOWER,
        "following": LeadRole.FOLLOWER,
    },
    "engagement": {
        "professional": Engagement.PROFESSIONAL,
        "professioneel": Engagement.PROFESSIONAL,
        "professionele": Engagement.PROFESSIONAL,
        "beroepskracht": Engagement.PROFESSIONAL,
        "volunteer": Engagement.VOLUNTEER,
        "vrijwilliger": Engagement.VOLUNTEER,
    },
    "tenure": {
        "newcomer": Tenure.NEWCOMER,
        "nieuwkomer": Tenure.NEWCOMER,
        "new": Tenure.NEWCOMER,
        "long-standing": Tenure.LONG_STANDING,
        "long_standing": Tenure.LONG_STANDING,
        "long standing": Tenure.LONG_STANDING,
        "ancien": Tenure.LONG_STANDING,
    },
}
ORGANISATION_COLUMNS = {
    "name": "name",
    "naam": "name",
    "organisation": "name",
    "organisatie": "name",
    "sector": "sector",
    "type": "type",
    "size": "size",
    "grootte": "size",
    "website": "website",
    "joined": "joined_on",
    "joined on": "joined_on",
    "since": "joined_on",
    "sinds": "joined_on",
    "lid sinds": "joined_on",
    "left": "left_on",
    "left on": "left_on",
    "tot": "left_on",
}
MAX_CELL = 1000
MAX_UNZIPPED = 50 * 1024 * 1024


@dataclass
class Row:
    line: int
    raw: dict[str, str]
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(
    upload: IO[bytes], filename: str, columns: dict[str, str] = COLUMNS
) -> list[dict[str, str]]:
    """Rows as dicts keyed by field name. Raises DomainError with a clear message."""
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise DomainError(
            "import.too_big",
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
        )
    if not data.strip():
        raise DomainError("import.empty", _("The file is empty."))
    name = filename.lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data)
    elif name.endswith((".csv", ".txt")):
        table = _read_csv(data)
    else:
        raise DomainError("import.type", _("Upload a CSV file or an Excel (.xlsx) file."))
    return _to_records(table, columns)


def _read_csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data:
        raise DomainError("import.binary", _("This does not look like a CSV text file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as error:
        raise DomainError("import.csv", _("The CSV file could not be read: %s") % error) from error


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise DomainError("import.too_big", _("The Excel file unpacks to too much data."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DomainError:
        raise
    except Exception as error:
        raise DomainError(
            "import.xlsx", _("The Excel file could not be read. Is it a real .xlsx file?")
        ) from error
    sheet = workbook.worksheets[0]
    rows: list[list[str]] = []
    for values in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else _cell(v) for v in values])
        if len(rows) > settings.IMPORT_MAX_ROWS + 1:
            break
    workbook.close()
    return rows


def _cell(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _to_records(table: list[list[str]], columns: dict[str, str]) -> list[dict[str, str]]:
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise DomainError("import.empty", _("The file has no rows."))
    header = [columns.get(cell.strip().lower()) for cell in table[0]]
    if "name" not in header:
        raise DomainError(
            "import.header",
            _("The first row must name the columns, with at least a column 'name' (or 'naam')."),
        )
    body = table[1:]
    if not body:
        raise DomainError("import.empty", _("The file has no rows below the column names."))
    if len(body) > settings.IMPORT_MAX_ROWS:
        raise DomainError(
            "import.rows",
            _("The file has more than %(n)s rows. Split it into smaller files.")
            % {"n": settings.IMPORT_MAX_ROWS},
        )
    records = []
    for row in body:
        record = {}
        for key, cell in zip(header, row, strict=False):
            if key:
                record[key] = cell.strip()[: MAX_CELL + 1]
        records.append(record)
    return records


def check_rows(network: Network, records: list[dict[str, str]]) -> list[Row]:
    """Validate every row as the manual form would; the file's own duplicates count too."""
    existing = {
        o.name.casefold(): o for o in Organisation.objects.filter(memberships__network=network)
    }
    seen_emails: set[str] = set()
    rows = []
    for index, record in enumerate(records, start=2):
        row = Row(line=index, raw=record)
        for key, value in record.items():
            if len(value) > MAX_CELL:
                row.errors.append(_("%(column)s is too long.") % {"column": key})
        for key, mapping in VALUES.items():
            value = record.get(key, "").casefold()
            if value and value not in mapping:
                row.errors.append(
                    _("'%(value)s' is not a known value for %(column)s.")
                    % {"value": record[key], "column": key}
                )
        sector = record.get("sector", "")
        if sector and _sector(sector) is None:
            row.errors.append(_("'%(value)s' is not a known sector.") % {"value": sector})
        form = PersonForm(data=_form_data(record, existing), network=network)
        form.fields["organisation"].required = False
        if not form.is_valid():
            for name, messages in form.errors.items():
                if name == "organisation":
                    continue
                label = form.fields[name].label if name in form.fields else ""
                row.errors.extend(f"{label}: {m}" if label else str(m) for m in messages)
        email = record.get("email", "").strip().lower()
        if email:
            if email in seen_emails:
                row.errors.append(_("This email address appears twice in the file."))
            seen_emails.add(email)
        rows.append(row)
    return rows


def _sector(value: str) -> str | None:
    wanted = value.strip().casefold()
    for key, label in Sector.choices:
        if wanted in {key, str(label).casefold()}:
            return key
    from django.utils import translation

    for language in ("nl", "en"):
        with translation.override(language):
            for key, label in Sector.choices:
                if wanted == str(label).casefold():
                    return key
    return None


def _form_data(record: dict[str, str], organisations: dict[str, Organisation]) -> dict[str, str]:
    data = {k: v for k, v in record.items() if k not in VALUES and k != "organisation"}
    for key, mapping in VALUES.items():
        value = record.get(key, "").casefold()
        data[key] = mapping.get(value, "") if value else ""
    org = organisations.get(record.get("organisation", "").casefold())
    data["organisation"] = str(org.pk) if org else ""
    return data


@transaction.atomic
def save_rows(network: Network, records: list[dict[str, str]]) -> int:
    """Create the people of the valid rows (checked again) and new organisations, all or none."""
    rows = [row for row in check_rows(network, records) if row.ok]
    organisations = {
        o.name.casefold(): o for o in Organisation.objects.filter(memberships__network=network)
    }
    created = 0
    for row in rows:
        org_name = row.raw.get("organisation", "").strip()
        if org_name and org_name.casefold() not in organisations:
            org = Organisation.objects.create(
                name=org_name[:200], sector=_sector(row.raw.get("sector", "")) or ""
            )
            OrganisationMembership.objects.create(network=network, organisation=org)
            organisations[org_name.casefold()] = org
        form = PersonForm(data=_form_data(row.raw, organisations), network=network)
        if not form.is_valid():  # a concurrent change made the row invalid: stop, save nothing
            raise DomainError(
                "import.changed",
                _("Row %(line)s is no longer valid; nothing was imported. Check the file again.")
                % {"line": row.line},
            )
        person: Person = form.save(commit=False)
        person.network = network
        person.save()
        created += 1
    return created


def check_organisation_rows(network: Network, records: list[dict[str, str]]) -> list[Row]:
    """Validate organisation rows with the same forms as manual entry; names once per network."""
    from verbindend.networks.forms import MembershipForm, OrganisationForm

    taken = {
        name.casefold()
        for name in Organisation.objects.filter(memberships__network=network).values_list(
            "name", flat=True
        )
    }
    rows = []
    for index, record in enumerate(records, start=2):
        row = Row(line=index, raw=record)
        data = _organisation_data(record)
        for form in (OrganisationForm(data=data), MembershipForm(data=data)):
            if not form.is_valid():
                for name, messages in form.errors.items():
                    label = form.fields[name].label if name in form.fields else ""
                    row.errors.extend(f"{label}: {m}" if label else str(m) for m in messages)
        if record.get("sector") and _sector(record["sector"]) is None:
            row.errors.append(_("'%(value)s' is not a known sector.") % {"value": record["sector"]})
        name = record.get("name", "").strip().casefold()
        if name in taken:
            row.errors.append(
                _("This organisation is already in the network (or twice in the file).")
            )
        taken.add(name)
        rows.append(row)
    return rows


def _organisation_data(record: dict[str, str]) -> dict[str, str]:
    data = dict(record)
    data["sector"] = _sector(record.get("sector", "")) or ""
    sizes = {"small": "small", "klein": "small", "medium": "medium", "middelgroot": "medium"}
    sizes |= {"large": "large", "groot": "large"}
    data["size"] = sizes.get(record.get("size", "").strip().casefold(), record.get("size", ""))
    return data


@transaction.atomic
def save_organisation_rows(network: Network, records: list[dict[str, str]]) -> int:
    from verbindend.networks.forms import MembershipForm, OrganisationForm

    created = 0
    for row in check_organisation_rows(network, records):
        if not row.ok:
            continue
        data = _organisation_data(row.raw)
        organisation = OrganisationForm(data=data).save()
        membership = MembershipForm(data=data).save(commit=False)
        membership.network = network
        membership.organisation = organisation
        membership.save()
        created += 1
    return created
