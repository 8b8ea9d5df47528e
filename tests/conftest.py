"""Fixtures shared by every layer: real databases (a SQLite file and PostgreSQL) and actors.

PostgreSQL runs when TLO_TEST_POSTGRES_URL is set (.ci/run sets it). Each test gets its own
schema there, dropped afterwards, so runs never see each other's rows. If the variable is set
and the server does not answer, the tests fail: they never skip silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.engine import Engine, make_url

from tests import clock as test_clock
from tlo import db

POSTGRES_URL = os.environ.get("TLO_TEST_POSTGRES_URL")


def pytest_configure(config) -> None:
    """Every test process (each xdist worker too) lives on the pinned day of tests/clock.py:
    time-machine moves every reader of the clock in the process, tlo.clock included, and time
    runs on from there so that timeouts and orderings still work."""
    traveller = time_machine.travel(test_clock.START, tick=True)
    traveller.start()
    config.stash[_TRAVELLER] = traveller


def pytest_unconfigure(config) -> None:
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config) -> str:
    return f"tlo test clock: {test_clock.START.isoformat()} (office day {test_clock.TODAY})"


_TRAVELLER = pytest.StashKey[time_machine.travel]()


def postgres_schema_url(schema: str) -> str:
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def create_postgres_schema() -> tuple[str, str]:
    schema = f"tlo_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()
    return schema, postgres_schema_url(schema)


def drop_postgres_schema(schema: str, url: str) -> None:
    db.dispose_engine(url)
    admin = sa.create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty database of each kind, not yet migrated."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tlo.db'}"
        yield url
        db.dispose_engine(url)
        return
    if not POSTGRES_URL:
        pytest.skip("TLO_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    schema, url = create_postgres_schema()
    try:
        yield url
    finally:
        drop_postgres_schema(schema, url)


@pytest.fixture
def engine(database_url) -> Engine:
    """A migrated, empty database of each kind."""
    db.migrate(database_url)
    return db.get_engine(database_url)
