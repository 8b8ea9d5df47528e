"""Where secrets configure OIDC, sign-in goes through st.login and the e-mail picks the account."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "tlo_app.py"
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret",
        "client_id": "tlo",
        "client_secret": "secret",
        "server_metadata_url": "https://login.university.example/.well-known/openid-configuration",
    }
}


def sso_app(user: dict) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.secrets.update(AUTH)
    app.user = user
    return app.run()


def test_with_sso_configured_the_sign_in_page_offers_only_single_sign_on(database_url):
    app = sso_app({"is_logged_in": False})
    assert [button.label for button in app.button] == ["Sign in with single sign-on"]
    assert not app.text_input


def test_a_signed_in_email_maps_to_that_persons_account_and_roles(database_url):
    app = sso_app({"is_logged_in": True, "email": "OORTEGA@university.example"})
    assert not app.exception
    assert app.title[0].value == "Welcome, Olivia Ortega"
    assert "As a licensing officer" in [header.value for header in app.subheader]


def test_an_email_without_an_account_is_told_to_ask_the_administrator(database_url):
    app = sso_app({"is_logged_in": True, "email": "akarim@university.example"})  # no account
    assert "No active tlo account belongs to akarim@university.example" in app.error[0].value
    assert "account_id" not in app.session_state
