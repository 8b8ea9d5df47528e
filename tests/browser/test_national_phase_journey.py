"""An officer enters a PCT's national phase in two offices, lets the other six lapse on the
review queue, and the docket shows exactly that."""

import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.test_disclosure_journey import choose, go_to, open_tab, settle, type_into
from tests.browser.test_docket_journey import a_case_approved_for_filing
from tests.browser.test_sign_in_journey import sign_in
from tlo import db
from tlo.auth.permissions import system_actor
from tlo.demo import DEMO_PASSWORD
from tlo.patents import services as patents
from tlo.patents.services import ApplicationForm

pytestmark = pytest.mark.browser

ENTERED = {"JP": "Japan", "CN": "China"}
DECLINED = ["in the US", "at the EPO", "in Korea", "in Canada", "in Australia", "in India"]


def a_pct_awaiting_its_national_phases(database_url: str) -> str:
    """One of Olivia Ortega's cases with a provisional (3 March 2025) and the PCT claiming it
    (2 March 2026): its national phases fall due in September and October 2027."""
    docket = a_case_approved_for_filing(database_url)
    assert docket, "the demo office has a case approved for filing"
    from sqlmodel import select

    from tlo.disclosures.models import Disclosure

    setup = system_actor("browser test: a PCT family")
    with db.unit_of_work(db.get_engine(database_url)) as session:
        case_id = session.exec(select(Disclosure.id).where(Disclosure.docket == docket)).one()
        provisional = patents.add_application(
            session,
            actor=setup,
            disclosure_id=case_id,
            form=ApplicationForm(
                "US", "provisional", date(2025, 3, 3), "63/700,001", government_support_clause=True
            ),
        )
        patents.add_application(
            session,
            actor=setup,
            disclosure_id=case_id,
            form=ApplicationForm(
                "WO", "pct", date(2026, 3, 2), "PCT/US2026/010101", parent_id=provisional.id
            ),
        )
    return docket


def record_national_phase(page, office: str, typed_date: str) -> None:
    # The correction form below has fields of the same names: work inside this form only.
    form = page.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Record application")
    )
    if not form.get_by_label("Application number", exact=True).is_visible():
        page.get_by_text("Record a filed application").click()

    def pick(label: str, option: str) -> None:
        box = form.get_by_role("combobox", name=label)
        expect(box).to_have_count(1)
        box.click()
        page.keyboard.type(option)  # the list, filtered to the option, whatever its length
        page.get_by_role("option", name=option).first.click()

    settle(page)

    pick("Type", "National phase")
    form.get_by_label("Jurisdiction (US, WO for PCT, EP, JP ...)").fill(office)
    form.get_by_role("spinbutton", name="year, Filing date").click()
    page.keyboard.type(typed_date)
    form.get_by_label("Application number", exact=True).fill(f"{office}-2026-0001")
    pick("Claims priority from / continues", "WO PCT (PCT")
    form.get_by_role("button", name="Record application").click()
    expect(
        page.get_by_text("Application recorded; its deadlines are on the docket.")
    ).to_be_visible()
    settle(page)


def test_an_officer_enters_two_offices_declines_the_rest_and_the_docket_follows(
    page, app_url, app_database_url, screenshot
):
    docket = a_pct_awaiting_its_national_phases(app_database_url)
    sign_in(page, app_url, "officer", DEMO_PASSWORD)
    go_to(page, "Case file", "Case file")
    type_into(page, "Find a case by docket, title, keyword or inventor", docket)
    choose(page, "Matching cases", docket)
    open_tab(page, "Patents")
    record_national_phase(page, "JP", "20261120")
    open_tab(page, "Patents")
    record_national_phase(page, "CN", "20261125")
    open_tab(page, "Patents")
    expect(page.get_by_text(re.compile(r"CN National phase \(CN-2026-0001"))).to_be_visible()
    screenshot("national-phases-entered")

    go_to(page, "Decisions before costs")
    events = page.get_by_role("combobox", name=re.compile("^Items to decide"))
    for office in DECLINED:
        events.click()
        page.keyboard.type(f"{docket} · PCT ")
        page.get_by_role(
            "option", name=re.compile(f"{docket} · PCT (national|regional) phase {office} ")
        ).click()
        page.keyboard.press("Escape")
    page.get_by_test_id("stRadioGroup").get_by_text("Let lapse", exact=True).click()
    page.get_by_label("Reason (required to let lapse)").fill(
        "Licensee interest only in Japan and China"
    )
    page.get_by_text("I understand that letting it lapse gives up this right for good").click()
    screenshot("cost-review-decline")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text(re.compile("^Decided to let lapse: PCT"))).to_be_visible()
    settle(page)

    go_to(page, "Docket")
    choose(page, "Due", "any time")
    page.get_by_text("Show done, waived and met").click()
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export with every date (Excel)").click()
    sheet = load_workbook(BytesIO(Path(download.value.path()).read_bytes())).active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]
    phases = {
        row["Deadline"]: row["State"]
        for row in rows
        if row["Docket"] == docket and row["Deadline"].startswith("PCT ")
    }
    assert phases == {
        "PCT national phase in the US": "waived",
        "PCT regional phase at the EPO": "waived",
        "PCT national phase in China": "met",
        "PCT national phase in Japan": "met",
        "PCT national phase in Korea": "waived",
        "PCT national phase in Canada": "waived",
        "PCT national phase in Australia": "waived",
        "PCT national phase in India": "waived",
    }
