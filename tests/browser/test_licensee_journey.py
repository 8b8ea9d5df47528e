"""The licensee's side of the money, end to end in the browser: the licensee signs in,
downloads the report template of its license, fills it in and uploads its quarterly report;
finance approves it, e-mails the invoice, records the payment against it, distributes and
posts the income; the inventor sees it on her statement."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.test_disclosure_journey import go_to, settle, sign_out
from tests.browser.test_sign_in_journey import sign_in
from tests.clock import TODAY
from tlo import db
from tlo.demo import DEMO_PASSWORD
from tlo.licensing.receivable_models import LicenseeInvoice, RoyaltyReport
from tlo.notify.models import OutboxMessage

pytestmark = pytest.mark.browser
GROSS = 250_000  # 4 % of it is the royalty: $10,000.00


def choose(page, label: str, option: str) -> None:
    """Open a select box (waiting for its list: keys and clicks before it opens are lost on a
    busy machine) and click the option matching `option`."""
    settle(page)
    box = page.get_by_role("combobox", name=label, exact=True)
    expect(box).to_be_visible()
    box.click()
    expect(page.get_by_role("listbox")).to_be_visible()
    page.get_by_role("option", name=re.compile(option)).first.click()
    settle(page)


def filled_in(template: bytes, tmp_path: Path) -> Path:
    book = load_workbook(BytesIO(template))
    sheet = book["Royalty report"]
    category = book["Lists"]["A1"].value
    for column, value in enumerate((category, GROSS, 0, "USD", None, 1_000, "US", "US"), start=1):
        sheet.cell(9, column, value)
    path = tmp_path / "report.xlsx"
    book.save(path)
    return path


def test_a_licensee_reports_finance_invoices_and_the_inventor_is_paid(
    page, app_url, app_database_url, screenshot, tmp_path
):
    sign_in(page, app_url, "licensee", DEMO_PASSWORD)
    go_to(page, "My licenses")
    expect(page.get_by_text("Report a period")).to_be_visible()
    period = page.get_by_role("combobox", name="Period")
    expect(period).to_have_value(re.compile(r"to \d{4}-\d{2}-\d{2} \(due"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the report template").click()
    workbook = filled_in(Path(download.value.path()).read_bytes(), tmp_path)
    form = page.get_by_test_id("stForm").filter(has_text="Upload the report")
    form.locator("input[type=file]").set_input_files(str(workbook))
    expect(form.get_by_text("report.xlsx")).to_be_visible()
    form.get_by_role("button", name="Upload the report").click()
    expect(page.get_by_text(re.compile("^Your report of the period ending"))).to_be_visible()
    settle(page)
    screenshot("licensee-report-filed")
    sign_out(page)

    with db.unit_of_work(db.get_engine(app_database_url)) as session:
        report = session.exec(select(RoyaltyReport).where(RoyaltyReport.source == "uploaded")).one()
        period_end = report.period_end.isoformat()

    sign_in(page, app_url, "finance", DEMO_PASSWORD)
    go_to(page, "Royalty reports")
    choose(page, "Review", f"VertexEnergy.*{period_end}")
    settle(page)
    expect(page.get_by_test_id("stMetricValue").filter(has_text="$10,000.00").first).to_be_visible()
    screenshot("finance-review")
    page.get_by_role("button", name="Approve and invoice").click()
    expect(page.get_by_text(re.compile("^Approved: AGR-"))).to_be_visible()
    settle(page)

    go_to(page, "Receivables")
    page.get_by_role("tab", name="Invoices").click()
    page.get_by_text("E-mail an invoice to the licensee").click()
    with db.unit_of_work(db.get_engine(app_database_url)) as session:
        number = session.exec(
            select(LicenseeInvoice.number).where(LicenseeInvoice.royalty_report_id == report.id)
        ).one()
    choose(page, "Invoice to send", number)
    settle(page)
    page.get_by_role("button", name="E-mail it with its Word file").click()
    expect(page.get_by_text(re.compile(f"^{number} goes to .* next send-mail"))).to_be_visible()
    settle(page)
    with db.unit_of_work(db.get_engine(app_database_url)) as session:
        mail = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "invoice")).one()
        assert number in mail.subject and mail.attachment_name == f"{number}.docx"

    go_to(page, "Income", "Income and distributions")
    page.get_by_text("A payment against invoices").click()
    choose(page, "Licensee", "^VertexEnergy")
    settle(page)
    form = page.get_by_test_id("stForm").filter(has_text="Record the payment")
    form.get_by_role("spinbutton", name="year, Received on").click()
    page.keyboard.type(TODAY.strftime("%Y%m%d"))
    form.get_by_label("Amount received ($)").fill("10,000.00")
    form.get_by_label(re.compile(f"^{number}")).fill("10,000.00")
    form.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text(re.compile("^Payment recorded and applied"))).to_be_visible()
    settle(page)

    # The newest income (the invoice's royalty) is the one opened below the list.
    expect(page.get_by_role("combobox", name="Payment")).to_have_value(
        re.compile(r"AGR-00001 · .*\$10,000\.00 · undistributed")
    )
    settle(page)
    page.get_by_role("button", name="Compute the draft distribution").click()
    expect(page.get_by_text("Draft computed: review every line, then post it.")).to_be_visible()
    settle(page)
    page.get_by_role("button", name="Post the distribution").click()
    expect(page.get_by_text(re.compile("^Distribution posted."))).to_be_visible()
    settle(page)
    screenshot("finance-posted")
    sign_out(page)

    sign_in(page, app_url, "inventor", DEMO_PASSWORD)
    go_to(page, "Royalty statements")
    with page.expect_download() as download:
        page.get_by_role("button", name="Statement (Word)").click()
    statement = Document(BytesIO(Path(download.value.path()).read_bytes()))
    rows = [[cell.text for cell in row.cells] for row in statement.tables[0].rows]
    todays = [r for r in rows if r[0] == TODAY.isoformat() and "AGR-00001" in r[2]]
    assert todays and all(r[3] == "royalty" for r in todays), rows[-3:]
