"""Fixtures shared by every layer: real databases (a SQLite file and PostgreSQL) and actors.

PostgreSQL runs when TLO_TEST_POSTGRES_URL is set (.ci/run sets it). Each test gets its own
database there (a migrated copy) or its own empty schema, dropped afterwards, so runs never see
each other's rows. If the variable is set and the server does not answer, the tests fail: they
never skip silently.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.engine import Engine, make_url

from tests import clock as test_clock
from tlo import db

pytest_plugins = ["tests.smtp"]  # the smtp_server fixture

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


def _postgres_admin() -> Engine:
    return sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def _postgres_database_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _migrated_templates(tmp_path_factory) -> Iterator[dict[str, str]]:
    """Each test process migrates once per kind of database, into a template that the tests
    asking for `engine` copy (a file copy; CREATE DATABASE ... TEMPLATE on PostgreSQL, 60 ms
    against 1-2 s for running every migration again per test)."""
    templates: dict[str, str] = {}
    admin = _postgres_admin() if POSTGRES_URL else None
    try:
        yield templates
    finally:
        if admin is not None and "postgresql" in templates:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{templates["postgresql"]}"'))
        if admin is not None:
            admin.dispose()


def _template(kind: str, templates: dict[str, str], tmp_path_factory) -> str:
    if kind not in templates:
        if kind == "sqlite":
            path = tmp_path_factory.mktemp("migrated") / "tlo.db"
            url = f"sqlite:///{path}"
            db.migrate(url)
            db.dispose_engine(url)  # checkpoints the WAL into the file the tests copy
            templates[kind] = str(path)
        else:
            name = f"tlo_template_{uuid.uuid4().hex[:12]}"
            admin = _postgres_admin()
            try:
                with admin.connect() as connection:
                    connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            finally:
                admin.dispose()
            url = _postgres_database_url(name)
            db.migrate(url)
            db.dispose_engine(url)  # a template must have no connections
            templates[kind] = name
    return templates[kind]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, tmp_path_factory, _migrated_templates) -> Iterator[str]:
    """A database of each kind: empty and not yet migrated, or, for a test that asks for
    `engine`, a copy of one migrated to the newest revision."""
    migrated = "engine" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "tlo.db"
        if migrated:
            shutil.copyfile(_template("sqlite", _migrated_templates, tmp_path_factory), path)
        url = f"sqlite:///{path}"
        yield url
        db.dispose_engine(url)
        return
    if not POSTGRES_URL:
        pytest.skip("TLO_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    if not migrated:
        schema, url = create_postgres_schema()
        try:
            yield url
        finally:
            drop_postgres_schema(schema, url)
        return
    template = _template("postgresql", _migrated_templates, tmp_path_factory)
    name = f"tlo_test_{uuid.uuid4().hex[:12]}"
    admin = _postgres_admin()
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        url = _postgres_database_url(name)
        try:
            yield url
        finally:
            db.dispose_engine(url)
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def engine(database_url) -> Engine:
    """A migrated, empty database of each kind (see `database_url`)."""
    return db.get_engine(database_url)
