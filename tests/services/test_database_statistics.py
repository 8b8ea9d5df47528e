"""SQLite's statistics: a database that holds rows gets them when it is migrated, so that the
query planner stops walking every distribution to find one income's (a guess without them:
`reverses_id IS NULL` looks like a lookup in a unique index). PostgreSQL's autovacuum keeps
its own, so this is SQLite's test only."""

import sqlite3

from tlo import db

STANDING = (
    "SELECT d.id FROM distribution d WHERE d.income_id = 7 AND d.status = 'posted' "
    "AND d.reverses_id IS NULL AND NOT EXISTS "
    "(SELECT 1 FROM distribution r WHERE r.reverses_id = d.id)"
)


def plan(path) -> str:
    with sqlite3.connect(path) as connection:
        return " | ".join(row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {STANDING}"))


def test_migrating_a_filled_database_without_statistics_gathers_them(tmp_path):
    path = tmp_path / "tlo.db"
    url = f"sqlite:///{path}"
    db.migrate(url)
    db.dispose_engine(url)
    with sqlite3.connect(path) as connection:  # a few thousand drafts, no statistics
        connection.execute("PRAGMA foreign_keys=OFF")
        connection.executemany(
            "INSERT INTO distribution (income_id, disclosure_id, agreement_id, status, "
            "amount_cents, policy_name, policy_effective_from, costs_outstanding_cents, "
            "cumulative_before_cents, costs_recovered_cents, split_base_cents, reason, "
            "computed_by_name, computed_at) VALUES (?, 1, 1, 'draft', 100, 'P', '2020-01-01', "
            "0, 0, 0, 100, '', 'F', '2026-01-01 00:00:00')",
            [(number // 2,) for number in range(4000)],
        )
        connection.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert "sqlite_autoindex_distribution" in plan(path)  # the guess: one walk per lookup
    db.migrate(url)
    db.dispose_engine(url)
    assert "ix_distribution_income" in plan(path)
    with sqlite3.connect(path) as connection:
        analysed = {row[0] for row in connection.execute("SELECT tbl FROM sqlite_stat1")}
    assert {"distribution", "alembic_version"} <= analysed
