"""An officer drafts a license for a technology with a patent family, sees every application of
the family preselected, leaves the European one out (a license for the US and the PCT only),
saves, generates the Word draft and finds exactly the chosen patents in its Licensed Patents
table."""

import re

import pytest
from docx import Document
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.test_agreement_journey import word_text
from tests.browser.test_disclosure_journey import go_to, settle
from tests.browser.test_search_journey import search_and_pick
from tests.browser.test_sign_in_journey import sign_in
from tlo import db
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.patents.models import PatentApplication
from tlo.people.models import Person

pytestmark = pytest.mark.browser
TITLE = "Exclusive license: US and PCT only"


def a_marketed_family(database_url: str) -> tuple[str, dict[str, str]]:
    """Olivia Ortega's first marketed technology whose family has a European application: its
    docket and its applications' numbers by office."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        olivia = session.exec(select(Person.id).where(Person.full_name == "Olivia Ortega")).one()
        case_id, docket = session.exec(
            select(Disclosure.id, Disclosure.docket)
            .join(PatentApplication, PatentApplication.disclosure_id == Disclosure.id)
            .where(
                Disclosure.status == DisclosureStatus.MARKETING.value,
                Disclosure.officer_person_id == olivia,
                PatentApplication.jurisdiction == "EP",
            )
            .order_by(Disclosure.id)
        ).first()
        numbers = session.exec(
            select(PatentApplication.application_type, PatentApplication.application_number)
            .where(PatentApplication.disclosure_id == case_id)
            .order_by(PatentApplication.filing_date, PatentApplication.id)
        ).all()
    return docket, dict(numbers)


def licensed_patents_form(page):
    return page.get_by_test_id("stForm").filter(has_text="Save the licensed patents")


def test_an_officer_licenses_part_of_a_family_and_the_draft_lists_exactly_it(
    page, app_url, app_database_url, screenshot
):
    docket, numbers = a_marketed_family(app_database_url)
    europe = numbers["regional_phase"]
    sign_in(page, app_url, "officer", DEMO_PASSWORD)
    go_to(page, "Agreements")

    page.get_by_text("New agreement").click()
    new = page.get_by_test_id("stExpander").filter(has_text="New agreement")
    form = page.get_by_test_id("stForm").filter(has_text="Save agreement").first
    search_and_pick(page, new, "Find the company", "Licensee", "apexdiag", "ApexDiagnostics Inc.")
    find_case = "Find a case (docket, title, keyword or inventor)"
    search_and_pick(
        page, new, find_case, "Technologies covered", docket, re.compile(docket), many=True
    )
    form.get_by_label("Title", exact=True).fill(TITLE)
    whole_family = form.get_by_role("checkbox", name=re.compile("^License the whole family"))
    expect(whole_family).to_be_checked()
    form.get_by_role("button", name="Save agreement").click()
    expect(page.get_by_text("Agreement saved as a draft.")).to_be_visible()
    settle(page)

    # Every application of the family is preselected under "Licensed patents".
    patents = licensed_patents_form(page)
    for number in numbers.values():
        expect(patents.get_by_role("checkbox", name=number)).to_be_checked()
    patents.scroll_into_view_if_needed()
    screenshot("licensed-patents-preselected")

    # A license for the US and the PCT: the European application is left out, and so are
    # applications filed later (unless they continue a licensed one).
    patents.get_by_test_id("stCheckbox").filter(has_text=europe).click()
    patents.get_by_test_id("stCheckbox").filter(has_text="License the whole family").click()
    expect(patents.get_by_role("checkbox", name=europe)).not_to_be_checked()
    patents.get_by_role("button", name="Save the licensed patents").click()
    expect(page.get_by_text(re.compile(r"AGR-\d+: licensed patents saved\."))).to_be_visible()
    settle(page)
    expect(
        page.get_by_text(re.compile("The applications chosen are licensed, with their"))
    ).to_be_visible()
    licensed_patents_form(page).scroll_into_view_if_needed()
    screenshot("licensed-patents-europe-left-out")

    page.get_by_role("button", name="Generate a new Word draft").click()
    expect(page.get_by_text(re.compile(r"A new draft of AGR-\d+ is ready\."))).to_be_visible()
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"^Version 1 ·")).click()
    path = download.value.path()
    table = Document(path).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Jurisdiction", "Type", "Number", "Filed", "Title"]
    listed = {row[2] for row in rows[1:]}
    assert listed == {number for kind, number in numbers.items() if kind != "regional_phase"}
    assert {row[0] for row in rows[1:]} == {"US", "WO"}
    assert all(row[4] for row in rows[1:])  # the technology's title on every row
    text = word_text(path)
    assert europe not in text
    assert "every other application of their families" not in text  # a chosen list
    assert "{{" not in text and "{%" not in text
