"""Every record has an address: `?case=S26-0142`, `?company=...` open that record's page."""

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, messages
from tests.app.test_case_tabs import shown_tab
from tlo import db, ui
from tlo.demo import DEMO_PASSWORD
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.licensing.models import Company


@pytest.fixture
def linked(database_url, seeded_template):
    """linked("officer", case="S22-0001") -> the app opened at that address, signed in as
    that demo account (None: signed out)."""
    _, account_ids = seeded_template

    def opener(username: str | None, **query: str) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=30)
        app.query_params.update(query)
        if username is not None:
            app.session_state["account_id"] = account_ids[username]
        return app.run()

    return opener


@pytest.fixture
def docket(database_url) -> str:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(
            select(Disclosure.docket)
            .where(Disclosure.status != DisclosureStatus.DRAFT.value)
            .order_by(Disclosure.id.desc())
        ).first()


def no_such(kind: str, key: str) -> list[str]:
    return [f"There is no {kind} {key!r} that you may open."]


def test_a_case_address_opens_that_case_file(linked, docket):
    app = linked("officer", case=docket)
    assert not app.exception
    assert app.title[0].value.startswith(f"{docket} · ")
    assert app.query_params["case"] == docket


def test_the_apps_address_with_a_case_goes_to_its_case_file_and_keeps_the_case_in_it(
    linked, docket
):
    app = linked("director", case=docket.lower())  # typed by hand: any case
    assert app.title[0].value.startswith(f"{docket} · ")
    assert app.query_params["case"] == docket  # as the app writes it, for a reload


def test_a_case_address_survives_the_sign_in(linked, docket):
    app = linked(None, case=docket)
    assert app.title[0].value == "tlo · Technology Licensing Office"
    app.text_input(key="username").input("officer")
    app.text_input(key="password").input(DEMO_PASSWORD)
    app = app.button[0].click().run()
    assert not app.exception
    assert app.title[0].value.startswith(f"{docket} · ")


def test_a_missing_case_and_one_the_user_may_not_open_get_the_same_answer(linked, docket):
    missing = linked("officer", case="S99-9999")
    assert not missing.exception
    assert messages(missing.warning) == no_such("case", "S99-9999")
    assert missing.title[0].value == "Case file"
    # An inventor never reaches the Case file page: the same words, whether it exists or not.
    for key in (docket, "S99-9999"):
        inventor = linked("inventor", case=key)
        assert not inventor.exception
        assert messages(inventor.warning) == no_such("case", key)
        assert key not in "".join(markdown.value for markdown in inventor.markdown)


def test_rubbish_in_a_case_address_is_a_clear_message_not_a_crash(linked):
    rubbish = "S26-0001' OR '1'='1" + "x" * 300
    app = linked("officer", case=rubbish)
    assert not app.exception
    assert messages(app.warning) == no_such("case", rubbish[:200])


def test_a_company_address_shows_that_company(linked, database_url):
    with Session(db.get_engine(database_url)) as session:
        names = session.exec(select(Company.name).order_by(Company.name)).all()
    wanted = names[len(names) // 2]  # not the first, which the list shows anyway
    app = linked("officer", company=wanted)
    assert not app.exception
    assert app.selectbox(key="co_pick").value.name == wanted
    assert app.text_input(key="co_search").value == wanted
    assert app.query_params["company"] == wanted
    missing = linked("officer", company="No Such Company Ltd")
    assert messages(missing.warning) == no_such("company", "No Such Company Ltd")


def test_links_to_records_are_short_and_escaped():
    assert ui.link_to_case("S26-0142") == "?case=S26-0142"
    assert ui.link_to_agreement("AGR-00022", base="https://tlo.example.edu/") == (
        "https://tlo.example.edu/?agreement=AGR-00022"
    )
    assert ui.link_to_company("Smith & Sons") == "?company=Smith+%26+Sons"
    assert [ui.agreement_id(text) for text in ("AGR-00022", "22", "agr-7", "AGR-", "x")] == [
        22,
        22,
        7,
        None,
        None,
    ]


def test_an_agreement_address_opens_that_agreement_and_a_missing_one_says_so(linked):
    app = linked("finance", agreement="AGR-00002")
    assert not app.exception
    assert any(m.value.startswith("**AGR-00002 · ") for m in app.markdown)
    assert app.query_params["agreement"] == "AGR-00002"
    app = linked("finance", agreement="AGR-99999")
    assert not app.exception
    assert [w.value for w in app.warning] == no_such("agreement", "AGR-99999")


def test_reassigning_a_case_starts_from_its_own_officer(linked, database_url):
    from tlo.auth.models import Account
    from tlo.people.models import Person

    with Session(db.get_engine(database_url)) as session:
        olivia = session.exec(
            select(Person).join(Account).where(Account.username == "officer")
        ).one()
        docket = session.exec(
            select(Disclosure.docket).where(Disclosure.officer_person_id == olivia.id)
        ).first()
    app = linked("director", case=docket)
    assert not app.exception
    assert app.selectbox(key="reassign_officer").value.name == olivia.full_name


def test_the_apps_address_with_a_case_and_a_tab_opens_that_tab(linked, docket):
    """A link from a reminder or an e-mail (`/?case=S26-0142&tab=patents`) reaches the tab."""
    app = linked("director", case=docket, tab="patents")
    assert app.title[0].value.startswith(f"{docket} · ")
    assert shown_tab(app) == "Patents"
    assert app.query_params["tab"] == "patents"
