"""The app never migrates the database: with several app processes on one database each would
race to upgrade it. It checks the revision and, when the database is not ready, says what to
run; `python -m tlo migrate` runs once before the processes start (deploy/start.sh)."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from streamlit.testing.v1 import AppTest

from tlo import db

APP = Path(__file__).resolve().parents[2] / "tlo_app.py"


@pytest.fixture
def app_on(database_url, tmp_path, monkeypatch):
    """app_on() -> the app run once on this test's database (not migrated by the fixture)."""
    monkeypatch.setenv("TLO_DATABASE_URL", database_url)
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))

    def run() -> AppTest:
        return AppTest.from_file(str(APP), default_timeout=30).run()

    return run


def migrate_to(url: str, revision: str) -> None:
    config = db.alembic_config(url)
    with db.get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def errors(app: AppTest) -> list[str]:
    return [error.value for error in app.error]


def test_the_app_leaves_an_empty_database_alone_and_says_to_migrate_it(app_on, database_url):
    app = app_on()
    assert not app.exception
    assert app.title[0].value == "The database is not ready"
    assert errors(app) == [
        f"The database is at revision none (empty), this code needs {db.head_revision()}: "
        "run `python -m tlo migrate` once before starting the app."
    ]
    assert db.current_revision(database_url) is None
    assert not app.text_input  # no sign-in form on a database without accounts


def test_a_database_one_migration_behind_is_named_and_opens_once_migrated(app_on, database_url):
    head = db.head_revision()
    previous = ScriptDirectory.from_config(db.alembic_config(database_url)).get_revision(head)
    migrate_to(database_url, previous.down_revision)

    app = app_on()
    assert errors(app) == [
        f"The database is at revision {previous.down_revision}, this code needs {head}: "
        "run `python -m tlo migrate` once before starting the app."
    ]
    assert db.current_revision(database_url) == previous.down_revision

    db.migrate(database_url)  # what the operator runs; the check was not cached as a failure
    app = app_on()
    assert not app.exception
    assert not app.error
    assert app.title[0].value == "tlo · Technology Licensing Office"


def test_a_database_migrated_by_newer_code_tells_to_update_this_server(app_on, database_url):
    db.migrate(database_url)
    with db.get_engine(database_url).begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))

    app = app_on()
    assert errors(app) == [
        f"The database is at revision 9999, which this code does not know (it needs "
        f"{db.head_revision()}): this server runs older code than the database; update it."
    ]
