"""The royalty terms of an agreement (issue 17, "Terms that can express real licenses"): tiers by
cumulative net sales, minimum annual royalties, late-payment interest, the days a report is due
and its currencies, saved with the agreement, read back as the terms the royalty function takes,
printed in the Word draft and used by the obligations and the docket."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import sqlalchemy as sa
from alembic import command
from docx import Document
from sqlmodel import select

from tests.clock import TODAY
from tests.services.test_agreements import exclusive_form, filed_technology, licensee, save
from tlo import db
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied, ValidationError
from tlo.licensing import agreements, drafts, royalty, terms
from tlo.licensing.agreement_models import Agreement, AgreementStatus
from tlo.licensing.terms import MinimumEntry, Tier, TierEntry
from tlo.patents import services as patents
from tlo.patents.services import DocketFilters

KITS = "Diagnostic kits"
ISSUE_TIERS = [TierEntry("4", "5000000"), TierEntry("3", "20000000"), TierEntry("2")]
# The issue's report and what it owes (1,000,000 at 3 % up to 20M, 1,090,000 at 2 %; 60 days
# late at 12 %).
ISSUE_REPORT = {
    "period_start": "2026-10-01",
    "period_end": "2026-12-31",
    "lines": [
        {
            "product": KITS,
            "gross_sales": "2000000.00",
            "deductions": "100000.00",
            "currency": "EUR",
            "to_usd": "1.1000",
            "units": 1200,
            "country_of_manufacture": "DE",
        }
    ],
    "sublicense_income": "75000.00",
    "cumulative_net_sales_before": {KITS: "19000000.00"},
    "running_royalties_earlier_this_year": "20000.00",
    "due_on": "2027-02-14",
    "paid_on": "2027-04-15",
}
ISSUE_OWED = {
    "lines": [{"product": KITS, "net_sales_usd": "2090000.00", "royalty": "51800.00"}],
    "running_royalty": "51800.00",
    "sublicense_fees": "15000.00",
    "minimum_top_up": "0.00",
    "interest": "1317.70",
    "total_due": "68117.70",
}


def issue_license(engine, office, **extra) -> int:
    """The issue's terms on an exclusive license drafted by the officer."""
    case_id, _ = filed_technology(engine, office)
    fields = dict(
        effective_date=date(2024, 1, 1),
        royalty_rates=[(KITS, ISSUE_TIERS)],
        sublicense_share="20",
        minimum_annual_royalty=[MinimumEntry(2026, "50000")],
        late_interest_percent="12",
        report_due_days=45,
        report_currencies=["USD", "EUR"],
    )
    return save(
        engine,
        office.officer,
        exclusive_form(licensee(engine, office), [case_id], **(fields | extra)),
    )


def read(engine, actor, agreement_id):
    with unit_of_work(engine) as session:
        return agreements.get_agreement(session, actor=actor, agreement_id=agreement_id)


def terms_json(engine, actor, agreement_id) -> dict:
    with unit_of_work(engine) as session:
        return terms.royalty_terms(session, agreement_id, actor=actor)


def test_a_license_keeps_its_tiers_minimums_interest_report_days_and_currencies(engine, office):
    agreement_id = issue_license(engine, office, report_due_days=60)
    view = read(engine, office.finance, agreement_id)
    [rate] = view.royalty_rates
    assert rate.applies_to == KITS
    assert rate.tiers == (
        Tier(Decimal("5000000.00"), Decimal(4)),
        Tier(Decimal("20000000.00"), Decimal(3)),
        Tier(None, Decimal(2)),
    )
    assert [(m.year, m.amount) for m in view.minimum_royalties] == [(2026, Decimal("50000.00"))]
    assert view.agreement.late_interest_bp == 1200
    assert view.agreement.report_due_days == 60
    assert terms.currencies_of(view.agreement) == ["USD", "EUR"]


def test_the_terms_json_is_what_the_royalty_function_reads_and_owes_the_issues_example(
    engine, office
):
    agreement_id = issue_license(engine, office)
    given = terms_json(engine, office.finance, agreement_id)
    assert given["royalty_rates"] == [
        {
            "applies_to": KITS,
            "tiers": [
                {"up_to": "5000000.00", "percent": "4"},
                {"up_to": "20000000.00", "percent": "3"},
                {"percent": "2"},
            ],
        }
    ]
    assert given["effective_date"] == "2024-01-01"
    assert given["sublicense_share_percent"] == "20"
    assert given["minimum_annual_royalty"] == [{"year": 2026, "amount": "50000.00"}]
    assert given["late_interest_percent_per_year"] == "12"
    assert given["report_due_days"] == 45 and given["report_currencies"] == ["USD", "EUR"]
    parsed = royalty.parse_terms(given)
    assert royalty.compute(parsed, royalty.parse_report(ISSUE_REPORT, parsed)) == ISSUE_OWED
    # and the minimum tops up a year whose royalties fall short of it
    short = ISSUE_REPORT | {"running_royalties_earlier_this_year": "0", "paid_on": None}
    owed = royalty.due(given, short)
    assert owed["minimum_top_up"] == "0.00"  # 51,800 of running royalties: above 50,000
    small = short | {
        "cumulative_net_sales_before": {KITS: "0"},
        "lines": [ISSUE_REPORT["lines"][0] | {"gross_sales": "100000.00", "deductions": "0"}],
    }
    owed = royalty.due(given, small)
    assert (owed["running_royalty"], owed["minimum_top_up"]) == ("4400.00", "45600.00")


def test_a_rate_recorded_as_one_percent_is_a_one_tier_schedule(engine, office):
    case_id, _ = filed_technology(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(licensee(engine, office), [case_id]))
    given = terms_json(engine, office.officer, agreement_id)
    assert given["royalty_rates"] == [
        {"applies_to": "Net sales of licensed products", "tiers": [{"percent": "3"}]}
    ]
    assert given["minimum_annual_royalty"] == []
    assert given["late_interest_percent_per_year"] == "0"
    assert given["report_due_days"] == 45 and given["report_currencies"] == ["USD"]
    report = {
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "lines": [{"product": "Net sales of licensed products", "gross_sales": "1000.05"}],
    }
    assert royalty.due(given, report)["running_royalty"] == "30.00"  # 30.0015, half up


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {
                "royalty_rates": [
                    (KITS, [TierEntry("4", "5000000"), TierEntry("3", "5000000"), TierEntry("2")])
                ]
            },
            "ascend",
        ),
        (
            {"royalty_rates": [(KITS, [TierEntry("4"), TierEntry("2")])]},
            "only the last tier has no bound",
        ),
        (
            {"royalty_rates": [(KITS, [TierEntry("4", "5000000"), TierEntry("2", "9000000")])]},
            "Leave its 'up to' empty",
        ),
        (
            {"royalty_rates": [(KITS, [TierEntry("140", "5000000"), TierEntry("2")])]},
            "between 0 % and 100 %",
        ),
        (
            {"royalty_rates": [(KITS, [TierEntry("-1", "5000000"), TierEntry("2")])]},
            "between 0 % and 100 %",
        ),
        ({"royalty_rates": [(KITS, [TierEntry("4", "-5"), TierEntry("2")])]}, "above 0"),
        (
            {"royalty_rates": [(KITS, [TierEntry("4", "five million"), TierEntry("2")])]},
            "not an amount",
        ),
        ({"royalty_rates": [(KITS, [TierEntry(4.5)])]}, "percentage such as"),
        ({"royalty_rates": [(KITS, [TierEntry("0")])]}, "above 0 %"),
        ({"royalty_rates": [(KITS, "3"), (KITS, "2")]}, "given twice"),
        ({"royalty_rates": [(KITS, [("4", "5000000")])]}, "its percent and bound"),
        ({"minimum_annual_royalty": [(2026, "50000"), (2026, "1")]}, "given twice"),
        ({"minimum_annual_royalty": [(2023, "50000")]}, "before the agreement takes effect"),
        ({"minimum_annual_royalty": [(2026, "0")]}, "above 0"),
        ({"minimum_annual_royalty": [("2026", "50000")]}, "whole number"),
        ({"late_interest_percent": "101"}, "between 0 % and 100 %"),
        ({"late_interest_percent": 12.5}, "percentage such as"),
        ({"report_due_days": 0}, "between 1 and 365"),
        ({"report_due_days": 366}, "between 1 and 365"),
        ({"report_due_days": "45"}, "whole number"),
        ({"report_currencies": "USD, EURO"}, "not a currency code"),
        ({"report_currencies": "USD, usd"}, "named twice"),
        ({"report_currencies": ""}, "at least one currency"),
    ],
)
def test_terms_that_cannot_be_are_refused_and_nothing_is_saved(engine, office, changes, message):
    agreement_id = issue_license(engine, office)
    before = read(engine, office.officer, agreement_id)
    case_id = before.technologies[0][0].id
    fields = {
        "effective_date": date(2024, 1, 1),
        "royalty_rates": [("Other", "9")],
        "report_due_days": 30,
    }
    form = exclusive_form(before.company.id, [case_id], **(fields | changes))
    with pytest.raises(ValidationError, match=message):
        save(engine, office.officer, form, agreement_id)
    after = read(engine, office.officer, agreement_id)
    assert after.royalty_rates == before.royalty_rates
    assert after.minimum_royalties == before.minimum_royalties
    assert after.agreement.report_due_days == 45


def test_royalty_terms_are_changed_by_the_assigned_officer_or_the_director_and_audited(
    engine, office
):
    agreement_id = issue_license(engine, office)
    view = read(engine, office.officer, agreement_id)
    form = exclusive_form(
        view.company.id,
        [view.technologies[0][0].id],
        effective_date=date(2024, 1, 1),
        royalty_rates=[(KITS, [TierEntry("5", "1000000"), TierEntry("3.25")])],
        minimum_annual_royalty=[(2027, "60000"), (2026, "40000")],
        late_interest_percent="10",
        report_due_days=30,
        report_currencies="usd eur gbp",
    )
    for outsider in (office.other_officer, office.finance):
        with pytest.raises(PermissionDenied):
            save(engine, outsider, form, agreement_id)
    save(engine, office.director, form, agreement_id)
    given = terms_json(engine, office.finance, agreement_id)
    assert given["royalty_rates"][0]["tiers"] == [
        {"up_to": "1000000.00", "percent": "5"},
        {"percent": "3.25"},
    ]
    assert given["minimum_annual_royalty"] == [
        {"year": 2026, "amount": "40000.00"},
        {"year": 2027, "amount": "60000.00"},
    ]
    assert given["late_interest_percent_per_year"] == "10"
    assert given["report_due_days"] == 30
    assert given["report_currencies"] == ["USD", "EUR", "GBP"]
    with unit_of_work(engine) as session:
        entry = session.exec(
            select(AuditEntry)
            .where(
                AuditEntry.action == "agreement.saved", AuditEntry.object_id == str(agreement_id)
            )
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.actor_name == "Diane Whitfield"
    assert entry.before["royalty_rates"][0]["tiers"][0] == {"up_to": "5000000.00", "percent": "4"}
    assert entry.before["minimum_annual_royalty"] == [{"year": 2026, "amount": "50000.00"}]
    assert entry.after["royalty_rates"][0]["tiers"][1] == {"percent": "3.25"}
    assert entry.before["late_interest_bp"] == 1200 and entry.after["late_interest_bp"] == 1000
    assert entry.after["report_due_days"] == 30


def test_only_staff_who_read_agreements_read_their_royalty_terms(engine, office):
    agreement_id = issue_license(engine, office)
    for reader in (office.officer, office.other_officer, office.director, office.finance):
        assert terms_json(engine, reader, agreement_id)["agreement"].startswith("AGR-")
    with pytest.raises(PermissionDenied):
        terms_json(engine, office.inventor, agreement_id)


def test_terms_without_an_effective_date_or_a_rate_cannot_compute_a_royalty(engine, office):
    case_id, _ = filed_technology(engine, office)
    company_id = licensee(engine, office)
    undated = save(
        engine, office.officer, exclusive_form(company_id, [case_id], effective_date=None)
    )
    no_rate = save(engine, office.officer, exclusive_form(company_id, [case_id], royalty_rates=[]))
    with pytest.raises(ValidationError, match="no effective date"):
        terms_json(engine, office.finance, undated)
    with pytest.raises(ValidationError, match="no royalty rates"):
        terms_json(engine, office.finance, no_rate)


def executed(engine, office, agreement_id, signed_on):
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=signed_on,
        )


def test_royalty_reports_fall_due_the_agreements_report_days_after_each_period(engine, office):
    start = TODAY - timedelta(days=400)
    agreement_id = issue_license(
        engine, office, effective_date=start, report_due_days=60, minimum_annual_royalty=[]
    )
    executed(engine, office, agreement_id, start)
    with unit_of_work(engine) as session:
        reports = [
            e.obligation
            for e in agreements.obligations(
                session, actor=office.officer, agreement_id=agreement_id
            )
            if e.obligation.kind == "report"
        ]
        docket = patents.docket(
            session,
            actor=office.officer,
            filters=DocketFilters(kind="license", include_closed=True),
        )
        computed = patents.computed_docket(
            session,
            actor=office.officer,
            filters=DocketFilters(kind="license", include_closed=True),
        )
    assert reports
    for report in reports:
        period_end = date.fromisoformat(report.key.split(":", 1)[1])
        assert report.due == period_end + timedelta(days=60)
    on_docket = {
        e.item.label: e.item.due for e in docket.entries if "Royalty report" in e.item.label
    }
    assert on_docket and on_docket == {
        r.description: r.due for r in reports if r.description in on_docket
    }
    assert docket.entries == computed.entries


def test_a_changed_report_due_days_moves_the_stored_docket(engine, office):
    start = TODAY - timedelta(days=400)
    agreement_id = issue_license(engine, office, effective_date=start, minimum_annual_royalty=[])
    executed(engine, office, agreement_id, start)
    with unit_of_work(engine) as session:  # as a correction written straight to the record
        session.get(Agreement, agreement_id).report_due_days = 90
    with unit_of_work(engine) as session:
        filters = DocketFilters(kind="license", include_closed=True)
        stored = patents.docket(session, actor=office.officer, filters=filters)
        computed = patents.computed_docket(session, actor=office.officer, filters=filters)
    assert stored.entries == computed.entries
    dues = [(e.item.label, e.item.due) for e in stored.entries if "Royalty report" in e.item.label]
    assert dues
    for label, due in dues:
        assert due == date.fromisoformat(label.rsplit(" ", 1)[1]) + timedelta(days=90)


def word_paragraphs(content: bytes) -> str:
    return "\n".join(p.text for p in Document(BytesIO(content)).paragraphs)


def draft_text(engine, office, agreement_id) -> str:
    with unit_of_work(engine) as session:
        draft = drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
        return word_paragraphs(drafts.read_draft(session, actor=office.officer, draft_id=draft.id))


def test_the_word_draft_prints_the_tiers_minimum_interest_and_report_days(
    engine, office, tmp_path, monkeypatch
):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    agreement_id = issue_license(
        engine,
        office,
        minimum_annual_royalty=[(2026, "50000"), (2027, "75000")],
        report_due_days=60,
    )
    text = draft_text(engine, office, agreement_id)
    assert (
        "5.3 Running royalties on Net Sales: 4 % of Net Sales up to $5,000,000.00, 3 % of Net "
        "Sales above $5,000,000.00 up to $20,000,000.00 and 2 % of Net Sales above "
        "$20,000,000.00 (Diagnostic kits; the tiers are of cumulative Net Sales since the "
        "Effective Date)."
    ) in text
    assert (
        "5.4 Minimum annual royalty: $50,000.00 for calendar year 2026; $75,000.00 for calendar "
        "year 2027, each credited by the running royalties of its calendar year; any shortfall "
        "is due with the report for the period ending 31 December of that year."
    ) in text
    assert "until it is paid, at 12 % a year, or at the highest rate" in text
    assert "reports within 60 days after each period" in text
    assert "the Net Sales by country (in USD or EUR)" in text
    assert "{{" not in text and "{%" not in text


def test_a_draft_without_agreed_interest_or_minimum_says_so(engine, office, tmp_path, monkeypatch):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    case_id, _ = filed_technology(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(licensee(engine, office), [case_id]))
    text = draft_text(engine, office, agreement_id)
    assert (
        "5.3 Running royalties on Net Sales: 3 % of Net Sales (Net sales of licensed products)."
        in text
    )
    assert "5.4 Minimum annual royalty: none." in text
    assert "5.5 Equity" not in text  # no equity: the paragraph is left out
    assert (
        "at [the prime rate published in The Wall Street Journal (U.S. edition) on the due date "
        "plus two percentage points] a year" in text
    )
    assert "reports within 45 days after each period" in text
    assert "(in USD)" in text


def test_agreements_recorded_before_keep_their_rate_as_one_tier_and_45_days(engine, office):
    """Down to 0029 (the rate back on royalty_rate, from its first tier) and up again."""
    agreement_id = issue_license(engine, office)
    case_id, _ = filed_technology(engine, office, "Anode")
    single = save(
        engine, office.officer, exclusive_form(licensee(engine, office, "Other Co"), [case_id])
    )
    url = engine.url.render_as_string(hide_password=False)
    config = db.alembic_config(url)
    command.downgrade(config, "0029")
    with engine.connect() as connection:
        rates = dict(
            connection.execute(
                sa.text("SELECT agreement_id, rate_bp FROM royalty_rate ORDER BY id")
            ).all()
        )
    assert rates == {agreement_id: 400, single: 300}  # a tiered schedule keeps its first tier
    command.upgrade(config, "head")
    assert terms_json(engine, office.officer, single)["royalty_rates"] == [
        {"applies_to": "Net sales of licensed products", "tiers": [{"percent": "3"}]}
    ]
    given = terms_json(engine, office.officer, agreement_id)
    assert given["royalty_rates"][0]["tiers"] == [{"percent": "4"}]
    assert (given["report_due_days"], given["late_interest_percent_per_year"]) == (45, "0")
    assert given["minimum_annual_royalty"] == [] and given["report_currencies"] == ["USD"]


def test_rates_typed_on_the_page_are_read_with_their_tiers():
    typed = "Diagnostic kits; 4 % up to 5,000,000; 3 % up to $20,000,000.00; 2 %\nReagents; 1.5"
    assert terms.parse_rate_lines(typed) == [
        (KITS, [TierEntry("4", "5,000,000"), TierEntry("3", "$20,000,000.00"), TierEntry("2")]),
        ("Reagents", [TierEntry("1.5")]),
    ]
    checked = terms.clean_rates(terms.parse_rate_lines(typed))
    assert checked == [
        (KITS, ((500_000_000, 400), (2_000_000_000, 300), (None, 200))),
        ("Reagents", ((None, 150),)),
    ]
    shown = terms.rate_lines(
        [
            terms.Rate(
                KITS,
                (Tier(Decimal("5000000.00"), Decimal(4)), Tier(None, Decimal("2.5"))),
            )
        ]
    )
    assert shown == "Diagnostic kits; 4 % up to 5,000,000.00; 2.5 %"
    assert terms.clean_rates(terms.parse_rate_lines(shown)) == [
        (KITS, ((500_000_000, 400), (None, 250)))
    ]
    with pytest.raises(ValidationError, match="Royalty line 1"):
        terms.parse_rate_lines("Diagnostic kits")
    assert terms.clean_rates(terms.parse_rate_lines("3")) == [
        ("All licensed products", ((None, 300),))
    ]
    assert terms.parse_minimum_lines("2027; 50,000\n\n2028; 75000") == [
        MinimumEntry(2027, "50,000"),
        MinimumEntry(2028, "75000"),
    ]
    with pytest.raises(ValidationError, match="Minimum line 1"):
        terms.parse_minimum_lines("next year; 50000")
