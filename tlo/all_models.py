"""Imports every table model, so that SQLModel.metadata (and alembic) knows them all."""

from tlo.audit import AuditEntry
from tlo.auth.models import (
    Account,
    AccountRole,
    LicenseeAccount,
    SignInSession,
    SignInThrottle,
)
from tlo.catalogue.models import (
    CatalogueEntry,
    CatalogueInquiry,
    CatalogueSalt,
    CatalogueSearchMiss,
    CatalogueVisit,
)
from tlo.disclosures.models import (
    Attachment,
    CaseNote,
    Disclosure,
    DisclosureInventor,
    DocketCounter,
    Evaluation,
    FilingDecision,
    FundingSource,
    PublicDisclosure,
    ShareHistory,
    ShareResponse,
    StatusChange,
)
from tlo.disclosures.share_links import ShareLink
from tlo.disclosures.signatures import DisclosureSignature
from tlo.disclosures.targets import StageTarget
from tlo.equity.models import EquityEvent, EquityHolding
from tlo.iia.models import Iia, IiaParty
from tlo.licensing.agents import AgentTerms
from tlo.licensing.agreement_models import (
    Agreement,
    AgreementDraft,
    AgreementPatent,
    AgreementTechnology,
    AnnualFee,
    Milestone,
    MinimumRoyalty,
    RoyaltyRate,
    RoyaltyTier,
)
from tlo.licensing.clauses import ClauseVersion, DraftClause, DraftTerms
from tlo.licensing.models import (
    Company,
    Contact,
    MarketingSummary,
    Outreach,
    OutreachStageChange,
    OutreachTouch,
)
from tlo.licensing.patent_pools import PoolPatent, PoolTerms
from tlo.licensing.receivable_models import (
    LicenseeInvoice,
    LicenseePayment,
    LicenseeReminder,
    PaymentAllocation,
    RoyaltyReport,
    RoyaltyReportLine,
)
from tlo.notify.models import NotificationPreference, OutboxMessage
from tlo.office_settings import OfficeSettings
from tlo.patents.models import (
    BayhDoleRecord,
    CostDecision,
    DocketItemState,
    OfficeAction,
    PatentApplication,
    PatentCost,
)
from tlo.people.models import Department, Person, School
from tlo.revenue.models import (
    DepartmentDesignation,
    Distribution,
    DistributionLine,
    Income,
    IncomePart,
    RevenuePolicy,
)
from tlo.word_templates import TemplateVersion

__all__ = [
    "Account",
    "AccountRole",
    "AgentTerms",
    "Agreement",
    "AgreementDraft",
    "AgreementPatent",
    "AgreementTechnology",
    "AnnualFee",
    "Attachment",
    "AuditEntry",
    "BayhDoleRecord",
    "CaseNote",
    "CatalogueEntry",
    "CatalogueInquiry",
    "CatalogueSalt",
    "CatalogueSearchMiss",
    "CatalogueVisit",
    "ClauseVersion",
    "Company",
    "Contact",
    "CostDecision",
    "Department",
    "DepartmentDesignation",
    "Disclosure",
    "DisclosureInventor",
    "DisclosureSignature",
    "Distribution",
    "DistributionLine",
    "DocketCounter",
    "DocketItemState",
    "DraftClause",
    "DraftTerms",
    "EquityEvent",
    "EquityHolding",
    "Evaluation",
    "FilingDecision",
    "FundingSource",
    "Iia",
    "IiaParty",
    "Income",
    "IncomePart",
    "LicenseeAccount",
    "LicenseeInvoice",
    "LicenseePayment",
    "LicenseeReminder",
    "MarketingSummary",
    "Milestone",
    "MinimumRoyalty",
    "NotificationPreference",
    "OfficeAction",
    "OfficeSettings",
    "OutboxMessage",
    "Outreach",
    "OutreachStageChange",
    "OutreachTouch",
    "PatentApplication",
    "PatentCost",
    "PaymentAllocation",
    "Person",
    "PoolPatent",
    "PoolTerms",
    "PublicDisclosure",
    "RevenuePolicy",
    "RoyaltyRate",
    "RoyaltyReport",
    "RoyaltyReportLine",
    "RoyaltyTier",
    "School",
    "ShareHistory",
    "ShareLink",
    "ShareResponse",
    "SignInSession",
    "SignInThrottle",
    "StageTarget",
    "StatusChange",
    "TemplateVersion",
]
