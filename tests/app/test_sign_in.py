from tests.app.conftest import navigation_paths
from tlo import db
from tlo.auth import services as accounts
from tlo.auth.permissions import system_actor
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
        officer = accounts.sign_in(session, username="officer", password=DEMO_PASSWORD).actor
        accounts.set_account_active(
            session, actor=system_actor("tests"), account_id=officer.account_id, active=False
        )
    app.run()
    assert app.title[0].value == "tlo · Technology Licensing Office"
