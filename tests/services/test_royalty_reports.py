"""Royalty reports and licensee invoices on a real database: a licensee files a report, finance
approves it (what it owes is the royalty function's, fed by the reports approved before it) and
an invoice follows; zero reports, rejections, the order of approvals, bad input all listed, the
licensee role seeing only its own company's, invoices from obligations, and aging."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import func, select

from tests.clock import TODAY
from tests.factories import make_actor
from tests.services.test_agreements import exclusive_form, licensee, save
from tests.services.test_revenue import technology
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.auth.permissions import system_actor
from tlo.db import unit_of_work
from tlo.errors import FormErrors, NotFound, PermissionDenied, ValidationError
from tlo.licensing import agreements, invoices, report_workbook, royalty
from tlo.licensing import royalty_reports as reports
from tlo.licensing.agreement_models import AgreementStatus
from tlo.licensing.receivable_models import LicenseeInvoice, RoyaltyReport, RoyaltyReportLine
from tlo.licensing.terms import TierEntry
from tlo.patents.models import DocketItemState

YEAR = TODAY.year - 2  # every quarter of it has ended, on any day the suite runs
KITS = "Diagnostic kits"
TIERS = [TierEntry("4", "5000000"), TierEntry("3", "20000000"), TierEntry("2")]


def quarter_end(n: int) -> date:
    return {1: date(YEAR, 3, 31), 2: date(YEAR, 6, 30), 3: date(YEAR, 9, 30)}.get(
        n, date(YEAR, 12, 31)
    )


def executed(engine, office, *, company="Assay Diagnostics Inc.", **terms) -> int:
    case_id = technology(engine, office, title=f"Assay {company}")
    fields = dict(
        effective_date=date(YEAR, 1, 1),
        term_months=120,
        royalty_rates=[(KITS, TIERS)],
        minimum_annual_royalty=[(YEAR, "50000")],
        sublicense_share="20",
        report_currencies="USD, EUR",
        late_interest_percent="12",
    )
    agreement_id = save(
        engine,
        office.officer,
        exclusive_form(licensee(engine, office, company), [case_id], **(fields | terms)),
    )
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=date(YEAR, 1, 1),
        )
    return agreement_id


def licensee_of(engine, agreement_id):
    """A licensee's account at the agreement's company, signed in."""
    actor = make_actor(engine, Role.LICENSEE, name="Lena Licensee")
    with unit_of_work(engine) as session:
        company_id = session.get(agreements.Agreement, agreement_id).company_id
        accounts.set_licensee_company(
            session,
            actor=accounts_admin(engine),
            account_id=actor.account_id,
            company_id=company_id,
        )
        return accounts.load_actor(session, actor.account_id)


def accounts_admin(engine):
    return system_actor("tests")


def line(gross, product=KITS, **extra):
    return {"product": product, "gross_sales": gross, **extra}


def file(engine, actor, agreement_id, quarter, lines, **extra):
    with unit_of_work(engine) as session:
        return reports.submit_report(
            session,
            actor=actor,
            agreement_id=agreement_id,
            period_end=quarter_end(quarter),
            lines=lines,
            **extra,
        ).id


def approve(engine, office, report_id):
    with unit_of_work(engine) as session:
        invoice = reports.approve_report(session, actor=office.finance, report_id=report_id)
        return (invoice.number, invoice.amount_cents) if invoice else None


@pytest.fixture
def agreement(engine, office):
    return executed(engine, office)


def test_a_licensee_files_a_report_and_finance_approves_what_it_owes(engine, office, agreement):
    lena = licensee_of(engine, agreement)
    report_id = file(
        engine,
        lena,
        agreement,
        1,
        [
            line(
                "2000000.00",
                deductions="100000.00",
                currency="EUR",
                to_usd="1.1000",
                units=1200,
                country_of_manufacture="de",
                country_of_sale="FR",
            )
        ],
        sublicense_income="75000.00",
        source="uploaded",
        remitted="90000.00",
    )
    with unit_of_work(engine) as session:
        view = reports.get_report(session, actor=office.finance, report_id=report_id)
    # 1,900,000 EUR at 1.1 = 2,090,000 USD, all in the 4 % tier; 20 % of the sublicense income
    assert view.owed["lines"] == [
        {"product": KITS, "net_sales_usd": "2090000.00", "royalty": "83600.00"}
    ]
    assert (view.owed["sublicense_fees"], view.owed["total_due"]) == ("15000.00", "98600.00")
    assert view.cannot_approve is None
    assert view.short_paid_cents == 860_000  # it paid 90,000.00 of 98,600.00
    assert view.lines[0].country_of_manufacture == "DE"
    assert approve(engine, office, report_id) == (f"INV-{TODAY.year}-0001", 9_860_000)
    with unit_of_work(engine) as session:
        view = reports.get_report(session, actor=lena, report_id=report_id)
        assert view.report.status == "approved" and view.invoice_number == f"INV-{TODAY.year}-0001"
        assert view.owed["total_due"] == "98600.00"
        assert view.lines[0].net_sales_usd_cents == 209_000_000
        mark = session.exec(
            select(DocketItemState).where(
                DocketItemState.key == f"agr{agreement}:royalty_report:{quarter_end(1)}"
            )
        ).one()
        assert mark.state == "done"
        entries = agreements.obligations(session, actor=office.officer, agreement_id=agreement)
        assert {e.obligation.key: e.state for e in entries}[
            f"royalty_report:{quarter_end(1)}"
        ] == "done"


def test_tiers_count_the_sales_of_the_reports_approved_before(engine, office, agreement):
    first = file(engine, office.finance, agreement, 1, [line("4000000.00")])
    assert approve(engine, office, first)[1] == 16_000_000  # 4 % of 4M
    # 2M more: 1M up to the 5M threshold at 4 %, 1M above it at 3 %
    second = file(engine, office.finance, agreement, 2, [line("2000000.00")])
    with unit_of_work(engine) as session:
        view = reports.get_report(session, actor=office.finance, report_id=second)
        expected = royalty.due(
            reports.royalty_terms.royalty_terms(session, agreement, actor=office.finance),
            reports.report_json(session, view.report, view.agreement),
        )
    assert view.owed == expected
    assert view.owed["running_royalty"] == "70000.00"
    assert approve(engine, office, second)[1] == 7_000_000


def test_the_years_last_report_tops_up_the_minimum(engine, office, agreement):
    for quarter, gross in ((1, "100000.00"), (2, "100000.00"), (3, "100000.00")):
        approve(engine, office, file(engine, office.finance, agreement, quarter, [line(gross)]))
    q4 = file(engine, office.finance, agreement, 4, [line("100000.00")])
    with unit_of_work(engine) as session:
        owed = reports.get_report(session, actor=office.finance, report_id=q4).owed
    # four quarters at 4 % of 100,000 = 16,000: 34,000 short of the 50,000 minimum
    assert (owed["running_royalty"], owed["minimum_top_up"]) == ("4000.00", "34000.00")
    assert approve(engine, office, q4)[1] == 3_800_000


def test_a_zero_report_in_one_click_owes_nothing_and_closes_the_period(engine, office, agreement):
    lena = licensee_of(engine, agreement)
    with unit_of_work(engine) as session:
        report = reports.submit_zero_report(
            session, actor=lena, agreement_id=agreement, period_end=quarter_end(1)
        )
        assert report.zero and report.source == "zero"
    assert approve(engine, office, report.id) is None
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(LicenseeInvoice)).one() == 0
        periods = reports.reportable_periods(session, actor=lena, agreement_id=agreement)
        assert [p.end for p, r in periods if r is not None] == [quarter_end(1)]
        assert periods[-1][0].start == date(YEAR, 1, 1)


def test_a_rejected_report_tells_the_licensee_why_and_may_be_filed_again(engine, office, agreement):
    lena = licensee_of(engine, agreement)
    first = file(engine, lena, agreement, 1, [line("1000.00")])
    with pytest.raises(ValidationError, match="already reported"):
        file(engine, lena, agreement, 1, [line("2000.00")])
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="Give the reason"):
        reports.reject_report(session, actor=office.finance, report_id=first, reason="  ")
    with unit_of_work(engine) as session:
        reports.reject_report(
            session, actor=office.finance, report_id=first, reason="Units are missing."
        )
    with unit_of_work(engine) as session:
        view = reports.get_report(session, actor=lena, report_id=first)
        assert (view.report.status, view.report.reject_reason) == ("rejected", "Units are missing.")
        with pytest.raises(ValidationError, match="rejected"):
            reports.approve_report(session, actor=office.finance, report_id=first)
    second = file(engine, lena, agreement, 1, [line("1000.00", units=3)])
    assert approve(engine, office, second)[1] == 4_000


def test_reports_are_approved_in_period_order(engine, office, agreement):
    q1 = file(engine, office.finance, agreement, 1, [line("1000.00")])
    q2 = file(engine, office.finance, agreement, 2, [line("1000.00")])
    with unit_of_work(engine) as session:
        view = reports.get_report(session, actor=office.finance, report_id=q2)
        assert view.owed is None and "waits for review" in view.cannot_approve
        with pytest.raises(ValidationError, match="waits for review"):
            reports.approve_report(session, actor=office.finance, report_id=q2)
    with unit_of_work(engine) as session:
        reports.reject_report(session, actor=office.finance, report_id=q1, reason="Wrong kits.")
    # Q1 sent back: Q2 waits for it (its sales count towards Q2's tiers and the minimum)
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="not reported"):
        reports.approve_report(session, actor=office.finance, report_id=q2)
    with unit_of_work(engine) as session:
        agreements.mark_obligation(
            session,
            actor=office.officer,
            agreement_id=agreement,
            key=f"agr{agreement}:royalty_report:{quarter_end(1)}",
            state="waived",
            note="No sales before launch, by letter",
        )
    approve(engine, office, q2)
    late_q1 = file(engine, office.finance, agreement, 1, [line("1000.00")])
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="later period"):
        reports.approve_report(session, actor=office.finance, report_id=late_q1)


def test_a_terminated_license_reports_no_period_after_it_ended(engine, office, agreement):
    with unit_of_work(engine) as session:
        row = session.get(agreements.Agreement, agreement)
        row.ended_on = quarter_end(2) - timedelta(days=10)
        row.status = "terminated"
        session.add(row)
    with unit_of_work(engine) as session:
        ends = [p.end for p in reports.periods_of(session.get(agreements.Agreement, agreement))]
    assert ends == [quarter_end(1), quarter_end(2)]


def test_every_bad_line_is_listed_and_nothing_is_kept(engine, office, agreement):
    bad = [
        line("-5.00"),
        line("100.00"),
        line("100.00", product="Kits"),
        line("100.00", currency="EUR"),
        line("100.00", currency="GBP", to_usd="1.3"),
        line("100.00", deductions="200.00"),
        line("100.00", country_of_manufacture="Germany"),
        line("100.001"),
        line(1.5),
        line("100.00", units=-2),
        line("100.00", units="²"),
    ]
    with pytest.raises(FormErrors) as caught:
        file(engine, office.finance, agreement, 1, bad)
    numbers = [p.message.split(":")[0] for p in caught.value.problems]
    assert numbers == [f"Line {n}" for n in (1, 3, 4, 5, 6, 7, 8, 9, 10, 11)]
    assert "EUR gives its rate to USD" in str(caught.value)
    assert "not 'GBP'" in str(caught.value)
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(RoyaltyReport)).one() == 0
        assert session.exec(select(func.count()).select_from(RoyaltyReportLine)).one() == 0


@pytest.mark.parametrize(
    "period_end, message",
    [
        (date(YEAR, 2, 28), "not the end of a reporting period"),
        (date(YEAR + 10, 3, 31), "not the end of a reporting period"),
        ("2024-03-31", "must be a date"),
    ],
)
def test_a_report_is_of_one_of_the_agreements_periods(
    engine, office, agreement, period_end, message
):
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match=message):
        reports.submit_report(
            session,
            actor=office.finance,
            agreement_id=agreement,
            period_end=period_end,
            lines=[line("1.00")],
        )


def test_a_period_not_ended_is_not_reported_yet(engine, office):
    agreement = executed(
        engine, office, effective_date=TODAY - timedelta(days=10), minimum_annual_royalty=[]
    )
    with unit_of_work(engine) as session:
        first = reports.periods_of(session.get(agreements.Agreement, agreement))[0]
        with pytest.raises(ValidationError, match="has not ended yet"):
            reports.submit_report(
                session,
                actor=office.finance,
                agreement_id=agreement,
                period_end=first.end,
                lines=[line("1.00")],
            )
        assert (
            reports.reportable_periods(session, actor=office.finance, agreement_id=agreement) == []
        )


def test_a_report_without_sales_is_a_zero_report(engine, office, agreement):
    with pytest.raises(ValidationError, match="file a zero report"):
        file(engine, office.finance, agreement, 1, [])


def test_a_licensee_sees_only_its_own_companys_reports_and_invoices(engine, office, agreement):
    other = executed(engine, office, company="Rival Assays LLC")
    lena, rita = licensee_of(engine, agreement), licensee_of(engine, other)
    mine = file(engine, lena, agreement, 1, [line("1000.00")])
    approve(engine, office, mine)
    with pytest.raises(PermissionDenied):
        file(engine, rita, agreement, 2, [line("1000.00")])
    with unit_of_work(engine) as session:
        with pytest.raises(PermissionDenied):
            reports.get_report(session, actor=rita, report_id=mine)
        with pytest.raises(PermissionDenied):
            reports.reportable_periods(session, actor=rita, agreement_id=agreement)
        with pytest.raises(PermissionDenied):
            reports.approve_report(session, actor=lena, report_id=mine)
        with pytest.raises(PermissionDenied):
            reports.reject_report(session, actor=lena, report_id=mine, reason="mine")
        with pytest.raises(PermissionDenied):
            agreements.get_agreement(session, actor=lena, agreement_id=agreement)
        with pytest.raises(PermissionDenied):
            invoices.invoice_obligation(
                session, actor=lena, agreement_id=agreement, key=f"agr{agreement}:upfront_fee"
            )
        assert [r.report.id for r in reports.list_reports(session, actor=lena).items] == [mine]
        assert reports.list_reports(session, actor=rita).total == 0
        assert invoices.list_invoices(session, actor=lena).total == 1
        assert invoices.list_invoices(session, actor=rita).total == 0
        assert [row.company for row in invoices.aging(session, actor=lena)] == [
            "Assay Diagnostics Inc."
        ]
        assert invoices.aging(session, actor=rita) == []
        staff = reports.list_reports(session, actor=office.officer)
        assert staff.total == 1


def test_a_licensee_without_a_company_sees_nothing(engine, office, agreement):
    loose = make_actor(engine, Role.LICENSEE)
    file(engine, office.finance, agreement, 1, [line("1000.00")])
    with unit_of_work(engine) as session:
        assert loose.company_ids == frozenset()
        assert reports.list_reports(session, actor=loose).total == 0


def test_a_licensees_account_holds_that_role_alone_and_belongs_to_a_company(engine, office):
    with pytest.raises(ValidationError, match="licensee role only"):
        make_actor(engine, Role.LICENSEE, Role.OFFICER)
    company = licensee(engine, office, "Only Co.")
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationError, match="Only a licensee"):
            accounts.set_licensee_company(
                session,
                actor=office.director,
                account_id=office.officer.account_id,
                company_id=company,
            )
        with pytest.raises(NotFound):
            accounts.set_licensee_company(
                session,
                actor=office.director,
                account_id=office.officer.account_id,
                company_id=company + 999,
            )
        with pytest.raises(PermissionDenied):
            accounts.set_licensee_company(
                session,
                actor=office.officer,
                account_id=office.officer.account_id,
                company_id=None,
            )


def test_payment_obligations_are_invoiced_once_milestones_once_achieved(engine, office, agreement):
    key = f"agr{agreement}:upfront_fee"
    with unit_of_work(engine) as session:
        items = {
            b.key: b
            for b in invoices.billable(session, actor=office.finance, agreement_id=agreement)
        }
        assert items[key].amount_cents == 5_000_000 and items[key].invoice_number is None
        assert not [b for b in items.values() if b.kind == "milestone"]
        invoice = invoices.invoice_obligation(
            session, actor=office.finance, agreement_id=agreement, key=key
        )
        assert invoice.due_on == TODAY + timedelta(days=30)  # its own date is long past
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="billed already"):
        invoices.invoice_obligation(session, actor=office.finance, agreement_id=agreement, key=key)
    with unit_of_work(engine) as session:
        milestone = next(
            e
            for e in agreements.obligations(session, actor=office.officer, agreement_id=agreement)
            if e.obligation.kind == "milestone"
        )
        with pytest.raises(NotFound, match="to bill"):
            invoices.invoice_obligation(
                session, actor=office.finance, agreement_id=agreement, key=milestone.key
            )
        agreements.mark_obligation(
            session, actor=office.officer, agreement_id=agreement, key=milestone.key, state="done"
        )
    with unit_of_work(engine) as session:
        second = invoices.invoice_obligation(
            session, actor=office.finance, agreement_id=agreement, key=milestone.key
        )
        assert (second.number, second.amount_cents) == (f"INV-{TODAY.year}-0002", 25_000_000)
    with unit_of_work(engine) as session:
        invoices.void_invoice(session, actor=office.finance, invoice_id=invoice.id, reason="Typo")
    with unit_of_work(engine) as session:
        again = invoices.invoice_obligation(
            session, actor=office.finance, agreement_id=agreement, key=key
        )
        assert again.number == f"INV-{TODAY.year}-0003"
        with pytest.raises(ValidationError, match="void already"):
            invoices.void_invoice(session, actor=office.finance, invoice_id=invoice.id, reason="x")


def test_open_invoices_age_by_days_past_due(engine, office, agreement):
    with unit_of_work(engine) as session:
        keys = [
            b.key for b in invoices.billable(session, actor=office.finance, agreement_id=agreement)
        ]
        made = [
            invoices.invoice_obligation(
                session, actor=office.finance, agreement_id=agreement, key=key
            )
            for key in keys[:2]
        ]
        due = made[0].due_on
        assert made[1].due_on == due
    with unit_of_work(engine) as session:
        total = sum(i.amount_cents for i in made)
        for days, bucket in ((0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4)):
            [row] = invoices.aging(session, actor=office.finance, on=due + timedelta(days=days))
            expected = [0] * 5
            expected[bucket] = total
            assert list(row.buckets) == expected, days
        invoices.void_invoice(session, actor=office.finance, invoice_id=made[0].id, reason="No")
        [row] = invoices.aging(session, actor=office.finance, on=due)
        assert row.total_cents == made[1].amount_cents
    assert Decimal(total) > 0


def filled_template(engine, actor, agreement_id, rows, sublicense=0, quarter=1, remitted=None):
    with unit_of_work(engine) as session:
        content = report_workbook.template_bytes(
            session, actor=actor, agreement_id=agreement_id, period_end=quarter_end(quarter)
        )
        name = report_workbook.template_name(
            session.get(agreements.Agreement, agreement_id).number, quarter_end(quarter)
        )
    book = load_workbook(BytesIO(content))
    sheet = book[report_workbook.SHEET]
    sheet[report_workbook.SUBLICENSE_CELL] = sublicense
    sheet[report_workbook.REMITTED_CELL] = remitted
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            sheet.cell(report_workbook.FIRST_ROW + offset, column, value)
    out = BytesIO()
    book.save(out)
    return name, out.getvalue()


def upload(engine, actor, agreement_id, content, quarter=1):
    with unit_of_work(engine) as session:
        return report_workbook.upload_report(
            session,
            actor=actor,
            agreement_id=agreement_id,
            period_end=quarter_end(quarter),
            content=content,
        ).id


def test_the_licensee_fills_in_the_template_and_uploads_it(engine, office, agreement):
    lena = licensee_of(engine, agreement)
    name, content = filled_template(
        engine,
        lena,
        agreement,
        [
            (KITS, 2000000, 100000, "EUR", 1.1, 1200, "DE", "FR"),
            (KITS, 1234.56, None, "USD", None, 3, "US", "US"),
        ],
        sublicense=75000,
        remitted=98649.38,
    )
    assert name == f"royalty-report-AGR-{agreement:05d}-{quarter_end(1)}.xlsx"
    book = load_workbook(BytesIO(content))
    assert book[report_workbook.LISTS].sheet_state == "hidden"
    assert [c.value for c in book[report_workbook.SHEET][report_workbook.HEADER_ROW]][:2] == [
        "Product category",
        "Gross sales",
    ]
    report_id = upload(engine, lena, agreement, content)
    with unit_of_work(engine) as session:
        view = reports.get_report(session, actor=office.finance, report_id=report_id)
    assert view.report.source == "uploaded"
    assert view.report.sublicense_income_cents == 7_500_000
    assert [
        (x.gross_sales_cents, x.deductions_cents, x.currency, x.to_usd, x.units) for x in view.lines
    ] == [(200_000_000, 10_000_000, "EUR", "1.1", 1200), (123_456, 0, "USD", "1", 3)]
    # 2,090,000 + 1,234.56 at 4 %; 15,000 of the sublicense income
    assert view.owed["total_due"] == "98649.38"
    assert view.report.remitted_cents == 9_864_938 and view.short_paid_cents == 0


def test_every_bad_row_of_an_upload_is_listed_with_its_row(engine, office, agreement):
    lena = licensee_of(engine, agreement)
    _, content = filled_template(
        engine,
        lena,
        agreement,
        [
            (KITS, 100, None, "USD", None, 1, "US", "US"),
            ("Test strips", 100, None, "USD", None, 1, "US", "US"),
            (KITS, 100, None, "EUR", None, 1, "US", "US"),
            (KITS, "lots", None, "USD", None, 1, "US", "US"),
        ],
    )
    with pytest.raises(FormErrors) as caught:
        upload(engine, lena, agreement, content)
    first = report_workbook.FIRST_ROW
    assert [p.message.split(":")[0] for p in caught.value.problems] == [
        f"Row {first + 1}",
        f"Row {first + 2}",
        f"Row {first + 3}",
    ]
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(RoyaltyReport)).one() == 0


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Choose the filled-in report workbook"),
        (b"product,gross\nkits,100\n", "not an Excel workbook"),
        (b"PK\x03\x04 not really a zip", "cannot be read"),
    ],
)
def test_an_upload_that_is_not_the_template_is_refused(engine, office, agreement, content, message):
    with pytest.raises(ValidationError, match=message):
        upload(engine, office.finance, agreement, content)


def test_a_workbook_without_the_templates_header_or_rows_is_refused(engine, office, agreement):
    book = Workbook()
    book.active.title = report_workbook.SHEET
    out = BytesIO()
    book.save(out)
    with pytest.raises(ValidationError, match="not the template's header"):
        upload(engine, office.finance, agreement, out.getvalue())
    _, empty = filled_template(engine, office.finance, agreement, [])
    with pytest.raises(ValidationError, match="file a zero report"):
        upload(engine, office.finance, agreement, empty)


def test_a_licensee_reads_what_its_own_license_asks_and_no_other(engine, office, agreement):
    from tlo.licensing import licensee_portal

    lena = licensee_of(engine, agreement)
    other = executed(engine, office, company="Another Assays Co.")
    approve(engine, office, file(engine, lena, agreement, 1, [line("1000.00")]))
    with unit_of_work(engine) as session:
        asked = licensee_portal.obligations_of(session, actor=lena, agreement_id=agreement)
        [mine] = licensee_portal.my_agreements(session, actor=lena)
        with pytest.raises(PermissionDenied):
            licensee_portal.obligations_of(session, actor=lena, agreement_id=other)
        with pytest.raises(PermissionDenied):
            licensee_portal.obligations_of(session, actor=office.finance, agreement_id=other)
    assert mine.id == agreement and mine.categories == [KITS]
    first = next(a for a in asked if a.description.endswith(str(quarter_end(1))))
    assert (first.kind, first.state) == ("report", "Done")
    assert any(a.amount == "$50,000.00" and a.kind == "payment" for a in asked)
