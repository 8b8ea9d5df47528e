"""The licensee's and finance's royalty-report pages in the real app on the demo office: the
licensee files a zero report only once it confirms; finance sees the demo's waiting report with
what it owes, sends one back without a reason refused, approves another and its invoice shows
on the receivables page; billing a fee there."""

from __future__ import annotations

from sqlmodel import Session, func, select

from tests.app.conftest import button, messages
from tlo import db
from tlo.auth.permissions import system_actor
from tlo.licensing import payments
from tlo.licensing.receivable_models import LicenseeInvoice, LicenseePayment, RoyaltyReport


def count(database_url, model, *where) -> int:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_the_licensee_files_a_zero_report_once_it_confirms(open_app, database_url):
    app = open_app("licensee").switch_page("pages/licensee.py").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "My licenses"
    assert any("Quarterly, due 45 days" in m for m in messages(app.markdown))
    before = count(database_url, RoyaltyReport)
    button(app, "File a zero report").click().run()
    assert any("Tick the box" in m for m in messages(app.error))
    assert count(database_url, RoyaltyReport) == before
    app.checkbox[0].check()
    button(app, "File a zero report").click().run()
    assert not app.exception, app.exception
    assert any("zero report of the period ending" in m for m in messages(app.success))
    assert count(database_url, RoyaltyReport, RoyaltyReport.zero) == 1
    [frame] = [f.value for f in app.dataframe if "Period ending" in f.value.columns]
    assert "Waiting for review" in frame["Status"].tolist()


def test_finance_reviews_sends_back_and_approves(open_app, database_url):
    app = open_app("finance").switch_page("pages/royalty_reports.py").run()
    assert not app.exception, app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Sublicense fees"] == "$3,125.00"  # 25 % of the demo's 12,500.00
    assert any(
        "paid $12,000.00 with the report: $1,049.14 less than it owes" in m
        for m in messages(app.warning)
    ), messages(app.warning)
    assert button(app, "Approve and invoice").disabled is False
    button(app, "Send back").click().run()
    assert any("Give the reason" in m for m in messages(app.error))
    assert count(database_url, RoyaltyReport, RoyaltyReport.status == "rejected") == 0
    invoices_before = count(database_url, LicenseeInvoice)
    button(app, "Approve and invoice").click().run()
    assert not app.exception, app.exception
    assert any(m.startswith("Approved:") for m in messages(app.success))
    assert count(database_url, LicenseeInvoice) == invoices_before + 1
    assert any("No report waits for review" in m for m in messages(app.success))

    app = open_app("finance").switch_page("pages/receivables.py").run()
    assert not app.exception, app.exception
    aging = app.dataframe[0].value
    assert len(aging) == 2  # the demo's invoiced licensee and the one just approved


def test_a_report_sent_back_reaches_the_licensee_with_its_reason(open_app, database_url):
    # the licensee files a zero report; finance sends it back; the licensee reads why
    app = open_app("licensee").switch_page("pages/licensee.py").run()
    app.checkbox[0].check()
    button(app, "File a zero report").click().run()
    app = open_app("finance").switch_page("pages/royalty_reports.py").run()
    review = app.selectbox(key="review_report")
    zero = next(o for o in review.options if "VertexEnergy" in o)
    review.select(zero).run()
    assert any("A zero report" in m for m in messages(app.info))
    app.text_area[0].input("You sold kits in Germany in this quarter.")
    button(app, "Send back").click().run()
    assert not app.exception, app.exception
    assert any("Sent back" in m for m in messages(app.success))
    app = open_app("licensee").switch_page("pages/licensee.py").run()
    assert any("You sold kits in Germany" in m for m in messages(app.warning))


def test_finance_bills_an_open_fee_of_an_agreement(open_app, database_url):
    app = open_app("finance").switch_page("pages/receivables.py").run()
    app.text_input(key="bill_agreement_find").input("AGR-00001").run()
    picker = app.selectbox(key="bill_agreement")
    picker.select(next(o for o in picker.options if "AGR-00001" in o)).run()
    assert not app.exception, app.exception
    issue = [b for b in app.button if b.label == "Issue invoice"]
    before = count(database_url, LicenseeInvoice)
    assert issue, "the demo's first license has annual fees still to bill"
    issue[0].click().run()
    assert not app.exception, app.exception
    assert any(m.startswith("Invoiced:") for m in messages(app.success))
    assert count(database_url, LicenseeInvoice) == before + 1


def test_finance_files_a_report_that_came_on_paper(open_app, database_url):
    app = open_app("finance").switch_page("pages/royalty_reports.py").run()
    app.text_input(key="enter_agreement_find").input("AGR-00001").run()
    picker = app.selectbox(key="enter_agreement")
    picker.select(next(o for o in picker.options if "AGR-00001" in o)).run()
    assert not app.exception, app.exception
    button(app, "File the report").click().run()  # the empty row offered: nothing to file
    assert any("file a zero report" in m for m in messages(app.error)), messages(app.error)
    before = count(database_url, RoyaltyReport)
    button(app, "File a zero report").click().run()
    assert any("zero report of the period ending" in m for m in messages(app.success))
    assert count(database_url, RoyaltyReport) == before + 1


def test_finance_records_a_payment_against_the_open_invoices(open_app, database_url):
    from tests.clock import TODAY
    from tlo.revenue.models import Income

    app = open_app("finance").switch_page("pages/income.py").run()
    picker = app.selectbox(key="pay_company")
    assert [o for o in picker.options if o.startswith("VertexEnergy Inc.")] == [
        "VertexEnergy Inc. · $16,344.46 open"
    ]
    picker.select("VertexEnergy Inc. · $16,344.46 open").run()
    before = count(database_url, Income)
    [amount] = [t for t in app.text_input if str(t.key).endswith("_amount")]
    amount.input("20,000.00")
    [day] = [d for d in app.date_input if str(d.key).startswith("pay_")]
    day.set_value(TODAY)
    button(app, "Record the payment").click().run()
    assert not app.exception, app.exception
    assert any("Payment recorded and applied" in m for m in messages(app.success))
    assert count(database_url, Income) == before + 1  # the royalty part; no sublicense fees
    with Session(db.get_engine(database_url)) as session:
        [payment] = session.exec(select(LicenseePayment)).all()
        credit = payments.credit_cents(
            session, actor=system_actor("t"), company_id=payment.company_id
        )
    assert credit == 365_554  # 20,000.00 less the 16,344.46 invoice
    still_owing = [o for box in app.selectbox if box.key == "pay_company" for o in box.options]
    assert not any(o.startswith("VertexEnergy") for o in still_owing)


def test_finance_e_mails_an_invoice_to_a_contact_of_the_licensee(open_app, database_url):
    from tlo.notify.models import OutboxMessage

    app = open_app("finance").switch_page("pages/receivables.py").run()
    assert [b for b in app.get("download_button") if "Download" in str(b.proto.label)]
    button(app, "E-mail it with its Word file").click().run()
    assert not app.exception, app.exception
    assert any("with the next send-mail" in m for m in messages(app.success))
    with Session(db.get_engine(database_url)) as session:
        [message] = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "invoice")).all()
    assert message.attachment_name.startswith("INV-") and message.attachment_sha256


def test_finance_sees_what_licensees_owe_late(open_app):
    app = open_app("finance").switch_page("pages/receivables.py").run()
    app.toggle(key="show_overdue").set_value(True).run()
    assert not app.exception, app.exception
    late = app.dataframe[1].value  # after the aging table
    assert "The royalty report for" in " ".join(late["What"].tolist())
