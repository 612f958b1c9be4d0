"""Applying a plan in one transaction: found again by GUID where known, else made new."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from verbindend.accounts.models import User
from verbindend.analysis.models import Code, Coding, ExchangeKind, Memo
from verbindend.analysis.refi import ids
from verbindend.analysis.refi.plan import Plan, UserItem
from verbindend.analysis.refi.safety import Refused
from verbindend.analysis.refi.spec import (
    CHOICE_ATTRIBUTES,
    VARIABLES,
)
from verbindend.studies.models import (
    Case,
    CaseStatus,
    Document,
    DocumentKind,
    Respondent,
    Study,
)
from verbindend.studies.services import paragraph_starts

BATCH = 1000
IMPORT_ACCOUNT = "refi-import"


@dataclass
class Report:
    """What an import did: made, found again (not added twice), and what it left out."""

    study: Study
    created: dict[str, int] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _variable_key(name: str) -> str | None:
    """Our attribute for a variable name from the file (its key, or its label in a language)."""
    from verbindend.networks.models import Person

    wanted = name.strip().lower()
    for key, variable in VARIABLES.items():
        if wanted in {key, variable.label.lower(), key.replace("_", " ")}:
            return key
        if key in PERSON_FIELDS:
            label = getattr(Person._meta.get_field(key), "verbose_name", key)
            with translation.override("nl"):
                dutch = str(label).lower()
            with translation.override("en"):
                english = str(label).lower()
            if wanted in {dutch, english}:
                return key
    return None


PERSON_FIELDS = ("lead_role", "engagement", "tenure", "gender", "involved_since")


def _choice(model_field: Any, value: str) -> str | None:
    """A stored choice for a value written as the choice itself or as its label (NL or EN)."""
    wanted = value.strip().lower()
    for stored, label in model_field.choices:
        names = {str(stored).lower()}
        for language in ("nl", "en"):
            with translation.override(language):
                names.add(str(label).lower())
        if wanted in names:
            return str(stored)
    return None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _unique_slug(model: Any, name: str) -> str:
    base = slugify(name)[:60] or "import"
    slug = base
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{uuid.uuid4().hex[:6]}"
    return slug


def _found_again(
    model: Any, kind: str, study: Study, guids: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Objects of this study that already carry these GUIDs (own UUID or remembered)."""
    found = {g: int(k) for g, k in ids.by_guid(study, kind).items() if g in set(guids)}
    for start in range(0, len(guids), 500):
        chunk = guids[start : start + 500]
        found.update(model.objects.filter(study=study, uuid__in=chunk).values_list("uuid", "pk"))
    return found


@dataclass
class UserMatch:
    """How one `<User>` of a file is taken over: a team member's account, or a new one."""

    item: UserItem
    account: User | None

    @property
    def label(self) -> str:
        return self.item.name or self.item.ident or str(self.item.guid)


def match_users(plan: Plan, study: Study) -> dict[uuid.UUID, UserMatch]:
    """Users of the file matched only to the study's own team, by email (any letter case).

    Anyone else on the site stays out of reach: a file cannot credit codings to a stranger or
    make the page show a stranger's name. Unmatched users become new inactive accounts.
    """
    team: dict[str, User] = {}
    for member in User.objects.filter(study_roles__study=study).distinct():
        for address in (member.email, member.username):
            if address and "@" in address:
                team.setdefault(address.strip().casefold(), member)
    known = ids.by_guid(study, ExchangeKind.USER)
    own = ids.own_users(study)
    imported = {
        made.pk: made
        for made in User.objects.filter(
            pk__in=[
                int(pk)
                for pk in [*own.values(), *known.values()]
                if str(pk).isascii() and str(pk).isdigit()
            ],
            username__startswith="refi-",
            is_active=False,
        )
    }
    team_by_pk = {member.pk: member for member in team.values()}
    out: dict[uuid.UUID, UserMatch] = {}
    for item in plan.users.values():
        account: User | None = None
        for key in (own.get(item.guid), known.get(item.guid)):
            if account is None and key is not None and str(key).isascii() and str(key).isdigit():
                account = team_by_pk.get(int(key)) or imported.get(int(key))
        if account is None and item.ident:
            account = team.get(item.ident.strip().casefold())
        out[item.guid] = UserMatch(item, account)
    return out


def _new_inactive_account(item: UserItem) -> User:
    """A new inactive account without a password, named as in the file.

    Its username is ``refi-<GUID>``, or that with a number when an earlier import (into
    another study) already made one: never an existing account, whoever it belongs to.
    """
    base = f"refi-{item.guid}"
    for attempt in range(1, 1000):
        username = base if attempt == 1 else f"{base}-{attempt}"
        if User.objects.filter(username__iexact=username).exists():
            continue
        account = User(
            username=username,
            first_name=(item.name or item.ident or str(item.guid))[:150],
            is_active=False,
        )
        account.set_unusable_password()
        try:
            with transaction.atomic():  # made at the same moment by another import: next one
                account.save()
        except IntegrityError:
            continue
        return account
    raise RuntimeError(f"no free username for {base}")


class _Writer:
    def __init__(self, plan: Plan, study: Study, user: User | None, report: Report) -> None:
        self.plan = plan
        self.study = study
        self.user = user
        self.report = report
        self.users: dict[uuid.UUID, User] = {}
        self.codes: dict[uuid.UUID, int] = {}
        self.documents: dict[uuid.UUID, Document] = {}
        self.new_documents: set[uuid.UUID] = set()
        self.codings: dict[uuid.UUID, int] = {}
        self.cases: dict[str, Case] = {}
        self.var_keys = {guid: _variable_key(name) for guid, name in plan.variables.items()}
        self._fallback: User | None = user

    def count(self, what: str, created: int, found: int = 0) -> None:
        self.report.created[what] = self.report.created.get(what, 0) + created
        self.report.found[what] = self.report.found.get(what, 0) + found

    def fallback(self) -> User:
        if self._fallback is None:
            account, _made = User.objects.get_or_create(
                username=IMPORT_ACCOUNT,
                defaults={"first_name": "REFI-QDA import", "is_active": False},
            )
            if account.has_usable_password():
                account.set_unusable_password()
                account.save()
            self._fallback = account
        return self._fallback

    def user_for(self, guid: uuid.UUID | None) -> User:
        if guid is not None and guid in self.users:
            return self.users[guid]
        return self.fallback()

    # users -------------------------------------------------------------------------------

    def write_users(self) -> None:
        known = ids.by_guid(self.study, ExchangeKind.USER)
        made = matched = 0
        new_pairs = []
        own_pairs = []
        matches = match_users(self.plan, self.study)
        for item in self.plan.users.values():
            account = matches[item.guid].account
            if account is not None:
                if item.guid not in known:
                    new_pairs.append((account.pk, item.guid))
                matched += 1
            else:
                account = _new_inactive_account(item)
                if item.guid in known:
                    # The GUID already stands for another account (someone outside the team):
                    # it stays theirs; this study remembers its own copy.
                    own_pairs.append((account.pk, item.guid))
                else:
                    new_pairs.append((account.pk, item.guid))
                made += 1
            self.users[item.guid] = account
        ids.record(self.study, ExchangeKind.USER, new_pairs)
        ids.record_own_users(self.study, own_pairs)
        self.count("users", made, matched)
        if made:
            self.report.notes.append(
                ngettext(
                    "%(n)s user of the file became an inactive account without a password; "
                    "an administrator can activate it or merge it with a real account.",
                    "%(n)s users of the file became inactive accounts without a password; "
                    "an administrator can activate them or merge them with real accounts.",
                    made,
                )
                % {"n": made}
            )
        if matched:
            self.report.notes.append(
                ngettext(
                    "%(n)s user of the file matched an existing account.",
                    "%(n)s users of the file matched existing accounts.",
                    matched,
                )
                % {"n": matched}
            )

    # codes -------------------------------------------------------------------------------

    def write_codes(self) -> None:
        guids = list(self.plan.codes)
        found = _found_again(Code, ExchangeKind.CODE, self.study, guids)
        made = 0
        for item in self.plan.codes.values():
            if item.guid in found:
                self.codes[item.guid] = found[item.guid]
                continue
            parent = self.codes.get(item.parent) if item.parent else None
            code = Code.objects.create(
                study=self.study,
                uuid=item.guid,  # unique within the study: the file's GUID is the code's own
                parent_id=parent,
                order=item.order,
                name=item.name,
                colour=item.colour,
                definition=item.description,
            )
            self.codes[item.guid] = code.pk
            made += 1
        self.count("codes", made, len(found))

    # cases and documents -------------------------------------------------------------------

    def case_for(self, network_name: str) -> Case:
        from verbindend.networks.models import Network

        name = (network_name or self.plan.name or self.plan.origin or "REFI-QDA")[:200]
        if name in self.cases:
            return self.cases[name]
        case = (
            Case.objects.filter(study=self.study, network__name=name)
            .select_related("network")
            .first()
        )
        if case is None:
            network = Network.objects.create(name=name, slug=_unique_slug(Network, name))
            case = Case.objects.create(study=self.study, network=network, status=CaseStatus.AGREED)
            self.report.notes.append(
                _(
                    "The network “%(name)s” was made as a case of the study to hold imported "
                    "respondents or documents; it has no coordinator yet."
                )
                % {"name": name}
            )
        self.cases[name] = case
        return case

    def values(self, raw: dict[str, str]) -> dict[str, str]:
        found = {}
        for guid_text, value in raw.items():
            guid = uuid.UUID(guid_text)
            key = self.var_keys.get(guid)
            if key is not None and value:
                found[key] = value
        return found

    def write_documents(self) -> None:
        guids = list(self.plan.sources)
        known = ids.by_guid(self.study, ExchangeKind.DOCUMENT)
        existing = {
            g: d
            for g, d in (
                (g, Document.objects.filter(study=self.study, pk=int(known[g])).first())
                for g in guids
                if g in known
            )
            if d is not None
        }
        new = []
        for item in self.plan.sources.values():
            if item.guid in existing:
                self.documents[item.guid] = existing[item.guid]
                if existing[item.guid].text != item.text:
                    self.report.skipped.append(
                        _(
                            "“%(title)s” is in the study with another text; the study's text "
                            "was kept."
                        )
                        % {"title": existing[item.guid].title}
                    )
                continue
            values = self.values(item.values)
            kind = values.get("document_kind", "")
            if kind not in DocumentKind.values:
                kind = _choice(Document._meta.get_field("kind"), kind) or DocumentKind.OTHER
            document = Document(
                study=self.study,
                title=item.name,
                text=item.text,
                length=len(item.text),
                paragraph_starts=paragraph_starts(item.text),
                kind=kind,
                source=item.description,
                date=_date(values.get("document_date", "")),
                case=self.case_for(values["network"]) if values.get("network") else None,
                created_by=self.users.get(item.creator) if item.creator else None,
            )
            new.append((item.guid, document))
        Document.objects.bulk_create([d for _g, d in new], batch_size=200)
        for guid, document in new:
            self.documents[guid] = document
            self.new_documents.add(guid)
        ids.record(self.study, ExchangeKind.DOCUMENT, [(d.pk, g) for g, d in new])
        self.count("sources", len(new), len(existing))

    def write_cases(self) -> None:
        from verbindend.networks.models import Organisation, OrganisationMembership, Person

        known = ids.by_guid(self.study, ExchangeKind.RESPONDENT)
        made = found = 0
        pairs = []
        skipped_values: Counter[str] = Counter()
        for item in self.plan.cases.values():
            respondent = None
            if item.guid in known:
                respondent = Respondent.objects.filter(
                    study=self.study, pk=int(known[item.guid])
                ).first()
            if respondent is not None:
                found += 1
                continue
            values = self.values(item.values)
            unknown = [g for g in item.values if self.var_keys.get(uuid.UUID(g)) is None]
            for g in unknown:
                skipped_values[self.plan.variables.get(uuid.UUID(g), g)] += 1
            case = self.case_for(values.get("network", ""))
            person = Person(network=case.network, name=item.name)
            for key in PERSON_FIELDS:
                value = values.get(key, "")
                if not value:
                    continue
                if key in CHOICE_ATTRIBUTES:
                    stored = _choice(Person._meta.get_field(key), value)
                    if stored is None:
                        skipped_values[key] += 1
                        continue
                    setattr(person, key, stored)
                elif key == "involved_since":
                    person.involved_since = _date(value)
                else:
                    setattr(person, key, value[:60])
            if values.get("organisation"):
                name = values["organisation"][:200]
                organisation = Organisation.objects.filter(
                    name=name, memberships__network=case.network
                ).first()
                if organisation is None:
                    organisation = Organisation.objects.create(name=name)
                    OrganisationMembership.objects.create(
                        network=case.network, organisation=organisation
                    )
                person.organisation = organisation
            person.save()
            respondent = Respondent.objects.create(study=self.study, case=case, person=person)
            pairs.append((respondent.pk, item.guid))
            made += 1
            for source in item.sources:
                if source in self.new_documents:
                    document = self.documents[source]
                    document.respondent = respondent
                    document.case = document.case or case
                    document.save(update_fields=["respondent", "case"])
        ids.record(self.study, ExchangeKind.RESPONDENT, pairs)
        self.count("cases", made, found)
        for name, n in sorted(skipped_values.items()):
            self.report.skipped.append(
                ngettext(
                    "%(n)s value of the variable “%(name)s” could not be taken over.",
                    "%(n)s values of the variable “%(name)s” could not be taken over.",
                    n,
                )
                % {"n": n, "name": name}
            )
        ids.record(
            self.study,
            ExchangeKind.VARIABLE,
            [(key, guid) for guid, key in self.var_keys.items() if key is not None],
        )

    # codings and memos ----------------------------------------------------------------------

    def write_codings(self) -> None:
        plan = self.plan
        guids = list(plan.codings)
        found = _found_again(Coding, ExchangeKind.CODING, self.study, guids)
        old_docs = [d.pk for g, d in self.documents.items() if g not in self.new_documents]
        seen = set(
            Coding.objects.filter(document_id__in=old_docs).values_list(
                "document_id", "code_id", "coder_id", "start", "end"
            )
        )
        problems = []
        new = []
        doubles = 0
        for item in plan.codings.values():
            if item.guid in found:
                self.codings[item.guid] = found[item.guid]
                continue
            document = self.documents[item.source]
            if item.end > document.length:
                problems.append(
                    _("A coding (%(guid)s) lies outside the text of “%(title)s” in this study.")
                    % {"guid": item.guid, "title": document.title}
                )
                continue
            coder = self.user_for(item.coder)
            key = (document.pk, self.codes[item.code], coder.pk, item.start, item.end)
            if key in seen:
                doubles += 1
                continue
            seen.add(key)
            new.append(
                (
                    item.guid,
                    Coding(
                        study=self.study,
                        uuid=item.guid,
                        document=document,
                        code_id=self.codes[item.code],
                        coder=coder,
                        start=item.start,
                        end=item.end,
                    ),
                )
            )
        if problems:
            raise Refused(problems)
        Coding.objects.bulk_create([c for _g, c in new], batch_size=BATCH)
        for guid, coding in new:
            self.codings[guid] = coding.pk
        self.count("codings", len(new), len(found))
        if doubles:
            self.report.skipped.append(
                ngettext(
                    "%(n)s coding repeated one already there (same code, coder and span).",
                    "%(n)s codings repeated ones already there (same code, coder and span).",
                    doubles,
                )
                % {"n": doubles}
            )

    def write_memos(self) -> None:
        guids = list(self.plan.notes)
        found = _found_again(Memo, ExchangeKind.MEMO, self.study, guids)
        new = []
        for item in self.plan.notes.values():
            if item.guid in found or item.target is None:
                continue
            kind, target = item.target
            memo = Memo(
                study=self.study,
                uuid=item.guid,
                author=self.user_for(item.author),
                text=item.text,
            )
            if kind == "code":
                memo.code_id = self.codes[target]
            elif kind == "document":
                memo.document = self.documents[target]
            elif target in self.codings:
                memo.coding_id = self.codings[target]
            else:  # the coding was a repeat of one already there
                continue
            new.append((item.guid, memo))
        Memo.objects.bulk_create([m for _g, m in new], batch_size=BATCH)
        self.count("notes", len(new), len(found))


def apply(plan: Plan, *, study: Study | None = None, user: User | None = None) -> Report:
    """Write a checked plan into a study (a new one when ``study`` is None), all or nothing."""
    if not plan.ok:
        raise Refused(plan.problems)
    with transaction.atomic():
        if study is None:
            from verbindend.accounts.services import grant_study_role
            from verbindend.core.roles import StudyRoles

            name = (plan.name or plan.origin or "REFI-QDA import")[:200]
            study = Study.objects.create(name=name, slug=_unique_slug(Study, name))
            if user is not None:
                grant_study_role(user=user, study=study, role=StudyRoles.RESEARCHER)
        report = Report(study=study, skipped=list(plan.skipped))
        writer = _Writer(plan, study, user, report)
        writer.write_users()
        writer.write_codes()
        if plan.kind == "project":
            writer.write_documents()
            writer.write_cases()
            writer.write_codings()
            writer.write_memos()
    return report
