"""The audit log shows an entry's content only to those who may read the object it is about."""

from tests.factories import make_actor, submitted_case
from tlo import audit
from tlo.auth.models import Role
from tlo.db import unit_of_work

TITLE = "Confidential: a room-temperature superconductor"


def test_an_administrator_sees_who_changed_a_case_but_not_what_it_holds(engine, office):
    admin = make_actor(engine, Role.ADMIN)
    case_id = submitted_case(engine, office.inventor, title=TITLE)
    with unit_of_work(engine) as session:
        for_admin = audit.list_entries(session, actor=admin, object_type="disclosure").items
        for_director = audit.list_entries(
            session, actor=office.director, object_type="disclosure"
        ).items

    assert [e.action for e in for_admin] == [e.action for e in for_director]
    assert {e.object_id for e in for_admin} == {str(case_id)}
    assert all(e.actor_name == office.inventor.name for e in for_admin)
    assert all(e.before is None and e.after is None for e in for_admin)
    assert any(e.withheld for e in for_admin)
    assert TITLE not in repr(for_admin)
    assert TITLE in repr(for_director)  # the director may read every case
    assert not any(e.withheld for e in for_director)


def test_an_administrator_still_reads_the_content_of_what_they_administer(engine):
    from tlo.people import services as people

    admin = make_actor(engine, Role.ADMIN)
    with unit_of_work(engine) as session:
        people.create_school(session, actor=admin, name="School of Audits", code="AUD")
    with unit_of_work(engine) as session:
        (entry,) = audit.list_entries(session, actor=admin, object_type="school").items
    assert entry.after["name"] == "School of Audits" and not entry.withheld


def test_an_object_kind_without_a_reading_permission_shows_no_content(engine, office):
    with unit_of_work(engine) as session:
        audit.record(
            session,
            actor=office.director,
            action="secret.changed",
            object_type="a_kind_nobody_listed",
            object_id=1,
            after={"secret": "value"},
        )
    with unit_of_work(engine) as session:
        (entry,) = audit.list_entries(
            session, actor=office.director, object_type="a_kind_nobody_listed"
        ).items
    assert entry.withheld and entry.after is None
