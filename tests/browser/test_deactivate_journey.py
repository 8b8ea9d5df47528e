"""The administrator deactivates a leaving officer in Chromium: asked to confirm, told what the
officer still holds, hands it to another officer and confirms; the page then shows the account
deactivated (not a stale Deactivate button)."""

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.test_disclosure_journey import go_to, settle
from tests.browser.test_sign_in_journey import sign_in
from tests.factories import submitted_case
from tlo import db
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.auth.permissions import system_actor
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures import casework
from tlo.disclosures.models import Disclosure
from tlo.licensing import agreements, outreach
from tlo.licensing.agreements import AgreementForm
from tlo.licensing.outreach import CompanyForm
from tlo.people import services as people
from tlo.people.models import Person

pytestmark = pytest.mark.browser
REASON = "Left the office on 30 November"


def _person_with_account(session, name: str, local: str, role: Role):
    actor = system_actor("tests")
    person = people.create_person(
        session, actor=actor, full_name=name, email=f"{local}@university.example"
    )
    account = accounts.create_account(
        session, actor=actor, person_id=person.id, username=local, roles={role}, password=None
    )
    session.flush()
    return accounts.load_actor(session, account.id)


def a_departing_officer(database_url: str) -> str:
    """Quinn Departing, an officer of their own (the demo's officers stay as they are), with a
    case, its outreach and an option agreement; returns the case's docket."""
    engine = db.get_engine(database_url)
    with db.unit_of_work(engine) as session:
        quinn = _person_with_account(session, "Quinn Departing", "qdeparting", Role.OFFICER)
        ines = _person_with_account(session, "Ines Inventor", "iinventor", Role.INVENTOR)
    case_id = submitted_case(engine, ines, title="Self-cooling concrete for desert roads")
    with db.unit_of_work(engine) as session:
        casework.assign_officer(
            session, actor=quinn, disclosure_id=case_id, officer_person_id=quinn.person_id
        )
        company = outreach.save_company(
            session, actor=quinn, form=CompanyForm("Desert Roads Inc.", "startup")
        )
        outreach.start_outreach(session, actor=quinn, disclosure_id=case_id, company_id=company.id)
        agreements.save_agreement(
            session,
            actor=quinn,
            form=AgreementForm(
                agreement_type="option",
                company_id=company.id,
                title="Option: self-cooling concrete",
                technologies=[case_id],
            ),
        )
    with db.unit_of_work(engine) as session:
        return session.get(Disclosure, case_id).docket


def officer_of(database_url: str, docket: str) -> str:
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return session.exec(
            select(Person.full_name)
            .join(Disclosure, Disclosure.officer_person_id == Person.id)
            .where(Disclosure.docket == docket)
        ).one()


def test_the_admin_sees_what_a_leaving_officer_holds_hands_it_over_and_confirms(
    page, app_url, app_database_url, screenshot
):
    docket = a_departing_officer(app_database_url)
    sign_in(page, app_url, "admin", DEMO_PASSWORD)
    go_to(page, "Accounts & roles")
    search = page.get_by_label("Search by name or username")
    search.fill("qdeparting")
    search.press("Enter")
    settle(page)

    page.get_by_role("button", name="Deactivate account…").click()
    settle(page)
    expect(
        page.get_by_role("heading", name="Deactivate qdeparting (Quinn Departing)?")
    ).to_be_visible()
    expect(
        page.get_by_text(
            "Quinn Departing still holds 1 open case, 0 upcoming deadlines, 1 agreement, "
            "1 pipeline entry."
        )
    ).to_be_visible()
    expect(page.get_by_text(docket).first).to_be_visible()  # the number, not the title:
    expect(page.get_by_text("Self-cooling concrete")).to_have_count(0)  # not an admin's to read
    screenshot("deactivate-what-they-hold")

    confirm = page.get_by_test_id("stForm").filter(has_text="Hand them over to")
    confirm.get_by_role("combobox", name="Hand them over to").click()
    page.keyboard.type("Marcus")  # typing opens the list, filtered
    page.get_by_role("option", name="Marcus Lee").click()
    confirm.get_by_label(re.compile("^Why")).fill(REASON)
    confirm.get_by_role("button", name="Deactivate qdeparting").click()
    expect(
        page.get_by_text(
            "qdeparting deactivated; 1 case, 1 agreement and 1 pipeline entry handed over to "
            "Marcus Lee."
        )
    ).to_be_visible()
    settle(page)
    # The page shows the account as it is now.
    expect(page.get_by_role("button", name="Reactivate account")).to_be_visible()
    expect(page.get_by_role("button", name="Deactivate account…")).to_have_count(0)
    screenshot("deactivate-handed-over")
    assert officer_of(app_database_url, docket) == "Marcus Lee"
