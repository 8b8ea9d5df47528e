"""An officer drafts an exclusive license (upfront fee, 3 % royalty, two milestones), generates
the Word draft, downloads it and finds the terms in it."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.test_disclosure_journey import go_to, settle
from tests.browser.test_outreach_journey import a_marketed_case
from tests.browser.test_search_journey import search_and_pick
from tests.browser.test_sign_in_journey import sign_in
from tlo.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
TITLE = "Exclusive license: browser journey"


def word_text(path: str) -> str:
    document = Document(BytesIO(Path(path).read_bytes()))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_an_officer_drafts_an_exclusive_license_and_downloads_it(
    page, app_url, app_database_url, screenshot
):
    docket, _title = a_marketed_case(app_database_url)
    sign_in(page, app_url, "officer", DEMO_PASSWORD)
    go_to(page, "Agreements")

    page.get_by_text("New agreement").click()
    new = page.get_by_test_id("stExpander").filter(has_text="New agreement")
    form = page.get_by_test_id("stForm").filter(has_text="Save agreement").first  # not "Edit"
    # The licensee and the technologies are search pickers, beside the form.
    search_and_pick(page, new, "Find the company", "Licensee", "apexdiag", "ApexDiagnostics Inc.")
    find_case = "Find a case (docket, title, keyword or inventor)"
    search_and_pick(
        page, new, find_case, "Technologies covered", docket, re.compile(docket), many=True
    )
    form.get_by_label("Title", exact=True).fill(TITLE)
    form.get_by_label("Field of use").fill("Point-of-care diagnostics")
    form.get_by_label("Upfront fee ($)").fill("75,000")
    form.get_by_role("textbox", name="Royalty rates, one product category a line").fill(
        "Net sales of licensed products; 3"
    )
    form.get_by_label(re.compile("^Milestones, one a line")).fill(
        "First commercial sale; 250000; 2029-06-30\nPhase II trial started; 100000; 2028-03-31"
    )
    screenshot("new-agreement-form")
    form.get_by_role("button", name="Save agreement").click()
    expect(page.get_by_text("Agreement saved as a draft.")).to_be_visible()
    settle(page)

    # The newest agreement is listed first and opened below the list, its terms with it.
    expect(page.get_by_text(re.compile("with ApexDiagnostics Inc.* · Draft"))).to_be_visible()
    expect(page.get_by_text("Running royalties: 3 % of Net Sales")).to_be_visible()
    expect(page.get_by_text(re.compile(r"is not executed yet: its obligations"))).to_be_visible()
    page.get_by_role("button", name="Generate a new Word draft").click()
    expect(page.get_by_text(re.compile(r"A new draft of AGR-\d+ is ready\."))).to_be_visible()
    settle(page)
    screenshot("agreement-with-draft")

    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile(r"^Version 1 ·")).click()
    assert re.fullmatch(r"AGR-\d{5}-v1\.docx", download.value.suggested_filename)
    text = word_text(download.value.path())
    assert "ApexDiagnostics Inc." in text and docket in text
    assert "$75,000.00" in text
    assert "3 % of Net Sales" in text
    assert "First commercial sale" in text and "$250,000.00" in text and "30 June 2029" in text
    assert "Phase II trial started" in text and "$100,000.00" in text and "31 March 2028" in text
    assert "Point-of-care diagnostics" in text
    assert "{{" not in text and "{%" not in text
    # The parties: the demo office's settings, the licensee by its legal form, not its size.
    university = "The Board of Trustees of the Leland Stanford Junior University (demo)"
    assert f"by and between {university}, a body having corporate powers" in text
    licensee = r"and ApexDiagnostics Inc\., an? [A-Z][A-Za-z ]+ corporation \(\"Licensee"
    assert re.search(licensee, text)
    assert "Name: Diane Whitfield   Title: Director, Office of Technology Licensing" in text
