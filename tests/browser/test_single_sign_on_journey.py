"""Single sign-on in a real browser against a real OpenID Connect provider: the e-mail the
provider confirms picks the tlo account and its roles; no active account, no way in."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.oidc import oidc_provider, sso_app_server
from tests.browser.test_disclosure_journey import go_to, settle
from tlo import db
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.auth.permissions import system_actor
from tlo.people import services as people

pytestmark = pytest.mark.browser
COOKIE_SECRET = "sso-journey-cookie-secret-4f1c9a7e"
DOMAIN = "university.example"
AUTH_COOKIE = "_streamlit_user"  # Streamlit's signed cookie with the provider's claims


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory):
    """A provider and a tlo server with [auth] pointing at it, on a database of its own."""
    directory = tmp_path_factory.mktemp("sso")
    database_url = f"sqlite:///{directory / 'tlo.db'}"
    _an_office_that_signs_in_with_sso(database_url)
    with (
        oidc_provider() as provider_url,
        sso_app_server(
            directory,
            database_url=database_url,
            provider_url=provider_url,
            cookie_secret=COOKIE_SECRET,
        ) as server,
    ):
        yield server


def _an_office_that_signs_in_with_sso(database_url: str) -> None:
    """Accounts without passwords (single sign-on only): Adam Kowalski, the admin; Olivia
    Ortega, an officer; Marcus Lee, an officer whose account is deactivated. Ahmed Karim is a
    person (an inventor, say) with no account."""
    db.migrate(database_url)
    engine = db.create_engine_for(database_url)
    system = system_actor("test set-up")
    try:
        with db.unit_of_work(engine) as session:
            for full_name, local, roles in [
                ("Adam Kowalski", "akowalski", {Role.ADMIN}),  # first: someone must admin
                ("Olivia Ortega", "oortega", {Role.OFFICER}),
                ("Marcus Lee", "mlee", {Role.OFFICER}),
                ("Ahmed Karim", "akarim", None),
            ]:
                person = people.create_person(
                    session, actor=system, full_name=full_name, email=f"{local}@{DOMAIN}"
                )
                if roles is None:
                    continue
                account = accounts.create_account(
                    session,
                    actor=system,
                    person_id=person.id,
                    username=local,
                    roles=roles,
                    password=None,
                )
                if local == "mlee":
                    accounts.set_account_active(
                        session, actor=system, account_id=account.id, active=False
                    )
    finally:
        engine.dispose()


def sign_in_with_sso(page: Page, app_url: str, email: str) -> None:
    """From tlo's sign-in page through the provider's authorisation form and back."""
    page.goto(app_url)
    expect(page.get_by_role("heading", name="tlo · Technology Licensing Office")).to_be_visible()
    expect(page.get_by_text("Sign in with your university account.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Username")).to_have_count(0)  # no local sign-in
    page.get_by_role("button", name="Sign in with single sign-on").click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_placeholder("sub").fill(email)  # the mock makes the subject the e-mail claim
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**")


def auth_cookies(page: Page) -> list[str]:
    return [
        cookie["name"]
        for cookie in page.context.cookies()
        if cookie["name"].startswith(AUTH_COOKIE)
    ]


def type_address(page: Page, url: str) -> None:
    """Open a page by its address: the router answers it (a signed-out visitor gets the
    sign-in page, a page not among the user's gets a note), never Streamlit's dialog."""
    page.goto(url)
    settle(page)
    expect(page.get_by_role("dialog").filter(has_text="Page not found")).to_have_count(0)


def expect_signed_in_as_olivia_ortega_officer(page: Page) -> None:
    expect(page.get_by_role("heading", name="Welcome, Olivia Ortega")).to_be_visible()
    expect(page.get_by_role("heading", name="As a licensing officer")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Olivia Ortega")
    expect(sidebar).to_contain_text("Licensing officer")  # the account's role
    pages = page.get_by_role("navigation", name="App pages")
    expect(pages.get_by_role("link", name="Intake queue")).to_be_visible()  # an officer's page
    expect(pages.get_by_role("link", name="Accounts & roles")).to_have_count(0)  # an admin's


def expect_sign_in_page(page: Page) -> None:
    expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_have_count(0)


def test_an_officer_signs_in_with_single_sign_on_stays_signed_in_and_signs_out(
    page, sso_server, screenshot
):
    # The provider confirms the e-mail in capitals; it is still Olivia Ortega's, an officer's.
    sign_in_with_sso(page, sso_server.url, "OORTEGA@university.example")
    expect_signed_in_as_olivia_ortega_officer(page)
    assert AUTH_COOKIE in auth_cookies(page)
    screenshot("sso-officer-home")
    go_to(page, "Intake queue")

    # Another app process in place of this one (same address, same [auth] secrets) keeps no
    # session of the first: only the signed cookie carries her in. (From the home page: see
    # test_a_page_address_on_a_fresh_app_process_goes_through_the_router.)
    sso_server.restart()
    page.goto(sso_server.url)
    expect_signed_in_as_olivia_ortega_officer(page)

    # Signing out clears Streamlit's cookie and ends the session at the provider too.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()  # the provider's
    assert auth_cookies(page) == []
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{sso_server.url}/**")
    expect_sign_in_page(page)
    screenshot("sso-signed-out")

    # Loading a page again (here by its address) does not sign her in without the provider.
    type_address(page, f"{sso_server.url}/intake")
    expect_sign_in_page(page)


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("akarim@university.example", id="a person without an account"),
        pytest.param("mlee@university.example", id="a deactivated account"),
    ],
)
def test_an_email_without_an_active_account_is_refused_and_reaches_no_page(
    page, sso_server, screenshot, email
):
    sign_in_with_sso(page, sso_server.url, email)
    refusal = page.get_by_text(f"No active tlo account belongs to {email}.")
    expect(refusal).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)  # no pages to choose from
    screenshot(f"sso-refused-{email.partition('@')[0]}")

    # A page's address typed by hand leads nowhere but to the same refusal.
    type_address(page, f"{sso_server.url}/intake")
    expect(refusal).to_be_visible()
    expect(page.get_by_role("heading", name="Intake queue")).to_have_count(0)

    # Signing out here clears the cookie, so another person can sign in on this browser.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()
    assert auth_cookies(page) == []


def test_a_page_address_on_a_fresh_app_process_goes_through_the_router(page, sso_server):
    """Streamlit would run pages/intake.py alone (a v1 multipage app, every file of pages/ in
    the sidebar) until the process's first st.navigation; tlo.ui hands it to the router."""
    sso_server.restart()
    page.goto(f"{sso_server.url}/intake")
    # The router offers a signed-out visitor only the sign-in page.
    expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()
    expect(page.get_by_text("Please sign in.")).to_have_count(0)  # pages/intake.py alone
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # no list of pages/
