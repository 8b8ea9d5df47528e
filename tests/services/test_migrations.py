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


def test_an_office_holding_agreements_goes_down_and_up_again_with_its_rows(engine, office):
    """SQLite alters a table by copying it: with foreign keys on, dropping the old `agreement`
    that income, drafts and links point at failed ("FOREIGN KEY constraint failed"), so an
    office holding agreements could not upgrade through 0013. Rows survive both ways."""
    from tests.services.test_revenue import receive, signed_license, technology

    agreement_id = signed_license(engine, office, [technology(engine, office)])
    receive(engine, office, agreement_id, "1000")
    tables = ("agreement", "agreement_technology", "income", "disclosure")

    def counts() -> dict[str, int]:
        with engine.connect() as connection:
            return {
                table: connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                for table in tables
            }

    before = counts()
    config = db.alembic_config(str(engine.url.render_as_string(hide_password=False)))
    command.downgrade(config, "0012")
    command.upgrade(config, "head")
    assert db.current_revision(engine.url.render_as_string(hide_password=False)) == (
        db.head_revision()
    )
    assert counts() == before
    if engine.dialect.name == "sqlite":  # and the migration left foreign keys on
        with db.get_engine(str(engine.url)).connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
