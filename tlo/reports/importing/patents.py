"""Importing patent applications, their parents (in tlo or on earlier rows) and costs to date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import col, select

from tlo import audit
from tlo.disclosures.models import (
    Disclosure,
    FundingSource,
)
from tlo.money import to_cents
from tlo.patents.models import ApplicationStatus, ApplicationType, PatentApplication, PatentCost
from tlo.patents.services import EXPECTED_JURISDICTION, PARENT_TYPES
from tlo.reports.importing.job import BATCH, _chunks, _Job
from tlo.reports.importing.row import _Row

CHILD_TYPES = {
    *PARENT_TYPES,
    ApplicationType.CONTINUATION,
    ApplicationType.DIVISIONAL,
    ApplicationType.CONTINUATION_IN_PART,
}


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
