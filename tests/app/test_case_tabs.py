"""The case file keeps its tab (issue #16, item 4) and the address names it
(`?case=S26-0142&tab=patents`); its summary is one click away (item 8); reassigning a case
asks the reason (item 11)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from streamlit.proto.Block_pb2 import Block as BlockProto
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, button, messages
from tlo import db
from tlo.audit import AuditEntry
from tlo.auth.models import Account
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.people.models import Person
from tlo.ui.case_view import CASE_TAB_KEY, CASE_TABS


def shown_tab(app: AppTest) -> str:
    """The label of the tab the browser is told to show: the tab container's open tab."""

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    for node in walk(app._tree):
        proto = getattr(node, "proto", None)
        if isinstance(proto, BlockProto) and proto.WhichOneof("type") == "tab_container":
            labels = [child.label for child in node.children.values()]
            return labels[proto.tab_container.default_tab_index]
    raise AssertionError("the page shows no tabs")


def click_tab(app: AppTest, label: str) -> AppTest:
    """What the browser sends when the user opens a tab: the tabs' new state, then a rerun."""
    app.session_state[CASE_TAB_KEY] = label
    return app.run()


@pytest.fixture
def case_file(database_url, seeded_template):
    """case_file("officer", case="S22-0001", tab="patents") -> the app at the Case file's own
    address with that query (`/case?case=S22-0001&tab=patents`), signed in as that account."""
    _, account_ids = seeded_template

    def opener(username: str, **query: str) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=30)
        app.session_state["account_id"] = account_ids[username]
        app.run()
        app.query_params.update(query)
        app.switch_page("pages/case.py").run()
        assert not app.exception, app.exception
        return app

    return opener


def person_id(database_url, username: str) -> int:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(
            select(Person.id).join(Account).where(Account.username == username)
        ).one()


def case_of(database_url, username: str, *, status: DisclosureStatus | None = None) -> str:
    """A docket of one of the demo account's cases (as its officer)."""
    with Session(db.get_engine(database_url)) as session:
        query = select(Disclosure.docket).where(
            Disclosure.officer_person_id == person_id(database_url, username)
        )
        if status is not None:
            query = query.where(Disclosure.status == status.value)
        return session.exec(query.order_by(Disclosure.id)).first()


@pytest.mark.parametrize(("named", "opens"), [*CASE_TABS.items()])
def test_an_address_naming_a_tab_opens_the_case_file_on_it(case_file, database_url, named, opens):
    docket = case_of(database_url, "officer")
    app = case_file("officer", case=docket, tab=named)
    assert app.title[0].value.startswith(f"{docket} · ")
    assert shown_tab(app) == opens
    assert app.query_params == {"case": docket, "tab": named}


@pytest.mark.parametrize("tab", [None, "", "rubbish", "PATENTS ", "Inventors & funding"])
def test_an_address_without_a_known_tab_opens_the_first_and_names_what_it_shows(
    case_file, database_url, tab
):
    docket = case_of(database_url, "officer")
    app = case_file("officer", case=docket, **({} if tab is None else {"tab": tab}))
    expected = "patents" if tab == "PATENTS " else "disclosure"  # names are read leniently
    assert shown_tab(app) == CASE_TABS[expected]
    assert app.query_params == {"case": docket, "tab": expected}


def test_the_tab_stays_open_after_an_action_and_the_address_follows_it(case_file, database_url):
    docket = case_of(database_url, "officer")
    app = case_file("officer", case=docket)
    click_tab(app, "Notes")
    assert shown_tab(app) == "Notes" and app.query_params["tab"] == "notes"
    app.text_area(key="note_text").input("Called the inventor about the new data")
    app.button(key="FormSubmitter:note-Add note").click().run()
    assert "Note added." in messages(app.success)
    assert shown_tab(app) == "Notes" and app.query_params == {"case": docket, "tab": "notes"}
    click_tab(app, "Decision")
    assert shown_tab(app) == "Decision" and app.query_params["tab"] == "decision"


def test_a_refused_action_keeps_the_tab(case_file, database_url):
    app = case_file("officer", case=case_of(database_url, "officer"), tab="notes")
    app.button(key="FormSubmitter:note-Add note").click().run()  # an empty note
    assert messages(app.error) == ["Write the note before saving it."]
    assert shown_tab(app) == "Notes" and app.query_params["tab"] == "notes"


def test_another_case_opens_on_its_first_tab_and_coming_back_finds_the_tab(case_file, database_url):
    first = case_of(database_url, "officer")
    with Session(db.get_engine(database_url)) as session:
        other = session.exec(
            select(Disclosure.docket)
            .where(Disclosure.docket != first, Disclosure.status != DisclosureStatus.DRAFT.value)
            .order_by(Disclosure.id.desc())
        ).first()
    app = case_file("officer", case=first, tab="history")
    app.switch_page("pages/home.py").run()
    app.switch_page("pages/case.py").run()  # from the menu: the address names no case
    assert app.title[0].value.startswith(f"{first} · ")
    assert shown_tab(app) == "History" and app.query_params == {"case": first, "tab": "history"}
    app.text_input(key="case_find").input(other).run()
    app.selectbox(key="case_pick").select_index(0).run()
    assert app.title[0].value.startswith(f"{other} · ")
    assert shown_tab(app) == "Disclosure" and app.query_params == {
        "case": other,
        "tab": "disclosure",
    }


def test_the_case_file_offers_its_summary_without_leaving_the_tab(case_file, database_url):
    app = case_file("finance", case=case_of(database_url, "officer"), tab="patents")
    [summary] = [b for b in app.get("download_button") if b.proto.label == "Case summary (Word)"]
    assert summary.proto.deferred_file_id  # built (case_summary_docx) only when clicked
    assert summary.proto.ignore_rerun  # a click reruns nothing: the page stays on its tab
    assert shown_tab(app) == "Patents"


def test_the_director_reassigns_a_case_only_with_a_reason(case_file, database_url):
    docket = case_of(database_url, "officer", status=DisclosureStatus.EVALUATING)
    app = case_file("director", case=docket, tab="workflow")
    assert app.selectbox(key="reassign_officer").value.name == "Olivia Ortega"
    app.selectbox(key="reassign_officer").select_index(
        next(
            i
            for i, o in enumerate(app.selectbox(key="reassign_officer").options)
            if o == "Marcus Lee"
        )
    )
    button_key = "FormSubmitter:reassign-Reassign to this officer"
    app.button(key=button_key).click().run()
    assert messages(app.error) == ["Give the reason for reassigning the case."]
    assert shown_tab(app) == "Workflow"
    app.text_input(key="reassign_reason").input("Olivia is on leave until May")
    app.button(key=button_key).click().run()
    assert "Reassigned to Marcus Lee." in messages(app.success)
    assert shown_tab(app) == "Workflow" and app.query_params["tab"] == "workflow"
    # The form starts again from the case's new officer, with an empty reason.
    assert app.selectbox(key="reassign_~1officer").value.name == "Marcus Lee"
    assert app.text_input(key="reassign_~1reason").value == ""
    assert any("Officer: Marcus Lee" in caption.value for caption in app.caption)
    with Session(db.get_engine(database_url)) as session:
        entry = session.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "disclosure.officer_assigned")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert entry.after["reason"] == "Olivia is on leave until May"


def test_a_new_case_is_assigned_from_the_case_file_without_a_reason(case_file, database_url):
    with Session(db.get_engine(database_url)) as session:
        docket = session.exec(
            select(Disclosure.docket).where(Disclosure.status == DisclosureStatus.SUBMITTED.value)
        ).first()
    app = case_file("officer", case=docket, tab="workflow")
    assert not [box for box in app.text_input if str(box.key).startswith("reassign_")]
    button(app, "Assign to this officer").click().run()
    assert [m for m in messages(app.success) if m.startswith("Assigned to ")]
    assert shown_tab(app) == "Workflow"
