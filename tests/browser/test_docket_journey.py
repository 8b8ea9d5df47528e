"""An officer records a provisional, finds its conversion on the docket, takes the calendar."""

import re
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect
from sqlmodel import col, select

from tests.browser.test_disclosure_journey import choose, go_to, open_tab, settle, type_into
from tests.browser.test_sign_in_journey import sign_in
from tlo import db
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.patents.models import PatentApplication
from tlo.people.models import Person

pytestmark = pytest.mark.browser


def a_case_approved_for_filing(database_url: str) -> str:
    """One of Olivia Ortega's cases approved for filing, with nothing filed yet."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        olivia = session.exec(select(Person.id).where(Person.full_name == "Olivia Ortega")).one()
        filed = select(PatentApplication.disclosure_id)
        return session.exec(
            select(Disclosure.docket).where(
                Disclosure.status == DisclosureStatus.FILING.value,
                Disclosure.officer_person_id == olivia,
                col(Disclosure.id).not_in(filed),
            )
        ).first()


def test_an_officer_records_a_provisional_and_takes_its_deadline_to_the_calendar(
    page, app_url, app_database_url, screenshot
):
    docket = a_case_approved_for_filing(app_database_url)
    assert docket, "the demo office has a case approved for filing"
    sign_in(page, app_url, "officer", DEMO_PASSWORD)
    go_to(page, "Case file", "Case file")
    type_into(page, "Find a case by docket, title, keyword or inventor", docket)
    choose(page, "Matching cases", docket)
    open_tab(page, "Patents")
    page.get_by_text("Record a filed application").click()
    # The date input is a row of year / month / day fields that advance as one types.
    page.get_by_role("spinbutton", name="year, Filing date").click()
    page.keyboard.type("20261102")
    page.get_by_label("Application number").fill("63/555,123")
    page.get_by_text(re.compile("^Government-support clause included")).click()
    page.get_by_role("button", name="Record application").click()
    expect(
        page.get_by_text("Application recorded; its deadlines are on the docket.")
    ).to_be_visible()
    settle(page)
    open_tab(page, "Patents")
    expect(
        page.get_by_text(re.compile(r"US Provisional \(63/555,123, filed 2026-11-02\)"))
    ).to_be_visible()
    screenshot("patents-tab")

    go_to(page, "Docket")
    choose(page, "Due", "any time")
    # The table is a canvas; the deadline picker under it lists the same items as text.
    page.get_by_role("combobox", name="Deadline").click()
    page.keyboard.type(docket)
    option = page.get_by_role(
        "option", name=re.compile(f"{docket} · Convert the provisional .* · due 2027-11-02")
    )
    expect(option).to_be_visible()
    screenshot("docket")
    page.keyboard.press("Escape")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export to calendar (.ics)").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    ours = [
        event
        for event in calendar.walk("VEVENT")
        if str(event["summary"]) == f"{docket}: Convert the provisional "
        "(US non-provisional and/or PCT claiming it)"
    ]
    assert len(ours) == 1
    assert ours[0].decoded("dtstart") == date(2027, 11, 2)
