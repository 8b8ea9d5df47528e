"""The disclosure journey in a real browser: inventor submits, co-inventor confirms, officer
assigns, scores and decides, inventor sees the new status."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_sign_in_journey import sign_in
from tlo.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
TITLE = "Graphene biosensor for point-of-care troponin testing"


def settle(page: Page) -> None:
    """Wait until Streamlit has finished rerunning after the last input."""
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=20_000)
    # Elements of the previous run linger, marked stale, until the new run replaces them.
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=20_000)


def type_into(page: Page, label: str, text: str) -> None:
    box = page.get_by_label(label, exact=True)
    expect(box).to_have_count(1)  # a rerun may briefly show the old and the new field
    box.fill(text)
    box.press("Tab")  # Streamlit takes a field's value when it loses focus
    settle(page)


def open_tab(page: Page, name: str) -> None:
    settle(page)  # mid-rerun, the old and the new tab bar can both be on the page
    tab = page.get_by_role("tab", name=name)
    expect(tab).to_have_count(1)
    tab.click()


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=re.compile(re.escape(option))).first.click()
    settle(page)


def go_to(page: Page, link: str, heading: str | None = None) -> None:
    # The sidebar's link: a page (e.g. Home) may link to the same page by the same name.
    page.get_by_role("navigation", name="App pages").get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", name=heading or link).first).to_be_visible()
    settle(page)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def add_co_inventor(page: Page, search: str, name: str) -> None:
    type_into(page, "Find a co-inventor (name or e-mail)", search)
    choose(page, "Matching co-inventors", name)
    page.get_by_role("button", name="Add co-inventor").click()
    settle(page)
    expect(page.get_by_text(re.compile(f"^{name} ·"))).to_be_visible()


def fill_what_every_disclosure_needs(
    page: Page, title: str, abstract: str, description: str, problem: str
) -> None:
    """The new disclosure form's texts a submission needs, and its stage."""
    go_to(page, "New disclosure")
    type_into(page, "Title", title)
    type_into(page, "Abstract (non-confidential summary, a few sentences)", abstract)
    type_into(page, "Detailed description", description)
    type_into(page, "Problem solved and advantages over what exists", problem)
    choose(page, "Stage of development", "Prototype")


def test_a_disclosure_goes_from_the_inventor_to_a_filing_decision(page, app_url, screenshot):
    # The inventor fills in the form with two co-inventors and submits it.
    sign_in(page, app_url, "inventor", DEMO_PASSWORD)
    fill_what_every_disclosure_needs(
        page,
        TITLE,
        "A graphene field-effect sensor reads troponin from a drop of blood in minutes.",
        "Aptamers on graphene change its conductance ...",
        "Lab troponin tests take an hour; this takes five minutes at the bedside.",
    )
    type_into(page, "Keywords (comma-separated)", "biosensor, graphene, cardiology")
    add_co_inventor(page, "okafor", "Benjamin Okafor")
    add_co_inventor(page, "rosenberg", "David Rosenberg")
    shares = page.get_by_label("Share %")
    for index, share in enumerate(["50", "25", "25"]):
        shares.nth(index).fill(share)
        shares.nth(index).press("Tab")
        settle(page)
    screenshot("disclosure-form")
    page.get_by_role("button", name="Submit to the licensing office").click()
    thanks = page.get_by_text(re.compile(r"Your disclosure was received as S\d\d-\d{4}"))
    expect(thanks).to_be_visible(timeout=20_000)
    docket = re.search(r"S\d\d-\d{4}", thanks.inner_text()).group(0)
    sign_out(page)

    # The co-inventor confirms their share.
    sign_in(page, app_url, "inventor2", DEMO_PASSWORD)
    go_to(page, "My disclosures")
    choose(page, "Open a case", docket)
    page.get_by_role("button", name="Confirm my share").click()
    expect(page.get_by_text("Thank you: your share is confirmed.")).to_be_visible()
    sign_out(page)

    # The officer takes it from the intake queue, scores it and decides to file.
    sign_in(page, app_url, "officer", DEMO_PASSWORD)
    go_to(page, "Intake queue")
    choose(page, "Case", docket)
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text(f"{docket} assigned to Olivia Ortega.")).to_be_visible()
    go_to(page, "Case file", "Case file")
    type_into(page, "Find a case by docket, title, keyword or inventor", docket)
    choose(page, "Matching cases", docket)
    expect(page.get_by_role("heading", name=re.compile(docket))).to_be_visible()
    open_tab(page, "Evaluation")
    page.get_by_label("Novelty", exact=True).fill("5")
    page.get_by_label("Market size", exact=True).fill("4")
    page.get_by_role("button", name="Save scorecard").click()
    expect(page.get_by_text("Scorecard saved.")).to_be_visible()
    open_tab(page, "Decision")
    page.get_by_label("Rationale").fill("Clear clinical need; two diagnostics companies asked.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded: File provisional.")).to_be_visible()
    open_tab(page, "Decision")
    screenshot("case-page")
    sign_out(page)

    # The inventor sees the new status.
    sign_in(page, app_url, "inventor", DEMO_PASSWORD)
    go_to(page, "My disclosures")
    choose(page, "Open a case", docket)
    expect(page.get_by_role("heading", name=re.compile(docket))).to_be_visible()
    timeline = page.get_by_text(re.compile(r"Patent filing approved · by Olivia Ortega"))
    expect(timeline).to_be_visible()
    screenshot("inventor-sees-status")
