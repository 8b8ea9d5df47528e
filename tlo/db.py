"""The one engine and session factory, the column types every model shares, and migrations.

Services never commit: `unit_of_work()` does, once, when the whole use case has finished,
so a use case that touches several tables is all or nothing.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tlo.config import PROJECT_ROOT, get_settings

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


class UTCDateTime(sa.TypeDecorator):
    """A point in time, always tz-aware UTC in Python whatever the database keeps.

    SQLite has no time zones; storing naive UTC there and re-attaching UTC on the way out keeps
    comparisons between SQLite and PostgreSQL identical.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("tlo stores only tz-aware datetimes; use tlo.clock.utcnow().")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _configure_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # SQLite 3.46 and later check every table's statistics here (and run ANALYZE where they
    # are missing or stale); older versions ignore the flag and do nothing on a new connection.
    _optimize(dbapi_connection, "PRAGMA optimize=0x10002")


# Statistics. SQLite's query planner chooses indexes by the statistics ANALYZE keeps in
# sqlite_stat1; without them it guesses, and a guess can walk a whole table per lookup (a
# `reverses_id IS NULL` looked unique to it: 0.5 s a lookup on 100,000 distributions, 0.1 ms
# with statistics). So: migrate() analyses every table that holds rows but has no statistics
# yet, and each connection runs `PRAGMA optimize` (what SQLite advises: usually a no-op; an
# ANALYZE of the tables it used whose size changed a lot) every OPTIMIZE_EVERY times it is
# handed back to the pool and when it closes. PostgreSQL's autovacuum keeps its own.
OPTIMIZE_EVERY = 1000


def _optimize(dbapi_connection, pragma: str = "PRAGMA optimize") -> None:
    """Run `pragma`; statistics are worth having, not worth failing for (another process may
    hold the write lock, or the database may be read-only)."""
    with suppress(sqlite3.Error):
        dbapi_connection.execute(pragma)


def _optimize_now_and_then(dbapi_connection, record) -> None:
    returned = record.info.get("returned", 0) + 1
    record.info["returned"] = returned
    if returned % OPTIMIZE_EVERY == 0:
        _optimize(dbapi_connection)


def _optimize_on_close(dbapi_connection, _record) -> None:
    _optimize(dbapi_connection)


def _analyze_unanalyzed_tables(connection: sa.Connection) -> list[str]:
    """ANALYZE each table that holds rows but has no statistics (all of them, the first time a
    filled database is migrated; a table that gained its first rows since). Returns them."""
    analyzed = set()
    if connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).first():
        analyzed = {row[0] for row in connection.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
    tables = [
        row[0]
        for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    missing = [
        table
        for table in tables
        if table not in analyzed
        and connection.exec_driver_sql(f'SELECT 1 FROM "{table}" LIMIT 1').first()
    ]
    for table in missing:
        connection.exec_driver_sql(f'ANALYZE "{table}"')
    return missing


def create_engine_for(url: str) -> Engine:
    """A new engine for `url`; SQLite gets foreign keys, WAL, a busy timeout and statistics
    kept current."""
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _configure_sqlite)
        sa.event.listen(engine, "checkin", _optimize_now_and_then)
        sa.event.listen(engine, "close", _optimize_on_close)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for `url` (default: the configured database)."""
    import tlo.all_models  # noqa: F401  (every model, and the stored docket's write hooks)

    url = url or get_settings().database_url
    with _engines_lock:
        if url not in _engines:
            _engines[url] = create_engine_for(url)
        return _engines[url]


def dispose_engine(url: str) -> None:
    with _engines_lock:
        engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def upsert(session: Session, table):
    """An INSERT of the session's database kind, which takes ON CONFLICT clauses
    (`on_conflict_do_nothing`, `on_conflict_do_update`): SQLite's and PostgreSQL's alike."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](table)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """A session whose work is committed if the block finishes and rolled back if it raises."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str):
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # Percent signs in passwords would otherwise be read as interpolation by configparser.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str | None = None) -> None:
    """Bring the database at `url` (default: the configured one) to the newest schema."""
    from alembic import command

    url = url or get_settings().database_url
    engine = get_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        if connection.dialect.name == "sqlite":
            _analyze_unanalyzed_tables(connection)


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    return heads[0]
