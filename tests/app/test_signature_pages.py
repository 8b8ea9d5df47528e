"""Signing a disclosure on the pages of the demo office (issue #18): an inventor signs from My
disclosures by typing their name; the case file's inventors tab shows who signed which version
and whether it still holds, and an edit after signing asks for the signature again."""

import pytest
from sqlmodel import col, select

from tests.app.conftest import button, messages
from tlo import db
from tlo.auth import services as accounts
from tlo.auth.models import Account
from tlo.disclosures import intake
from tlo.disclosures.intake import InventorEntry
from tlo.disclosures.models import Disclosure, DisclosureInventor, DisclosureStatus
from tlo.money import bp_to_percent


def actor_of(session, username: str):
    account_id = session.exec(select(Account.id).where(Account.username == username)).one()
    return accounts.load_actor(session, account_id)


@pytest.fixture
def alices_case(database_url) -> dict:
    """A submitted case of the demo officer on which Alice Chen (`inventor`) and others are
    inventors."""
    with db.unit_of_work(db.get_engine(database_url)) as session:
        officer, alice = actor_of(session, "officer"), actor_of(session, "inventor")
        case_id, docket = session.exec(
            select(Disclosure.id, Disclosure.docket)
            .join(DisclosureInventor, DisclosureInventor.disclosure_id == Disclosure.id)
            .where(
                Disclosure.officer_person_id == officer.person_id,
                DisclosureInventor.person_id == alice.person_id,
                col(Disclosure.status).in_(
                    [DisclosureStatus.ASSIGNED.value, DisclosureStatus.EVALUATING.value]
                ),
            )
            .where(
                col(Disclosure.id).in_(
                    select(DisclosureInventor.disclosure_id).where(
                        DisclosureInventor.person_id != alice.person_id
                    )
                )
            )
            .order_by(Disclosure.id)
        ).first()
    return {"id": case_id, "docket": docket, "officer": officer, "alice": alice}


def open_my_case(app, docket: str):
    app.switch_page("pages/my_disclosures.py").run()
    picker = app.selectbox(key="my_case")
    picker.select_index(
        next(i for i, shown in enumerate(picker.options) if shown.startswith(docket))
    ).run()
    return app


def table_with(app, column: str):
    """The first table on the page that has `column`."""
    return next(frame.value for frame in app.dataframe if column in frame.value.columns)


def signer_states(app) -> dict[str, str]:
    signers = table_with(app, "Current version")
    return dict(zip(signers["Signer"], signers["Current version"], strict=True))


def test_an_inventor_signs_and_the_officer_sees_which_version(open_app, alices_case, database_url):
    app = open_my_case(open_app("inventor"), alices_case["docket"])
    assert not app.exception, app.exception
    assert any("Please sign the disclosure" in m.value for m in app.markdown)
    assert any(
        "I have read this disclosure and my contribution is correctly stated." in m.value
        for m in app.markdown
    )
    app.text_input(key="my_signature_name").input("Alicia Chen")
    button(app, "Sign").click().run()
    assert any("is not your name in the directory" in e for e in messages(app.error))

    app.text_input(key="my_signature_name").input("  alice chen ")
    button(app, "Sign").click().run()
    assert not app.exception, app.exception
    assert "Thank you: your signature is recorded." in messages(app.success)
    assert not [b for b in app.button if b.label == "Sign"]  # nothing more to sign
    assert signer_states(app)["Alice Chen"] == "Signed"

    officer = open_app("officer")
    officer.session_state["open_case_id"] = alices_case["id"]
    officer.switch_page("pages/case.py").run()
    assert not officer.exception, officer.exception
    assert signer_states(officer)["Alice Chen"] == "Signed"
    given = table_with(officer, "Still valid")
    assert list(given["Typed name"]) == ["alice chen"]
    assert list(given["Still valid"]) == ["yes"]
    assert list(given["Account"]) == ["inventor"]
    version = given["Version"][0]

    with db.unit_of_work(db.get_engine(database_url)) as session:  # the officer edits the shares
        rows = session.exec(
            select(DisclosureInventor)
            .where(DisclosureInventor.disclosure_id == alices_case["id"])
            .order_by(DisclosureInventor.position)
        ).all()
        # One hundredth of a percent moves from the last inventor to the first.
        shares = [row.share_bp for row in rows]
        shares[0], shares[-1] = shares[0] + 1, shares[-1] - 1
        intake.change_shares(
            session,
            actor=alices_case["officer"],
            disclosure_id=alices_case["id"],
            inventors=[
                InventorEntry(row.person_id, bp_to_percent(share))
                for row, share in zip(rows, shares, strict=True)
            ],
        )
    officer.run()
    assert signer_states(officer)["Alice Chen"] == "Signed an earlier version: to sign again"
    given = table_with(officer, "Still valid")
    assert list(given["Still valid"]) == ["no: the disclosure changed since"]
    assert list(given["Version"]) == [version]

    app = open_my_case(open_app("inventor"), alices_case["docket"])
    assert any("has changed since you signed it" in w for w in messages(app.warning))
    assert [b for b in app.button if b.label == "Sign"]


def test_the_form_names_a_pi_who_then_signs_off_the_submitted_disclosure(open_app, database_url):
    app = open_app("inventor")
    app.switch_page("pages/disclosure_form.py").run()
    app.text_input(key="df_title").input("Quantum sensor for brain imaging")
    app.text_area(key="df_abstract").input("A room-temperature magnetometer array.")
    app.text_area(key="df_description").input("Nitrogen-vacancy centres in diamond ...")
    app.text_area(key="df_problem_and_advantages").input("MEG needs cryogenics; this does not.")
    app.selectbox(key="df_stage").select("prototype")
    app.text_input(key="df_pi_search").input("okafor").run()
    app.selectbox(key="df_pi_pick").select_index(0).run()
    button(app, "Name as PI").click().run()
    assert not app.exception, app.exception
    assert any("Benjamin Okafor" in m.value for m in app.markdown)
    assert "Name as PI" not in [b.label for b in app.button]  # one PI: remove to change
    button(app, "Submit to the licensing office").click().run()
    assert not app.exception, app.exception
    with db.unit_of_work(db.get_engine(database_url)) as session:
        bob = actor_of(session, "inventor2")
        docket, pi = session.exec(
            select(Disclosure.docket, Disclosure.pi_person_id).where(
                Disclosure.title == "Quantum sensor for brain imaging"
            )
        ).one()
    assert docket and pi == bob.person_id

    pi_app = open_my_case(open_app("inventor2"), docket)  # the PI finds it among their own
    assert not pi_app.exception, pi_app.exception
    assert any("as principal investigator, I sign it off" in m.value for m in pi_app.markdown)
    pi_app.text_input(key="my_signature_name").input("Benjamin Okafor")
    button(pi_app, "Sign").click().run()
    assert "Thank you: your signature is recorded." in messages(pi_app.success)
    assert signer_states(pi_app) == {
        "Alice Chen": "Not signed yet",
        "Benjamin Okafor": "Signed",
    }
