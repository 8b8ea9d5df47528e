"""The Accounts page: deactivating asks first, says what the person still holds and hands it
over; the deactivate button shows the account as it is after each click."""

from sqlmodel import Session, func, select

from tests.app.conftest import button, messages
from tlo import db
from tlo.auth.models import Account
from tlo.disclosures.models import Disclosure
from tlo.people.models import Person

REASON = "Left the office on 30 November"


def accounts_page(open_app, username="admin", account="officer2"):
    app = open_app(username)
    app.switch_page("pages/accounts.py").run()
    app.text_input(key="accounts_search").input(account).run()
    assert app.selectbox(key="chosen_account").value.username == account
    return app


def cases_of(database_url, full_name: str) -> int:
    with Session(db.get_engine(database_url)) as session:
        person_id = session.exec(select(Person.id).where(Person.full_name == full_name)).one()
        return session.exec(
            select(func.count())
            .select_from(Disclosure)
            .where(
                Disclosure.officer_person_id == person_id,
                Disclosure.status.not_in(["draft", "released", "abandoned", "closed"]),
            )
        ).one()


def active(database_url, username: str) -> bool:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(select(Account.active).where(Account.username == username)).one()


def test_deactivating_asks_first_and_shows_what_they_hold(open_app, database_url):
    held = cases_of(database_url, "Marcus Lee")
    assert held > 0  # the demo's second officer has cases
    app = accounts_page(open_app)
    app = app.button(key="toggle_account").click().run()
    assert not app.exception
    assert active(database_url, "officer2")  # nothing happened yet
    [warning] = messages(app.warning)
    assert warning.startswith(f"Marcus Lee still holds {held} open case")
    shown = [m.value for m in app.markdown]
    assert f"**Open cases** · {held}" in shown
    assert any(m.startswith("**Upcoming deadlines** · ") for m in shown)
    # An administrator reads docket numbers, never what the cases are about.
    with Session(db.get_engine(database_url)) as session:
        titles = session.exec(select(Disclosure.title)).all()
    assert not any(title in text for text in shown for title in titles)


def test_the_admin_hands_over_and_deactivates_in_one_go(open_app, database_url):
    held = cases_of(database_url, "Marcus Lee")
    before = cases_of(database_url, "Olivia Ortega")
    app = accounts_page(open_app)
    app = app.button(key="toggle_account").click().run()
    account_id = app.selectbox(key="chosen_account").value.account_id
    app.selectbox(key=f"handover_to_{account_id}").select_index(0)  # Olivia Ortega
    app.text_input(key=f"handover_reason_{account_id}").input(REASON)
    app = button(app, "Deactivate officer2").click().run()
    assert not app.exception
    [message] = messages(app.success)
    assert message.startswith(f"officer2 deactivated; {held} cases, ")
    assert message.endswith("handed over to Olivia Ortega.")
    assert not active(database_url, "officer2")
    assert cases_of(database_url, "Marcus Lee") == 0
    assert cases_of(database_url, "Olivia Ortega") == before + held
    # The page shows the account as it is now: the bug was a button still saying Deactivate.
    assert button(app, "Reactivate account").key == "toggle_account"
    assert not [b for b in app.button if b.label == "Deactivate account…"]
    assert list(app.dataframe[0].value["Active"]) == [False]
    assert not messages(app.warning)  # nothing left to hand over


def test_cancel_leaves_the_account_as_it_was(open_app, database_url):
    app = accounts_page(open_app)
    app = app.button(key="toggle_account").click().run()
    app = button(app, "Cancel").click().run()
    assert active(database_url, "officer2")
    assert not messages(app.warning) and not messages(app.success)
    assert button(app, "Deactivate account…").key == "toggle_account"


def test_without_an_officer_or_a_yes_to_leave_it_nothing_happens(open_app, database_url):
    app = accounts_page(open_app)
    app = app.button(key="toggle_account").click().run()
    app = button(app, "Deactivate officer2").click().run()
    [error] = messages(app.error)
    assert error.startswith("Marcus Lee still holds ")
    assert error.endswith("choose an officer to hand them to, or confirm that they stay with them.")
    assert active(database_url, "officer2")


def test_left_with_them_it_can_be_handed_over_later_and_reactivated(open_app, database_url):
    held = cases_of(database_url, "Marcus Lee")
    app = accounts_page(open_app, username="director")
    app = app.button(key="toggle_account").click().run()
    account_id = app.selectbox(key="chosen_account").value.account_id
    app.checkbox(key=f"handover_leave_{account_id}").check()
    app = button(app, "Deactivate officer2").click().run()
    [message] = messages(app.success)
    assert message.startswith(f"officer2 deactivated; still theirs: {held} open case")
    # Deactivated, still holding: the page offers the handover.
    [warning] = messages(app.warning)
    assert warning.startswith("officer2 is deactivated, yet Marcus Lee still holds")
    app.selectbox(key=f"later_to_{account_id}").select_index(0)
    app.text_input(key=f"later_reason_{account_id}").input(REASON)
    app = button(app, "Hand over").click().run()
    assert messages(app.success)[0].startswith(f"officer2: {held} cases, ")
    assert cases_of(database_url, "Marcus Lee") == 0
    app = button(app, "Reactivate account").click().run()
    assert messages(app.success) == ["officer2 reactivated."]
    assert active(database_url, "officer2")
    assert button(app, "Deactivate account…").key == "toggle_account"


def test_someone_who_holds_nothing_is_deactivated_after_a_plain_yes(open_app, database_url):
    app = accounts_page(open_app, account="finance")
    app = app.button(key="toggle_account").click().run()
    assert messages(app.info)[-1].endswith(
        "holds no open case, deadline, agreement or pipeline entry."
    )
    app = button(app, "Deactivate finance").click().run()
    assert messages(app.success) == ["finance deactivated."]
    assert not active(database_url, "finance")


def test_the_admin_links_a_licensees_account_to_its_company(open_app, database_url):
    from tlo.auth.models import LicenseeAccount
    from tlo.licensing.models import Company

    app = accounts_page(open_app, account="licensee")
    assert any("is a licensee of **VertexEnergy Inc.**" in m for m in messages(app.markdown))
    key = f"licensee_company_{app.selectbox(key='chosen_account').value.account_id}"
    app.text_input(key=f"{key}_find").input("Cobalt").run()
    picker = app.selectbox(key=key)
    picker.select(next(o for o in picker.options if "CobaltEnergy" in o)).run()
    button(app, "Link the account to this company").click().run()
    assert not app.exception, app.exception
    assert any("is now a licensee of CobaltEnergy LLC" in m for m in messages(app.success))
    with Session(db.get_engine(database_url)) as session:
        linked = session.exec(
            select(Company.name).join(LicenseeAccount, LicenseeAccount.company_id == Company.id)
        ).all()
    assert linked == ["CobaltEnergy LLC"]
