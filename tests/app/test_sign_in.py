from datetime import timedelta

import time_machine
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, messages, navigation_paths
from tlo import db
from tlo.__main__ import main
from tlo.auth import services as accounts
from tlo.auth import sessions
from tlo.auth.models import SignInSession
from tlo.auth.permissions import system_actor
from tlo.clock import utcnow
from tlo.demo import DEMO_PASSWORD


def sign_in(app, username, password):
    app.text_input(key="username").input(username)
    app.text_input(key="password").input(password)
    return app.button[0].click().run()


def test_a_visitor_sees_only_the_sign_in_form(open_app):
    app = open_app()
    assert app.title[0].value == "tlo · Technology Licensing Office"
    assert navigation_paths(app) == {"pages/sign_in.py"}


def test_a_wrong_password_shows_an_error_and_signs_nobody_in(open_app):
    app = sign_in(open_app(), "officer", "not the password")
    assert [error.value for error in app.error] == ["Wrong username or password."]
    assert "account_id" not in app.session_state
    assert navigation_paths(app) == {"pages/sign_in.py"}


def test_the_right_password_opens_the_home_page_and_sign_out_closes_it(open_app):
    app = sign_in(open_app(), "officer", DEMO_PASSWORD)
    assert not app.exception
    assert app.title[0].value == "Welcome, Olivia Ortega"
    assert "pages/home.py" in navigation_paths(app)
    app.sidebar.button[0].click().run()
    assert app.title[0].value == "tlo · Technology Licensing Office"
    assert "account_id" not in app.session_state


def test_a_deactivated_account_is_signed_out_on_its_next_page_view(open_app, database_url):
    app = open_app("officer")
    assert app.title[0].value == "Welcome, Olivia Ortega"
    with db.unit_of_work(db.get_engine(database_url)) as session:
        officer = accounts.sign_in(
            session, username="officer", password=DEMO_PASSWORD, client=None
        ).actor
        accounts.set_account_active(
            session, actor=system_actor("tests"), account_id=officer.account_id, active=False
        )
    app.run()
    assert app.title[0].value == "tlo · Technology Licensing Office"


def session_row(database_url, session_id) -> SignInSession:
    with Session(db.get_engine(database_url)) as session:
        return session.get(SignInSession, session_id)


def test_a_sign_in_is_kept_as_a_session_for_the_browser_and_the_sign_out_ends_it(
    open_app, database_url
):
    app = sign_in(open_app(), "officer", DEMO_PASSWORD)
    session_id = app.session_state["_signin_session"]
    row = session_row(database_url, session_id)
    assert row.ended_at is None and row.handoff_hash is not None  # the cookie is yet to come
    [script] = [html.proto.body for html in app.sidebar.get("html")]
    assert "/_tlo/session" in script and '"POST"' in script
    app.sidebar.button[0].click().run()
    assert session_row(database_url, session_id).end_reason == "signed out"
    assert '"DELETE"' in app.get("html")[0].proto.body  # the browser drops the cookie


def test_a_sign_out_in_another_tab_signs_this_tab_out_at_its_next_page_view(open_app, database_url):
    app = sign_in(open_app(), "officer", DEMO_PASSWORD)
    with db.unit_of_work(db.get_engine(database_url)) as session:
        sessions.end(session, session_id=app.session_state["_signin_session"])
    app.run()
    assert app.title[0].value == "tlo · Technology Licensing Office"
    assert messages(app.info) == ["You signed out in another tab or window."]


def test_a_tab_left_idle_is_signed_out_at_its_next_click(open_app, monkeypatch):
    monkeypatch.setenv("TLO_SESSION_IDLE_MINUTES", "20")
    app = sign_in(open_app(), "officer", DEMO_PASSWORD)
    with time_machine.travel(utcnow() + timedelta(minutes=19), tick=False):
        app.run()
        assert app.title[0].value == "Welcome, Olivia Ortega"
    with time_machine.travel(utcnow() + timedelta(minutes=40), tick=False):
        app.run()
    assert app.title[0].value == "tlo · Technology Licensing Office"
    assert messages(app.info) == ["You were signed out after 20 minutes without activity."]


DEMO_WARNING = "**This is a demo: anyone who has read the README can sign in**"


def test_the_demo_office_warns_that_anyone_who_read_the_readme_can_sign_in(open_app):
    app = open_app()
    [warning] = messages(app.warning)
    assert warning.startswith(DEMO_WARNING) and DEMO_PASSWORD in warning


def test_in_production_the_demo_password_is_refused_and_the_page_says_why(open_app, monkeypatch):
    monkeypatch.setenv("TLO_ENV", "production")
    app = sign_in(open_app(), "officer", DEMO_PASSWORD)
    assert messages(app.error) == ["Wrong username or password."]
    assert "account_id" not in app.session_state
    [warning] = messages(app.warning)
    assert "Their published password is refused because TLO_ENV is production" in warning


def test_a_first_start_has_no_demo_and_its_administrator_signs_in(open_app, monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'first-start.db'}"
    monkeypatch.setenv("TLO_DATABASE_URL", url)
    monkeypatch.setenv("TLO_ENV", "production")
    monkeypatch.setenv("TLO_ADMIN_PASSWORD", "a long and private passphrase")
    args = ["--username", "ada", "--email", "ada@tlo-office.example", "--name", "Ada Byron"]
    try:
        assert main(["create-admin", *args]) == 0
        app = AppTest.from_file(str(APP), default_timeout=30).run()
        assert messages(app.warning) == []
        app = sign_in(app, "ada", "a long and private passphrase")
        assert not app.exception
        assert app.title[0].value == "Welcome, Ada Byron"
    finally:
        db.dispose_engine(url)


def test_an_address_over_its_limit_is_told_how_long_to_wait(open_app, monkeypatch):
    monkeypatch.setenv("TLO_SIGNIN_CLIENT_MAX_FAILURES", "1")
    app = sign_in(open_app(), "nobody", "not the password")
    assert messages(app.error) == ["Wrong username or password."]
    app = sign_in(app, "officer", DEMO_PASSWORD)
    assert messages(app.error) == [
        "Too many failed sign-ins from your network address. Try again in 15 minutes."
    ]
    assert "account_id" not in app.session_state
