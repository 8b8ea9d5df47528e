"""Disputed shares and outside co-inventors on the pages of the demo office (issue #16, items 6
and 9): a co-inventor disputes their share on My disclosures; the officer sees it on their
home and in the case file, records it withdrawn, and records an outside co-inventor's
confirmation with a file; the statements page says whose share it shows and keeps outside
institutions apart; the policies page says how an outside co-inventor is paid."""

import json

import pytest
from sqlmodel import col, select

from tests.app.conftest import button, messages
from tlo import db
from tlo.auth import services as accounts
from tlo.auth.models import Account
from tlo.disclosures import intake, shares
from tlo.disclosures.intake import InventorEntry
from tlo.disclosures.models import Disclosure, DisclosureInventor, DisclosureStatus
from tlo.disclosures.shares import ShareState
from tlo.people.models import Person

PDF = b"%PDF-1.4 I confirm my 20 % share. Henrik Larsen"


def actor_of(session, username: str):
    account_id = session.exec(select(Account.id).where(Account.username == username)).one()
    return accounts.load_actor(session, account_id)


@pytest.fixture
def shared_case(database_url) -> dict:
    """A case of the demo officer (Olivia Ortega) on which the second demo inventor's share
    waits for them: its id, docket and the actors of both."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        officer, bob = actor_of(session, "officer"), actor_of(session, "inventor2")
        case_id, docket = session.exec(
            select(Disclosure.id, Disclosure.docket)
            .join(DisclosureInventor, DisclosureInventor.disclosure_id == Disclosure.id)
            .where(
                Disclosure.officer_person_id == officer.person_id,
                DisclosureInventor.person_id == bob.person_id,
                col(DisclosureInventor.confirmed_at).is_(None),
                col(Disclosure.status).in_(
                    [DisclosureStatus.ASSIGNED.value, DisclosureStatus.EVALUATING.value]
                ),
            )
            .order_by(Disclosure.id)
        ).first()
    return {"id": case_id, "docket": docket, "officer": officer, "bob": bob}


def standing(database_url, actor, case_id, name):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return next(
            s
            for s in shares.share_standings(session, actor=actor, disclosure_id=case_id)
            if s.name == name
        )


def open_my_case(app, docket: str):
    app.switch_page("pages/my_disclosures.py").run()
    picker = app.selectbox(key="my_case")
    picker.select_index(
        next(i for i, shown in enumerate(picker.options) if shown.startswith(docket))
    ).run()
    return app


def test_a_co_inventor_disputes_their_share_on_my_disclosures(open_app, shared_case, database_url):
    app = open_my_case(open_app("inventor2"), shared_case["docket"])
    assert not app.exception, app.exception
    assert any("Please confirm your contribution share" in w for w in messages(app.warning))
    button(app, "Dispute my share").click().run()  # no reason given
    assert messages(app.error) == ["Give the reason you dispute your share."]
    app.text_area(key="my_dispute_reason").input("I built the prototype: 60 %.")
    button(app, "Dispute my share").click().run()
    assert not app.exception, app.exception
    assert "Your dispute is recorded: the licensing officer will resolve it." in messages(
        app.success
    )
    assert any("You dispute your contribution share" in text for text in messages(app.info))
    labels = [b.label for b in app.button]
    assert "Confirm my share after all" in labels and "Dispute my share" not in labels
    found = standing(database_url, shared_case["officer"], shared_case["id"], "Benjamin Okafor")
    assert (found.state, found.note) == (ShareState.DISPUTED, "I built the prototype: 60 %.")


def test_the_officer_sees_a_dispute_at_home_and_records_it_withdrawn(
    open_app, shared_case, database_url
):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        shares.dispute_share(
            session, actor=shared_case["bob"], disclosure_id=shared_case["id"], reason="60 %"
        )
    app = open_app("officer")
    shown = [markdown.value for markdown in app.markdown]
    assert any(shared_case["docket"] in text and "Share disputed" in text for text in shown), shown
    app.session_state["open_case_id"] = shared_case["id"]
    app.switch_page("pages/case.py").run()
    assert not app.exception, app.exception
    assert any("Benjamin Okafor disputes their 50 % share" in w for w in messages(app.warning))
    inventors = app.dataframe[0].value
    answers = dict(zip(inventors["Inventor"], inventors["Answer"], strict=True))
    assert answers["Benjamin Okafor"] == "Disputed"
    prefix = f"sa_{shared_case['id']}_withdraw_{shared_case['bob'].person_id}"
    app.text_area(key=f"{prefix}_note").input("Agreed to 50 % at the meeting.")
    button(app, "Record the dispute withdrawn").click().run()
    assert not app.exception, app.exception
    assert any("dispute is recorded withdrawn" in text for text in messages(app.success))
    found = standing(database_url, shared_case["officer"], shared_case["id"], "Benjamin Okafor")
    assert found.state is ShareState.AWAITING


def test_the_officer_records_an_outside_co_inventors_confirmation_with_a_file(
    open_app, shared_case, database_url
):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        people = dict(session.exec(select(Person.full_name, Person.id)).all())
        intake.change_shares(
            session,
            actor=shared_case["officer"],
            disclosure_id=shared_case["id"],
            inventors=[
                InventorEntry(row.person_id, "40")
                for row in session.exec(
                    select(DisclosureInventor).where(
                        DisclosureInventor.disclosure_id == shared_case["id"]
                    )
                ).all()
            ]
            + [InventorEntry(people["Henrik Larsen"], "20")],
        )
    app = open_app("officer")
    app.session_state["open_case_id"] = shared_case["id"]
    app.switch_page("pages/case.py").run()
    prefix = f"sa_{shared_case['id']}_answer"
    assert app.selectbox(key=f"{prefix}_person").options == ["Henrik Larsen (20 %)"]
    button(app, "Record their answer").click().run()  # no evidence yet
    assert any("Record the evidence" in text for text in messages(app.error))
    app.file_uploader(key=f"{prefix}_file").upload("henrik.pdf", PDF, "application/pdf")
    app.text_area(key=f"{prefix}_note").input("His e-mail of 2 December.")
    button(app, "Record their answer").click().run()
    assert not app.exception, app.exception
    assert "Their confirmation is recorded, with its evidence." in messages(app.success)
    found = standing(database_url, shared_case["officer"], shared_case["id"], "Henrik Larsen")
    assert found.state is ShareState.CONFIRMED_FOR
    assert (found.note, found.attachment_name) == ("His e-mail of 2 December.", "henrik.pdf")
    assert "Evidence: henrik.pdf" in [b.label for b in app.get("download_button")]


def test_an_inventor_sees_a_co_inventors_dispute_but_not_its_reason(
    open_app, shared_case, database_url
):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        shares.dispute_share(
            session, actor=shared_case["bob"], disclosure_id=shared_case["id"], reason="Secret"
        )
    app = open_my_case(open_app("inventor"), shared_case["docket"])
    assert not app.exception, app.exception
    warnings = messages(app.warning)
    assert any("Benjamin Okafor disputes their 50 % share" in w for w in warnings), warnings
    assert not any("Secret" in w for w in warnings)
    assert not [b for b in app.button if b.label == "Record the dispute withdrawn"]


def test_finance_reads_whose_share_the_statement_shows(open_app, database_url):
    app = open_app("finance")
    app.switch_page("pages/statements.py").run()
    assert not app.exception, app.exception
    with db.unit_of_work(db.get_engine(database_url)) as session:
        alice = session.exec(select(Person.id).where(Person.full_name == "Alice Chen")).one()
    app.selectbox(key="stmt_person").set_value(alice).run()
    assert app.subheader[0].value == "Alice Chen"
    assert "Alice Chen's share: every posted line that reached Alice Chen or their lab." in (
        messages(app.caption)
    )
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert (
        figure["layout"]["title"]["text"] == "Alice Chen's share of license income by fiscal year"
    )
    assert "Your share" not in json.dumps(figure)
    units = [markdown.value for markdown in app.markdown]
    assert [
        text
        for text in units
        if text in ("**Departments**", "**Schools**", "**Outside institutions**")
    ] == ["**Departments**", "**Schools**", "**Outside institutions**"]


def test_an_inventor_reads_their_own_share_as_theirs(open_app):
    app = open_app("inventor")
    app.switch_page("pages/statements.py").run()
    assert not app.exception, app.exception
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["title"]["text"] == "Your share of license income by fiscal year"
    assert "Departments, schools and outside institutions" not in [s.value for s in app.subheader]


def test_the_policies_page_says_how_an_outside_co_inventor_is_paid(open_app):
    app = open_app("finance")
    app.switch_page("pages/policies.py").run()
    assert not app.exception, app.exception
    captions = messages(app.caption)
    assert any(
        text.startswith("An outside co-inventor's share is paid to the co-inventor personally")
        for text in captions
    ), captions
    assert any("as one line to their institution" in text for text in captions)
