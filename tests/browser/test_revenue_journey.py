"""Finance records a royalty on a demo license, reviews the draft distribution and posts it;
the inventor signs in, sees it on their statement and downloads the statement."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect
from sqlmodel import col, select

from tests.browser.test_disclosure_journey import go_to, settle, sign_out
from tests.browser.test_outreach_journey import pick
from tests.browser.test_sign_in_journey import sign_in
from tests.clock import TODAY
from tlo import db
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures.models import DisclosureInventor
from tlo.licensing.agreement_models import Agreement, AgreementTechnology
from tlo.licensing.models import Company
from tlo.people.models import Person

pytestmark = pytest.mark.browser


def a_license_of_alice(database_url: str) -> tuple[str, str]:
    """(number, licensee) of a signed license on a technology Alice Chen invented."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        agreement, licensee = session.exec(
            select(Agreement, Company.name)
            .join(Company, Company.id == Agreement.company_id)
            .join(AgreementTechnology, AgreementTechnology.agreement_id == Agreement.id)
            .join(
                DisclosureInventor,
                DisclosureInventor.disclosure_id == AgreementTechnology.disclosure_id,
            )
            .join(Person, Person.id == DisclosureInventor.person_id)
            .where(
                Person.full_name == "Alice Chen",
                col(Agreement.signed_on).is_not(None),
                Agreement.agreement_type == "exclusive_license",
            )
            .order_by(Agreement.id)
        ).first()
        return agreement.number, licensee


def choose_agreement(page, form, number: str) -> None:
    """Pick the agreement in the payment form's searchable picker: its list open first (on a
    busy machine keys typed before it opens are lost), then the number typed, then the one
    option it leaves."""
    form.get_by_role("combobox", name="Agreement").click()
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.type(number, delay=20)
    page.get_by_role("option", name=re.compile(re.escape(number))).click()


def test_finance_posts_a_royalty_and_the_inventor_reads_it_on_their_statement(
    page, app_url, app_database_url, screenshot
):
    number, licensee = a_license_of_alice(app_database_url)
    today = TODAY
    sign_in(page, app_url, "finance", DEMO_PASSWORD)
    go_to(page, "Income", "Income and distributions")

    page.get_by_text("Income without an invoice").click()
    form = page.get_by_test_id("stForm").filter(has_text="Record payment")
    choose_agreement(page, form, number)
    form.get_by_role("spinbutton", name="year, Received on").click()
    page.keyboard.type(today.strftime("%Y%m%d"))
    pick(page, form, "Type", "Running royalty")
    form.get_by_label("Amount ($)").fill("12,345.67")
    form.get_by_label(re.compile("^Licensee's reference")).fill("Q3 royalty report")
    form.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Payment recorded. Compute its distribution below.")).to_be_visible()
    settle(page)

    # The newest payment is the one opened below the list.
    payment = page.get_by_role("combobox", name="Payment")
    expect(payment).to_have_value(re.compile(rf"{number} · .*\$12,345\.67 · undistributed"))
    page.get_by_role("button", name="Compute the draft distribution").click()
    expect(page.get_by_text("Draft computed: review every line, then post it.")).to_be_visible()
    settle(page)
    expect(
        page.get_by_text(re.compile(r"· draft · \$12,345\.67 under Stanford University"))
    ).to_be_visible()
    screenshot("draft-distribution")
    page.get_by_role("button", name="Post the distribution").click()
    expect(page.get_by_text(re.compile("^Distribution posted."))).to_be_visible()
    settle(page)
    sign_out(page)

    sign_in(page, app_url, "inventor", DEMO_PASSWORD)
    go_to(page, "Royalty statements")
    expect(page.get_by_text("Received to date")).to_be_visible()
    screenshot("inventor-statement")
    with page.expect_download() as download:
        page.get_by_role("button", name="Statement (Word)").click()
    statement = Document(BytesIO(Path(download.value.path()).read_bytes()))
    rows = [[cell.text for cell in row.cells] for row in statement.tables[0].rows]
    todays = [row for row in rows if row[0] == today.isoformat() and number in row[2]]
    assert todays, rows[-3:]
    assert all(row[3] == "royalty" for row in todays)
    assert licensee in todays[0][2]
    assert "Alice Chen" in "\n".join(p.text for p in statement.paragraphs)
