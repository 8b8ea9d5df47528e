"""The case file in a real browser (issue #16, items 4, 8 and 11): a link names the tab it
opens, the tab stays open through actions and a reload and the address follows it, the
director reassigns the case only with a reason, and the case's summary downloads as Word."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from tests.browser.test_disclosure_journey import choose, open_tab, settle, type_into
from tlo import db
from tlo.audit import AuditEntry
from tlo.auth import services as accounts
from tlo.auth.models import Account
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures import casework
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.patents.models import PatentApplication
from tlo.people.models import Person

pytestmark = pytest.mark.browser
REASON = "Marcus is at the BIO convention for two weeks"


def a_licensed_case_of_marcus_lee(database_url: str) -> str:
    """A licensed demo case of Marcus Lee's with patent applications: every part of its summary
    has something in it."""
    with Session(db.get_engine(database_url)) as session:
        marcus = session.exec(select(Person.id).where(Person.full_name == "Marcus Lee")).one()
        return session.exec(
            select(Disclosure.docket)
            .where(
                Disclosure.officer_person_id == marcus,
                Disclosure.status == DisclosureStatus.LICENSED.value,
                Disclosure.id.in_(select(PatentApplication.disclosure_id)),
            )
            .order_by(Disclosure.id)
        ).first()


def expect_on_tab(page: Page, label: str, name: str) -> None:
    """The tab is the one open, and the address names it."""
    expect(page.get_by_role("tab", name=label, exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    expect(page).to_have_url(re.compile(rf"[?&]tab={name}(&|$)"))


def give_the_case_back(database_url: str, docket: str) -> None:
    """Other journeys on this server expect the demo's officers where the demo put them."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        director = session.exec(select(Account.id).where(Account.username == "director")).one()
        marcus = session.exec(select(Person.id).where(Person.full_name == "Marcus Lee")).one()
        case_id = session.exec(select(Disclosure.id).where(Disclosure.docket == docket)).one()
        casework.reassign_officer(
            session,
            actor=accounts.load_actor(session, director),
            disclosure_id=case_id,
            officer_person_id=marcus,
            reason="Back from the convention",
        )


def test_the_case_file_keeps_its_tab_reassigns_with_a_reason_and_prints_a_summary(
    page, app_url, app_database_url, screenshot
):
    docket = a_licensed_case_of_marcus_lee(app_database_url)
    assert docket, "the demo office has a licensed case of Marcus Lee's with patents"

    # A link to the case's patents, followed while signed out: the sign-in, then that tab.
    page.goto(f"{app_url}/case?case={docket}&tab=patents")
    expect(page.get_by_role("heading", name="tlo · Technology Licensing Office")).to_be_visible()
    page.get_by_role("textbox", name="Username").fill("director")
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile(f"^{docket} · "))).to_be_visible()
    settle(page)
    expect_on_tab(page, "Patents", "patents")
    expect(page.get_by_text("Family", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()  # the costs, drawn last
    screenshot("case-file-link-opens-patents")

    # Another tab, an action in it: the page reruns and stays on the tab.
    open_tab(page, "Notes")
    settle(page)
    expect_on_tab(page, "Notes", "notes")
    form = page.get_by_test_id("stForm").filter(has_text="Add note")
    form.get_by_label("Note").fill("The licensee asked for a call about the PCT.")
    form.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()
    settle(page)
    expect_on_tab(page, "Notes", "notes")
    expect(page.get_by_text("The licensee asked for a call about the PCT.")).to_be_visible()
    screenshot("case-file-note-added-same-tab")

    # Reassigning asks the reason; a refusal and the success both keep the tab.
    open_tab(page, "Workflow")
    settle(page)
    expect_on_tab(page, "Workflow", "workflow")
    reassign = page.get_by_test_id("stForm").filter(has_text="Reassign to this officer")
    reassign.scroll_into_view_if_needed()
    choose(page, "Licensing officer", "Olivia Ortega")
    reassign.get_by_role("button", name="Reassign to this officer").click()
    expect(page.get_by_text("Give the reason for reassigning the case.")).to_be_visible()
    settle(page)
    expect_on_tab(page, "Workflow", "workflow")
    screenshot("case-file-reassign-needs-a-reason")
    type_into(page, "Reason for reassigning (kept in the audit log)", REASON)
    reassign.get_by_role("button", name="Reassign to this officer").click()
    expect(page.get_by_text("Reassigned to Olivia Ortega.")).to_be_visible()
    settle(page)
    expect_on_tab(page, "Workflow", "workflow")
    expect(page.get_by_text("Officer: Olivia Ortega")).to_be_visible()
    screenshot("case-file-reassigned")
    with Session(db.get_engine(app_database_url)) as session:
        entry = session.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "disclosure.officer_assigned")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.after["reason"] == REASON

    try:
        # A reload (or the address copied into an e-mail) opens the same case on the same tab.
        page.reload()
        expect(page.get_by_role("heading", name=re.compile(f"^{docket} · "))).to_be_visible()
        settle(page)
        expect_on_tab(page, "Workflow", "workflow")
        assert f"case={docket}" in page.url

        # The summary, one click away, reads back with every part the director may read.
        with page.expect_download() as download:
            page.get_by_role("button", name="Case summary (Word)").click()
        assert download.value.suggested_filename == f"{docket}-summary.docx"
        document = Document(BytesIO(Path(download.value.path()).read_bytes()))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = {c.text for table in document.tables for row in table.rows for c in row.cells}
        headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        assert headings == [
            "Status and history",
            "Inventors and shares",
            "Funding",
            "Ownership",
            "Patents and deadlines",
            "Agreements",
            "Income and distributions",
            "Outreach",
        ]
        assert f"Case summary · {docket}" in text
        assert "Status: Licensed" in text and "Licensing officer: Olivia Ortega" in text
        with Session(db.get_engine(app_database_url)) as session:
            numbers = session.exec(
                select(PatentApplication.application_number)
                .join(Disclosure, Disclosure.id == PatentApplication.disclosure_id)
                .where(Disclosure.docket == docket, PatentApplication.application_number != "")
            ).all()
        assert numbers and all(any(n in cell for cell in cells) for n in numbers)
        assert any(re.fullmatch(r"AGR-\d{5}", cell) for cell in cells)
        settle(page)
        expect_on_tab(page, "Workflow", "workflow")  # the download left the page as it was
        expect(page.get_by_test_id("stException")).to_have_count(0)
    finally:
        give_the_case_back(app_database_url, docket)
