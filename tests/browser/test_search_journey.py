"""The sidebar's search box in Chromium: an officer types a docket number and opens the case,
types an agreement number and opens the agreement; finance finds a licensee."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from tests.browser.test_disclosure_journey import settle
from tests.browser.test_sign_in_journey import sign_in
from tlo import db
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.licensing.agreement_models import Agreement
from tlo.licensing.models import Company

pytestmark = pytest.mark.browser


def search_box(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_role("searchbox", name="Search")


def search_for(page: Page, text: str) -> None:
    """Type into the sidebar's box as a user does; it searches after a pause."""
    box = search_box(page)
    box.fill("")
    box.press_sequentially(text, delay=40)
    settle(page)


def result(page: Page, label: str) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_role("link", name=re.compile(re.escape(label)))


def search_and_pick(
    page: Page, scope: Locator, find_label: str, label: str, text: str, option, many=False
):
    """A search picker (tlo/ui/pickers.py): type into its box, then choose what it found."""
    scope.get_by_label(find_label, exact=True).fill(text)
    settle(page)
    scope.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option).first.click()
    if many:  # a multiselect stays open for more; in a select box, Escape would empty it
        page.keyboard.press("Escape")
    settle(page)


def a_case_and_an_agreement(database_url: str) -> tuple[str, str, str, str]:
    with db.unit_of_work(db.get_engine(database_url)) as session:
        docket, title = session.exec(
            select(Disclosure.docket, Disclosure.title)
            .where(Disclosure.status == DisclosureStatus.MARKETING.value)
            .order_by(Disclosure.id)
        ).first()
        agreement_id, company = session.exec(
            select(Agreement.id, Company.name)
            .join(Company, Company.id == Agreement.company_id)
            .order_by(Agreement.id)
        ).first()
    return docket, title, f"AGR-{agreement_id:05d}", company


def test_an_officer_finds_a_case_and_an_agreement_from_the_sidebar(
    page, app_url, app_database_url, screenshot
):
    docket, title, number, company = a_case_and_an_agreement(app_database_url)
    sign_in(page, app_url, "officer", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Olivia Ortega")).to_be_visible()

    search_for(page, docket.lower())
    expect(result(page, f"{docket} · ")).to_be_visible()
    screenshot("search-a-docket")
    result(page, f"{docket} · ").first.click()
    expect(page.get_by_role("heading", name=f"{docket} · {title}")).to_be_visible()
    assert f"/case?case={docket}" in page.url
    settle(page)

    # From the case file, straight to an agreement: by its number, in the same box.
    search_for(page, number)
    result(page, f"{number} · ").click()
    expect(page.get_by_role("heading", name="Agreements")).to_be_visible()
    expect(page.get_by_text(re.compile(f"{number} · .* with {re.escape(company)}"))).to_be_visible()
    assert f"agreement={number}" in page.url
    screenshot("search-an-agreement")


def test_words_of_a_title_and_an_inventor_narrow_the_cases_down(
    page, app_url, app_database_url, screenshot
):
    docket, title, _number, _company = a_case_and_an_agreement(app_database_url)
    words = " ".join(title.split()[:2])
    sign_in(page, app_url, "finance", DEMO_PASSWORD)
    search_for(page, words)
    expect(result(page, f"{docket} · ")).to_be_visible()
    search_for(page, f"{words} no-such-word")
    expect(page.get_by_text(f"Nothing found for “{words} no-such-word”.")).to_be_visible()
    screenshot("search-nothing-found")
