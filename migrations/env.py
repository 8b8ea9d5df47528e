"""Alembic environment: runs on the connection tlo.db.migrate() hands over, or on the URL."""

from alembic import context
from sqlmodel import SQLModel

import tlo.all_models  # noqa: F401  (registers every table on SQLModel.metadata)
from tlo.db import get_engine

target_metadata = SQLModel.metadata
config = context.config


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters via table copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    with get_engine(config.get_main_option("sqlalchemy.url")).begin() as own_connection:
        run_migrations(own_connection)
