"""Bulk import of legacy records from Excel: one template per kind of record, a check of every
row that reports each problem (row, column, message) and writes nothing, and an import that
writes the whole file in the caller's transaction or nothing at all.

Legacy records arrive in the state the old system left them (a case already "licensed", an
agreement already "active"), so they are written as records, not walked through the live
workflows; the same rules are checked on them (shares add up to 100 %, an amount has at most
two decimals, a granted patent has its number, ...), and every record gets its audit entry.
References are resolved against tlo and, where a kind refers to its own kind (a patent's
parent application), against earlier rows of the same file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from io import BytesIO
from typing import Any

import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require
from tlo.config import get_settings
from tlo.disclosures.intake import OLDEST_PLAUSIBLE_DISCLOSURE
from tlo.disclosures.models import (
    DevelopmentStage,
    Disclosure,
    DisclosureInventor,
    DisclosureStatus,
    DocketCounter,
    FundingSource,
    ShareHistory,
    StatusChange,
)
from tlo.disclosures.numbering import _insert_counter_if_missing
from tlo.disclosures.rules import (
    InventorShare,
    equal_shares,
    fiscal_year_of,
    parse_share,
    validate_shares,
)
from tlo.errors import ValidationError
from tlo.licensing.agreement_models import (
    Agreement,
    AgreementPatent,
    AgreementStatus,
    AgreementTechnology,
    AgreementType,
    AnnualFee,
    Milestone,
    ReportPeriod,
    RoyaltyRate,
)
from tlo.licensing.agreements import parse_amount_list, parse_milestone_lines, parse_rate_lines
from tlo.licensing.matching import normalise_company_name
from tlo.licensing.models import Company, CompanySize
from tlo.money import parse_money, parse_percent, percent_to_bp, to_cents
from tlo.patents.models import ApplicationStatus, ApplicationType, PatentApplication, PatentCost
from tlo.patents.services import EXPECTED_JURISDICTION, PARENT_TYPES
from tlo.people import services as people
from tlo.people.models import Department, Person
from tlo.reports.excel import Column, Sheet, workbook_bytes
from tlo.reports.import_kinds import EXCEL_KIND, KINDS, ImportKind
from tlo.revenue.models import Income
from tlo.revenue.services import SIGNED
from tlo.revenue.types import IncomeType

MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
MAX_ROWS = 100_000
PROGRESS_EVERY = 100  # rows between two calls of the progress callback
BATCH = 500  # records written between two flushes
HELP_SHEET = "Columns"
LEGACY_PREFIX = "Legacy reference: "  # the first line of an imported agreement's notes
IMPORT_NOTE = "Imported from legacy records"
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
TLO_DOCKET = re.compile(r"^S(\d{2})-(\d{4,})$")
AGREEMENT_NUMBER = re.compile(r"^AGR-(\d+)$", re.IGNORECASE)
NEEDS_OFFICER = {
    DisclosureStatus.ASSIGNED,
    DisclosureStatus.EVALUATING,
    DisclosureStatus.FILING,
    DisclosureStatus.DEFERRED,
    DisclosureStatus.FILED,
    DisclosureStatus.MARKETING,
}
CHILD_TYPES = {
    *PARENT_TYPES,
    ApplicationType.CONTINUATION,
    ApplicationType.DIVISIONAL,
    ApplicationType.CONTINUATION_IN_PART,
}

Progress = Callable[[int, int], None]


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int  # as Excel shows it: the header is row 1, the first record row 2
    column: str  # the column's header; empty when the problem is the whole row's
    message: str


@dataclass
class ImportReport:
    kind: str
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows_with_problems(self) -> int:
        return len({problem.row for problem in self.problems})


class ImportRefused(ValidationError):
    """The file has problems: nothing was written. The report lists each one."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(
            f"The file has {len(report.problems)} problem(s) in {report.rows_with_problems} "
            "row(s); nothing was imported. Check the file to see each one."
        )


# --- files -----------------------------------------------------------------------------------


def kind_of(name: str) -> ImportKind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValidationError(
            f"tlo does not import {name!r}; choose one of {', '.join(KINDS)}."
        ) from None


def template_workbook(kind: str) -> bytes:
    """The empty form of a kind: the header, an example row to overwrite, and a second sheet
    that explains each column."""
    spec = kind_of(kind)
    data = Sheet(
        spec.label,
        [Column(c.header, EXCEL_KIND.get(c.format, "text")) for c in spec.columns],
        [[c.example if c.example != "" else None for c in spec.columns]],
    )
    help_sheet = Sheet(
        HELP_SHEET,
        [
            Column("Column", width=26),
            Column("Required"),
            Column("Format", width=36),
            Column("Allowed values", width=40),
            Column("What it holds", width=80),
        ],
        [
            [
                c.header,
                "yes" if c.required else "",
                c.format_label,
                ", ".join(c.allowed),
                c.description,
            ]
            for c in spec.columns
        ],
    )
    return workbook_bytes([data, help_sheet])


def problems_workbook(report: ImportReport) -> bytes:
    return workbook_bytes(
        [
            Sheet(
                "Problems",
                [Column("Row", "integer"), Column("Column", width=24), Column("Problem", width=90)],
                [[p.row, p.column, p.message] for p in report.problems],
            )
        ]
    )


def fingerprint(kind: str, content: bytes) -> str:
    """What identifies a checked file: the page imports only a file checked as it is."""
    return hashlib.sha256(kind.encode() + b"\0" + content).hexdigest()


def _open(content: bytes):
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            f"The file has {len(content) / 1024 / 1024:.1f} MB; tlo imports files of up to "
            f"{MAX_FILE_MB} MB. Split it into several files."
        )
    if content.startswith(XLS_MAGIC):
        raise ValidationError(
            "This is an old Excel file (.xls). Open it in Excel and save it as an Excel "
            "workbook (.xlsx)."
        )
    if not content.startswith(XLSX_MAGIC):
        raise ValidationError(
            "This is not an Excel workbook (.xlsx). Fill in the template and save it as .xlsx "
            "(not CSV)."
        )
    try:
        return load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        raise ValidationError(
            "The file cannot be read as an Excel workbook (.xlsx); it may be damaged, or "
            "another kind of file renamed."
        ) from None


def _cell_value(cell) -> Any:
    value = cell.value
    if isinstance(value, str):
        return value.strip() or None
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", None) or "")
    ):
        return _decimal(value) * 100  # a cell formatted 3.5 % holds 0.035
    return value


def _decimal(number: int | float | Decimal) -> Decimal:
    """A number from a cell; a float's binary noise (0.30000000000000004) is rounded off."""
    if isinstance(number, float):
        exact = Decimal(repr(number))
        rounded = exact.quantize(Decimal("1e-9"))
        return rounded.normalize() if abs(exact - rounded) < Decimal("1e-12") else exact
    return Decimal(number)


def _read(content: bytes, spec: ImportKind, report: ImportReport) -> list[_Row]:
    """The record rows of the file; header problems are reported and leave no rows."""
    workbook = _open(content)
    try:
        names = workbook.sheetnames
        sheet = workbook[spec.label] if spec.label in names else workbook.worksheets[0]
        rows = sheet.iter_rows()
        header = next(rows, None)
        positions = _header_positions(header or (), spec, report)
        if positions is None:
            return []
        records: list[_Row] = []
        for number, cells in enumerate(rows, start=2):
            # Empty rows are skipped, cheaply: a sheet formatted down to row 1,048,576 has as
            # many of them.
            if all(cell.value is None for cell in cells):
                continue
            values = {
                name: _cell_value(cells[index])
                for index, name in positions.items()
                if index < len(cells)
            }
            if all(value is None for value in values.values()):
                continue
            if len(records) == MAX_ROWS:
                report.problems.append(
                    Problem(
                        number,
                        "",
                        f"A file holds at most {MAX_ROWS:,} records; split it into several "
                        "files and import them one after the other.",
                    )
                )
                return []
            records.append(_Row(number, values, report.problems))
        return records
    finally:
        workbook.close()


def _header_positions(header, spec: ImportKind, report: ImportReport) -> dict[int, str] | None:
    known = {c.header.casefold(): c.header for c in spec.columns}
    positions: dict[int, str] = {}
    problems = []
    for index, cell in enumerate(header):
        text = str(cell.value).strip() if cell.value is not None else ""
        if not text:
            continue
        name = known.get(text.casefold())
        if name is None:
            problems.append(
                Problem(
                    1,
                    text,
                    f"tlo does not know this column. The columns of a {spec.label.lower()} "
                    f"file are: {', '.join(c.header for c in spec.columns)}.",
                )
            )
        elif name in positions.values():
            problems.append(Problem(1, text, "This column appears twice; keep one."))
        else:
            positions[index] = name
    for column in spec.columns:
        if column.required and column.header not in positions.values():
            problems.append(
                Problem(1, column.header, "This required column is missing; use the template.")
            )
    report.problems.extend(problems)
    return None if problems else positions


# --- one row's cells -------------------------------------------------------------------------


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def _key(text: str) -> str:
    """How a choice is recognised: 'Start-up', 'startup' and 'START UP' are one."""
    return re.sub(r"[^a-z0-9]", "", text.casefold())


@lru_cache(maxsize=65_536)
def _email(text: str) -> tuple[str, str]:
    """(normalised e-mail, "") or ("", the reason it is not an address)."""
    try:
        return people.normalise_email(text), ""
    except ValidationError as err:
        return "", str(err)


class _Row:
    """The cells of one record row, read as typed values; each bad cell adds a problem."""

    def __init__(self, number: int, values: dict[str, Any], problems: list[Problem]):
        self.number = number
        self.values = values
        self._problems = problems
        self.bad = False

    def problem(self, column: str, message: str) -> None:
        self._problems.append(Problem(self.number, column, message))
        self.bad = True

    def _missing(self, column: str) -> None:
        self.problem(column, f"{column} is missing; it is required.")

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.values.get(column)
        if value is None:
            text = ""
        elif isinstance(value, datetime):
            text = value.date().isoformat() if value.time() == time(0) else value.isoformat()
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
        else:
            text = str(value).strip()
        if required and not text:
            self._missing(column)
        if max_length is not None and len(text) > max_length:
            self.problem(column, f"At most {max_length} characters; this has {len(text)}.")
        return text

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.values.get(column)
        if value is None:
            if required:
                self._missing(column)
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(column, f"{_shown(value)} is not a date; use an Excel date or YYYY-MM-DD.")
        return None

    def _number_text(self, value: Any) -> str:
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return str(_decimal(value))
        return str(value)

    def amount(self, column: str, *, required: bool = False) -> Decimal | None:
        value = self.values.get(column)
        if value is None:
            if required:
                self._missing(column)
            return None
        try:
            return parse_money(self._number_text(value))
        except ValidationError as err:
            self.problem(column, str(err))
            return None

    def percent(self, column: str) -> Decimal | None:
        value = self.values.get(column)
        if value is None:
            return None
        try:
            return parse_percent(self._number_text(value), what=column)
        except ValidationError as err:
            self.problem(column, str(err))
            return None

    def whole(self, column: str, *, minimum: int = 0) -> int | None:
        value = self.values.get(column)
        if value is None:
            return None
        try:
            number = _decimal(value) if not isinstance(value, str) else Decimal(value)
        except (InvalidOperation, TypeError):
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            self.problem(column, f"{_shown(value)} is not a whole number.")
            return None
        if number < minimum:
            self.problem(column, f"Give a whole number of at least {minimum}, not {number}.")
            return None
        return int(number)

    def flag(self, column: str) -> bool:
        value = self.values.get(column)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        text = str(value).strip().casefold()
        if text in ("yes", "y", "true", "1", "x"):
            return True
        if text in ("no", "n", "false", "0"):
            return False
        self.problem(column, f"Write yes or no, not {_shown(value)}.")
        return False

    def choice(
        self,
        column: str,
        enum: type[StrEnum],
        *,
        required: bool = False,
        default: StrEnum | None = None,
        leave_out: Iterable[StrEnum] = (),
    ):
        text = self.text(column, required=required)
        if not text:
            return default
        allowed = [member for member in enum if member not in set(leave_out)]
        for member in allowed:
            names = {member.value, getattr(member, "label", member.value)}
            if _key(text) in {_key(name) for name in names}:
                return member
        self.problem(
            column,
            f"{_shown(text)} is not allowed here; use one of: "
            f"{', '.join(m.value for m in allowed)}.",
        )
        return None

    def email(self, column: str, *, required: bool = False) -> str:
        text = self.text(column, required=required)
        if not text:
            return ""
        email, error = _email(text)
        if error:
            self.problem(column, error)
        return email


def _parts(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]+", text) if part.strip()]


# --- the kinds -------------------------------------------------------------------------------


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Job:
    """Checking and then writing the rows of one kind: `parse` reads each row's cells,
    `resolve` checks the rows against tlo and each other (both only read) and plans the
    records; `write` runs only on a file without problems."""

    def __init__(self, session: Session, actor: Actor, today: date):
        self.session, self.actor, self.today = session, actor, today
        self.plan: list = []

    def lookup(self, key_column, value_column, keys: Iterable, *where) -> dict:
        """{key: value} of the rows whose key is among `keys`, a few hundred at a time."""
        found: dict = {}
        for chunk in _chunks(sorted(set(keys) - {"", None}), BATCH):
            found.update(
                self.session.exec(
                    select(key_column, value_column).where(col(key_column).in_(chunk), *where)
                ).all()
            )
        return found

    def parse(self, row: _Row) -> Any:
        raise NotImplementedError

    def resolve(self, parsed: list[tuple[_Row, Any]]) -> None:
        raise NotImplementedError

    def write_one(self, item) -> None:
        raise NotImplementedError

    def write(self, tick: Callable[[int], None]) -> int:
        for index, item in enumerate(self.plan, start=1):
            self.write_one(item)
            tick(index)
        self.session.flush()
        return len(self.plan)

    def _no_future(self, row: _Row, column: str, day: date | None, what: str) -> None:
        if day is not None and day > self.today:
            row.problem(column, f"{day} is in the future; {what}.")


def _earlier(first_seen: dict, key, row: _Row, column: str, what: str) -> bool:
    """Whether `key` was on an earlier row of the file (and says so on this row)."""
    if key in first_seen:
        row.problem(column, f"{what} is also on row {first_seen[key]}; list it once.")
        return True
    first_seen[key] = row.number
    return False


# People ---------------------------------------------------------------------------------------


@dataclass
class _PersonRow:
    full_name: str
    email: str
    department_code: str
    organisation: str
    is_external: bool
    department_id: int | None = None


class _People(_Job):
    def parse(self, row: _Row) -> _PersonRow:
        return _PersonRow(
            full_name=row.text("Full name", required=True, max_length=200),
            email=row.email("E-mail", required=True),
            department_code=row.text("Department code").upper(),
            organisation=row.text("Organisation", max_length=200),
            is_external=row.flag("External"),
        )

    def resolve(self, parsed: list[tuple[_Row, _PersonRow]]) -> None:
        items = [item for _, item in parsed]
        departments = self.lookup(
            Department.code, Department.id, {i.department_code for i in items}
        )
        known = self.lookup(Person.email, Person.id, {i.email for i in items})
        first_seen: dict[str, int] = {}
        for row, item in parsed:
            if item.email in known:
                row.problem("E-mail", f"{item.email} is already recorded in tlo.")
            elif item.email:
                _earlier(first_seen, item.email, row, "E-mail", item.email)
            if item.is_external:
                if item.department_code:
                    row.problem(
                        "Department code",
                        "An external person has an organisation, not a department.",
                    )
                if not item.organisation:
                    row.problem("Organisation", "Name the organisation of an external person.")
            elif item.department_code:
                item.department_id = departments.get(item.department_code)
                if item.department_id is None:
                    row.problem(
                        "Department code", f"There is no department coded {item.department_code}."
                    )
            if not row.bad:
                self.plan.append(item)

    def write_one(self, item: _PersonRow) -> None:
        # The people service fits as it is: it checks the same rules again and writes the
        # audit entry.
        people.create_person(
            self.session,
            actor=self.actor,
            full_name=item.full_name,
            email=item.email,
            department_id=item.department_id,
            organisation=item.organisation or None,
            is_external=item.is_external,
        )


# Companies ------------------------------------------------------------------------------------


class _Companies(_Job):
    def parse(self, row: _Row) -> Company:
        name = row.text("Name", required=True, max_length=200)
        normalized = normalise_company_name(name)
        if name and not normalized:
            row.problem("Name", "A company's name needs letters or digits.")
        size = row.choice("Size", CompanySize, required=True)
        return Company(
            name=name,
            normalized_name=normalized,
            size=size.value if size else "",
            sector=row.text("Sector", max_length=100),
            website=row.text("Website", max_length=300),
            interests=row.text("Interests"),
            notes=row.text("Notes"),
            do_not_contact=row.flag("Do not contact"),
        )

    def resolve(self, parsed: list[tuple[_Row, Company]]) -> None:
        known = self.lookup(
            Company.normalized_name, Company.name, {c.normalized_name for _, c in parsed}
        )
        first_seen: dict[str, int] = {}
        for row, company in parsed:
            if company.normalized_name in known:
                row.problem(
                    "Name",
                    f'{company.name} is already recorded (as "{known[company.normalized_name]}").',
                )
            elif company.normalized_name:
                _earlier(first_seen, company.normalized_name, row, "Name", "This company")
            if not row.bad:
                self.plan.append(company)

    def write_one(self, company: Company) -> None:
        # Not outreach.save_company: it needs "company.manage", which an administrator
        # importing data does not hold; its duplicate check is the one made above.
        self.session.add(company)
        self.session.flush()
        audit.record(
            self.session,
            actor=self.actor,
            action="company.imported",
            object_type="company",
            object_id=company.id,
            after=audit.snapshot(company),
        )


# Disclosures ----------------------------------------------------------------------------------


@dataclass
class _DisclosureRow:
    docket: str
    title: str
    abstract: str
    description: str
    keywords: str
    stage: DevelopmentStage | None
    received_on: date | None
    status: DisclosureStatus | None
    officer_email: str
    review_on: date | None
    inventors: list[tuple[str, Decimal]]
    sponsor: str
    award_number: str
    is_federal: bool
    agency: str
    officer_id: int | None = None
    inventor_ids: list[int] = field(default_factory=list)


def _inventor_list(row: _Row) -> list[tuple[str, Decimal]]:
    """'a@x.edu: 60; b@x.edu: 40' as [(e-mail, share)], shares adding up to 100."""
    text = row.text("Inventors", required=True)
    entries = []
    for part in _parts(text):
        address, colon, share = part.rpartition(":")
        if not colon:
            row.problem(
                "Inventors", f"Write each inventor as e-mail: share; {part!r} has no share."
            )
            return []
        email, error = _email(address.strip())
        try:
            if error:
                raise ValidationError(error)
            entries.append((email, parse_share(share)))
        except ValidationError as err:
            row.problem("Inventors", f"{part}: {err}")
            return []
    if text:
        ids: dict[str, int] = {}
        try:
            validate_shares(
                [InventorShare(ids.setdefault(e, len(ids)), e, share) for e, share in entries]
            )
        except ValidationError as err:
            row.problem("Inventors", str(err))
            return []
    return entries


class _Disclosures(_Job):
    def parse(self, row: _Row) -> _DisclosureRow:
        item = _DisclosureRow(
            docket=row.text("Docket", required=True, max_length=20).upper(),
            title=row.text("Title", required=True, max_length=300),
            abstract=row.text("Abstract"),
            description=row.text("Description"),
            keywords=row.text("Keywords", max_length=1000),
            stage=row.choice("Stage", DevelopmentStage),
            received_on=row.date("Received on", required=True),
            status=row.choice(
                "Status", DisclosureStatus, required=True, leave_out=(DisclosureStatus.DRAFT,)
            ),
            officer_email=row.email("Officer e-mail"),
            review_on=row.date("Review on"),
            inventors=_inventor_list(row),
            sponsor=row.text("Funding sponsor", max_length=200),
            award_number=row.text("Award number", max_length=100),
            is_federal=row.flag("Federal"),
            agency=row.text("Agency", max_length=200),
        )
        if item.received_on is not None:
            self._no_future(row, "Received on", item.received_on, "give the day it was received")
            if item.received_on < OLDEST_PLAUSIBLE_DISCLOSURE:
                row.problem("Received on", f"{item.received_on} is before 1950; check the date.")
        if item.status is DisclosureStatus.DEFERRED and item.review_on is None:
            row.problem("Review on", "A deferred case needs the date to review it again.")
        if item.status in NEEDS_OFFICER and not item.officer_email:
            row.problem(
                "Officer e-mail",
                f"Name the licensing officer: a case that is '{item.status.label}' has one.",
            )
        if (item.award_number or item.agency or item.is_federal) and not item.sponsor:
            row.problem("Funding sponsor", "Name the sponsor of the funding.")
        if item.is_federal and not item.agency:
            row.problem("Agency", "Name the federal agency of the funding.")
        return item

    def resolve(self, parsed: list[tuple[_Row, _DisclosureRow]]) -> None:
        items = [item for _, item in parsed]
        taken = self.lookup(Disclosure.docket, Disclosure.id, {i.docket for i in items})
        emails = {i.officer_email for i in items} | {e for i in items for e, _ in i.inventors}
        person_ids = self.lookup(Person.email, Person.id, emails)
        first_seen: dict[str, int] = {}
        for row, item in parsed:
            if item.docket in taken:
                row.problem("Docket", f"{item.docket} is already a disclosure in tlo.")
            elif item.docket:
                _earlier(first_seen, item.docket, row, "Docket", item.docket)
            if item.officer_email:
                item.officer_id = person_ids.get(item.officer_email)
                if item.officer_id is None:
                    row.problem("Officer e-mail", _unknown_person(item.officer_email))
            unknown = [e for e, _ in item.inventors if e not in person_ids]
            for email in unknown:
                row.problem("Inventors", _unknown_person(email))
            item.inventor_ids = [person_ids.get(e) for e, _ in item.inventors]
            if not row.bad:
                self.plan.append(item)

    def write(self, tick: Callable[[int], None]) -> int:
        # Bulk INSERTs (with RETURNING for the ids): building tens of thousands of ORM objects
        # one by one made a 5,000-row file take three times as long.
        settings = get_settings()
        office_time = clock.office_zone()
        done = 0
        for batch in _chunks(self.plan, BATCH):
            received = [
                datetime.combine(item.received_on, time(12), tzinfo=office_time).astimezone(UTC)
                for item in batch
            ]
            ids = self.session.scalars(
                sa.insert(Disclosure).returning(Disclosure.id, sort_by_parameter_order=True),
                [
                    {
                        "docket": item.docket,
                        "fiscal_year": fiscal_year_of(
                            item.received_on, settings.fiscal_year_start_month
                        ),
                        "status": item.status.value,
                        "title": item.title,
                        "abstract": item.abstract,
                        "description": item.description,
                        "keywords": item.keywords,
                        "stage": item.stage.value if item.stage else None,
                        "submitter_person_id": item.inventor_ids[0],
                        "officer_person_id": item.officer_id,
                        "created_at": at,
                        "submitted_at": at,
                        "review_on": (
                            item.review_on if item.status is DisclosureStatus.DEFERRED else None
                        ),
                    }
                    for item, at in zip(batch, received, strict=True)
                ],
            ).all()
            self._write_children(list(zip(batch, ids, received, strict=True)))
            for item, disclosure_id in zip(batch, ids, strict=True):
                audit.record(
                    self.session,
                    actor=self.actor,
                    action="disclosure.imported",
                    object_type="disclosure",
                    object_id=disclosure_id,
                    after={
                        "docket": item.docket,
                        "status": item.status,
                        "title": item.title,
                        "received_on": item.received_on,
                        "officer": item.officer_email or None,
                        "inventors": {email: str(share) for email, share in item.inventors},
                    },
                )
                done += 1
                tick(done)
            self.session.flush()
        self._move_docket_counters()
        return done

    def _write_children(self, written: list[tuple[_DisclosureRow, int, datetime]]) -> None:
        inventors, history, funding, timeline = [], [], [], []
        for item, disclosure_id, at in written:
            for position, (person_id, (_, share)) in enumerate(
                zip(item.inventor_ids, item.inventors, strict=True)
            ):
                share_bp = percent_to_bp(share)
                # The legacy record is the agreed one: its shares count as confirmed.
                inventors.append(
                    {
                        "disclosure_id": disclosure_id,
                        "person_id": person_id,
                        "share_bp": share_bp,
                        "position": position,
                        "confirmed_at": at,
                    }
                )
                history.append(
                    {
                        "disclosure_id": disclosure_id,
                        "version": 1,
                        "person_id": person_id,
                        "share_bp": share_bp,
                        "recorded_at": at,
                        "recorded_by_account_id": self.actor.account_id,
                    }
                )
            if item.sponsor:
                funding.append(
                    {
                        "disclosure_id": disclosure_id,
                        "sponsor": item.sponsor,
                        "award_number": item.award_number,
                        "is_federal": item.is_federal,
                        "agency": item.agency,
                    }
                )
            timeline.append(
                {
                    "disclosure_id": disclosure_id,
                    "from_status": None,
                    "to_status": item.status.value,
                    "at": at,
                    "actor_account_id": self.actor.account_id,
                    "actor_name": self.actor.name,
                    "note": IMPORT_NOTE,
                }
            )
        for model, rows in (
            (DisclosureInventor, inventors),
            (ShareHistory, history),
            (FundingSource, funding),
            (StatusChange, timeline),
        ):
            if rows:
                self.session.execute(sa.insert(model), rows)

    def _move_docket_counters(self) -> None:
        """A legacy docket in tlo's own form (S19-0042) moves that fiscal year's counter past
        it, so that a disclosure submitted later never gets the same number."""
        highest: dict[int, int] = {}
        for item in self.plan:
            match = TLO_DOCKET.match(item.docket)
            if match:
                fiscal_year = 2000 + int(match[1])
                highest[fiscal_year] = max(highest.get(fiscal_year, 0), int(match[2]))
        for fiscal_year, sequence in sorted(highest.items()):
            _insert_counter_if_missing(self.session, fiscal_year)
            self.session.execute(
                sa.update(DocketCounter)
                .where(
                    DocketCounter.fiscal_year == fiscal_year,
                    DocketCounter.last_sequence < sequence,
                )
                .values(last_sequence=sequence)
            )


def _unknown_person(email: str) -> str:
    return f"No one in tlo has the e-mail {email}; import them with the people file first."


# Patents --------------------------------------------------------------------------------------


@dataclass
class _PatentRow:
    number: int  # the row's, for parents on earlier rows
    docket: str
    jurisdiction: str
    kind: ApplicationType | None
    application_number: str
    filing_date: date | None
    parent_number: str
    priority_date: date | None
    status: ApplicationStatus
    publication_number: str
    publication_date: date | None
    grant_number: str
    grant_date: date | None
    abandoned_on: date | None
    counsel_firm: str
    counsel_attorney: str
    counsel_docket: str
    clause: bool
    costs: Decimal | None
    costs_as_of: date | None
    disclosure_id: int | None = None
    parent_id: int | None = None  # an application already in tlo
    parent_row: _PatentRow | None = None  # or one on an earlier row
    written: PatentApplication | None = None


class _Patents(_Job):
    def parse(self, row: _Row) -> _PatentRow:
        item = _PatentRow(
            number=row.number,
            docket=row.text("Docket", required=True).upper(),
            jurisdiction=row.text("Jurisdiction", required=True).upper(),
            kind=row.choice("Type", ApplicationType, required=True),
            application_number=row.text("Application number", max_length=50),
            filing_date=row.date("Filing date", required=True),
            parent_number=row.text("Parent application number"),
            priority_date=row.date("Priority date"),
            status=row.choice("Status", ApplicationStatus, default=ApplicationStatus.PENDING),
            publication_number=row.text("Publication number", max_length=50),
            publication_date=row.date("Publication date"),
            grant_number=row.text("Grant number", max_length=50),
            grant_date=row.date("Grant date"),
            abandoned_on=row.date("Abandoned on"),
            counsel_firm=row.text("Counsel firm", max_length=200),
            counsel_attorney=row.text("Counsel attorney", max_length=200),
            counsel_docket=row.text("Counsel docket", max_length=100),
            clause=row.flag("Government support clause"),
            costs=row.amount("Costs to date"),
            costs_as_of=row.date("Costs as of"),
        )
        if item.jurisdiction and not (
            item.jurisdiction.isalpha() and 2 <= len(item.jurisdiction) <= 3
        ):
            row.problem("Jurisdiction", "Give a country or office code (US, EP, WO).")
        expected = EXPECTED_JURISDICTION.get(item.kind)
        if expected and item.jurisdiction and item.jurisdiction != expected:
            row.problem("Jurisdiction", f"A {item.kind.label} application is filed in {expected}.")
        if item.kind in CHILD_TYPES and not item.parent_number:
            row.problem(
                "Parent application number",
                f"Name the application this {item.kind.label} comes from.",
            )
        self._no_future(row, "Filing date", item.filing_date, "record filed applications only")
        if item.status is ApplicationStatus.GRANTED:
            if not item.grant_number:
                row.problem("Grant number", "A granted patent needs its number.")
            if item.grant_date is None:
                row.problem("Grant date", "A granted patent needs its grant date.")
        if item.status is ApplicationStatus.ABANDONED and item.abandoned_on is None:
            row.problem("Abandoned on", "Give the date the application was abandoned.")
        for column, day in (
            ("Publication date", item.publication_date),
            ("Grant date", item.grant_date),
            ("Abandoned on", item.abandoned_on),
        ):
            if day and item.filing_date and day < item.filing_date:
                row.problem(column, f"{day} is before the filing date {item.filing_date}.")
        if item.costs is not None:
            if item.costs < 0:
                row.problem("Costs to date", "Costs cannot be negative.")
            elif item.costs > 0 and item.costs_as_of is None:
                row.problem("Costs as of", "Give the date of the costs (their invoice date).")
        return item

    def resolve(self, parsed: list[tuple[_Row, _PatentRow]]) -> None:
        items = [item for _, item in parsed]
        disclosure_ids = self.lookup(Disclosure.docket, Disclosure.id, {i.docket for i in items})
        federal = set(
            self.lookup(
                FundingSource.disclosure_id,
                FundingSource.is_federal,
                disclosure_ids.values(),
                FundingSource.is_federal,
            )
        )
        numbers = {i.application_number for i in items} | {i.parent_number for i in items}
        existing: dict[tuple[int, str], PatentApplication] = {}
        taken: set[tuple[str, str]] = set()
        for chunk in _chunks(sorted(numbers - {""}), BATCH):
            for application in self.session.exec(
                select(PatentApplication).where(
                    col(PatentApplication.application_number).in_(chunk)
                )
            ).all():
                existing[(application.disclosure_id, application.application_number)] = application
                taken.add((application.jurisdiction, application.application_number))
        in_file: dict[tuple[str, str], _PatentRow] = {}  # by jurisdiction and number
        earlier: dict[tuple[int, str], _PatentRow] = {}  # by disclosure and number
        for row, item in parsed:
            item.disclosure_id = disclosure_ids.get(item.docket)
            if item.docket and item.disclosure_id is None:
                row.problem("Docket", f"There is no disclosure {item.docket} in tlo.")
            key = (item.jurisdiction, item.application_number)
            if item.application_number:
                if key in taken:
                    row.problem(
                        "Application number",
                        f"{item.jurisdiction} {item.application_number} is already in tlo.",
                    )
                elif key in in_file:
                    row.problem(
                        "Application number",
                        f"{item.jurisdiction} {item.application_number} is also on row "
                        f"{in_file[key].number}; list it once.",
                    )
            if item.disclosure_id in federal and item.jurisdiction == "US" and not item.clause:
                row.problem(
                    "Government support clause",
                    f"{item.docket} is federally funded: a US application carries the "
                    "government-support clause (35 U.S.C. 202(c)(6)); write yes.",
                )
            if item.parent_number and item.disclosure_id is not None:
                self._find_parent(row, item, existing, earlier)
            if item.application_number and key not in in_file:
                in_file[key] = item
                earlier.setdefault((item.disclosure_id, item.application_number), item)
            if not row.bad:
                self.plan.append(item)

    def _find_parent(self, row: _Row, item: _PatentRow, existing: dict, earlier: dict) -> None:
        key = (item.disclosure_id, item.parent_number)
        parent, parent_row = existing.get(key), earlier.get(key)
        if parent is not None:
            item.parent_id = parent.id
            parent_type, parent_filed = ApplicationType(parent.application_type), parent.filing_date
        elif parent_row is not None:
            item.parent_row = parent_row
            parent_type, parent_filed = parent_row.kind, parent_row.filing_date
        else:
            row.problem(
                "Parent application number",
                f"{item.docket} has no application {item.parent_number}, in tlo or on an "
                "earlier row of this file.",
            )
            return
        allowed = PARENT_TYPES.get(item.kind)
        if allowed and parent_type not in allowed:
            row.problem(
                "Parent application number",
                f"A {item.kind.label} application enters from a PCT application.",
            )
        if item.filing_date and parent_filed and item.filing_date < parent_filed:
            row.problem("Filing date", "An application cannot be filed before its parent.")

    def write_one(self, item: _PatentRow) -> None:
        if item.parent_row is not None and item.parent_row.written.id is None:
            self.session.flush()
        application = PatentApplication(
            disclosure_id=item.disclosure_id,
            parent_id=item.parent_id or (item.parent_row.written.id if item.parent_row else None),
            jurisdiction=item.jurisdiction,
            application_type=item.kind.value,
            application_number=item.application_number,
            filing_date=item.filing_date,
            priority_date_override=item.priority_date,
            status=item.status.value,
            counsel_firm=item.counsel_firm,
            counsel_attorney=item.counsel_attorney,
            counsel_docket=item.counsel_docket,
            publication_number=item.publication_number,
            publication_date=item.publication_date,
            grant_number=item.grant_number,
            grant_date=item.grant_date,
            abandoned_on=item.abandoned_on if item.status is ApplicationStatus.ABANDONED else None,
            government_support_clause=item.clause,
        )
        item.written = application
        self.session.add(application)
        self.session.flush()
        if item.costs:
            self.session.add(
                PatentCost(
                    application_id=application.id,
                    invoice_date=item.costs_as_of,
                    description="Costs to date in the legacy records",
                    amount_cents=to_cents(item.costs),
                    paid=True,
                )
            )
        audit.record(
            self.session,
            actor=self.actor,
            action="patent.application_imported",
            object_type="disclosure",
            object_id=item.disclosure_id,
            after=audit.snapshot(application) | {"costs_to_date": item.costs},
        )


# Agreements -----------------------------------------------------------------------------------


@dataclass
class _AgreementRow:
    reference: str
    kind: AgreementType | None
    status: AgreementStatus | None
    licensee: str
    title: str
    technologies: list[tuple[str, int]]  # (docket, allocation in hundredths of a percent)
    patent_numbers: list[str]
    officer_email: str
    field_of_use: str
    territory: str
    effective_date: date | None
    signed_on: date | None
    term_months: int | None
    upfront_cents: int
    annual_cents: list[int]
    rates: list[tuple[str, int]]
    milestones: list[tuple[str, int, date]]
    sublicense_bp: int
    equity_shares: int
    equity_percent_bp: int
    past_costs_cents: int
    reimburse_ongoing_costs: bool
    report_period: ReportPeriod
    notes: str
    company_id: int | None = None
    officer_id: int | None = None
    disclosure_ids: list[int] = field(default_factory=list)
    patent_ids: list[int] = field(default_factory=list)


def _money_cents(row: _Row, column: str) -> int:
    amount = row.amount(column)
    if amount is not None and amount < 0:
        row.problem(column, "Fees and costs cannot be negative.")
        return 0
    return to_cents(amount) if amount is not None else 0


def _percent_bp(row: _Row, column: str) -> int:
    value = row.percent(column)
    return percent_to_bp(value) if value is not None else 0


def _technologies(row: _Row) -> list[tuple[str, int]]:
    """'S19-0042: 60; S19-0043: 40' (or without shares: equal) as [(docket, bp)]."""
    entries = []
    for part in _parts(row.text("Technologies", required=True)):
        docket, colon, share = part.partition(":")
        entries.append((docket.strip().upper(), share.strip() if colon else None))
    if not entries:
        return []
    dockets = [docket for docket, _ in entries]
    twice = sorted({docket for docket in dockets if dockets.count(docket) > 1})
    if twice:
        row.problem("Technologies", f"{', '.join(twice)} is listed twice.")
        return []
    given = [share for _, share in entries if share is not None]
    if not given:
        return [
            (docket, percent_to_bp(share))
            for docket, share in zip(dockets, equal_shares(len(dockets)), strict=True)
        ]
    if len(given) != len(entries):
        row.problem("Technologies", "Give every technology its share of the income, or none.")
        return []
    try:
        shares = [parse_share(share) for share in given]
    except ValidationError as err:
        row.problem("Technologies", str(err))
        return []
    if sum(shares) != 100:
        row.problem(
            "Technologies",
            f"The income allocation adds up to {sum(shares).normalize():f} %; it must add up to "
            "100 %.",
        )
        return []
    return [(docket, percent_to_bp(share)) for docket, share in zip(dockets, shares, strict=True)]


def _annual_fees(row: _Row) -> list[int]:
    fees = []
    for text in parse_amount_list(row.text("Annual fees")):
        try:
            amount = parse_money(text)
        except ValidationError as err:
            row.problem("Annual fees", str(err))
            return []
        if amount < 0:
            row.problem("Annual fees", "Fees and costs cannot be negative.")
            return []
        fees.append(to_cents(amount))
    return fees


def _rates(row: _Row) -> list[tuple[str, int]]:
    rates = []
    try:
        for applies_to, text in parse_rate_lines(row.text("Royalty rates")):
            rate = parse_percent(text, what="A royalty rate")
            if rate == 0:
                raise ValidationError("A royalty rate is above 0 %; leave it out otherwise.")
            rates.append((applies_to or "All licensed products", percent_to_bp(rate)))
    except ValidationError as err:
        row.problem("Royalty rates", str(err))
        return []
    return rates


def _milestones(row: _Row) -> list[tuple[str, int, date]]:
    milestones = []
    try:
        for entry in parse_milestone_lines(row.text("Milestones")):
            amount = parse_money(entry.amount)
            if not entry.event or amount < 0:
                raise ValidationError(
                    "Each milestone needs its event, and its payment cannot be negative."
                )
            milestones.append((entry.event, to_cents(amount), entry.due_date))
    except ValidationError as err:
        row.problem("Milestones", str(err))
        return []
    return milestones


class _Agreements(_Job):
    def parse(self, row: _Row) -> _AgreementRow:
        item = _AgreementRow(
            reference=row.text("Legacy reference", required=True, max_length=100),
            kind=row.choice("Type", AgreementType, required=True),
            status=row.choice("Status", AgreementStatus, required=True),
            licensee=row.text("Licensee", required=True),
            title=row.text("Title", required=True, max_length=300),
            technologies=_technologies(row),
            patent_numbers=_parts(row.text("Licensed patents")),
            officer_email=row.email("Officer e-mail"),
            field_of_use=row.text("Field of use"),
            territory=row.text("Territory", max_length=300) or "Worldwide",
            effective_date=row.date("Effective date"),
            signed_on=row.date("Signed on"),
            term_months=row.whole("Term (months)", minimum=1),
            upfront_cents=_money_cents(row, "Upfront fee"),
            annual_cents=_annual_fees(row),
            rates=_rates(row),
            milestones=_milestones(row),
            sublicense_bp=_percent_bp(row, "Sublicense share (%)"),
            equity_shares=row.whole("Equity shares") or 0,
            equity_percent_bp=_percent_bp(row, "Equity (%)"),
            past_costs_cents=_money_cents(row, "Past patent costs"),
            reimburse_ongoing_costs=row.flag("Reimburse ongoing costs"),
            report_period=row.choice("Report period", ReportPeriod, default=ReportPeriod.QUARTERLY),
            notes=row.text("Notes"),
        )
        signed = item.status is not None and item.status.value in SIGNED
        if signed and item.signed_on is None:
            row.problem("Signed on", f"An agreement that is {item.status.value} has been signed.")
        if item.status in (AgreementStatus.DRAFT, AgreementStatus.NEGOTIATING) and item.signed_on:
            row.problem("Signed on", f"An agreement that is {item.status.value} is not signed yet.")
        self._no_future(row, "Signed on", item.signed_on, "an agreement is signed, then recorded")
        return item

    def resolve(self, parsed: list[tuple[_Row, _AgreementRow]]) -> None:
        items = [item for _, item in parsed]
        references = legacy_references(self.session)
        companies = self.lookup(
            Company.normalized_name,
            Company.id,
            {normalise_company_name(i.licensee) for i in items},
        )
        dockets = {docket for i in items for docket, _ in i.technologies}
        disclosure_ids = self.lookup(Disclosure.docket, Disclosure.id, dockets)
        officers = self.lookup(Person.email, Person.id, {i.officer_email for i in items})
        patents: dict[tuple[int, str], int] = {}
        numbers = {number for i in items for number in i.patent_numbers}
        for chunk in _chunks(sorted(numbers), BATCH):
            patents.update(
                ((disclosure_id, number), application_id)
                for application_id, disclosure_id, number in self.session.exec(
                    select(
                        PatentApplication.id,
                        PatentApplication.disclosure_id,
                        PatentApplication.application_number,
                    ).where(col(PatentApplication.application_number).in_(chunk))
                ).all()
            )
        first_seen: dict[str, int] = {}
        for row, item in parsed:
            key = item.reference.casefold()
            if key in references:
                row.problem("Legacy reference", f"{item.reference} is already an agreement in tlo.")
            elif key:
                _earlier(first_seen, key, row, "Legacy reference", item.reference)
            item.company_id = companies.get(normalise_company_name(item.licensee))
            if item.licensee and item.company_id is None:
                row.problem(
                    "Licensee",
                    f"No company named {item.licensee} in tlo; import it with the companies "
                    "file first.",
                )
            for docket, _ in item.technologies:
                if docket not in disclosure_ids:
                    row.problem("Technologies", f"There is no disclosure {docket} in tlo.")
            item.disclosure_ids = [disclosure_ids.get(docket) for docket, _ in item.technologies]
            for number in item.patent_numbers:
                found = [patents.get((d, number)) for d in item.disclosure_ids]
                found = [application_id for application_id in found if application_id]
                if not found:
                    row.problem(
                        "Licensed patents",
                        f"{number} is not an application of the covered technologies.",
                    )
                else:
                    item.patent_ids.append(found[0])
            if item.officer_email:
                item.officer_id = officers.get(item.officer_email)
                if item.officer_id is None:
                    row.problem("Officer e-mail", _unknown_person(item.officer_email))
            else:
                item.officer_id = self.actor.person_id
                if item.officer_id is None:
                    row.problem(
                        "Officer e-mail",
                        "Give the officer who handles it (the command line imports as no one).",
                    )
            if not row.bad:
                self.plan.append(item)

    def write_one(self, item: _AgreementRow) -> None:
        agreement = Agreement(
            agreement_type=item.kind.value,
            status=item.status.value,
            company_id=item.company_id,
            officer_person_id=item.officer_id,
            title=item.title,
            field_of_use=item.field_of_use,
            territory=item.territory,
            effective_date=item.effective_date or item.signed_on,
            term_months=item.term_months,
            signed_on=item.signed_on,
            upfront_fee_cents=item.upfront_cents,
            sublicense_share_bp=item.sublicense_bp,
            equity_shares=item.equity_shares,
            equity_percent_bp=item.equity_percent_bp,
            past_patent_costs_cents=item.past_costs_cents,
            reimburse_ongoing_costs=item.reimburse_ongoing_costs,
            royalty_report_period=item.report_period.value,
            # Agreements have no column of their own for the old system's reference yet.
            notes=LEGACY_PREFIX + item.reference + (f"\n{item.notes}" if item.notes else ""),
        )
        self.session.add(agreement)
        self.session.flush()
        add = self.session.add_all
        add(
            AgreementTechnology(agreement_id=agreement.id, disclosure_id=d, allocation_bp=bp)
            for d, (_, bp) in zip(item.disclosure_ids, item.technologies, strict=True)
        )
        add(AgreementPatent(agreement_id=agreement.id, application_id=p) for p in item.patent_ids)
        add(
            AnnualFee(agreement_id=agreement.id, year_number=year, amount_cents=cents)
            for year, cents in enumerate(item.annual_cents, start=1)
        )
        add(
            RoyaltyRate(agreement_id=agreement.id, applies_to=applies_to, rate_bp=bp)
            for applies_to, bp in item.rates
        )
        add(
            Milestone(agreement_id=agreement.id, event=event, amount_cents=cents, due_date=due)
            for event, cents, due in item.milestones
        )
        audit.record(
            self.session,
            actor=self.actor,
            action="agreement.imported",
            object_type="agreement",
            object_id=agreement.id,
            after=audit.snapshot(agreement)
            | {"technologies": [docket for docket, _ in item.technologies]},
        )


def legacy_references(session: Session) -> dict[str, int]:
    """{legacy reference (case-folded): agreement id} of the imported agreements."""
    rows = session.exec(
        select(Agreement.id, Agreement.notes).where(col(Agreement.notes).startswith(LEGACY_PREFIX))
    ).all()
    return {
        notes[len(LEGACY_PREFIX) :].split("\n", 1)[0].strip().casefold(): agreement_id
        for agreement_id, notes in rows
    }


# Income ---------------------------------------------------------------------------------------


@dataclass
class _IncomeRow:
    agreement: str
    received_on: date | None
    kind: IncomeType | None
    amount: Decimal | None
    reference: str
    note: str
    agreement_id: int | None = None

    @property
    def payment(self) -> tuple:
        return (
            self.agreement_id,
            self.received_on,
            self.kind.value if self.kind else None,
            to_cents(self.amount) if self.amount is not None else None,
            self.reference,
        )


class _Income(_Job):
    def parse(self, row: _Row) -> _IncomeRow:
        item = _IncomeRow(
            agreement=row.text("Agreement", required=True),
            received_on=row.date("Received on", required=True),
            kind=row.choice("Type", IncomeType, required=True),
            amount=row.amount("Amount", required=True),
            reference=row.text("Licensee reference", max_length=200),
            note=row.text("Note"),
        )
        if item.amount is not None and item.amount <= 0:
            row.problem("Amount", "The amount received must be more than zero.")
        self._no_future(row, "Received on", item.received_on, "record payments once received")
        return item

    def resolve(self, parsed: list[tuple[_Row, _IncomeRow]]) -> None:
        references = legacy_references(self.session)
        for _, item in parsed:
            match = AGREEMENT_NUMBER.match(item.agreement)
            item.agreement_id = (
                int(match[1]) if match else references.get(item.agreement.casefold())
            )
        ids = {item.agreement_id for _, item in parsed} - {None}
        statuses = self.lookup(Agreement.id, Agreement.status, ids)
        recorded = self._recorded_payments(ids, [item for _, item in parsed])
        first_seen: dict[tuple, int] = {}
        for row, item in parsed:
            status = statuses.get(item.agreement_id)
            if item.agreement and status is None:
                row.problem(
                    "Agreement",
                    f"There is no agreement {item.agreement} in tlo (give its legacy reference "
                    "or its AGR number).",
                )
            elif status is not None and status not in SIGNED:
                row.problem(
                    "Agreement",
                    f"{item.agreement} is {status}; income is recorded on signed agreements.",
                )
            if not row.bad:
                if item.payment in recorded:
                    row.problem("", "This payment is already recorded in tlo.")
                else:
                    _earlier(first_seen, item.payment, row, "", "The same payment")
            if not row.bad:
                self.plan.append(item)

    def _recorded_payments(self, agreement_ids: set[int], items: list[_IncomeRow]) -> set[tuple]:
        days = [item.received_on for item in items if item.received_on]
        if not agreement_ids or not days:
            return set()
        recorded = set()
        for chunk in _chunks(sorted(agreement_ids), BATCH):
            recorded.update(
                tuple(payment)
                for payment in self.session.exec(
                    select(
                        Income.agreement_id,
                        Income.received_on,
                        Income.income_type,
                        Income.amount_cents,
                        Income.licensee_reference,
                    ).where(
                        col(Income.agreement_id).in_(chunk),
                        col(Income.received_on).between(min(days), max(days)),
                    )
                ).all()
            )
        return recorded

    def write(self, tick: Callable[[int], None]) -> int:
        # Not revenue.services.record_income: it needs "income.record", which an administrator
        # importing data does not hold; the rules it applies are checked above. Bulk INSERTs:
        # an income file may hold a hundred thousand payments.
        start_month = get_settings().fiscal_year_start_month
        done = 0
        for batch in _chunks(self.plan, BATCH):
            ids = self.session.scalars(
                sa.insert(Income).returning(Income.id, sort_by_parameter_order=True),
                [
                    {
                        "agreement_id": item.agreement_id,
                        "received_on": item.received_on,
                        "fiscal_year": fiscal_year_of(item.received_on, start_month),
                        "income_type": item.kind.value,
                        "amount_cents": to_cents(item.amount),
                        "licensee_reference": item.reference,
                        "note": item.note,
                        "recorded_by_account_id": self.actor.account_id,
                        "recorded_by_name": self.actor.name,
                    }
                    for item in batch
                ],
            ).all()
            for item, income_id in zip(batch, ids, strict=True):
                audit.record(
                    self.session,
                    actor=self.actor,
                    action="income.imported",
                    object_type="income",
                    object_id=income_id,
                    after={
                        "agreement": item.agreement,
                        "type": item.kind,
                        "amount": str(item.amount),
                        "received_on": item.received_on,
                    },
                )
                done += 1
                tick(done)
            self.session.flush()
        return done


JOBS: dict[str, type[_Job]] = {
    "people": _People,
    "companies": _Companies,
    "disclosures": _Disclosures,
    "patents": _Patents,
    "agreements": _Agreements,
    "income": _Income,
}


# --- the use cases ---------------------------------------------------------------------------


def _prepare(
    session: Session,
    actor: Actor,
    kind: str,
    content: bytes,
    progress: Progress | None,
    today: date | None,
    *,
    phases: int,
) -> tuple[ImportReport, _Job]:
    require(actor, "data.import")
    spec = kind_of(kind)
    report = ImportReport(kind=spec.name)
    rows = _read(content, spec, report)
    report.rows_read = len(rows)
    job = JOBS[spec.name](session, actor, today or clock.today())
    total = len(rows) * phases
    parsed = []
    for index, row in enumerate(rows, start=1):
        parsed.append((row, job.parse(row)))
        if progress and (index % PROGRESS_EVERY == 0 or index == len(rows)):
            progress(index, total)
    job.resolve(parsed)
    # Row by row, and within a row from left to right, as the user reads the sheet.
    position = {column.header: index for index, column in enumerate(spec.columns)}
    report.problems.sort(key=lambda problem: (problem.row, position.get(problem.column, -1)))
    return report, job


def check_file(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    content: bytes,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """The dry run: read and check every row (against tlo and against earlier rows of the
    file) and report each problem. Writes nothing."""
    report, _ = _prepare(session, actor, kind, content, progress, today, phases=1)
    return report


def import_file(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    content: bytes,
    progress: Progress | None = None,
    today: date | None = None,
) -> ImportReport:
    """Check the file as `check_file` does, then write every record in the caller's
    transaction. A file with any problem raises ImportRefused before anything is written."""
    report, job = _prepare(session, actor, kind, content, progress, today, phases=2)
    if not report.ok:
        raise ImportRefused(report)
    rows = report.rows_read

    def tick(done: int) -> None:
        if progress and (done % PROGRESS_EVERY == 0 or done == rows):
            progress(rows + done, rows * 2)

    report.created = job.write(tick)
    audit.record(
        session,
        actor=actor,
        action="data.imported",
        object_type="import",
        object_id=kind,
        after={
            "kind": kind,
            "rows": rows,
            "created": report.created,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return report


__all__ = [
    "KINDS",
    "MAX_FILE_MB",
    "ImportRefused",
    "ImportReport",
    "Problem",
    "check_file",
    "fingerprint",
    "import_file",
    "problems_workbook",
    "template_workbook",
]
