"""Fixtures for service tests: a small office of actors, one per part they play."""

import pytest

from tests.factories import make_actor
from tlo.auth.models import Role


@pytest.fixture
def office(engine):
    class Office:
        inventor = make_actor(engine, Role.INVENTOR, name="Alice Chen")
        officer = make_actor(engine, Role.OFFICER, name="Olivia Ortega")
        other_officer = make_actor(engine, Role.OFFICER, name="Marcus Lee")
        director = make_actor(engine, Role.DIRECTOR, name="Diane Whitfield")
        finance = make_actor(engine, Role.FINANCE, name="Fiona Nakamura")

    return Office
