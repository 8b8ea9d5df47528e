"""The director drafts an exclusive license, edits the library's Royalty Term as counsel
asked, drafts again and compares the two drafts: the changed clause is listed, and the Word
changes document shows it as tracked changes (issue #21)."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from playwright.sync_api import expect

from tests.browser.test_disclosure_draft_journey import pick
from tests.browser.test_disclosure_journey import go_to, settle
from tests.browser.test_sign_in_journey import sign_in
from tlo.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
ADDED = "A Licensed Product sold in a country with no Valid Claim bears no royalty there."


def open_an_exclusive_license(page) -> None:
    go_to(page, "Agreements")
    pick(page, "Agreement (from the list above)", "Exclusive license:")


def generate_a_draft(page) -> None:
    page.get_by_role("button", name="Generate a new Word draft").click()
    expect(page.get_by_text(re.compile(r"A new draft of AGR-\d+ is ready\."))).to_be_visible()
    settle(page)


def test_counsel_edits_a_clause_once_and_the_next_draft_shows_the_change(page, app_url, screenshot):
    sign_in(page, app_url, "director", DEMO_PASSWORD)
    open_an_exclusive_license(page)
    generate_a_draft(page)

    go_to(page, "Clause library")
    pick(page, "Clause", "Royalty Term (royalty_term)")
    text = page.get_by_label("Text (a blank line between paragraphs)")
    text.fill(f"{text.input_value()}\n\n{ADDED}")
    page.get_by_label("What changed").fill("Says outright that unpatented countries are free")
    screenshot("clause-library-edit")
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_text("Version 2 of “Royalty Term” is current")).to_be_visible()
    settle(page)

    open_an_exclusive_license(page)
    generate_a_draft(page)
    page.get_by_text("Compare two drafts").click()
    expect(page.get_by_text("Standard clauses that changed")).to_be_visible()
    expect(page.get_by_text("library version 1 → 2")).to_be_visible()
    screenshot("draft-comparison")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the changes (Word)").click()
    assert re.fullmatch(r"AGR-\d{5}-changes-v\d+-v\d+\.docx", download.value.suggested_filename)
    document = Document(BytesIO(Path(download.value.path()).read_bytes()))
    assert "Royalty Term (library version 1 → 2)" in [p.text for p in document.paragraphs]
    inserted = " ".join(
        "".join(t.text for t in mark.iter(qn("w:t")))
        for mark in document.element.body.iter(qn("w:ins"))
    )
    assert ADDED in inserted
