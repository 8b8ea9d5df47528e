"""The bulk inserts: rows buffered per table and written in chunks, parents first; on
PostgreSQL with COPY (psycopg's `cursor.copy`), on SQLite with executemany."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import tlo.all_models  # noqa: F401  (every table known to the metadata)

CHUNK = 5_000
Progress = Callable[[str], None]

T = {table.name: table for table in SQLModel.metadata.sorted_tables}
ORDER = [table.name for table in SQLModel.metadata.sorted_tables]


class _Writer:
    """Buffers rows per table and writes them in chunks, parents before children."""

    def __init__(self, connection: Connection, progress: Progress):
        self.connection = connection
        self.progress = progress
        self.buffers: dict[str, list[dict]] = defaultdict(list)
        self.written: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)
        self.next_ids: dict[str, int] = defaultdict(lambda: 1)
        self.to_post: list[int] = []  # drafts whose lines are all written
        self.since_commit = 0

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, row: dict) -> None:
        self.buffers[table].append(row)

    def maybe_flush(self) -> None:
        if any(len(rows) >= CHUNK for rows in self.buffers.values()):
            self.flush()

    def flush(self) -> None:
        for name in ORDER:
            rows = self.buffers.get(name)
            if not rows:
                continue
            started = time.perf_counter()
            if self.connection.dialect.name == "postgresql":
                _copy(self.connection, T[name], rows)
            else:
                self.connection.execute(sa.insert(T[name]), rows)
            self.seconds[name] += time.perf_counter() - started
            self.written[name] += len(rows)
            self.since_commit += len(rows)
            self.buffers[name] = []
        if self.to_post:
            # The database posts only a draft whose lines add up (migration 0015).
            started = time.perf_counter()
            distribution = T["distribution"]
            self.connection.execute(
                sa.update(distribution)
                .where(distribution.c.id.between(min(self.to_post), max(self.to_post)))
                .values(status="posted")
            )
            self.seconds["distribution"] += time.perf_counter() - started
            self.to_post = []
        if self.since_commit >= 100_000:
            self.connection.commit()
            self.since_commit = 0

    def phase(self, name: str, started: float) -> None:
        self.flush()
        self.connection.commit()
        self.since_commit = 0
        if self.connection.dialect.name == "postgresql":
            # Rows written by COPY leave PostgreSQL without statistics until autovacuum comes
            # by; the next phases' queries (the income credit, the docket) would be planned
            # for empty tables and run for many minutes.
            self.connection.exec_driver_sql("ANALYZE")
            self.connection.commit()
        elapsed = time.perf_counter() - started
        self.progress(f"{name}: done in {elapsed:.1f} s")


def _copy(connection: Connection, table: sa.Table, rows: list[dict]) -> None:
    """Write the rows with PostgreSQL's COPY, as the INSERT would have written them: each value
    through its column type's bind processing (UTC moments, JSON), the columns the rows leave
    out with their Python-side defaults (per row, as an INSERT evaluates them) or the
    database's. COPY takes the rows as one stream: at full size 5-10 times faster than an
    executemany of INSERTs, which sends every row as a statement of its own."""
    dialect = connection.dialect
    given = list(rows[0])
    defaults = [
        column
        for column in table.c
        if column.name not in rows[0] and column.default is not None and not column.primary_key
    ]
    columns = [table.c[name] for name in given] + defaults
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in columns)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"

    def values(row: dict) -> list:
        found = [row[name] for name in given]
        for column in defaults:
            default = column.default
            found.append(default.arg(None) if default.is_callable else default.arg)
        return [
            value if process is None else process(value)
            for process, value in zip(processors, found, strict=True)
        ]

    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(values(row))
