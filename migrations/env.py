"""Alembic environment: runs on the connection tlo.db.migrate() hands over, or on the URL."""

from alembic import context
from sqlmodel import SQLModel

import tlo.all_models  # noqa: F401  (registers every table on SQLModel.metadata)
from tlo.db import get_engine

target_metadata = SQLModel.metadata
config = context.config


def run_migrations(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite alters a table by copying it, dropping the old one and renaming the copy; with
        # foreign keys on, dropping a table that other rows point at fails (an office holding
        # agreements could not upgrade through 0013). Off while migrating (the PRAGMA must come
        # before the transaction's first write), every key checked at the end, on again after.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,  # SQLite alters via table copies
        compare_type=True,
    )
    try:
        with context.begin_transaction():
            broken_before = _rows_without_parent(connection) if sqlite else 0
            context.run_migrations()
            if sqlite and (broken := _rows_without_parent(connection)) > broken_before:
                raise RuntimeError(
                    f"The migration left {broken - broken_before} rows without their parent."
                )
    finally:
        if sqlite:
            _foreign_keys_on_after_commit(connection)


def _rows_without_parent(connection) -> int:
    """Rows whose foreign key names no row (only a migration run with keys off can add any)."""
    return len(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())


def _foreign_keys_on_after_commit(connection) -> None:
    """Foreign keys on again for the connection's next user. A PRAGMA inside a transaction does
    nothing and tlo.db.migrate commits after this returns, so it runs when the connection goes
    back to the pool (its transaction over)."""
    from sqlalchemy import event

    ours = connection.connection.dbapi_connection
    pending = [True]

    def on(dbapi_connection, _record) -> None:
        if pending and dbapi_connection is ours:
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
            pending.clear()

    event.listen(connection.engine.pool, "checkin", on)


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with get_engine(config.get_main_option("sqlalchemy.url")).begin() as own_connection:
        run_migrations(own_connection)
