"""What a legacy-import file of each kind holds: its columns, whether each is required, the
format and allowed values, a description and an example. The template workbook, the column
help on the import page and the importer's reading of a file all come from this one table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from tlo.disclosures.models import DevelopmentStage, DisclosureStatus
from tlo.licensing.agreement_models import AgreementStatus, AgreementType, ReportPeriod
from tlo.licensing.models import CompanySize
from tlo.patents.models import ApplicationStatus, ApplicationType
from tlo.revenue.types import IncomeType

Format = Literal[
    "text", "e-mail", "date", "amount", "percent", "whole number", "yes/no", "choice", "list"
]
# How a column's cells are formatted in the template (tlo.reports.excel kinds).
EXCEL_KIND = {"date": "date", "amount": "money", "whole number": "integer", "percent": "decimal"}


@dataclass(frozen=True)
class ImportColumn:
    header: str
    format: Format
    description: str
    example: Any = None
    required: bool = False
    allowed: tuple[str, ...] = ()
    max_length: int | None = None

    @property
    def format_label(self) -> str:
        return {
            "date": "date (an Excel date or YYYY-MM-DD)",
            "amount": "amount in dollars, at most two decimals",
            "percent": "percent, e.g. 3 or 33.33",
            "yes/no": "yes or no (empty: no)",
            "choice": "one of the allowed values",
        }.get(
            self.format, self.format + (f", at most {self.max_length}" if self.max_length else "")
        )


@dataclass(frozen=True)
class ImportKind:
    name: str
    label: str
    summary: str
    columns: tuple[ImportColumn, ...]

    def column(self, header: str) -> ImportColumn:
        return next(column for column in self.columns if column.header == header)


def values(enum: type[StrEnum], *, leave_out: tuple[StrEnum, ...] = ()) -> tuple[str, ...]:
    return tuple(member.value for member in enum if member not in leave_out)


DISCLOSURE_STATUSES = values(DisclosureStatus, leave_out=(DisclosureStatus.DRAFT,))

PEOPLE = ImportKind(
    "people",
    "People",
    "Faculty, staff, students and outside co-inventors. Import them first: the other files "
    "name people by e-mail.",
    (
        ImportColumn(
            "Full name",
            "text",
            "The person's name as it should appear.",
            "Ada Lovelace",
            True,
            max_length=200,
        ),
        ImportColumn(
            "E-mail",
            "e-mail",
            "Unique: how the other files (and single sign-on) find them.",
            "ada.lovelace@university.edu",
            True,
        ),
        ImportColumn(
            "Department code",
            "text",
            "The code of an existing department (Administration → "
            "Schools & departments). Empty for outside people.",
            "EE",
        ),
        ImportColumn(
            "Organisation",
            "text",
            "Required for an external person: their company or institution.",
            "",
            max_length=200,
        ),
        ImportColumn("External", "yes/no", "yes for someone outside the university.", "no"),
    ),
)

COMPANIES = ImportKind(
    "companies",
    "Companies",
    'Licensees and prospects. A second spelling of a known company ("Acme Inc" for '
    '"ACME, Inc.") is refused.',
    (
        ImportColumn(
            "Name", "text", "The company's name.", "Klein Photonics GmbH", True, max_length=200
        ),
        ImportColumn(
            "Size",
            "choice",
            "start-up, small or large company.",
            "small",
            True,
            values(CompanySize),
        ),
        ImportColumn("Sector", "text", "Industry sector.", "Photonics", max_length=100),
        ImportColumn("Website", "text", "", "https://klein-photonics.example", max_length=300),
        ImportColumn(
            "Interests",
            "text",
            "Keywords, comma-separated: they rank suggestions.",
            "LiDAR, silicon photonics",
        ),
        ImportColumn("Notes", "text", "", ""),
        ImportColumn("Do not contact", "yes/no", "yes to keep it out of suggestions.", "no"),
    ),
)

DISCLOSURES = ImportKind(
    "disclosures",
    "Disclosures",
    "Invention disclosures with their inventors and shares, kept under their legacy docket "
    "number and status (no workflow steps are replayed).",
    (
        ImportColumn(
            "Docket",
            "text",
            "The legacy docket number; unique. Numbers in tlo's own form "
            "(S19-0042) move tlo's counter past them.",
            "S19-0042",
            True,
            max_length=20,
        ),
        ImportColumn("Title", "text", "", "Low-power neural accelerator", True, max_length=300),
        ImportColumn("Abstract", "text", "", "A sparse systolic array that saves energy."),
        ImportColumn("Description", "text", "The detailed description.", ""),
        ImportColumn(
            "Keywords", "text", "Comma-separated.", "accelerator, edge AI", max_length=1000
        ),
        ImportColumn(
            "Stage",
            "choice",
            "Stage of development.",
            "prototype",
            allowed=values(DevelopmentStage),
        ),
        ImportColumn(
            "Received on",
            "date",
            "The day the office received the disclosure; it sets the fiscal year.",
            date(2019, 3, 4),
            True,
        ),
        ImportColumn(
            "Status", "choice", "Where the case stands now.", "marketing", True, DISCLOSURE_STATUSES
        ),
        ImportColumn(
            "Officer e-mail",
            "e-mail",
            "The case's licensing officer (an imported or existing "
            "person); required while a case is worked (assigned to marketing).",
            "olivia.ortega@university.edu",
        ),
        ImportColumn("Review on", "date", "Required for a deferred case: when to review it.", None),
        ImportColumn(
            "Inventors",
            "list",
            "e-mail: share; e-mail: share — shares in percent adding up "
            "to 100. The first inventor is recorded as the submitter.",
            "ada.lovelace@university.edu: 60; alan.turing@university.edu: 40",
            True,
        ),
        ImportColumn(
            "Funding sponsor",
            "text",
            "One funding source, if any.",
            "National Science Foundation",
            max_length=200,
        ),
        ImportColumn("Award number", "text", "", "CCF-1234567", max_length=100),
        ImportColumn("Federal", "yes/no", "yes if federally funded (Bayh-Dole).", "yes"),
        ImportColumn("Agency", "text", "Required for federal funding.", "NSF", max_length=200),
    ),
)

PATENTS = ImportKind(
    "patents",
    "Patents",
    "Patent applications of imported or existing disclosures. A child application names its "
    "parent by application number: one in tlo, or on an earlier row of the same file.",
    (
        ImportColumn(
            "Docket", "text", "The disclosure the application protects.", "S19-0042", True
        ),
        ImportColumn(
            "Jurisdiction", "text", "Country or office code: US, EP, WO (PCT), JP...", "US", True
        ),
        ImportColumn("Type", "choice", "", "provisional", True, values(ApplicationType)),
        ImportColumn(
            "Application number",
            "text",
            "Unique within its jurisdiction.",
            "62/123,456",
            max_length=50,
        ),
        ImportColumn("Filing date", "date", "", date(2019, 6, 3), True),
        ImportColumn(
            "Parent application number",
            "text",
            "Required for national and regional phases, "
            "continuations and divisionals: the application it comes from.",
            "",
        ),
        ImportColumn(
            "Priority date",
            "date",
            "Only where the family does not give it (a foreign priority).",
            None,
        ),
        ImportColumn(
            "Status", "choice", "Empty: pending.", "pending", allowed=values(ApplicationStatus)
        ),
        ImportColumn("Publication number", "text", "", "", max_length=50),
        ImportColumn("Publication date", "date", "", None),
        ImportColumn("Grant number", "text", "Required for a granted patent.", "", max_length=50),
        ImportColumn("Grant date", "date", "Required for a granted patent.", None),
        ImportColumn("Abandoned on", "date", "Required for an abandoned application.", None),
        ImportColumn("Counsel firm", "text", "", "Fish & Partners LLP", max_length=200),
        ImportColumn("Counsel attorney", "text", "", "", max_length=200),
        ImportColumn("Counsel docket", "text", "", "", max_length=100),
        ImportColumn(
            "Government support clause",
            "yes/no",
            "A US application of a federally funded case must carry it.",
            "yes",
        ),
        ImportColumn(
            "Costs to date", "amount", "Counsel costs paid so far, kept as one invoice.", 4850
        ),
        ImportColumn(
            "Costs as of", "date", "Required with costs: the invoice date.", date(2019, 7, 1)
        ),
    ),
)

AGREEMENTS = ImportKind(
    "agreements",
    "Agreements",
    "Licenses, options, CDAs and MTAs with their terms. The licensee is an imported or "
    "existing company; technologies are dockets. No workflow steps are replayed.",
    (
        ImportColumn(
            "Legacy reference",
            "text",
            "Unique: how the income file names the agreement (or use its AGR number).",
            "L-2019-007",
            True,
            max_length=100,
        ),
        ImportColumn("Type", "choice", "", "exclusive_license", True, values(AgreementType)),
        ImportColumn("Status", "choice", "", "active", True, values(AgreementStatus)),
        ImportColumn(
            "Licensee",
            "text",
            "The company's name (as recorded in tlo).",
            "Klein Photonics GmbH",
            True,
        ),
        ImportColumn(
            "Title", "text", "", "Exclusive license: neural accelerator", True, max_length=300
        ),
        ImportColumn(
            "Technologies",
            "list",
            "Dockets, each with its share of income in percent "
            "(S19-0042: 60; S19-0043: 40); without shares, equal.",
            "S19-0042",
            True,
        ),
        ImportColumn(
            "Licensed patents",
            "list",
            "Application numbers of the covered technologies, separated by ;.",
            "62/123,456",
        ),
        ImportColumn(
            "Officer e-mail",
            "e-mail",
            "The officer who handles it (empty: you).",
            "olivia.ortega@university.edu",
        ),
        ImportColumn("Field of use", "text", "", "Edge computing"),
        ImportColumn("Territory", "text", "Empty: Worldwide.", "Worldwide", max_length=300),
        ImportColumn("Effective date", "date", "", date(2020, 1, 15)),
        ImportColumn(
            "Signed on",
            "date",
            "Required once executed (executed, active, expired, terminated).",
            date(2020, 1, 10),
        ),
        ImportColumn(
            "Ended on",
            "date",
            "Required when expired or terminated: the day it ended (AUTM counts it active until "
            "then).",
            None,
        ),
        ImportColumn("Term (months)", "whole number", "Empty: the life of the patents.", None),
        ImportColumn("Upfront fee", "amount", "", 25000),
        ImportColumn(
            "Annual fees", "list", "Per anniversary: 10000; 15000; 20000.", "10000; 15000"
        ),
        ImportColumn(
            "Royalty rates",
            "list",
            "One a line: applies to; percent (or just a percent), or the tiers by cumulative "
            "net sales: applies to; 4 % up to 5,000,000; 2 %.",
            "3",
        ),
        ImportColumn(
            "Milestones",
            "list",
            "One a line: event; amount; YYYY-MM-DD.",
            "First commercial sale; 50000; 2023-06-30",
        ),
        ImportColumn("Sublicense share (%)", "percent", "", 25),
        ImportColumn("Equity shares", "whole number", "", 0),
        ImportColumn("Equity (%)", "percent", "", 0),
        ImportColumn("Past patent costs", "amount", "To be reimbursed by the licensee.", 4850),
        ImportColumn("Reimburse ongoing costs", "yes/no", "", "yes"),
        ImportColumn(
            "Report period",
            "choice",
            "Empty: quarterly.",
            "quarterly",
            allowed=values(ReportPeriod),
        ),
        ImportColumn("Notes", "text", "", ""),
    ),
)

INCOME = ImportKind(
    "income",
    "Income",
    "Payments received under signed agreements. Re-importing the same payment (agreement, "
    "date, type, amount and reference) is refused.",
    (
        ImportColumn(
            "Agreement",
            "text",
            "Its legacy reference, or its number in tlo (AGR-00012).",
            "L-2019-007",
            True,
        ),
        ImportColumn("Received on", "date", "", date(2021, 2, 15), True),
        ImportColumn("Type", "choice", "", "royalty", True, values(IncomeType)),
        ImportColumn("Amount", "amount", "Above zero.", 12500.5, True),
        ImportColumn(
            "Licensee reference",
            "text",
            "The payment's reference; tells apart two payments of the same amount on the same day.",
            "INV-2021-004",
            max_length=200,
        ),
        ImportColumn("Note", "text", "", ""),
    ),
)

KINDS: dict[str, ImportKind] = {
    kind.name: kind for kind in (PEOPLE, COMPANIES, DISCLOSURES, PATENTS, AGREEMENTS, INCOME)
}
