"""Small factories for tests: people with accounts and roles, made through the services."""

from __future__ import annotations

import itertools

from sqlalchemy.engine import Engine

from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.auth.permissions import Actor, system_actor
from tlo.db import unit_of_work
from tlo.people import services as people

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_department(engine: Engine, *, school_code: str | None = None) -> int:
    n = next(_counter)
    actor = system_actor("tests")
    with unit_of_work(engine) as session:
        school = people.create_school(
            session, actor=actor, name=f"School {n}", code=school_code or f"S{n}"
        )
        return people.create_department(
            session, actor=actor, name=f"Department {n}", code=f"D{n}", school_id=school.id
        ).id


def make_actor(
    engine: Engine, *roles: Role, name: str | None = None, password: str | None = PASSWORD
) -> Actor:
    """A person with an active account holding `roles`, signed in."""
    n = next(_counter)
    actor = system_actor("tests")
    with unit_of_work(engine) as session:
        person = people.create_person(
            session, actor=actor, full_name=name or f"Person {n}", email=f"person{n}@test.example"
        )
        account = accounts.create_account(
            session,
            actor=actor,
            person_id=person.id,
            username=f"user{n}",
            roles=set(roles),
            password=password,
        )
        return accounts.load_actor(session, account.id)
