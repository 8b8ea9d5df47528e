"""Payments against invoices on a real database: one payment paying several invoices, an
invoice paid in parts, an overpayment kept as credit and applied later; each part paid becomes
income of its own type (a royalty invoice's royalty and sublicense fees apart), distributed as
any income; what is paid leaves the aging; nothing is half-saved."""

from dataclasses import replace
from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from docx import Document
from sqlmodel import func, select

from tests.clock import TODAY
from tests.services.test_agreements import exclusive_form, licensee, save
from tests.services.test_revenue import distribute
from tests.services.test_royalty_reports import approve, executed, file, licensee_of, line
from tlo import clock, office_settings
from tlo.config import get_settings
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied, ValidationError
from tlo.licensing import agreements, invoices, outreach, payments
from tlo.licensing.payments import PaymentForm
from tlo.licensing.receivable_models import LicenseeInvoice, LicenseePayment, PaymentAllocation
from tlo.notify import outbox
from tlo.revenue import services as revenue
from tlo.revenue.models import Income


@pytest.fixture
def billed(engine, office):
    """An agreement with a royalty invoice (4,000 royalty + 200 sublicense fees) and its
    upfront-fee invoice (50,000), and the licensee's company."""
    agreement = executed(engine, office)
    report = file(
        engine, office.finance, agreement, 1, [line("100000.00")], sublicense_income="1000.00"
    )
    royalty = approve(engine, office, report)
    with unit_of_work(engine) as session:
        fee = invoices.invoice_obligation(
            session, actor=office.finance, agreement_id=agreement, key=f"agr{agreement}:upfront_fee"
        )
        company = session.get(agreements.Agreement, agreement).company_id
        numbers = {
            i.invoice.number: i.invoice.id
            for i in payments.open_invoices(session, actor=office.finance, company_id=company)
        }
    assert royalty[1] == 420_000 and fee.amount_cents == 5_000_000
    return agreement, company, numbers[royalty[0]], fee.id


def pay(engine, office, company, amount, allocations, on=None):
    with unit_of_work(engine) as session:
        return payments.record_payment(
            session,
            actor=office.finance,
            form=PaymentForm(
                company, on or TODAY - timedelta(days=1), amount, allocations, reference="WIRE-7"
            ),
        ).id


def incomes(engine):
    with unit_of_work(engine) as session:
        return sorted(
            (income.income_type, income.amount_cents)
            for income in session.exec(select(Income)).all()
        )


def test_one_payment_pays_two_invoices_and_keeps_the_rest_as_credit(engine, office, billed):
    _agreement, company, royalty, fee = billed
    pay(engine, office, company, "60000.00", [(royalty, "4200.00"), (fee, "50000.00")])
    assert incomes(engine) == [
        ("royalty", 400_000),
        ("sublicense", 20_000),
        ("upfront", 5_000_000),
    ]
    with unit_of_work(engine) as session:
        assert payments.open_invoices(session, actor=office.finance, company_id=company) == []
        assert payments.credit_cents(session, actor=office.finance, company_id=company) == 580_000
        assert invoices.aging(session, actor=office.finance) == []
        states = {
            r.invoice.id: r.state
            for r in invoices.list_invoices(session, actor=office.finance).items
        }
        assert states == {royalty: "Paid", fee: "Paid"}


def test_an_invoice_paid_in_parts_pays_the_royalty_before_the_sublicense_fees(
    engine, office, billed
):
    _agreement, company, royalty, _ = billed
    pay(engine, office, company, "3900.00", [(royalty, "3900.00")])
    assert incomes(engine) == [("royalty", 390_000)]
    with unit_of_work(engine) as session:
        [row] = [r for r in invoices.aging(session, actor=office.finance)]
        assert row.total_cents == 5_030_000  # 300 of the royalty invoice and the 50,000 fee
        state = {
            r.invoice.id: r.state
            for r in invoices.list_invoices(session, actor=office.finance).items
        }[royalty]
        assert state == "Part paid"
    pay(engine, office, company, "300.00", [(royalty, "300.00")])
    assert incomes(engine) == [("royalty", 10_000), ("royalty", 390_000), ("sublicense", 20_000)]


def test_credit_is_applied_to_a_later_invoice(engine, office, billed):
    _agreement, company, royalty, fee = billed
    pay(engine, office, company, "10000.00", [(royalty, "4200.00")])
    with unit_of_work(engine) as session:
        payments.apply_credit(
            session, actor=office.finance, company_id=company, invoice_id=fee, amount="5800.00"
        )
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="of credit"):
        payments.apply_credit(
            session, actor=office.finance, company_id=company, invoice_id=fee, amount="1.00"
        )
    with unit_of_work(engine) as session:
        assert payments.credit_cents(session, actor=office.finance, company_id=company) == 0
        [item] = payments.open_invoices(session, actor=office.finance, company_id=company)
        assert item.open_cents == 5_000_000 - 580_000
        credit_income = session.exec(select(Income).where(Income.income_type == "upfront")).one()
        assert credit_income.received_on == TODAY and credit_income.amount_cents == 580_000


def test_a_paid_invoice_becomes_income_revenue_sharing_distributes(engine, office, billed):
    _agreement, company, royalty, _ = billed
    pay(engine, office, company, "4200.00", [(royalty, "4200.00")])
    with unit_of_work(engine) as session:
        royalty_income = session.exec(
            select(Income.id).where(Income.income_type == "royalty")
        ).one()
    assert distribute(engine, office, royalty_income)


@pytest.mark.parametrize(
    "amount, allocations, message",
    [
        ("100.00", "royalty:4200.00", "more than the"),
        ("9000.00", "royalty:4200.01", "still to pay"),
        ("9000.00", "royalty:-5", "more than zero"),
        ("9000.00", "royalty:1,royalty:2", "named once"),
        ("9000.00", "other:10", "not an open invoice"),
        ("0", "", "more than zero"),
        ("12.345", "", "two decimals"),
    ],
)
def test_a_payment_that_does_not_add_up_is_refused_and_nothing_is_kept(
    engine, office, billed, amount, allocations, message
):
    _agreement, company, royalty, _fee = billed
    other = executed(engine, office, company="Other Assays LLC")
    other_report = file(engine, office.finance, other, 1, [line("1000.00")])
    approve(engine, office, other_report)
    with unit_of_work(engine) as session:
        [stranger] = payments.open_invoices(
            session,
            actor=office.finance,
            company_id=session.get(agreements.Agreement, other).company_id,
        )
    ids = {"royalty": royalty, "other": stranger.invoice.id}
    parsed = [
        (ids[name], value)
        for name, value in (part.split(":") for part in allocations.split(",") if part)
    ]
    before = incomes(engine)
    with pytest.raises(ValidationError, match=message):
        pay(engine, office, company, amount, parsed)
    assert incomes(engine) == before
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(LicenseePayment)).one() == 0
        assert session.exec(select(func.count()).select_from(PaymentAllocation)).one() == 0


def test_a_payment_in_the_future_or_by_someone_else_is_refused(engine, office, billed):
    _agreement, company, royalty, _ = billed
    with pytest.raises(ValidationError, match="once it is received"):
        pay(engine, office, company, "1.00", [], on=TODAY + timedelta(days=1))
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        payments.record_payment(
            session,
            actor=office.officer,
            form=PaymentForm(company, TODAY, "1.00", [(royalty, "1.00")]),
        )


def test_a_paid_invoice_cannot_be_voided(engine, office, billed):
    _agreement, company, royalty, _ = billed
    pay(engine, office, company, "1.00", [(royalty, "1.00")])
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="paid in part"):
        invoices.void_invoice(session, actor=office.finance, invoice_id=royalty, reason="No")


def test_the_oldest_invoices_are_offered_first(engine, office, billed):
    _agreement, company, _royalty, _fee = billed
    with unit_of_work(engine) as session:
        listed = payments.open_invoices(session, actor=office.finance, company_id=company)
        owing = payments.companies_owing(session, actor=office.finance)
    assert [(c, total) for c, _, total in owing] == [(company, 5_420_000)]
    suggested = payments.suggest(listed, payments.from_cents(5_000_000))
    first, second = listed
    assert first.invoice.due_on <= second.invoice.due_on
    assert sum(suggested.values()) == payments.from_cents(5_000_000)
    assert suggested[first.invoice.id] == payments.from_cents(first.open_cents)


def test_the_invoice_as_a_word_file_lists_its_parts_and_how_to_pay(engine, office, billed):
    agreement, company, royalty, _ = billed
    with unit_of_work(engine) as session:
        office_settings.save_settings(session, actor=office.director, form=office_settings.DEMO)
    pay(engine, office, company, "1000.00", [(royalty, "1000.00")])
    lena = licensee_of(engine, agreement)
    with unit_of_work(engine) as session:
        content = invoices.invoice_docx(session, actor=lena, invoice_id=royalty)
        name = invoices.file_name(session.get(LicenseeInvoice, royalty))
    document = Document(BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    lines = [[c.text for c in row.cells] for row in document.tables[1].rows]
    number = name.removesuffix(".docx")
    assert number.startswith("INV-") and f"INVOICE {number}" in text
    assert lines[0] == ["Description", "Amount (USD)"]
    assert [line[1] for line in lines[1:]] == ["$4,000.00", "$200.00", "$4,200.00"]
    assert "running royalty" in lines[1][0] and "sublicense fees" in lines[2][0]
    assert "Received so far: $1,000.00. Still to pay: $3,200.00." in text
    assert "simple interest of 12 % a year" in text
    assert "SWIFT EXAMUS6S" in text and "{{" not in text
    other = executed(engine, office, company="Not Lenas Co.")
    with unit_of_work(engine) as session:
        theirs = invoices.invoice_obligation(
            session, actor=office.finance, agreement_id=other, key=f"agr{other}:upfront_fee"
        ).id
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        invoices.invoice_docx(session, actor=lena, invoice_id=theirs)


def test_the_invoice_is_e_mailed_with_its_word_file(engine, office, billed, smtp_server):
    inbox, port = smtp_server
    _agreement, company, royalty, _ = billed
    with unit_of_work(engine) as session:
        contact = outreach.add_contact(
            session,
            actor=office.officer,
            company_id=company,
            name="Bill Payer",
            email="ap@assay.example",
        )
        silent = outreach.add_contact(
            session, actor=office.officer, company_id=company, name="No Mail"
        )
        assert [
            c.id
            for c in invoices.billing_contacts(session, actor=office.finance, invoice_id=royalty)
        ] == [contact.id]
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="e-mail"):
        invoices.send_invoice(
            session, actor=office.finance, invoice_id=royalty, contact_id=silent.id
        )
    with unit_of_work(engine) as session:
        invoices.send_invoice(
            session, actor=office.finance, invoice_id=royalty, contact_id=contact.id
        )
    with unit_of_work(engine) as session:
        _, failed = outbox.send_due(
            session, replace(get_settings(), smtp_host="127.0.0.1", smtp_port=port)
        )
    assert failed == 0
    [message] = [m for to, m in inbox.messages if to == ["ap@assay.example"]]
    assert message["Subject"].startswith("Invoice INV-") and "$4,200.00" in message["Subject"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename().endswith(".docx")
    sent = Document(BytesIO(attachment.get_content()))
    assert any("INVOICE INV-" in p.text for p in sent.paragraphs)
    with unit_of_work(engine) as session:
        assert session.get(LicenseeInvoice, royalty).sent_to == "ap@assay.example"


def test_counsel_invoices_on_licensed_patents_are_re_billed_where_the_license_says(engine, office):
    agreement = executed(engine, office, reimburse_ongoing_costs=True)
    with unit_of_work(engine) as session:
        items = invoices.billable(session, actor=office.finance, agreement_id=agreement)
        [cost] = [item for item in items if item.kind == "patent_costs"]
        assert cost.amount_cents == 2_000_000  # the provisional's filing invoice
        assert (
            cost.description.startswith("Patent costs, US")
            and "Provisional filing" in cost.description
        )
        invoice = invoices.invoice_obligation(
            session, actor=office.finance, agreement_id=agreement, key=cost.key
        )
        company = session.get(agreements.Agreement, agreement).company_id
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="billed already"):
        invoices.invoice_obligation(
            session, actor=office.finance, agreement_id=agreement, key=cost.key
        )
    pay(engine, office, company, "20000.00", [(invoice.id, "20000.00")])
    assert ("cost_reimbursement", 2_000_000) in incomes(engine)
    plain = executed(engine, office, company="No Costs Inc.")  # reimburses nothing ongoing
    with unit_of_work(engine) as session:
        assert not [
            i
            for i in invoices.billable(session, actor=office.finance, agreement_id=plain)
            if i.kind == "patent_costs"
        ]


@pytest.mark.parametrize(
    "cents, bp, days, expected",
    [
        (420_000, 1200, 60, 8_285),  # 4,200.00 at 12 % for 60 days: 82.849... -> 82.85
        (100, 1200, 1, 0),  # 0.0033 cents
        (10_000_000, 1000, 365, 1_000_000),
        (5_000_000, 0, 90, 0),  # no rate agreed
        (5_000_000, 1200, 0, 0),  # paid on the due date
        (125, 1000, 73, 3),  # exactly 2.5 cents: half up
        (75, 1000, 73, 2),  # exactly 1.5 cents
    ],
)
def test_late_interest_is_simple_and_rounded_once(cents, bp, days, expected):
    assert payments.late_interest_cents(cents, bp, days) == expected


def test_a_payment_made_late_is_invoiced_its_interest(engine, office, billed):
    _agreement, company, royalty, _fee = billed
    with unit_of_work(engine) as session:
        due = session.get(LicenseeInvoice, royalty).due_on
    later = clock.utcnow() + timedelta(days=(due - TODAY).days + 60)
    with time_machine.travel(later, tick=False):
        pay(engine, office, company, "4200.00", [(royalty, "4200.00")], on=due + timedelta(60))
        with unit_of_work(engine) as session:
            [interest] = [
                i.invoice
                for i in payments.open_invoices(session, actor=office.finance, company_id=company)
                if i.invoice.kind == "interest"
            ]
    assert interest.amount_cents == 8_285  # 12 % a year on 4,200.00 for 60 days
    assert "60 days late at 12 % a year" in interest.description
    pay(engine, office, company, "82.85", [(interest.id, "82.85")])
    assert ("royalty", 8_285) in incomes(engine)


def test_an_income_that_paid_an_invoice_is_not_voided(engine, office, billed):
    _, company, royalty, _ = billed
    pay(engine, office, company, "4200.00", [(royalty, "4200.00")])
    with unit_of_work(engine) as session:
        income_id = session.exec(select(Income.id).where(Income.income_type == "royalty")).one()
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="paid invoice"):
        revenue.void_income(session, actor=office.finance, income_id=income_id, reason="Oops")


def test_credit_paid_before_the_due_date_bears_no_interest_when_applied_later(
    engine, office, billed
):
    _, company, royalty, _ = billed
    pay(engine, office, company, "4200.00", [])  # all of it credit, paid before the due date
    with unit_of_work(engine) as session:
        due = session.get(LicenseeInvoice, royalty).due_on
    with time_machine.travel(clock.utcnow() + timedelta(days=(due - TODAY).days + 90), tick=False):
        with unit_of_work(engine) as session:
            payments.apply_credit(
                session,
                actor=office.finance,
                company_id=company,
                invoice_id=royalty,
                amount="4200.00",
            )
        with unit_of_work(engine) as session:
            kinds = [
                i.invoice.kind
                for i in payments.open_invoices(session, actor=office.finance, company_id=company)
            ]
    assert "interest" not in kinds


def test_invoice_numbers_go_on_past_9999(engine, office, billed):
    agreement, *_ = billed
    with unit_of_work(engine) as session:
        for number in ("9999", "10000"):
            session.add(
                LicenseeInvoice(
                    number=f"INV-{TODAY.year}-{number}",
                    agreement_id=agreement,
                    kind="upfront_fee",
                    description="x",
                    issued_on=TODAY,
                    due_on=TODAY,
                    amount_cents=1,
                    issued_by_name="t",
                )
            )
    with unit_of_work(engine) as session:
        made = invoices.invoice_obligation(
            session,
            actor=office.finance,
            agreement_id=agreement,
            key=f"agr{agreement}:past_patent_costs",
        )
    assert made.number == f"INV-{TODAY.year}-10001"


def test_a_counsel_invoice_is_re_billed_to_one_licensee_only(engine, office):
    first = executed(engine, office, reimburse_ongoing_costs=True)
    with unit_of_work(engine) as session:
        case_id = session.exec(
            select(agreements.AgreementTechnology.disclosure_id).where(
                agreements.AgreementTechnology.agreement_id == first
            )
        ).one()
    second = save(
        engine,
        office.officer,
        exclusive_form(
            licensee(engine, office, "Second Licensee Inc."),
            [case_id],
            agreement_type="nonexclusive_license",
            effective_date=TODAY - timedelta(days=400),
            reimburse_ongoing_costs=True,
        ),
    )
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=second,
            status="executed",
            signed_on=TODAY - timedelta(days=400),
        )
    with unit_of_work(engine) as session:
        [cost] = [
            i
            for i in invoices.billable(session, actor=office.finance, agreement_id=first)
            if i.kind == "patent_costs"
        ]
        invoices.invoice_obligation(session, actor=office.finance, agreement_id=first, key=cost.key)
    with unit_of_work(engine) as session:
        [again] = [
            i
            for i in invoices.billable(session, actor=office.finance, agreement_id=second)
            if i.kind == "patent_costs"
        ]
        assert again.invoice_number is not None  # billed already, to the first licensee
        with pytest.raises(ValidationError, match="billed already"):
            invoices.invoice_obligation(
                session, actor=office.finance, agreement_id=second, key=again.key
            )


def test_an_approved_report_whose_invoice_was_voided_is_billed_again(engine, office, billed):
    agreement, _, royalty, _ = billed
    with unit_of_work(engine) as session:
        invoices.void_invoice(session, actor=office.finance, invoice_id=royalty, reason="Wrong PO")
    with unit_of_work(engine) as session:
        [again] = [
            i
            for i in invoices.billable(session, actor=office.finance, agreement_id=agreement)
            if i.kind == "royalty"
        ]
        assert (again.amount_cents, again.invoice_number) == (420_000, None)
        made = invoices.invoice_obligation(
            session, actor=office.finance, agreement_id=agreement, key=again.key
        )
        assert made.royalty_report_id is not None and made.amount_cents == 420_000
    with unit_of_work(engine) as session:
        assert not [
            i
            for i in invoices.billable(session, actor=office.finance, agreement_id=agreement)
            if i.kind == "royalty"
        ]
        content = invoices.invoice_docx(session, actor=office.finance, invoice_id=made.id)
    cells = [c.text for row in Document(BytesIO(content)).tables[1].rows for c in row.cells]
    assert any("sublicense fees" in text for text in cells)  # the report's parts again
