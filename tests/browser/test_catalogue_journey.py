"""The public catalogue (#20) in a real browser: a visitor who never signs in searches, opens
a technology and sends an inquiry; the technology's officer then finds the company in its
pipeline at 'contacted' and the inquiry counted and listed on the case's Marketing tab."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.test_disclosure_journey import choose, go_to, open_tab, settle, type_into
from tests.browser.test_sign_in_journey import sign_in
from tlo import db
from tlo.catalogue.models import CatalogueEntry
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures.models import Disclosure
from tlo.people.models import Person

pytestmark = pytest.mark.browser


def a_published_technology(database_url: str) -> tuple[str, str, str]:
    """(docket, public title, slug) of a published technology of Olivia Ortega's."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        olivia = session.exec(select(Person.id).where(Person.full_name == "Olivia Ortega")).one()
        return session.exec(
            select(Disclosure.docket, CatalogueEntry.title, CatalogueEntry.slug)
            .join(CatalogueEntry, CatalogueEntry.disclosure_id == Disclosure.id)
            .where(Disclosure.officer_person_id == olivia)
            .order_by(Disclosure.id)
        ).first()


def test_a_visitor_finds_a_technology_and_asks_and_the_officer_sees_it(
    page, app_url, app_database_url, screenshot
):
    docket, title, slug = a_published_technology(app_database_url)
    page.goto(f"{app_url}/catalogue/")
    expect(page.get_by_role("heading", name="Technologies available for licensing")).to_be_visible()
    word = max(re.findall(r"[A-Za-z-]{5,}", title), key=len)
    page.get_by_label("Search").fill(word)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text(re.compile(rf"technolog(y|ies) matching “{word}”"))).to_be_visible()
    screenshot("catalogue-search")
    page.get_by_role("link", name=title).click()
    expect(page).to_have_url(f"{app_url}/catalogue/t/{slug}")
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    assert page.context.cookies() == []  # no cookie, no tracker

    page.get_by_label("Your name").fill("Priya Raman")
    page.get_by_label("Company", exact=True).fill("Quantix Biosystems")
    page.get_by_label("Company size").select_option("Small company")
    page.get_by_label("E-mail").fill("priya@quantix.example")
    page.get_by_label("Message").fill("We would like to evaluate this for our assay line.")
    page.get_by_role("button", name="Send inquiry").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    screenshot("catalogue-inquiry-sent")

    sign_in(page, app_url, "officer", DEMO_PASSWORD)
    go_to(page, "Case file", "Case file")
    type_into(page, "Find a case by docket, title, keyword or inventor", docket)
    choose(page, "Matching cases", docket)
    open_tab(page, "Marketing")
    panel = page.get_by_role("tabpanel", name="Marketing")
    expect(panel.get_by_text("Public catalogue", exact=True)).to_be_visible()
    inquiries = panel.get_by_test_id("stMetric").filter(has_text="Inquiries")
    expect(inquiries).to_contain_text("1")
    pipeline = panel.get_by_test_id("stDataFrame").first
    expect(pipeline).to_contain_text("Quantix Biosystems")
    expect(pipeline).to_contain_text("Contacted")
    expect(panel.get_by_test_id("stDataFrame").filter(has_text="Priya Raman")).to_have_count(1)
    settle(page)
    screenshot("catalogue-officer-sees-the-inquiry")
