"""A jointly owned technology in a real browser (#19, item 1): the director records an IIA
with a second university (60/40) on the case file's Ownership tab; finance records a royalty
on its license, computes the distribution and sees the co-owner's payment before our
inventors' lines, and posts it; the co-owner's total is on the units statement."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, col, func, select

from tests.browser.test_disclosure_journey import go_to, settle, sign_out
from tests.browser.test_outreach_journey import pick
from tests.browser.test_revenue_journey import choose_agreement
from tests.browser.test_sign_in_journey import sign_in
from tests.clock import TODAY
from tlo import db
from tlo.auth import services as accounts
from tlo.auth.models import Account
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures.models import Disclosure, DisclosureInventor
from tlo.iia import services as iia
from tlo.iia.models import Iia
from tlo.licensing.agreement_models import Agreement, AgreementTechnology
from tlo.people.models import Person
from tlo.revenue.models import Distribution, DistributionLine

pytestmark = pytest.mark.browser
NORTHBRIDGE = "Northbridge University"


def a_license_of_one_technology(database_url: str) -> tuple[str, str, int]:
    """(agreement number, docket, case id) of a signed exclusive license of one technology
    that Alice Chen did not invent (her statement is another journey's) and that is ours
    alone."""
    alice = (
        select(DisclosureInventor.disclosure_id)
        .join(Person)
        .where(Person.full_name == "Alice Chen")
    )
    single = (
        select(AgreementTechnology.agreement_id)
        .group_by(AgreementTechnology.agreement_id)
        .having(func.count() == 1)
    )
    with Session(db.get_engine(database_url)) as session:
        agreement, docket, case_id = session.exec(
            select(Agreement, Disclosure.docket, Disclosure.id)
            .join(AgreementTechnology, AgreementTechnology.agreement_id == Agreement.id)
            .join(Disclosure, Disclosure.id == AgreementTechnology.disclosure_id)
            .where(
                col(Agreement.signed_on).is_not(None),
                Agreement.agreement_type == "exclusive_license",
                col(Agreement.id).in_(single),
                col(Disclosure.id).not_in(alice),
                col(Disclosure.id).not_in(select(Iia.disclosure_id)),  # the demo has one
            )
            .order_by(Agreement.id)
        ).first()
        return agreement.number, docket, case_id


def remove_the_iia(database_url: str, case_id: int) -> None:
    """Other journeys on this server expect the demo's technologies to be ours alone."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        director = session.exec(select(Account.id).where(Account.username == "director")).one()
        iia.remove_iia(
            session,
            actor=accounts.load_actor(session, director),
            disclosure_id=case_id,
            reason="The journey is over",
        )


def test_an_iia_with_a_second_university_pays_it_before_our_inventors(
    page, app_url, app_database_url, screenshot
):
    number, docket, case_id = a_license_of_one_technology(app_database_url)
    page.goto(f"{app_url}/case?case={docket}&tab=ownership")  # the link, then the sign-in
    expect(page.get_by_role("heading", name="tlo · Technology Licensing Office")).to_be_visible()
    page.get_by_role("textbox", name="Username").fill("director")
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile(f"^{docket} · "))).to_be_visible()
    settle(page)
    expect(page.get_by_text(re.compile("^Ours alone"))).to_be_visible()
    form = page.get_by_test_id("stForm").filter(has_text="Save the IIA")
    form.get_by_role("textbox", name="Co-owner 1").fill(NORTHBRIDGE)
    form.get_by_role("textbox", name="Ownership %").first.fill("40")
    form.get_by_role("textbox", name="Contact e-mail").first.fill("otl@northbridge.example")
    form.get_by_role("textbox", name="Lead's fee %").fill("0")
    form.get_by_role("textbox", name="Reference").fill("IIA-2026-07")
    form.get_by_role("button", name="Save the IIA").click()
    expect(page.get_by_text(re.compile("^Inter-institutional agreement saved"))).to_be_visible()
    settle(page)
    expect(page.get_by_text(re.compile("^We lead: we license and collect"))).to_be_visible()
    owners = page.get_by_test_id("stDataFrame").filter(has_text="Share of patent costs")
    expect(owners).to_contain_text(NORTHBRIDGE)
    expect(owners).to_contain_text("40 %")
    expect(owners).to_contain_text("60 %")
    screenshot("iia-recorded")
    sign_out(page)

    try:
        sign_in(page, app_url, "finance", DEMO_PASSWORD)
        go_to(page, "Income", "Income and distributions")
        page.get_by_text("Income without an invoice").click()
        payment = page.get_by_test_id("stForm").filter(has_text="Record payment")
        choose_agreement(page, payment, number)
        payment.get_by_role("spinbutton", name="year, Received on").click()
        page.keyboard.type(TODAY.strftime("%Y%m%d"))
        pick(page, payment, "Type", "Running royalty")
        payment.get_by_label("Amount ($)").fill("50,000.00")
        payment.get_by_role("button", name="Record payment").click()
        expect(
            page.get_by_text("Payment recorded. Compute its distribution below.")
        ).to_be_visible()
        settle(page)
        page.get_by_role("button", name="Compute the draft distribution").click()
        expect(page.get_by_text("Draft computed: review every line, then post it.")).to_be_visible()
        settle(page)
        lines = page.get_by_test_id("stDataFrame").filter(has_text="Rule")
        expect(lines).to_contain_text(NORTHBRIDGE)
        expect(lines).to_contain_text("co-owner's share: 40% of the net consideration")
        expect(lines).to_contain_text("inventor")
        screenshot("iia-draft-distribution")
        page.get_by_role("button", name="Post the distribution").click()
        expect(page.get_by_text(re.compile("^Distribution posted."))).to_be_visible()
        settle(page)

        # What was posted, read back: Northbridge has 40 % of what the costs left, before the
        # policy; our inventors share the rest.
        with Session(db.get_engine(app_database_url)) as session:
            distribution = session.exec(
                select(Distribution)
                .where(
                    Distribution.disclosure_id == case_id, Distribution.amount_cents == 5_000_000
                )
                .order_by(Distribution.id.desc())
            ).first()
            posted = session.exec(
                select(DistributionLine)
                .where(DistributionLine.distribution_id == distribution.id)
                .order_by(DistributionLine.position)
            ).all()
        net = 5_000_000 - distribution.costs_recovered_cents
        co_owner = [line for line in posted if line.recipient_class == "co_owner"]
        assert [(line.recipient, line.amount_cents) for line in co_owner] == [
            (NORTHBRIDGE, round(Decimal(net) * Decimal("0.4")))
        ]
        assert posted.index(co_owner[0]) < min(
            i for i, line in enumerate(posted) if line.recipient_class == "inventor"
        )
        assert sum(line.amount_cents for line in posted) == 5_000_000

        go_to(page, "Royalty statements")
        page.get_by_role("tab", name="Departments, schools, institutions, co-owners").click()
        settle(page)
        heading = page.get_by_text("Co-owners", exact=True)
        heading.scroll_into_view_if_needed()
        expect(heading).to_be_visible()
        expect(page.get_by_test_id("stDataFrame").filter(has_text=NORTHBRIDGE).last).to_be_visible()
        screenshot("iia-co-owner-statement")
    finally:
        remove_the_iia(app_database_url, case_id)
