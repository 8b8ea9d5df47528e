import pytest
from playwright.sync_api import Page, expect

from tlo.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Page, app_url: str, username: str, password: str) -> None:
    page.goto(app_url)
    expect(page.get_by_role("heading", name="tlo · Technology Licensing Office")).to_be_visible()
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_demo_officer_signs_in_sees_the_home_page_and_signs_out(page, app_url, screenshot):
    sign_in(page, app_url, "officer", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Olivia Ortega")).to_be_visible()
    expect(page.get_by_role("heading", name="As a licensing officer")).to_be_visible()
    expect(page.get_by_text("Administration")).to_have_count(0)  # not an officer's section
    screenshot("officer-home")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name="Welcome, Olivia Ortega")).to_have_count(0)


def test_a_wrong_password_is_refused_in_the_browser(page, app_url, screenshot):
    sign_in(page, app_url, "officer", "not the password")
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()
    screenshot("sign-in-refused")


def test_the_admin_reaches_the_administration_pages(page, app_url, screenshot):
    sign_in(page, app_url, "admin", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Adam Kowalski")).to_be_visible()
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    expect(page.get_by_text("Add a person")).to_be_visible()
    screenshot("admin-people")
    page.get_by_role("link", name="Accounts & roles").click()
    expect(page.get_by_role("heading", name="Accounts & roles")).to_be_visible()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    screenshot("admin-accounts")
