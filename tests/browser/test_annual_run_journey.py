"""Finance voids a payment recorded by mistake, previews the annual run of the open fiscal year
(payments, total, totals by recipient class), confirms it by ticking the box and pressing the
button that names the year and the amount, and reads the result on the page; the database
holds exactly what the preview showed (#16 items 2 and 5)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlmodel import func, select

from tests.browser.test_disclosure_journey import go_to, settle
from tests.browser.test_sign_in_journey import sign_in
from tlo import db
from tlo.demo import DEMO_PASSWORD
from tlo.revenue.models import Distribution, DistributionLine, Income

pytestmark = pytest.mark.browser


def metric(page, label: str) -> str:
    card = page.get_by_test_id("stMetric").filter(has_text=label)
    return card.get_by_test_id("stMetricValue").inner_text().strip()


def posted_in(database_url: str, fiscal_year: int) -> tuple[int, Decimal, int]:
    """(payments with a posted distribution, cents of their posted lines, voided payments)."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        payments, cents = session.exec(
            select(func.count(func.distinct(Income.id)), func.sum(DistributionLine.amount_cents))
            .select_from(DistributionLine)
            .join(Distribution, Distribution.id == DistributionLine.distribution_id)
            .join(Income, Income.id == Distribution.income_id)
            .where(Income.fiscal_year == fiscal_year, Distribution.status == "posted")
        ).one()
        voided = session.exec(
            select(func.count())
            .select_from(Income)
            .where(Income.fiscal_year == fiscal_year, Income.voided_at.is_not(None))
        ).one()
    return payments, Decimal(int(cents or 0)) / 100, voided


def test_finance_voids_a_mistake_previews_the_year_confirms_and_reads_the_result(
    page, app_url, app_database_url, screenshot
):
    sign_in(page, app_url, "finance", DEMO_PASSWORD)
    go_to(page, "Income", "Income and distributions")
    year = int(page.get_by_role("combobox", name="Fiscal year to distribute").input_value())
    before = posted_in(app_database_url, year)

    # The newest payment was recorded by mistake: it is voided, with a reason.
    payment = page.get_by_role("combobox", name="Payment")
    expect(payment).to_have_value(re.compile(r"· undistributed$"))
    page.get_by_text("Void this payment (recorded by mistake)").click()
    form = page.get_by_test_id("stForm").filter(has_text="Void payment")
    form.get_by_label("Why is it voided?").fill("Entered twice: the licensee paid once")
    form.get_by_text(re.compile("^Void the payment of")).click()
    form.get_by_role("button", name="Void payment").click()
    expect(
        page.get_by_text("Payment voided. It is kept on record and counts nowhere.")
    ).to_be_visible()
    settle(page)
    expect(payment).to_have_value(re.compile(r"· Voided$"))
    expect(page.get_by_text(re.compile("^Voided by Fiona Nakamura on"))).to_be_visible()

    # The preview: what the run will post, and a confirmation that names it.
    page.get_by_role("button", name=f"Preview the run of FY{year}").click()
    expect(page.get_by_text(f"What the run of FY{year} will post")).to_be_visible()
    settle(page)
    payments = int(metric(page, "Payments"))
    total = metric(page, "Total")
    assert payments > 0 and total.startswith("$")
    page.set_viewport_size({"width": 1400, "height": 2600})
    screenshot("annual-run-preview")
    confirm = page.get_by_role("button", name=f"Post FY{year}: {payments} payments, {total}")
    expect(confirm).to_be_disabled()
    page.get_by_text(re.compile("^I have checked the figures above")).click()
    expect(confirm).to_be_enabled()
    confirm.click()

    # The result, shown plainly on the page.
    result = page.get_by_text(
        re.compile(rf"^FY{year} posted: {payments} payments, \d+ distributions, ")
    )
    expect(result).to_be_visible(timeout=60_000)
    expect(result).to_contain_text(f"{total} in all.")
    settle(page)
    expect(page.get_by_role("button", name=re.compile(f"^Post FY{year}"))).to_have_count(0)
    screenshot("annual-run-result")

    # The database holds what the preview showed, to the cent; the voided payment is not in it.
    after = posted_in(app_database_url, year)
    assert after[0] - before[0] == payments
    assert after[1] - before[1] == Decimal(total.removeprefix("$").replace(",", ""))
    assert after[2] == before[2] + 1
