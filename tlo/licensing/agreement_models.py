"""License agreements and their terms: covered technologies and patents, fees, royalties
(tiered by cumulative net sales, with minimum annual royalties and late-payment interest),
milestones, equity and patent-cost reimbursement. Money in integer cents, percentages in
hundredths of a percent (basis points)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from tlo.clock import utcnow
from tlo.db import UTCDateTime


class AgreementType(StrEnum):
    EXCLUSIVE = "exclusive_license"
    NON_EXCLUSIVE = "nonexclusive_license"
    OPTION = "option"
    STARTUP = "startup_license"
    CDA = "cda"
    MTA = "mta"
    INTER_INSTITUTIONAL = "inter_institutional"

    @property
    def label(self) -> str:
        return {
            "exclusive_license": "Exclusive license",
            "nonexclusive_license": "Non-exclusive license",
            "option": "Option agreement",
            "startup_license": "Start-up license (with equity)",
            "cda": "Confidential disclosure agreement (CDA)",
            "mta": "Material transfer agreement (MTA)",
            "inter_institutional": "Inter-institutional agreement",
        }[self.value]

    @property
    def is_license(self) -> bool:
        return self in (AgreementType.EXCLUSIVE, AgreementType.NON_EXCLUSIVE, AgreementType.STARTUP)

    @property
    def covers_patents(self) -> bool:
        """Licenses, options and inter-institutional agreements are about patents; a CDA or an
        MTA grants no right under any."""
        return self.is_license or self in (AgreementType.OPTION, AgreementType.INTER_INSTITUTIONAL)


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    NEGOTIATING = "negotiating"
    EXECUTED = "executed"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# A royalty report is due this many days after its period ends unless the agreement says
# otherwise (Agreement.report_due_days).
DEFAULT_REPORT_DUE_DAYS = 45
DEFAULT_REPORT_CURRENCIES = "USD"


class ReportPeriod(StrEnum):
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"


class Agreement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agreement_type: str = Field(max_length=30, index=True)
    status: str = Field(default=AgreementStatus.DRAFT.value, max_length=20, index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    officer_person_id: int = Field(foreign_key="person.id", index=True)
    title: str = Field(max_length=300)
    field_of_use: str = ""
    territory: str = Field(default="Worldwide", max_length=300)
    effective_date: date | None = None
    term_months: int | None = None  # None: for the life of the licensed patents
    signed_on: date | None = Field(default=None, index=True)
    # The licensee's size (a CompanySize) on the day the agreement was executed, as the AUTM
    # survey counts licenses by size: set on execution, never changed by a later correction
    # of the company's size.
    licensee_size: str | None = Field(default=None, max_length=10)
    # The day an executed agreement ended: terminated, or expired (set by the status change).
    ended_on: date | None = None
    upfront_fee_cents: int = Field(default=0, sa_type=sa.BigInteger)
    sublicense_share_bp: int = 0
    equity_shares: int = Field(default=0, sa_type=sa.BigInteger)
    equity_percent_bp: int = 0
    past_patent_costs_cents: int = Field(default=0, sa_type=sa.BigInteger)
    reimburse_ongoing_costs: bool = False
    # True: every application of the covered technologies' families is licensed, those filed
    # later too; False: the applications chosen (AgreementPatent) and their continuations and
    # divisionals. See tlo.licensing.agreements, "Licensed patents".
    licenses_whole_family: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )
    # When the officer last chose the licensed patents: an application of the families added
    # after it is "not licensed yet"; one that was there and is not licensed was left out.
    patents_chosen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    royalty_report_period: str = Field(default=ReportPeriod.QUARTERLY.value, max_length=20)
    # Days after a reporting period ends that its royalty report (and payment) is due.
    report_due_days: int = Field(
        default=DEFAULT_REPORT_DUE_DAYS,
        sa_column_kwargs={"server_default": str(DEFAULT_REPORT_DUE_DAYS)},
    )
    # Simple interest a year on a late payment, in basis points (12 % is 1200; 0: none agreed).
    late_interest_bp: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The currencies a royalty report may state sales in: ISO 4217 codes, comma-separated
    # ("USD,EUR"); a line in another currency than USD gives its rate to USD.
    report_currencies: str = Field(
        default=DEFAULT_REPORT_CURRENCIES,
        max_length=100,
        sa_column_kwargs={"server_default": DEFAULT_REPORT_CURRENCIES},
    )
    # Who signs for the licensee: one of its contacts (None: not chosen yet; the draft then
    # leaves the name and title to be filled in by hand).
    licensee_signatory_contact_id: int | None = Field(default=None, foreign_key="contact.id")
    notes: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def number(self) -> str:
        return f"AGR-{self.id:05d}" if self.id else "AGR-(new)"


class AgreementTechnology(SQLModel, table=True):
    """A technology the agreement covers and its share of the agreement's income."""

    __tablename__ = "agreement_technology"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "disclosure_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", index=True)
    allocation_bp: int  # all of an agreement's add up to 10000


class AgreementPatent(SQLModel, table=True):
    """A patent application the agreement licenses by name, with who added it, when and why
    (an application added after execution says how the licensee was told)."""

    __tablename__ = "agreement_patent"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "application_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    application_id: int = Field(foreign_key="patent_application.id", index=True)
    # None on links made before migration 0016, which did not keep it.
    added_at: datetime | None = Field(default_factory=utcnow, sa_type=UTCDateTime)
    added_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    added_by_name: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    note: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})


class AnnualFee(SQLModel, table=True):
    """The fee due on the agreement's n-th anniversary (the last one repeats afterwards)."""

    __tablename__ = "annual_fee"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    year_number: int
    amount_cents: int = Field(sa_type=sa.BigInteger)


class RoyaltyRate(SQLModel, table=True):
    """The running royalty on one product category: its tiers (RoyaltyTier) say the percent."""

    __tablename__ = "royalty_rate"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    applies_to: str = Field(default="All licensed products", max_length=200)


class RoyaltyTier(SQLModel, table=True):
    """One tier of a category's royalty: `rate_bp` on the category's cumulative net sales (in
    USD, since the effective date) up to `up_to_cents`; the last tier has no bound. A single
    rate is one tier without a bound."""

    __tablename__ = "royalty_tier"
    __table_args__ = (sa.UniqueConstraint("royalty_rate_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    royalty_rate_id: int = Field(foreign_key="royalty_rate.id", index=True)
    position: int  # 1, 2, ...: in ascending order of up_to_cents
    up_to_cents: int | None = Field(default=None, sa_type=sa.BigInteger)  # None: the last
    rate_bp: int  # 3 % is 300


class MinimumRoyalty(SQLModel, table=True):
    """The minimum annual royalty of a calendar year: credited by that year's running
    royalties, the shortfall due with the report of the period ending 31 December."""

    __tablename__ = "minimum_royalty"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    year: int
    amount_cents: int = Field(sa_type=sa.BigInteger)


class Milestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    event: str = Field(max_length=300)
    amount_cents: int = Field(default=0, sa_type=sa.BigInteger)  # 0: diligence, no payment
    due_date: date


class AgreementDraft(SQLModel, table=True):
    """A generated Word draft, kept: a new generation is a new version, never an overwrite."""

    __tablename__ = "agreement_draft"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    version: int
    template_name: str = Field(max_length=100)
    template_version: int = 1  # tlo.word_templates: 1 is the file shipped in templates_docx/
    template_sha256: str = Field(max_length=64)  # the exact template file that made it
    sha256: str = Field(max_length=64)  # the file, stored under the data folder by this hash
    size_bytes: int
    generated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    generated_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    generated_by_name: str = Field(max_length=200)
