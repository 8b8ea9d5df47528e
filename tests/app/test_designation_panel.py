"""Designating the department of a departmental share on the pages of the demo office (#19,
item 5; Stanford's policy allows it): the second demo inventor designates one for their own
share on My disclosures (and may not for a co-inventor); the case file shows it to the
officer."""

from sqlmodel import select

from tests.app.conftest import button, messages
from tests.app.test_share_dispute_pages import open_my_case, shared_case  # noqa: F401
from tlo import db
from tlo.people.models import Person
from tlo.revenue.models import DepartmentDesignation


def test_an_inventor_designates_the_department_of_their_share(
    open_app,
    shared_case,  # noqa: F811
    database_url,
):
    app = open_my_case(open_app("inventor2"), shared_case["docket"])
    assert not app.exception, app.exception
    key = f"designate_{shared_case['id']}_"
    inventors = app.selectbox(key=f"{key}inventor")
    with db.unit_of_work(db.get_engine(database_url)) as session:
        name = session.get(Person, shared_case["bob"].person_id).full_name
    assert inventors.options == [name]  # their own share only, not a co-inventor's
    department = app.selectbox(key=f"{key}department")
    chosen = department.options[-1]
    department.select(chosen)
    button(app, "Save the designation").click().run()
    assert not app.exception, app.exception
    assert any("departmental share" in m for m in messages(app.success))
    with db.unit_of_work(db.get_engine(database_url)) as session:
        saved = session.exec(select(DepartmentDesignation)).all()
    assert [(d.disclosure_id, d.person_id) for d in saved] == [
        (shared_case["id"], shared_case["bob"].person_id)
    ]
    assert any("(designated; home department" in m for m in messages(app.caption))
