"""Every form service, fed generated bad input on both databases (issue #14, item 4).

Each service starts from a call that is valid in a small office built once per database; one
to three of its arguments are then replaced by hostile values: text with a NUL, control
characters or lone surrogates, text longer than any column, emoji and right-to-left text, None,
wrong types, integers past 64 bits, negative or over-precise money, NaN and Infinity, dates far
away or missing. Whatever comes in, a service must either succeed or refuse with a tlo domain
error (`tlo.errors.DomainError`); never anything else. A refusal writes nothing (the row count
of every table is the same after it, inside the same transaction, and nothing is pending), and
the session can still be used. A success must leave values every column can hold: what would
reach the database is checked against the schema before it is flushed (SQLite takes anything,
PostgreSQL refuses), so both databases answer alike.

Every example runs in its own transaction, rolled back at the end: the office is the same for
all of them. The counts of each run (inputs tried, crashes, half-writes, values the schema
cannot hold) are written to the file named by TLO_FUZZ_REPORT when it is set. The number of
examples per service and database is TLO_FUZZ_EXAMPLES (50 by default); the examples are
derandomized, so a run is repeatable.
"""

from __future__ import annotations

import json
import os
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from tests.clock import TODAY
from tests.conftest import POSTGRES_URL, create_postgres_schema, drop_postgres_schema
from tests.factories import case_approved_for_filing, make_actor, submitted_case
from tlo import case_summary, db, office_settings, search
from tlo.auth import handover
from tlo.auth import services as auth_services
from tlo.auth.models import Role
from tlo.auth.permissions import system_actor
from tlo.db import unit_of_work
from tlo.disclosures import attachments, casework, intake, shares
from tlo.disclosures.casework import Scorecard
from tlo.disclosures.intake import (
    DisclosureForm,
    FundingEntry,
    InventorEntry,
    PublicDisclosureEntry,
)
from tlo.disclosures.queries import DisclosureFilters, search_disclosures
from tlo.equity import services as equity
from tlo.equity.services import EventForm, HoldingForm
from tlo.errors import DomainError, PermissionDenied
from tlo.iia import services as iia
from tlo.iia.services import CoOwnerForm, IiaForm
from tlo.licensing import (
    agents,
    agreements,
    clauses,
    drafts,
    invoices,
    marketing,
    outreach,
    outreach_corrections,
    patent_pools,
    payments,
    royalty_reports,
)
from tlo.licensing.agreement_models import AgreementStatus
from tlo.licensing.agreements import AgreementForm, MilestoneEntry
from tlo.licensing.marketing import SummaryFields
from tlo.licensing.models import Stage
from tlo.licensing.outreach import CompanyForm
from tlo.licensing.patent_pools import StatementForm
from tlo.licensing.payments import PaymentForm
from tlo.licensing.terms import MinimumEntry, TierEntry
from tlo.patents import decisions
from tlo.patents import services as patents
from tlo.patents.services import ApplicationForm, DocketFilters
from tlo.people import services as people
from tlo.people.models import Person
from tlo.reports import autm, dashboard
from tlo.reports.dashboard import DashboardFilters
from tlo.revenue import designations
from tlo.revenue import services as revenue
from tlo.revenue.services import IncomeForm

EXAMPLES = int(os.environ.get("TLO_FUZZ_EXAMPLES") or 50)
REPORT = os.environ.get("TLO_FUZZ_REPORT")

# --- hostile values ----------------------------------------------------------------------------

CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"]
SURROGATES = ["\ud800", "\udfff", "\udc80"]
ODD_TEXT = [
    "",
    "   ",
    "\n\n\t",
    "😀" * 60,
    "👩🏽‍🔬 Zoë Ångström",
    "\u202egnp.exe",
    "שלום עולם مرحبا",
    "Ω" * 301,
    "line one\r\nline two\rthree",
    '=HYPERLINK("http://x")',
    "'; DROP TABLE disclosure; --",
    "%_\\%",
    "\u200b\ufeff",
    "a\u0301" * 150,
]
# Longer than every column there is (20, 50, 100, 200, 300, 320, 500, 1000 characters...).
LONG_LENGTHS = [11, 21, 31, 51, 101, 121, 201, 256, 301, 321, 501, 1001, 5001, 100_001]

short_text = st.text(max_size=12)
nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(ODD_TEXT),
    st.tuples(short_text, st.sampled_from(CONTROLS + SURROGATES), short_text).map("".join),
    st.text(st.characters(codec=None, categories=["Cc", "Cs", "Co", "Cn"]), min_size=1, max_size=8),
    st.tuples(st.sampled_from(LONG_LENGTHS), st.sampled_from("xé😀 ")).map(lambda p: p[1] * p[0]),
)
wrong_type = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.just({}),
    st.just(object()),
    st.dates(),
    st.decimals(allow_nan=True, allow_infinity=True),
)
huge_int = st.one_of(
    st.sampled_from([2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30, -1, 0]),
    st.sampled_from([-(2**31) - 1, -(2**63), -(2**63) - 1, True, False]),
    st.integers(),
)
bad_money = st.one_of(
    st.sampled_from(
        [
            "-5",
            "-0.01",
            "0",
            "1e30",
            "1E+3",
            "NaN",
            "sNaN",
            "Infinity",
            "-Infinity",
            "1.005",
            "0.001",
            "12,34,5.6",
            "$",
            "$ 1 000",
            "abc",
            "999999999999.99",
            "1000000000000",
            "٣٤",
            "\x00",
            " ",
            "1_000",
        ]
    ),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(places=9, min_value=-(10**15), max_value=10**15),
    st.sampled_from([Decimal("NaN"), Decimal("-Infinity"), Decimal("1E+40"), Decimal("-0")]),
    st.floats(allow_nan=True, allow_infinity=True),
    huge_int,
)
bad_date = st.one_of(
    st.sampled_from(
        [
            date.min,
            date.max,
            date(1900, 1, 1),
            date(9999, 12, 31),
            TODAY + timedelta(days=1),
            TODAY + timedelta(days=3650),
            TODAY - timedelta(days=365 * 80),
            None,
            "2026-01-01",
            "",
            datetime(2026, 1, 1, tzinfo=UTC),
        ]
    ),
    st.dates(),
    st.datetimes(),
)
BY_KIND = {
    "text": nasty_text,
    "id": huge_int,
    "int": huge_int,
    "money": bad_money,
    "percent": bad_money,
    "date": bad_date,
    "choice": nasty_text,
    "bool": st.one_of(st.none(), st.integers(), st.text(max_size=3)),
    "bytes": st.one_of(st.binary(max_size=40), st.just(b"")),
    "list": st.one_of(st.lists(huge_int, max_size=3), st.lists(nasty_text, max_size=2)),
}


def hostile(kind: str):
    """Mostly values of the slot's own kind gone wrong, sometimes a value of another type."""
    return st.one_of(BY_KIND[kind], BY_KIND[kind], BY_KIND[kind], wrong_type)


# --- one office per database -------------------------------------------------------------------


@dataclass
class World:
    engine: sa.Engine
    database: str
    officer: object
    director: object
    finance: object
    inventor: object
    ids: dict[str, object] = field(default_factory=dict)
    tables: list[str] = field(default_factory=list)
    row_counts: tuple = ()  # every example starts from these: each one is rolled back

    def __getattr__(self, name):
        try:
            return self.__dict__["ids"][name]
        except KeyError:
            raise AttributeError(name) from None


POLICY = """name = "{name}"
effective_from = {day}

[[steps]]
kind = "costs"

[[steps]]
kind = "split"
  [[steps.tiers]]
  inventors = "35"
  campus_research = "15"
  university = "50"
"""


def _build_world(engine, database: str) -> World:
    world = World(
        engine,
        database,
        officer=make_actor(engine, Role.OFFICER, name="Olivia Ortega"),
        director=make_actor(engine, Role.DIRECTOR, name="Diane Whitfield"),
        finance=make_actor(engine, Role.FINANCE, name="Fiona Nakamura"),
        inventor=make_actor(engine, Role.INVENTOR, name="Alice Chen"),
    )
    office = world
    ids = world.ids
    ids["extra_admin"] = make_actor(engine, Role.ADMIN, name="Adam Admin")
    ids["other_officer"] = make_actor(engine, Role.OFFICER, name="Marcus Lee")
    with unit_of_work(engine) as session:
        draft = intake.save_draft(
            session,
            actor=office.inventor,
            form=_form(
                title="A draft", inventors=[InventorEntry(office.inventor.person_id, "100")]
            ),
        )
        ids["draft"] = draft.id
    ids["submitted"] = submitted_case(engine, office.inventor, title="Waiting for triage")
    ids["filing"] = case_approved_for_filing(engine, office, title="Approved for filing")
    ids["evaluating"] = case_approved_for_filing(engine, office, title="Second case")
    ids["filed"] = case_approved_for_filing(
        engine,
        office,
        title="Solid-state battery",
        funding=[FundingEntry("NIH", "R01", True, "NIH")],
    )
    _share_answers(engine, world)
    actor = system_actor("fuzz")
    with unit_of_work(engine) as session:
        school = people.create_school(session, actor=actor, name="School of Fuzz", code="SF")
        ids["school"] = school.id
        ids["department"] = people.create_department(
            session, actor=actor, name="Dept of Fuzz", code="DF", school_id=school.id
        ).id
        # The inventor works in it (an inventor of ours, who may designate a department).
        session.get(Person, office.inventor.person_id).department_id = ids["department"]
        provisional = patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=ids["filed"],
            form=ApplicationForm(
                "US", "provisional", date(2024, 12, 10), "63/1", government_support_clause=True
            ),
        )
        pct = patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=ids["filed"],
            form=ApplicationForm("WO", "pct", date(2025, 12, 9), "PCT/1", parent_id=provisional.id),
        )
        ids["provisional"], ids["pct"] = provisional.id, pct.id
        action = patents.add_office_action(
            session, actor=office.officer, application_id=pct.id, mailed_on=TODAY - timedelta(20)
        )
        ids["office_action"] = action.id
        patents.add_cost(
            session,
            actor=office.finance,
            application_id=provisional.id,
            invoice_date=TODAY - timedelta(days=60),
            amount="20000",
            description="Provisional filing",
        )
        company = outreach.save_company(
            session, actor=office.officer, form=CompanyForm("VoltCell Inc.", "startup")
        )
        ids["company"] = company.id
        ids["contact"] = outreach.add_contact(
            session, actor=office.officer, company_id=company.id, name="Jane Roe"
        ).id
        ids["outreach"] = outreach.start_outreach(
            session, actor=office.officer, disclosure_id=ids["filed"], company_id=company.id
        ).id
        # An outreach to correct (no agreement follows it): a touch naming a second contact.
        ampere = outreach.save_company(
            session, actor=office.officer, form=CompanyForm("Ampere Labs", "small")
        )
        ids["touched_contact"] = outreach.add_contact(
            session, actor=office.officer, company_id=ampere.id, name="Sam Poe"
        ).id
        ids["spare_contact"] = outreach.add_contact(  # named by nothing: it may be removed
            session, actor=office.officer, company_id=ampere.id, name="Kim Lo"
        ).id
        ids["mistaken_outreach"] = outreach.start_outreach(
            session, actor=office.officer, disclosure_id=ids["filed"], company_id=ampere.id
        ).id
        ids["touch"] = outreach.log_touch(
            session,
            actor=office.officer,
            outreach_id=ids["mistaken_outreach"],
            touched_on=TODAY - timedelta(days=3),
            channel="email",
            note="Sent the summary.",
            contact_id=ids["touched_contact"],
            today=TODAY,
        ).id
    with unit_of_work(engine) as session:
        view = patents.docket(session, actor=office.officer, filters=DocketFilters(), today=TODAY)
        ids["docket_key"] = next(
            e.item.key for e in view.entries if decisions.estimate_for(e.item.rule) is None
        )
        ids["cost_key"] = next(
            e.item.key for e in view.entries if decisions.estimate_for(e.item.rule) is not None
        )
    with unit_of_work(engine) as session:
        draft_agreement = agreements.save_agreement(
            session, actor=office.officer, form=_agreement_form(world, ids["filed"])
        )
        ids["draft_agreement"] = draft_agreement.id
        signed = agreements.save_agreement(
            session, actor=office.officer, form=_agreement_form(world, ids["filed"])
        )
        ids["signed_agreement"] = signed.id
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=ids["signed_agreement"],
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY - timedelta(days=30),
        )
    with unit_of_work(engine) as session:  # a license of years ago, its periods ended
        reporting = agreements.save_agreement(
            session,
            actor=office.officer,
            form=replace(
                _agreement_form(world, ids["filed"]), effective_date=TODAY - timedelta(400)
            ),
        )
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=reporting.id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY - timedelta(days=400),
        )
        ids["reporting_agreement"] = reporting.id
        first, second = royalty_reports.periods_of(reporting)[:2]
        ids["reported_period"], ids["open_period"] = first.end, second.end
    with unit_of_work(engine) as session:
        ids["report"] = royalty_reports.submit_report(
            session,
            actor=office.finance,
            agreement_id=ids["reporting_agreement"],
            period_end=ids["reported_period"],
            lines=[{"product": "Diagnostic kits", "gross_sales": "1000.00"}],
        ).id
        ids["invoice"] = invoices.invoice_obligation(
            session,
            actor=office.finance,
            agreement_id=ids["reporting_agreement"],
            key=f"agr{ids['reporting_agreement']}:past_patent_costs",
        ).id
        payments.record_payment(  # 100.00 of credit
            session,
            actor=office.finance,
            form=PaymentForm(world.company, TODAY - timedelta(days=3), "100.00", []),
        )
    with unit_of_work(engine) as session:  # a pool agreement too, sharing as stated
        patent_pools.save_pool(
            session, actor=office.officer, agreement_id=ids["signed_agreement"], rule="as_stated"
        )
    with unit_of_work(engine) as session:
        ids["income"] = revenue.record_income(
            session,
            actor=office.finance,
            form=IncomeForm(ids["signed_agreement"], TODAY - timedelta(5), "royalty", "1000"),
        ).id
        ids["posted_income"] = revenue.record_income(
            session,
            actor=office.finance,
            form=IncomeForm(ids["signed_agreement"], TODAY - timedelta(4), "royalty", "500"),
        ).id
    with unit_of_work(engine) as session:
        revenue.compute_distribution(session, actor=office.finance, income_id=ids["posted_income"])
    with unit_of_work(engine) as session:
        revenue.post_income(session, actor=office.finance, income_id=ids["posted_income"])
    with unit_of_work(engine) as session:
        revenue.compute_distribution(session, actor=office.finance, income_id=ids["income"])
    with unit_of_work(engine) as session:
        ids["holding"] = equity.record_holding(
            session,
            actor=office.officer,
            form=HoldingForm(
                world.company,
                "Common",
                TODAY - timedelta(days=100),
                100_000,
                "0.0001",
                agreement_id=ids["signed_agreement"],
            ),
        ).id
        ids["unnamed_holding"] = equity.record_holding(
            session,
            actor=office.officer,
            form=HoldingForm(world.company, "Warrants", TODAY - timedelta(days=9), 10, "0"),
        ).id
        ids["holding_round"] = equity.record_event(
            session,
            actor=office.officer,
            form=EventForm(ids["holding"], "dilution", TODAY - timedelta(days=50), price="0.25"),
        ).id
    licensee = make_actor(engine, Role.LICENSEE, name="Lena Park")
    with unit_of_work(engine) as session:
        auth_services.set_licensee_company(
            session,
            actor=system_actor("fuzz"),
            account_id=licensee.account_id,
            company_id=world.company,
        )
        ids["licensee"] = auth_services.load_actor(session, licensee.account_id)
    world.tables = sorted(sa.inspect(engine).get_table_names())
    with Session(engine) as session:
        world.row_counts = _row_counts(session, world.tables)
    return world


def _share_answers(engine, world: World) -> None:
    """Two cases of Alice (50 %), Bob (30 %, signs in) and Henrik (20 %, outside), Olivia's:
    on the first no one has answered yet; on the second Bob disputes his share."""
    ids = world.ids
    ids["bob"] = make_actor(engine, Role.INVENTOR, name="Bob Okafor")
    with unit_of_work(engine) as session:
        ids["outsider"] = people.add_external_person(
            session,
            actor=system_actor("fuzz"),
            full_name="Henrik Larsen",
            email="henrik@novagen.example",
            organisation="NovaGen Biologics",
        ).id
    inventors = [
        (world.inventor.person_id, "50"),
        (ids["bob"].person_id, "30"),
        (ids["outsider"], "20"),
    ]
    ids["shared"] = case_approved_for_filing(engine, world, *inventors, title="Shared")
    ids["disputed"] = case_approved_for_filing(engine, world, *inventors, title="Disputed")
    with unit_of_work(engine) as session:
        shares.dispute_share(session, actor=ids["bob"], disclosure_id=ids["disputed"], reason="40")


def _agreement_form(world: World, case_id: int) -> AgreementForm:
    return AgreementForm(
        agreement_type="exclusive_license",
        company_id=world.company,
        title="Exclusive license: solid-state battery",
        technologies=[case_id],
        field_of_use="Electric vehicles",
        effective_date=TODAY,
        term_months=60,
        upfront_fee="50,000.00",
        annual_fees=["10000", "15000"],
        royalty_rates=[
            ("Net sales of licensed products", "3"),
            ("Diagnostic kits", [TierEntry("4", "5000000"), TierEntry("2")]),
        ],
        minimum_annual_royalty=[MinimumEntry(TODAY.year + 1, "50000")],
        late_interest_percent="12",
        report_due_days=60,
        report_currencies=["USD", "EUR"],
        milestones=[MilestoneEntry("First commercial sale", "250000", TODAY + timedelta(700))],
        sublicense_share="25",
        equity_shares=1000,
        equity_percent="2.5",
        past_patent_costs="12345.67",
        licensee_signatory_contact_id=world.contact,
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TLO_DATA_DIR", str(folder))
        if request.param == "sqlite":
            url = f"sqlite:///{folder / 'tlo.db'}"
            db.migrate(url)
            try:
                yield _build_world(db.get_engine(url), "sqlite")
            finally:
                db.dispose_engine(url)
            return
        if not POSTGRES_URL:
            pytest.skip("TLO_TEST_POSTGRES_URL is not set (.ci/run sets it)")
        schema, url = create_postgres_schema()
        try:
            db.migrate(url)
            yield _build_world(db.get_engine(url), "postgresql")
        finally:
            drop_postgres_schema(schema, url)


# --- the services, each from a valid call ------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    name: str
    service: Callable
    actor: str
    valid: Callable[[World], dict]  # fresh keyword arguments of a call that is valid
    slots: dict[str, str]  # argument path -> kind of value it takes
    finish: Callable[[dict], dict] = lambda kwargs: kwargs


def _form(**overrides) -> DisclosureForm:
    fields = dict(
        title="Low-power neural accelerator",
        abstract="A sparse systolic array.",
        description="Skips zero activations.",
        problem_and_advantages="Saves energy.",
        stage="prototype",
        keywords="accelerator, sparsity",
        applications="Phones",
        potential_licensees="Chip makers",
        related_materials="Code",
        funding=[FundingEntry("NSF", "123", True, "NSF")],
        public_disclosures=[PublicDisclosureEntry(TODAY - timedelta(30), "paper", "Nature")],
    )
    return DisclosureForm(**(fields | overrides))


DISCLOSURE_SLOTS = {
    **{f"form.{name}": "text" for name in intake.TEXT_FIELDS},
    "form.stage": "choice",
    "form.inventors": "list",
    "form.inventors.0.person_id": "id",
    "form.inventors.0.share": "percent",
    "form.funding.0.sponsor": "text",
    "form.funding.0.award_number": "text",
    "form.funding.0.is_federal": "bool",
    "form.funding.0.agency": "text",
    "form.public_disclosures.0.disclosed_on": "date",
    "form.public_disclosures.0.kind": "choice",
    "form.public_disclosures.0.venue": "text",
    "disclosure_id": "id",
}
COMPANY_SLOTS = {
    "form.name": "text",
    "form.size": "choice",
    "form.sector": "text",
    "form.website": "text",
    "form.interests": "text",
    "form.notes": "text",
    "form.do_not_contact": "bool",
    "form.entity_kind": "text",
    "form.jurisdiction": "text",
    "company_id": "id",
    "reason": "text",
}
AGREEMENT_SLOTS = {
    "form.agreement_type": "choice",
    "form.company_id": "id",
    "form.title": "text",
    "form.technologies": "list",
    "form.technologies.0": "id",
    "form.allocations": "list",
    "form.patent_ids": "list",
    "form.field_of_use": "text",
    "form.territory": "text",
    "form.effective_date": "date",
    "form.term_months": "int",
    "form.upfront_fee": "money",
    "form.annual_fees": "list",
    "form.annual_fees.0": "money",
    "form.royalty_rates.0": "list",
    "form.royalty_rates.0.0": "text",
    "form.royalty_rates.0.1": "percent",
    "form.royalty_rates.1.1": "list",
    "form.royalty_rates.1.1.0.percent": "percent",
    "form.royalty_rates.1.1.0.up_to": "money",
    "form.royalty_rates.1.1.1.percent": "percent",
    "form.minimum_annual_royalty": "list",
    "form.minimum_annual_royalty.0.year": "int",
    "form.minimum_annual_royalty.0.amount": "money",
    "form.late_interest_percent": "percent",
    "form.report_due_days": "int",
    "form.report_currencies": "list",
    "form.report_currencies.0": "text",
    "form.milestones.0.event": "text",
    "form.milestones.0.amount": "money",
    "form.milestones.0.due_date": "date",
    "form.sublicense_share": "percent",
    "form.equity_shares": "int",
    "form.equity_percent": "percent",
    "form.past_patent_costs": "money",
    "form.reimburse_ongoing_costs": "bool",
    "form.royalty_report_period": "choice",
    "form.notes": "text",
    "form.licensee_signatory_contact_id": "id",
    "agreement_id": "id",
}
APPLICATION_SLOTS = {
    "form.jurisdiction": "text",
    "form.application_type": "choice",
    "form.filing_date": "date",
    "form.application_number": "text",
    "form.parent_id": "id",
    "form.priority_date_override": "date",
    "form.counsel_firm": "text",
    "form.counsel_attorney": "text",
    "form.counsel_docket": "text",
    "form.government_support_clause": "bool",
}


EVENT_SLOTS = {
    "form.holding_id": "id",
    "form.kind": "choice",
    "form.occurred_on": "date",
    "form.shares": "int",
    "form.price": "money",
    "form.ratio": "text",
    "form.note": "text",
    "today": "date",
}


def _rates_as_lists(kwargs: dict) -> dict:
    form = kwargs.get("form")
    if isinstance(form, AgreementForm) and isinstance(form.royalty_rates, list):
        form.royalty_rates = [tuple(r) if isinstance(r, list) else r for r in form.royalty_rates]
    return kwargs


def _policy_text(kwargs: dict) -> dict:
    name, day = kwargs.pop("policy_name"), kwargs.pop("policy_day")
    if "text" not in kwargs:
        day_text = day.isoformat() if isinstance(day, date) else str(day)
        kwargs["text"] = POLICY.format(name=str(name).replace('"', "'"), day=day_text)
    return kwargs


SPECS = [
    # --- disclosures: intake
    Spec(
        "intake.save_draft (new)",
        intake.save_draft,
        "inventor",
        lambda w: {"form": _form(inventors=[InventorEntry(w.inventor.person_id, "100")])},
        {k: v for k, v in DISCLOSURE_SLOTS.items() if k != "disclosure_id"},
    ),
    Spec(
        "intake.save_draft (edit)",
        intake.save_draft,
        "inventor",
        lambda w: {
            "form": _form(inventors=[InventorEntry(w.inventor.person_id, "100")]),
            "disclosure_id": w.draft,
        },
        DISCLOSURE_SLOTS,
    ),
    Spec(
        "intake.check_submission",
        intake.check_submission,
        "inventor",
        lambda w: {"disclosure_id": w.draft},
        {"disclosure_id": "id", "today": "date"},
    ),
    Spec(
        "intake.open_draft",
        intake.open_draft,
        "inventor",
        lambda w: {"disclosure_id": w.draft},
        {"disclosure_id": "id"},
    ),
    Spec(
        "intake.submit",
        intake.submit,
        "inventor",
        lambda w: {"disclosure_id": w.draft},
        {"disclosure_id": "id", "today": "date"},
    ),
    Spec(
        "intake.delete_draft",
        intake.delete_draft,
        "inventor",
        lambda w: {"disclosure_id": w.draft},
        {"disclosure_id": "id"},
    ),
    Spec(
        "intake.confirm_share",
        intake.confirm_share,
        "inventor",
        lambda w: {"disclosure_id": w.submitted},
        {"disclosure_id": "id"},
    ),
    Spec(
        "shares.dispute_share",
        shares.dispute_share,
        "bob",
        lambda w: {"disclosure_id": w.shared, "reason": "I wrote half of it."},
        {"disclosure_id": "id", "reason": "text"},
    ),
    Spec(
        "shares.dispute_share_for",
        shares.dispute_share_for,
        "officer",
        lambda w: {
            "disclosure_id": w.shared,
            "person_id": w.outsider,
            "reason": "He asks for 30 % (e-mail attached).",
            "evidence_name": "email.txt",
            "evidence": b"I ask for 30 %.",
        },
        {
            "disclosure_id": "id",
            "person_id": "id",
            "reason": "text",
            "evidence_name": "text",
            "evidence": "bytes",
        },
    ),
    Spec(
        "shares.confirm_share_for",
        shares.confirm_share_for,
        "officer",
        lambda w: {
            "disclosure_id": w.shared,
            "person_id": w.outsider,
            "note": "Confirmed by phone.",
            "evidence_name": None,
            "evidence": None,
        },
        {
            "disclosure_id": "id",
            "person_id": "id",
            "note": "text",
            "evidence_name": "text",
            "evidence": "bytes",
        },
    ),
    Spec(
        "intake.change_shares",
        intake.change_shares,
        "officer",
        lambda w: {
            "disclosure_id": w.disputed,
            "inventors": [
                InventorEntry(w.inventor.person_id, "40"),
                InventorEntry(w.bob.person_id, "40"),
                InventorEntry(w.outsider, "20"),
            ],
        },
        {
            "disclosure_id": "id",
            "inventors": "list",
            "inventors.0.person_id": "id",
            "inventors.0.share": "percent",
            "inventors.2.share": "percent",
        },
    ),
    Spec(
        "shares.withdraw_dispute",
        shares.withdraw_dispute,
        "officer",
        lambda w: {
            "disclosure_id": w.disputed,
            "person_id": w.bob.person_id,
            "note": "Bob agreed at the meeting.",
        },
        {"disclosure_id": "id", "person_id": "id", "note": "text"},
    ),
    Spec(
        "attachments.add_attachment",
        attachments.add_attachment,
        "inventor",
        lambda w: {"disclosure_id": w.draft, "name": "notes.txt", "content": b"lab notes"},
        {"disclosure_id": "id", "name": "text", "content": "bytes"},
    ),
    # --- disclosures: casework
    Spec(
        "casework.assign_officer",
        casework.assign_officer,
        "officer",
        lambda w: {"disclosure_id": w.submitted, "officer_person_id": w.officer.person_id},
        {"disclosure_id": "id", "officer_person_id": "id"},
    ),
    Spec(
        "casework.reassign_officer",
        casework.reassign_officer,
        "director",
        lambda w: {
            "disclosure_id": w.filing,
            "officer_person_id": w.other_officer.person_id,
            "reason": "Olivia is on leave",
        },
        {"disclosure_id": "id", "officer_person_id": "id", "reason": "text"},
    ),
    Spec(
        "case_summary.case_summary_docx",
        case_summary.case_summary_docx,
        "director",
        lambda w: {"disclosure_id": w.filed, "today": TODAY},
        {"disclosure_id": "id", "today": "date"},
    ),
    Spec(
        "casework.record_evaluation",
        casework.record_evaluation,
        "officer",
        lambda w: {
            "disclosure_id": w.evaluating,
            "scorecard": Scorecard(
                dict.fromkeys(casework.CRITERIA, 4),
                {"novelty": "New", "market_size": "Big"},
                "None found",
                "file_provisional",
            ),
        },
        {
            "disclosure_id": "id",
            "scorecard.scores": "list",
            "scorecard.scores.novelty": "int",
            "scorecard.scores.market_size": "int",
            "scorecard.notes": "list",
            "scorecard.notes.novelty": "text",
            "scorecard.notes.market_size": "text",
            "scorecard.prior_art_notes": "text",
            "scorecard.recommendation": "choice",
        },
    ),
    Spec(
        "casework.record_filing_decision",
        casework.record_filing_decision,
        "officer",
        lambda w: {
            "disclosure_id": w.evaluating,
            "decision": "defer",
            "rationale": "Wait for data",
            "review_on": TODAY + timedelta(days=90),
        },
        {
            "disclosure_id": "id",
            "decision": "choice",
            "rationale": "text",
            "review_on": "date",
            "today": "date",
        },
    ),
    Spec(
        "casework.take_action",
        casework.take_action,
        "officer",
        lambda w: {"disclosure_id": w.filing, "action": "start_marketing", "rationale": "Go"},
        {"disclosure_id": "id", "action": "choice", "rationale": "text"},
    ),
    Spec(
        "casework.add_note",
        casework.add_note,
        "officer",
        lambda w: {"disclosure_id": w.filed, "text": "Called the inventor."},
        {"disclosure_id": "id", "text": "text"},
    ),
    # --- licensing
    Spec(
        "outreach.save_company (new)",
        outreach.save_company,
        "officer",
        lambda w: {
            "form": CompanyForm(
                "Klein Photonics GmbH", "large", "Optics", "https://klein.example", "lasers", "n"
            )
        },
        {k: v for k, v in COMPANY_SLOTS.items() if k != "company_id"},
    ),
    Spec(
        "outreach.save_company (edit)",
        outreach.save_company,
        "officer",
        lambda w: {
            "form": CompanyForm("VoltCell Inc.", "small", "Energy"),
            "company_id": w.company,
            "reason": "It has grown",
        },
        COMPANY_SLOTS,
    ),
    Spec(
        "outreach.save_company (correct the legal form)",
        outreach.save_company,
        "director",
        lambda w: {
            "form": CompanyForm(
                "VoltCell Inc.", "startup", entity_kind="corporation", jurisdiction="Delaware"
            ),
            "company_id": w.company,
            "reason": "As on its certificate of incorporation",
        },
        COMPANY_SLOTS,
    ),
    Spec(
        "outreach.add_contact",
        outreach.add_contact,
        "officer",
        lambda w: {
            "company_id": w.company,
            "name": "John Doe",
            "title": "CTO",
            "email": "john@voltcell.example",
            "phone": "+1 650 555 0100",
        },
        {"company_id": "id", "name": "text", "title": "text", "email": "text", "phone": "text"},
    ),
    Spec(
        "outreach.start_outreach",
        outreach.start_outreach,
        "officer",
        lambda w: {"disclosure_id": w.filing, "company_id": w.company},
        {"disclosure_id": "id", "company_id": "id"},
    ),
    Spec(
        "outreach.log_touch",
        outreach.log_touch,
        "officer",
        lambda w: {
            "outreach_id": w.outreach,
            "touched_on": TODAY - timedelta(days=1),
            "channel": "call",
            "note": "Interested in a CDA.",
            "outcome": "Positive",
            "contact_id": w.contact,
            "next_follow_up": TODAY + timedelta(days=7),
        },
        {
            "outreach_id": "id",
            "touched_on": "date",
            "channel": "choice",
            "note": "text",
            "outcome": "text",
            "contact_id": "id",
            "next_follow_up": "date",
            "today": "date",
        },
    ),
    Spec(
        "outreach.change_stage",
        outreach.change_stage,
        "officer",
        lambda w: {"outreach_id": w.outreach, "stage": Stage.INTERESTED, "note": "Keen"},
        {"outreach_id": "id", "stage": "choice", "note": "text"},
    ),
    Spec(
        "outreach.record_cda",
        outreach.record_cda,
        "officer",
        lambda w: {"outreach_id": w.outreach, "signed_on": TODAY - timedelta(days=2)},
        {"outreach_id": "id", "signed_on": "date"},
    ),
    Spec(
        "outreach_corrections.withdraw_outreach",
        outreach_corrections.withdraw_outreach,
        "officer",
        lambda w: {"outreach_id": w.mistaken_outreach, "reason": "Opened for the wrong company"},
        {"outreach_id": "id", "reason": "text"},
    ),
    Spec(
        "outreach_corrections.correct_touch",
        outreach_corrections.correct_touch,
        "officer",
        lambda w: {
            "touch_id": w.touch,
            "touched_on": TODAY - timedelta(days=2),
            "channel": "call",
            "note": "A call, not an e-mail.",
            "outcome": "Wants data",
            "contact_id": w.touched_contact,
            "reason": "Logged as the wrong channel",
        },
        {
            "touch_id": "id",
            "touched_on": "date",
            "channel": "choice",
            "note": "text",
            "outcome": "text",
            "contact_id": "id",
            "reason": "text",
            "today": "date",
        },
    ),
    Spec(
        "outreach_corrections.strike_touch",
        outreach_corrections.strike_touch,
        "officer",
        lambda w: {"touch_id": w.touch, "reason": "Never sent"},
        {"touch_id": "id", "reason": "text"},
    ),
    Spec(
        "outreach_corrections.correct_contact",
        outreach_corrections.correct_contact,
        "officer",
        lambda w: {
            "contact_id": w.contact,
            "name": "Jane Roe-Smith",
            "title": "CTO",
            "email": "jane@voltcell.example",
            "phone": "+1 650 555 0101",
            "reason": "Her married name",
        },
        {
            "contact_id": "id",
            "name": "text",
            "title": "text",
            "email": "text",
            "phone": "text",
            "reason": "text",
        },
    ),
    Spec(
        "outreach_corrections.remove_contact",
        outreach_corrections.remove_contact,
        "officer",
        lambda w: {"contact_id": w.spare_contact, "reason": "Entered by mistake"},
        {"contact_id": "id", "reason": "text"},
    ),
    Spec(
        "marketing.save_summary",
        marketing.save_summary,
        "officer",
        lambda w: {
            "disclosure_id": w.filed,
            "fields": SummaryFields("Batteries that last", "Fire", "Solid", "Safe", "Cars", "Lab"),
        },
        {
            "disclosure_id": "id",
            **{f"fields.{n}": "text" for n in vars(SummaryFields("x"))},
        },
    ),
    Spec(
        "agreements.save_agreement (new)",
        agreements.save_agreement,
        "officer",
        lambda w: {"form": _agreement_form(w, w.filed)},
        {k: v for k, v in AGREEMENT_SLOTS.items() if k != "agreement_id"},
        _rates_as_lists,
    ),
    Spec(
        "agreements.save_agreement (edit)",
        agreements.save_agreement,
        "officer",
        lambda w: {"form": _agreement_form(w, w.filed), "agreement_id": w.draft_agreement},
        AGREEMENT_SLOTS,
        _rates_as_lists,
    ),
    Spec(
        "agreements.change_agreement_status",
        agreements.change_agreement_status,
        "officer",
        lambda w: {
            "agreement_id": w.draft_agreement,
            "status": "executed",
            "signed_on": TODAY - timedelta(days=1),
        },
        {"agreement_id": "id", "status": "choice", "signed_on": "date", "today": "date"},
    ),
    Spec(
        "agreements.parse_milestone_lines",
        lambda session, actor, text: agreements.parse_milestone_lines(text),
        "officer",
        lambda w: {"text": "First sale; 1000; 2027-01-01"},
        {"text": "text"},
    ),
    Spec(
        "agreements.parse_rate_lines",
        lambda session, actor, text: agreements.parse_rate_lines(text),
        "officer",
        lambda w: {"text": "Net sales; 3"},
        {"text": "text"},
    ),
    Spec(
        "agreements.parse_amount_list",
        lambda session, actor, text: agreements.parse_amount_list(text),
        "officer",
        lambda w: {"text": "10000; 15000"},
        {"text": "text"},
    ),
    Spec(
        "drafts.generate_draft",
        drafts.generate_draft,
        "officer",
        lambda w: {"agreement_id": w.draft_agreement},
        {"agreement_id": "id"},
    ),
    Spec(
        "clauses.save_version",
        clauses.save_version,
        "director",
        lambda w: {
            "key": "export_control",
            "heading": "Export Control",
            "text": "{{ licensee_role }} shall comply with the export control laws.",
            "note": "Shorter",
        },
        {"key": "text", "heading": "text", "text": "text", "note": "text"},
    ),
    Spec(
        "office_settings.save_settings",
        office_settings.save_settings,
        "director",
        lambda w: {"form": office_settings.SettingsForm(**vars(office_settings.DEMO))},  # a copy
        {f"form.{name}": "text" for name in office_settings.LABELS},
    ),
    Spec(
        "outreach.list_companies (search)",
        outreach.list_companies,
        "officer",
        lambda w: {"search": "volt", "size": "startup", "offset": 0, "limit": 50},
        {"search": "text", "size": "choice", "offset": "int", "limit": "int"},
    ),
    # --- people
    Spec(
        "people.create_school",
        people.create_school,
        "director",
        lambda w: {"name": "School of Law", "code": "LAW"},
        {"name": "text", "code": "text"},
    ),
    Spec(
        "people.create_department",
        people.create_department,
        "director",
        lambda w: {"name": "Physics", "code": "PHYS", "school_id": w.school},
        {"name": "text", "code": "text", "school_id": "id"},
    ),
    Spec(
        "people.create_person",
        people.create_person,
        "director",
        lambda w: {
            "full_name": "Bob Okafor",
            "email": "bob@uni.example",
            "department_id": w.department,
            "organisation": None,
        },
        {
            "full_name": "text",
            "email": "text",
            "department_id": "id",
            "organisation": "text",
            "is_external": "bool",
        },
    ),
    Spec(
        "people.add_external_person",
        people.add_external_person,
        "inventor",
        lambda w: {"full_name": "Eve Ext", "email": "eve@acme.example", "organisation": "Acme"},
        {"full_name": "text", "email": "text", "organisation": "text"},
    ),
    Spec(
        "people.set_school_active",
        people.set_school_active,
        "director",
        lambda w: {"school_id": w.school, "active": False},
        {"school_id": "id", "active": "bool"},
    ),
    Spec(
        "people.set_department_active",
        people.set_department_active,
        "director",
        lambda w: {"department_id": w.department, "active": False},
        {"department_id": "id", "active": "bool"},
    ),
    Spec(
        "people.set_person_active",
        people.set_person_active,
        "director",
        lambda w: {"person_id": w.inventor.person_id, "active": False},
        {"person_id": "id", "active": "bool"},
    ),
    Spec(
        "people.lookup_people",
        people.lookup_people,
        "inventor",
        lambda w: {"search": "Alice", "limit": 20},
        {"search": "text", "limit": "int"},
    ),
    Spec(
        "people.list_people (search)",
        people.list_people,
        "director",
        lambda w: {"search": "Alice", "offset": 0, "limit": 50},
        {"search": "text", "offset": "int", "limit": "int"},
    ),
    # --- patents
    Spec(
        "patents.add_application",
        patents.add_application,
        "officer",
        lambda w: {
            "disclosure_id": w.filed,
            "form": ApplicationForm(
                "US",
                "nonprovisional",
                TODAY - timedelta(days=10),
                "17/123",
                parent_id=w.provisional,
                counsel_firm="Fish",
                counsel_attorney="Ann",
                counsel_docket="F-1",
                government_support_clause=True,
            ),
        },
        {"disclosure_id": "id", **APPLICATION_SLOTS},
    ),
    Spec(
        "patents.correct_application",
        patents.correct_application,
        "officer",
        lambda w: {
            "application_id": w.provisional,
            "form": ApplicationForm(
                "US", "provisional", date(2024, 12, 10), "63/999", government_support_clause=True
            ),
            "reason": "Typo in the number",
        },
        {"application_id": "id", "reason": "text", **APPLICATION_SLOTS},
    ),
    Spec(
        "patents.update_application",
        patents.update_application,
        "officer",
        lambda w: {
            "application_id": w.pct,
            "status": "published",
            "publication_number": "WO2026/1",
            "publication_date": TODAY - timedelta(days=5),
            "grant_number": "",
            "grant_date": None,
            "abandoned_on": None,
            "application_number": "PCT/US2025/1",
        },
        {
            "application_id": "id",
            "status": "choice",
            "publication_number": "text",
            "publication_date": "date",
            "grant_number": "text",
            "grant_date": "date",
            "abandoned_on": "date",
            "application_number": "text",
        },
    ),
    Spec(
        "patents.add_office_action",
        patents.add_office_action,
        "officer",
        lambda w: {
            "application_id": w.pct,
            "mailed_on": TODAY - timedelta(days=3),
            "description": "Written opinion",
            "action_type": "non_final",
        },
        {
            "application_id": "id",
            "mailed_on": "date",
            "description": "text",
            "action_type": "choice",
        },
    ),
    Spec(
        "patents.record_response",
        patents.record_response,
        "officer",
        lambda w: {"office_action_id": w.office_action, "responded_on": TODAY - timedelta(1)},
        {"office_action_id": "id", "responded_on": "date"},
    ),
    Spec(
        "patents.add_cost",
        patents.add_cost,
        "finance",
        lambda w: {
            "application_id": w.pct,
            "invoice_date": TODAY - timedelta(days=3),
            "amount": "1234.56",
            "description": "PCT filing",
            "invoice_number": "INV-1",
            "paid": True,
        },
        {
            "application_id": "id",
            "invoice_date": "date",
            "amount": "money",
            "description": "text",
            "invoice_number": "text",
            "paid": "bool",
        },
    ),
    Spec(
        "patents.save_bayh_dole",
        patents.save_bayh_dole,
        "officer",
        lambda w: {
            "disclosure_id": w.filed,
            "agency": "NIH",
            "award_number": "R01",
            "iedison_number": "0123",
            "reported_on": TODAY - timedelta(days=30),
            "election": "elected",
            "elected_on": TODAY - timedelta(days=3),
        },
        {
            "disclosure_id": "id",
            "agency": "text",
            "award_number": "text",
            "iedison_number": "text",
            "reported_on": "date",
            "election": "choice",
            "elected_on": "date",
        },
    ),
    Spec(
        "patents.mark_docket_item",
        patents.mark_docket_item,
        "officer",
        lambda w: {"key": w.docket_key, "state": "waived", "note": "Answered by phone"},
        {"key": "text", "state": "choice", "note": "text", "today": "date"},
    ),
    Spec(
        "decisions.decide_costs",
        decisions.decide_costs,
        "officer",
        lambda w: {"keys": [w.cost_key], "decision": "lapse", "reason": "No market there"},
        {"keys": "list", "keys.0": "text", "decision": "choice", "reason": "text", "today": "date"},
    ),
    Spec(
        "patents.docket (filters)",
        patents.docket,
        "officer",
        lambda w: {"filters": DocketFilters(within_days=90, kind="patent")},
        {
            "filters.officer_person_id": "id",
            "filters.within_days": "int",
            "filters.kind": "choice",
            "filters.disclosure_id": "id",
            "today": "date",
        },
    ),
    Spec(
        "decisions.cost_forecast",
        decisions.cost_forecast,
        "officer",
        lambda w: {"years": 5},
        {"years": "int", "today": "date"},
    ),
    # --- equity
    Spec(
        "equity.record_holding",
        equity.record_holding,
        "officer",
        lambda w: {
            "form": HoldingForm(
                w.company,
                "Series A Preferred",
                TODAY - timedelta(days=10),
                5_000,
                "1.25",
                certificate="PA-1",
                agreement_id=w.signed_agreement,
                held_for="inventors",
                note="Series A",
            )
        },
        {
            "form.company_id": "id",
            "form.share_class": "text",
            "form.issued_on": "date",
            "form.shares": "int",
            "form.price": "money",
            "form.certificate": "text",
            "form.agreement_id": "id",
            "form.held_for": "choice",
            "form.note": "text",
            "today": "date",
        },
    ),
    *(
        Spec(
            f"equity.{service.__name__}",
            service,
            "finance",
            lambda w: {
                "form": EventForm(
                    w.holding, "sale", TODAY - timedelta(days=2), 40_000, "2.5", note="Sold"
                )
            },
            EVENT_SLOTS,
        )
        for service in (equity.record_event, equity.preview_sale)
    ),
    Spec(
        "equity.record_event (a split)",
        equity.record_event,
        "officer",
        lambda w: {"form": EventForm(w.holding, "split", TODAY, ratio="3:2")},
        EVENT_SLOTS,
    ),
    Spec(
        "equity.name_license",
        equity.name_license,
        "officer",
        lambda w: {"holding_id": w.unnamed_holding, "agreement_id": w.signed_agreement},
        {"holding_id": "id", "agreement_id": "id"},
    ),
    Spec(
        "equity.void_event",
        equity.void_event,
        "officer",
        lambda w: {"event_id": w.holding_round, "reason": "Typed the wrong round"},
        {"event_id": "id", "reason": "text"},
    ),
    Spec(
        "designations.designate_department",
        designations.designate_department,
        "officer",
        lambda w: {
            "disclosure_id": w.filed,
            "person_id": w.inventor.person_id,
            "department_id": w.department,
        },
        {"disclosure_id": "id", "person_id": "id", "department_id": "id"},
    ),
    # --- inter-institutional agreements
    Spec(
        "iia.save_iia",
        iia.save_iia,
        "officer",
        lambda w: {
            "disclosure_id": w.filed,
            "form": IiaForm(
                co_owners=[
                    CoOwnerForm("Northbridge University", "40", "35", "otl@northbridge.example"),
                    CoOwnerForm("Eastlake Institute", "12.5"),
                ],
                lead=1,
                prosecution=0,
                lead_fee_percent="15",
                effective_on=TODAY,
                reference="IIA-7",
                note="Signed by both offices",
            ),
        },
        {
            "disclosure_id": "id",
            "form.co_owners": "list",
            "form.co_owners.0.name": "text",
            "form.co_owners.0.ownership_percent": "percent",
            "form.co_owners.0.cost_share_percent": "percent",
            "form.co_owners.0.contact_email": "text",
            "form.co_owners.1.ownership_percent": "percent",
            "form.lead": "int",
            "form.prosecution": "int",
            "form.lead_fee_percent": "percent",
            "form.effective_on": "date",
            "form.reference": "text",
            "form.note": "text",
        },
    ),
    Spec(
        "agents.save_agent",
        agents.save_agent,
        "officer",
        lambda w: {
            "agreement_id": w.signed_agreement,
            "share_percent": "25",
            "costs_borne_by": "shared",
            "note": "Enforces the family in the US",
        },
        {
            "agreement_id": "id",
            "share_percent": "percent",
            "costs_borne_by": "choice",
            "note": "text",
        },
    ),
    Spec(
        "patent_pools.save_pool",
        patent_pools.save_pool,
        "officer",
        lambda w: {
            "agreement_id": w.signed_agreement,
            "rule": "per_essential_patent_per_country",
            "standard": "MPEG-2 video",
            "application_ids": [w.provisional, w.pct],
        },
        {
            "agreement_id": "id",
            "rule": "choice",
            "standard": "text",
            "application_ids": "list",
            "application_ids.0": "id",
        },
    ),
    *(
        Spec(
            f"patent_pools.{service.__name__}",
            service,
            "finance",
            lambda w: {
                "form": StatementForm(
                    w.signed_agreement,
                    TODAY - timedelta(days=1),
                    "1000.00",
                    "2026 H2",
                    [(w.filed, "990.5")],
                    "Half-year statement",
                )
            },
            {
                "form.agreement_id": "id",
                "form.received_on": "date",
                "form.total": "money",
                "form.period": "text",
                "form.amounts": "list",
                "form.amounts.0": "list",
                "form.note": "text",
            },
        )
        for service in (patent_pools.preview_statement, patent_pools.record_statement)
    ),
    # --- royalty reports and invoices
    Spec(
        "royalty_reports.submit_report",
        royalty_reports.submit_report,
        "finance",
        lambda w: {
            "agreement_id": w.reporting_agreement,
            "period_end": w.open_period,
            "lines": [
                {
                    "product": "Diagnostic kits",
                    "gross_sales": "2000000.00",
                    "deductions": "100000.00",
                    "currency": "EUR",
                    "to_usd": "1.1000",
                    "units": 1200,
                    "country_of_manufacture": "DE",
                    "country_of_sale": "FR",
                },
                {"product": "Net sales of licensed products", "gross_sales": "10.00"},
            ],
            "sublicense_income": "75000.00",
            "note": "Second quarter",
            "source": "uploaded",
            "remitted": "98000.00",
        },
        {
            "agreement_id": "id",
            "period_end": "date",
            "lines": "list",
            "lines.0.product": "text",
            "lines.0.gross_sales": "money",
            "lines.0.deductions": "money",
            "lines.0.currency": "text",
            "lines.0.to_usd": "text",
            "lines.0.units": "int",
            "lines.0.country_of_manufacture": "text",
            "lines.0.country_of_sale": "text",
            "lines.1": "text",
            "sublicense_income": "money",
            "note": "text",
            "source": "choice",
            "remitted": "money",
        },
    ),
    Spec(
        "royalty_reports.submit_zero_report",
        royalty_reports.submit_zero_report,
        "finance",
        lambda w: {
            "agreement_id": w.reporting_agreement,
            "period_end": w.open_period,
            "note": "No sales",
        },
        {"agreement_id": "id", "period_end": "date", "note": "text"},
    ),
    Spec(
        "royalty_reports.approve_report",
        royalty_reports.approve_report,
        "finance",
        lambda w: {"report_id": w.report},
        {"report_id": "id"},
    ),
    Spec(
        "royalty_reports.reject_report",
        royalty_reports.reject_report,
        "finance",
        lambda w: {"report_id": w.report, "reason": "Units are missing"},
        {"report_id": "id", "reason": "text"},
    ),
    Spec(
        "invoices.invoice_obligation",
        invoices.invoice_obligation,
        "finance",
        lambda w: {
            "agreement_id": w.reporting_agreement,
            "key": f"agr{w.reporting_agreement}:upfront_fee",
        },
        {"agreement_id": "id", "key": "text"},
    ),
    Spec(
        "payments.record_payment",
        payments.record_payment,
        "finance",
        lambda w: {
            "form": PaymentForm(
                w.company,
                TODAY - timedelta(days=1),
                "20000.00",
                [(w.invoice, "12345.67")],
                "WIRE-2026-118",
                "Paid by wire",
            )
        },
        {
            "form.company_id": "id",
            "form.received_on": "date",
            "form.amount": "money",
            "form.allocations": "list",
            "form.allocations.0": "list",
            "form.reference": "text",
            "form.note": "text",
        },
    ),
    Spec(
        "payments.apply_credit",
        payments.apply_credit,
        "finance",
        lambda w: {"company_id": w.company, "invoice_id": w.invoice, "amount": "99.99"},
        {"company_id": "id", "invoice_id": "id", "amount": "money"},
    ),
    # --- revenue
    Spec(
        "revenue.record_income",
        revenue.record_income,
        "finance",
        lambda w: {
            "form": IncomeForm(
                w.signed_agreement,
                TODAY - timedelta(days=2),
                "royalty",
                "2500.00",
                "Q3-2026",
                "Quarterly report",
                "report.pdf",
                b"%PDF-1.4 report",
            )
        },
        {
            "form.agreement_id": "id",
            "form.received_on": "date",
            "form.income_type": "choice",
            "form.amount": "money",
            "form.licensee_reference": "text",
            "form.note": "text",
            "form.report_name": "text",
            "form.report_content": "bytes",
            "today": "date",
        },
    ),
    Spec(
        "revenue.compute_distribution",
        revenue.compute_distribution,
        "finance",
        lambda w: {"income_id": w.income},
        {"income_id": "id"},
    ),
    Spec(
        "revenue.post_income",
        revenue.post_income,
        "finance",
        lambda w: {"income_id": w.income, "reviewed": None},
        {"income_id": "id", "reviewed": "list"},
    ),
    Spec(
        "revenue.reverse_income",
        revenue.reverse_income,
        "finance",
        lambda w: {"income_id": w.posted_income, "reason": "Paid twice"},
        {"income_id": "id", "reason": "text"},
    ),
    Spec(
        "revenue.add_policy",
        revenue.add_policy,
        "finance",
        lambda w: {"policy_name": "Policy of 2025", "policy_day": date(2025, 1, 1)},
        {"policy_name": "text", "policy_day": "date", "text": "text"},
        _policy_text,
    ),
    Spec(
        "revenue.try_policy",
        revenue.try_policy,
        "finance",
        lambda w: {"policy_name": "Trial", "policy_day": date(2025, 2, 1), "amount": "100000"},
        {"policy_name": "text", "policy_day": "date", "text": "text", "amount": "money"},
        _policy_text,
    ),
    Spec(
        "revenue.annual_run",
        revenue.annual_run,
        "finance",
        lambda w: {"fiscal_year": 2027},
        {"fiscal_year": "int", "fingerprint": "text"},
    ),
    Spec(
        "revenue.preview_annual_run",
        revenue.preview_annual_run,
        "finance",
        lambda w: {"fiscal_year": 2027},
        {"fiscal_year": "int"},
    ),
    Spec(
        "revenue.void_income",
        revenue.void_income,
        "finance",
        lambda w: {"income_id": w.income, "reason": "Recorded twice"},
        {"income_id": "id", "reason": "text"},
    ),
    Spec(
        "revenue.list_incomes",
        revenue.list_incomes,
        "finance",
        lambda w: {"offset": 0, "limit": 50},
        {"offset": "int", "limit": "int"},
    ),
    # --- accounts: deactivating someone, and handing over what they hold
    Spec(
        "handover.deactivate",
        handover.deactivate,
        "extra_admin",
        lambda w: {
            "account_id": w.officer.account_id,
            "hand_over_to": w.other_officer.person_id,
            "reason": "Left the office",
        },
        {"account_id": "id", "hand_over_to": "id", "reason": "text", "leave_with_them": "bool"},
    ),
    Spec(
        "handover.hand_over",
        handover.hand_over,
        "director",
        lambda w: {
            "account_id": w.officer.account_id,
            "to_person_id": w.other_officer.person_id,
            "reason": "On leave until May",
        },
        {"account_id": "id", "to_person_id": "id", "reason": "text"},
    ),
    Spec(
        "handover.holdings",
        handover.holdings,
        "director",
        lambda w: {"account_id": w.officer.account_id, "today": TODAY},
        {"account_id": "id", "today": "date"},
    ),
    Spec(
        "accounts.set_account_active",
        auth_services.set_account_active,
        "director",
        lambda w: {"account_id": w.finance.account_id, "active": False},
        {"account_id": "id", "active": "bool"},
    ),
    # --- reports and search
    *(
        Spec(
            f"search.{finder.__name__}",
            finder,
            actor,
            lambda w, text=text: {"text": text, "limit": 20},
            {"text": "text", "limit": "int"},
        )
        for finder, actor, text in (
            (search.search, "officer", "battery"),
            (search.find_cases, "inventor", "solid-state battery"),
            (search.find_agreements, "finance", "AGR-00001"),
            (search.find_companies, "officer", "voltcell"),
            (search.find_people, "director", "alice chen"),
        )
    ),
    Spec(
        "queries.search_disclosures",
        search_disclosures,
        "officer",
        lambda w: {
            "filters": DisclosureFilters(
                text="battery", docket="S27", inventor="Alice", keyword="energy", fiscal_year=2027
            )
        },
        {
            "filters.text": "text",
            "filters.docket": "text",
            "filters.inventor": "text",
            "filters.keyword": "text",
            "filters.department_id": "id",
            "filters.school_id": "id",
            "filters.statuses": "list",
            "filters.officer_person_id": "id",
            "filters.fiscal_year": "int",
            "offset": "int",
            "limit": "int",
        },
    ),
    Spec(
        "dashboard.income_by_type",
        dashboard.income_by_type,
        "director",
        lambda w: {"filters": DashboardFilters(2025, 2027)},
        {
            "filters.first_fiscal_year": "int",
            "filters.last_fiscal_year": "int",
            "filters.school_id": "id",
            "filters.department_id": "id",
            "filters.officer_person_id": "id",
        },
    ),
    Spec(
        "autm.autm_metrics",
        autm.autm_metrics,
        "director",
        lambda w: {"fiscal_year": 2027},
        {"fiscal_year": "int"},
    ),
]


# --- running one call --------------------------------------------------------------------------


def _step(obj, part: str):
    if isinstance(obj, dict):
        return obj[part]
    if isinstance(obj, list | tuple):
        return obj[int(part)]
    return getattr(obj, part)


def _put(kwargs: dict, path: str, value) -> bool:
    """Set the argument at `path` ("form.funding.0.sponsor"); False when an earlier
    replacement took away what the path leads into."""
    *head, last = path.split(".")
    target = kwargs
    try:
        for part in head:
            target = _step(target, part)
        if isinstance(target, dict):
            target[last] = value
        elif isinstance(target, list):
            target[int(last)] = value
        elif isinstance(target, tuple):
            return False
        else:
            object.__setattr__(target, last, value)  # frozen dataclasses too
    except (KeyError, IndexError, AttributeError, TypeError, ValueError):
        return False
    return True


INT_BOUNDS = {"sqlite": 2**63, "postgresql": 2**31}


def _row_counts(session: Session, tables: list[str]) -> tuple:
    """The number of rows of every table, in one query."""
    counts = sa.select(
        *[
            sa.select(sa.func.count()).select_from(sa.table(name)).scalar_subquery().label(name)
            for name in tables
        ]
    )
    with session.no_autoflush:
        return tuple(session.execute(counts).one())


def _pending_changes(session: Session) -> list[str]:
    changed = [f"new {type(o).__name__}" for o in session.new]
    changed += [f"deleted {type(o).__name__}" for o in session.deleted]
    changed += [
        f"changed {type(o).__name__}"
        for o in session.dirty
        if session.is_modified(o, include_collections=False)
    ]
    return changed


def _unfit_values(session: Session, database: str) -> list[str]:
    """Values about to be written that a column cannot hold (on PostgreSQL a driver error; on
    SQLite stored silently): too long, a NUL or a lone surrogate, an integer too large."""
    problems = []
    for obj in [*session.new, *session.dirty]:
        table = getattr(type(obj), "__table__", None)
        if table is None:
            continue
        for column in table.columns:
            value = getattr(obj, column.key, None)
            where = f"{table.name}.{column.name}"
            if isinstance(value, str):
                length = getattr(column.type, "length", None)
                if length is not None and len(value) > length:
                    problems.append(f"{where}: {len(value)} characters, the column holds {length}")
                if "\x00" in value:
                    problems.append(f"{where}: a NUL character")
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    problems.append(f"{where}: a lone surrogate")
            elif isinstance(value, int) and not isinstance(value, bool):
                big = isinstance(column.type, sa.BigInteger)
                bound = 2**63 if big else INT_BOUNDS[database]
                if not -bound <= value < bound:
                    problems.append(f"{where}: {value} does not fit the column")
            elif (
                value is not None
                and isinstance(column.type, sa.Date)
                and (not isinstance(value, date) or isinstance(value, datetime))
            ):
                problems.append(f"{where}: {value!r} is not a date")
    return problems


@dataclass
class Tally:
    tried: int = 0
    succeeded: int = 0
    refused: int = 0
    crashes: Counter = field(default_factory=Counter)
    half_writes: int = 0
    unfit: int = 0
    first: dict[str, str] = field(default_factory=dict)  # kind of failure -> first example

    def note(self, kind: str, detail: str) -> None:
        self.first.setdefault(kind, detail)


TALLIES: dict[tuple[str, str], Tally] = {}


def _describe(changes: dict) -> str:
    return ", ".join(f"{path}={value!r:.80}" for path, value in changes.items())


def _run_once(world: World, spec: Spec, changes: dict, tally: Tally) -> None:
    kwargs = spec.valid(world)
    applied = {path: value for path, value in changes.items() if _put(kwargs, path, value)}
    kwargs = spec.finish(kwargs)
    tally.tried += 1
    what = _describe(applied)
    with Session(world.engine, expire_on_commit=False) as session:
        try:
            before = world.row_counts
            try:
                spec.service(session, actor=getattr(world, spec.actor), **kwargs)
                unfit = _unfit_values(session, world.database)
                if unfit:
                    tally.unfit += 1
                    tally.note(f"unfit: {unfit[0]}", what)
                session.flush()  # what the caller's commit would do
                tally.succeeded += 1
            except DomainError as refusal:
                tally.refused += 1
                tally.note("ok: refused", f"{what} -> {refusal}")
                after = _row_counts(session, world.tables)
                pending = _pending_changes(session)
                if after != before or pending:
                    tally.half_writes += 1
                    changed = [
                        t for t, b, a in zip(world.tables, before, after, strict=True) if a != b
                    ]
                    tally.note(f"half-write: {changed + pending}", f"{what} -> {refusal}")
                session.execute(sa.text("SELECT 1"))  # still usable
        except Exception as crash:
            kind = f"{type(crash).__module__}.{type(crash).__name__}"
            tally.crashes[kind] += 1
            frame = traceback.extract_tb(crash.__traceback__)[-1]
            tally.note(
                f"crash: {kind}",
                f"{what} -> {str(crash).splitlines()[0][:160] if str(crash) else ''} "
                f"({Path(frame.filename).name}:{frame.lineno})",
            )
        finally:
            session.rollback()


def _changes(spec: Spec):
    paths = sorted(spec.slots)
    return st.lists(st.sampled_from(paths), min_size=1, max_size=3, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({p: hostile(spec.slots[p]) for p in chosen})
    )


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_bad_input_is_refused_by_a_domain_error_and_writes_nothing(world, spec):
    tally = TALLIES.setdefault((spec.name, world.database), Tally())
    # The valid call itself must work, so that every example starts from a sound call.
    _run_once(world, spec, {}, tally)
    assert tally.succeeded == 1, f"the valid call of {spec.name} failed: {tally.first}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(changes=_changes(spec))
    def feed(changes):
        _run_once(world, spec, changes, tally)

    feed()
    failures = {k: v for k, v in tally.first.items() if not k.startswith("ok")}
    assert not tally.crashes and not tally.half_writes and not tally.unfit, (
        f"{spec.name} on {world.database}: {tally.tried} inputs, "
        f"{sum(tally.crashes.values())} crashes, {tally.half_writes} half-writes, "
        f"{tally.unfit} unfit values accepted:\n"
        + "\n".join(f"  {kind}\n      {example}" for kind, example in failures.items())
    )


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if not REPORT:
        return
    rows = [
        {
            "service": service,
            "database": database,
            "tried": t.tried,
            "succeeded": t.succeeded,
            "refused": t.refused,
            "crashes": sum(t.crashes.values()),
            "crash_types": dict(t.crashes),
            "half_writes": t.half_writes,
            "unfit": t.unfit,
            "first": t.first,
        }
        for (service, database), t in sorted(TALLIES.items())
    ]
    Path(REPORT).write_text(json.dumps(rows, indent=2, default=str), "utf-8")


# What a licensee may do of all the services above: file its own company's reports; and the
# agreement page's parsers of typed text, which read and write nothing.
LICENSEE_MAY = {
    "royalty_reports.submit_report",
    "royalty_reports.submit_zero_report",
    "agreements.parse_milestone_lines",
    "agreements.parse_rate_lines",
    "agreements.parse_amount_list",
}


@pytest.mark.parametrize("spec", SPECS, ids=[spec.name for spec in SPECS])
def test_a_licensee_may_use_no_service_of_the_office(world, spec):
    """Each service's valid call, made by a licensee of the company every agreement here is
    with: refused, unless it is the licensee's own (its company's royalty reports)."""
    kwargs = spec.finish(spec.valid(world))
    with Session(world.engine, expire_on_commit=False) as session:
        try:
            if spec.name in LICENSEE_MAY:
                spec.service(session, actor=world.licensee, **kwargs)
            else:
                with pytest.raises(PermissionDenied):
                    spec.service(session, actor=world.licensee, **kwargs)
        finally:
            session.rollback()
