from sqlmodel import func, select

from tlo import demo
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.people.models import Department, Person, School


def test_the_demo_office_loads_once_and_every_demo_account_signs_in(engine):
    with unit_of_work(engine) as session:
        assert demo.is_empty(session)
        demo.seed(session)
    with unit_of_work(engine) as session:
        assert not demo.is_empty(session)
        assert session.exec(select(func.count()).select_from(School)).one() == 3
        assert session.exec(select(func.count()).select_from(Department)).one() >= 10
        assert session.exec(select(func.count()).select_from(Person)).one() >= 35
        roles_seen = set()
        for username in demo.ACCOUNTS:
            result = accounts.sign_in(session, username=username, password=demo.DEMO_PASSWORD)
            assert result.actor is not None, username
            roles_seen |= result.actor.roles
    assert roles_seen == set(Role)
    assert "officer" in demo.sign_in_help() and demo.DEMO_PASSWORD in demo.sign_in_help()
