"""An officer markets a technology: adds a suggested company, logs a call with a follow-up,
moves it to 'interested' and downloads the marketing summary."""

import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.test_disclosure_journey import choose, go_to, open_tab, settle, type_into
from tests.browser.test_sign_in_journey import sign_in
from tests.clock import TODAY
from tlo import db
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.people.models import Person

pytestmark = pytest.mark.browser


def pick(page, form, label: str, option: str) -> None:
    """Choose an option of a select box inside one form, typing to find it."""
    form.get_by_role("combobox", name=label, exact=True).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def a_marketed_case(database_url: str) -> tuple[str, str]:
    with db.unit_of_work(db.get_engine(database_url)) as session:
        olivia = session.exec(select(Person.id).where(Person.full_name == "Olivia Ortega")).one()
        return session.exec(
            select(Disclosure.docket, Disclosure.title)
            .where(
                Disclosure.status == DisclosureStatus.MARKETING.value,
                Disclosure.officer_person_id == olivia,
            )
            .order_by(Disclosure.id)
        ).first()


def test_an_officer_adds_a_suggested_company_logs_a_call_and_downloads_the_summary(
    page, app_url, app_database_url, screenshot
):
    docket, title = a_marketed_case(app_database_url)
    sign_in(page, app_url, "officer", DEMO_PASSWORD)
    go_to(page, "Case file", "Case file")
    type_into(page, "Find a case by docket, title, keyword or inventor", docket)
    choose(page, "Matching cases", docket)
    open_tab(page, "Marketing")
    first_suggestion = page.get_by_role("button", name="Add to pipeline").first
    expect(first_suggestion).to_be_visible()
    suggestion_text = page.get_by_text(re.compile(r"· matches ")).first.inner_text()
    company = suggestion_text.split(" · ")[0].strip()
    first_suggestion.click()
    expect(page.get_by_text(f"{company} added to the pipeline.")).to_be_visible()
    settle(page)

    open_tab(page, "Marketing")
    form = page.get_by_test_id("stForm").filter(has_text="Log a touch")
    pick(page, form, "Company", company)
    pick(page, form, "Channel", "Call")
    follow_up = TODAY + timedelta(days=10)
    form.get_by_role("spinbutton", name="year, Next follow-up").click()
    page.keyboard.type(follow_up.strftime("%Y%m%d"))
    form.get_by_label("Note").fill("Call with their VP R&D: wants the data package.")
    form.get_by_role("button", name="Log touch").click()
    expect(page.get_by_text(f"Touch with {company} logged.")).to_be_visible()
    settle(page)

    open_tab(page, "Marketing")
    stage_form = page.get_by_test_id("stForm").filter(has_text="Move in the pipeline")
    pick(page, stage_form, "Company", company)
    pick(page, stage_form, "Stage", "Interested")
    stage_form.get_by_role("button", name="Move").click()
    expect(page.get_by_text(f"{company}: Interested.")).to_be_visible()
    settle(page)
    open_tab(page, "Marketing")
    screenshot("marketing-tab")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the marketing summary (Word)").click()
    summary = Document(BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in summary.paragraphs)
    assert title in text and docket in text and "Olivia Ortega" in text
    assert "{{" not in text
