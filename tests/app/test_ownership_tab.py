"""The case file's Ownership tab (#19, item 1), in the real app on the demo office: the case's
officer records an IIA with a second university, sees the owners and their cost shares and
downloads it as Word; a bad share is refused with its error and nothing saved; finance reads
the IIA without the forms; a removal needs its box ticked."""

from __future__ import annotations

from sqlmodel import Session, func, select

from tests.app.conftest import button, messages
from tests.app.test_case_tabs import case_file, case_of  # noqa: F401 (a fixture)
from tlo import db
from tlo.disclosures.models import Disclosure
from tlo.iia.models import Iia


def case_id(database_url, docket: str) -> int:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(select(Disclosure.id).where(Disclosure.docket == docket)).one()


def iias(database_url) -> int:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(select(func.count()).select_from(Iia)).one()


def fill(app, key: str, name: str, ownership: str) -> None:
    app.text_input(key=f"{key}name1").input(name)
    app.text_input(key=f"{key}own1").input(ownership)


def table_text(app) -> str:
    return "\n".join(str(frame.value) for frame in app.dataframe)


def test_the_officer_records_an_iia_and_sees_the_owners(database_url, case_file):  # noqa: F811
    docket = case_of(database_url, "officer")
    key = f"iia_{case_id(database_url, docket)}_"
    app = case_file("officer", case=docket, tab="ownership")
    demo = iias(database_url)  # the demo's own IIA, on another case
    assert any("Ours alone" in text for text in messages(app.caption))
    fill(app, key, "Northbridge University", "140")
    button(app, "Save the IIA").click().run()
    assert any("not 140" in text for text in messages(app.error))
    assert iias(database_url) == demo
    fill(app, key, "Northbridge University", "40")
    app.selectbox(key=f"{key}lead").select(0)
    app.text_input(key=f"{key}fee").input("15")
    button(app, "Save the IIA").click().run()
    assert not app.exception, app.exception
    assert any("Inter-institutional agreement saved" in m for m in messages(app.success))
    assert iias(database_url) == demo + 1
    shown = table_text(app)
    assert "Northbridge University" in shown and "40 %" in shown and "60 %" in shown
    assert any("We lead" in text for text in messages(app.caption))
    assert "Download the IIA (Word)" in [b.label for b in app.get("download_button")]
    # A removal asks for its box first.
    app.text_input(key=f"{key}remove_reason").input("Entered on the wrong case")
    button(app, "Remove the IIA").click().run()
    assert any("Tick the box" in text for text in messages(app.error))
    assert iias(database_url) == demo + 1


def test_finance_reads_the_iia_without_the_forms(database_url, case_file):  # noqa: F811
    docket = case_of(database_url, "officer")
    key = f"iia_{case_id(database_url, docket)}_"
    officer = case_file("officer", case=docket, tab="ownership")
    demo = iias(database_url)
    fill(officer, key, "Northbridge University", "40")
    officer.selectbox(key=f"{key}lead").select(1)
    button(officer, "Save the IIA").click().run()
    assert iias(database_url) == demo + 1
    app = case_file("finance", case=docket, tab="ownership")
    assert not app.exception, app.exception
    assert "Northbridge University" in table_text(app)
    assert any("Northbridge University leads" in text for text in messages(app.caption))
    assert "Save the IIA" not in [b.label for b in app.button]
