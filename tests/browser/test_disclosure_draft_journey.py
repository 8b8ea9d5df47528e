"""The disclosure form keeps the inventor's work, in a real browser (issue #16, items 4 and 11):
she types, leaves for another page and comes back to everything she typed (a share that is not
a number yet included), reloads and finds the draft saved, and is told every problem at once
when she submits too early."""

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.test_disclosure_journey import add_co_inventor, go_to, settle, type_into
from tests.browser.test_sign_in_journey import sign_in
from tlo.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
TITLE = "Self-healing polymer coating for wind turbine blades"
ABSTRACT = "Microcapsules of resin in the gel coat repair leading-edge erosion cracks."


def pick(page: Page, label: str, option: str) -> None:
    """Choose in a select box; open it again if a rerun that was still arriving closed it."""
    wanted = page.get_by_role("option", name=re.compile(re.escape(option))).first
    for _ in range(3):
        settle(page)
        page.get_by_role("combobox", name=label).click()
        try:
            wanted.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    wanted.click()
    settle(page)


def share_boxes(page: Page):
    return page.get_by_label("Share %")


def set_share(page: Page, index: int, text: str) -> None:
    box = share_boxes(page).nth(index)
    box.fill(text)
    box.press("Tab")
    settle(page)


def test_an_inventor_leaves_the_form_comes_back_and_finds_everything(page, app_url, screenshot):
    sign_in(page, app_url, "inventor", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Alice Chen")).to_be_visible()
    go_to(page, "New disclosure")
    expect(page.get_by_text("saved automatically as soon as it has a title")).to_be_visible()

    # A title too long is said to be, and kept as typed; then a shorter one saves the draft.
    too_long = TITLE + " " + "and more " * 35
    type_into(page, "Title", too_long)
    expect(page.get_by_text(re.compile(r"The title is \d+ characters long")).first).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value(too_long)
    expect(page.get_by_text("Not saved yet: see what is marked in red.")).to_be_visible()
    type_into(page, "Title", TITLE)
    type_into(page, "Abstract (non-confidential summary, a few sentences)", ABSTRACT)
    pick(page, "Stage of development", "Prototype")
    add_co_inventor(page, "okafor", "Benjamin Okafor")
    set_share(page, 0, "60")
    set_share(page, 1, "ask Ben")  # not a number yet: the draft keeps it open
    expect(page.get_by_text(re.compile(r"Draft saved automatically at \d\d:\d\d"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"disclosure_form\?draft=\d+$"))
    draft_url = page.url
    screenshot("draft-typed")

    # Away to another page and back by the menu: everything as typed.
    go_to(page, "My disclosures")
    pick(page, "Open a case", f"(draft) · {TITLE}")
    go_to(page, "New disclosure", "Edit draft disclosure")
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    expect(page.get_by_label("Abstract (non-confidential summary, a few sentences)")).to_have_value(
        ABSTRACT
    )
    expect(page.get_by_role("combobox", name="Stage of development")).to_have_value("Prototype")
    expect(share_boxes(page).nth(0)).to_have_value("60")
    expect(share_boxes(page).nth(1)).to_have_value("ask Ben")

    # And by My disclosures' "Continue editing": the same.
    go_to(page, "My disclosures")
    pick(page, "Open a case", f"(draft) · {TITLE}")
    page.get_by_role("button", name="Continue editing").click()
    expect(page.get_by_role("heading", name="Edit draft disclosure")).to_be_visible()
    settle(page)
    expect(share_boxes(page).nth(1)).to_have_value("ask Ben")

    # A reload (a new session of the page) opens the saved draft from its address; the share
    # that was not a number is open there.
    page.reload()
    expect(page.get_by_role("heading", name="Edit draft disclosure")).to_be_visible()
    settle(page)
    assert page.url == draft_url
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    expect(share_boxes(page).nth(0)).to_have_value("60")
    expect(share_boxes(page).nth(1)).to_have_value("")

    # Submitting too early names every problem at once, each at its field.
    page.get_by_role("button", name="Submit to the licensing office").click()
    settle(page)
    expect(
        page.get_by_text(
            "Before submitting, add the detailed description, the problem solved and its "
            "advantages."
        )
    ).to_be_visible()
    expect(page.get_by_text("Needed before submitting.")).to_have_count(2)
    share_problem = "The share of Benjamin Okafor is not a percentage yet"
    expect(page.get_by_text(re.compile(share_problem))).to_have_count(2)  # field and list
    expect(page.get_by_text("Your draft is saved but not submitted yet.")).to_be_visible()
    page.get_by_role("button", name="Submit to the licensing office").scroll_into_view_if_needed()
    screenshot("draft-all-problems-at-once")

    # The kind of a public disclosure is chosen, never assumed.
    page.get_by_text("Add a public disclosure").click()
    settle(page)  # on a busy machine the draft's save may rerun the page meanwhile
    add = page.get_by_role("button", name="Add public disclosure")
    expect(add).to_be_visible()
    add.click()
    settle(page)
    expect(
        page.get_by_text(re.compile(r"Choose the kind of public disclosure \(paper, talk"))
    ).to_be_visible()
    expect(page.get_by_text("Give the date of the public disclosure.")).to_be_visible()
