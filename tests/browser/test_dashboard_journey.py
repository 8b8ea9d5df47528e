"""The director reads the dashboard for fewer fiscal years, then takes the AUTM workbook."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.test_disclosure_journey import go_to, settle
from tests.browser.test_sign_in_journey import sign_in
from tlo import db
from tlo.auth.permissions import system_actor
from tlo.demo import DEMO_PASSWORD
from tlo.reports import autm

pytestmark = pytest.mark.browser
CURRENT_YEAR = autm.current_fiscal_year()


def test_the_director_narrows_the_dashboard_and_downloads_the_autm_workbook(
    page, app_url, app_database_url, screenshot
):
    sign_in(page, app_url, "director", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Diane Whitfield")).to_be_visible()
    go_to(page, "Dashboard")
    # the stage targets', receivables' and catalogue's panels too
    expect(page.locator(".js-plotly-plot")).to_have_count(12)
    funnel_caption = page.get_by_text(re.compile(r"^Technologies disclosed in FY\d+–FY\d+"))
    expect(funnel_caption).to_contain_text(f"–FY{CURRENT_YEAR} ")

    # The range slider's upper handle, moved one year back with the keyboard.
    upper = page.get_by_role("slider").last
    expect(upper).to_have_attribute("aria-valuetext", f"FY{CURRENT_YEAR}")
    upper.focus()
    page.keyboard.press("ArrowLeft")
    settle(page)
    expect(upper).to_have_attribute("aria-valuetext", f"FY{CURRENT_YEAR - 1}")
    expect(funnel_caption).to_contain_text(f"–FY{CURRENT_YEAR - 1} ")
    # the stage targets', receivables' and catalogue's panels too
    expect(page.locator(".js-plotly-plot")).to_have_count(12)
    expect(page.get_by_text("License income by fiscal year and type")).to_be_visible()
    page.set_viewport_size({"width": 1400, "height": 3100})  # every panel, to the docket
    settle(page)
    screenshot("dashboard")
    page.set_viewport_size({"width": 1400, "height": 1000})

    go_to(page, "AUTM metrics", "AUTM annual metrics")
    year = CURRENT_YEAR - 1  # the last complete fiscal year is chosen first
    expect(page.get_by_text(f"FY{year} runs from")).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(9)  # drawn, not still loading
    settle(page)
    screenshot("autm-metrics")
    with page.expect_download() as download:
        page.get_by_role("button", name=f"Download the FY{year} workbook").click()
    assert download.value.suggested_filename == f"autm-FY{year}.xlsx"
    workbook = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    assert workbook.sheetnames[0] == "Summary"
    assert "Legal fees" in workbook.sheetnames
    summary = {row[0]: row[1:3] for row in workbook["Summary"].iter_rows(2, values_only=True)}
    with db.unit_of_work(db.get_engine(app_database_url)) as session:
        report = autm.autm_metrics(session, actor=system_actor("test"), fiscal_year=year)
    assert summary["Invention disclosures received"][0] == report["disclosures_received"].value
    assert summary["Legal fees expended"][1] == float(report["legal_fees_expended"].value)
    assert summary["License income received"][1] == float(report["license_income"].value)
    assert "License income" in workbook.sheetnames
