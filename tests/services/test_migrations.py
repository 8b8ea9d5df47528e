import sqlalchemy as sa
from alembic import command
from sqlmodel import SQLModel

import tlo.all_models  # noqa: F401
from tlo import db


def test_migrations_build_every_table_from_an_empty_database(database_url):
    assert db.current_revision(database_url) is None
    db.migrate(database_url)
    assert db.current_revision(database_url) == db.head_revision()
    tables = set(sa.inspect(db.get_engine(database_url)).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_migrating_twice_changes_nothing(database_url):
    db.migrate(database_url)
    db.migrate(database_url)
    assert db.current_revision(database_url) == db.head_revision()


def test_the_schema_the_migrations_build_matches_the_models(database_url):
    """A model changed without a migration would make this fail (alembic's autogenerate)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db.migrate(database_url)
    with db.get_engine(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_migrations_go_down_to_empty_and_up_again(database_url):
    db.migrate(database_url)
    config = db.alembic_config(database_url)
    command.downgrade(config, "base")
    assert db.current_revision(database_url) is None
    db.migrate(database_url)
    assert db.current_revision(database_url) == db.head_revision()
