"""The largest-office generator and the bench harness, at a tiny scale on both databases."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from tests.factories import complete_form
from tlo import db
from tlo.auth import services as accounts
from tlo.bench import run as bench_run
from tlo.bench.generate import SIZES, NotEmpty, generate
from tlo.config import get_settings
from tlo.db import unit_of_work
from tlo.disclosures import intake
from tlo.disclosures.rules import fiscal_year_of
from tlo.money import from_cents, to_cents
from tlo.revenue import services as revenue
from tlo.revenue.engine import LineClass, distribute
from tlo.revenue.models import Distribution, Income
from tlo.revenue.policy import policies_in
from tlo.revenue.services import POLICIES_FOLDER

SCALE = 0.0005


def _quiet(_line: str) -> None:
    pass


def _scalar(engine, sql: str):
    with engine.connect() as connection:
        return connection.execute(sa.text(sql)).scalar()


def _rows(engine, sql: str):
    with engine.connect() as connection:
        return connection.execute(sa.text(sql)).all()


def test_the_generated_office_has_the_sizes_asked_for_and_holds_together(engine):
    written = generate(engine, SCALE, progress=_quiet)

    for table in ("disclosure", "disclosure_inventor", "patent_application", "outreach"):
        expected = SIZES[table] * SCALE
        assert 0.4 * expected <= written[table] <= 2 * expected, table  # few cases: chance
        assert _scalar(engine, f"SELECT COUNT(*) FROM {table}") == written[table]
    assert 0.5 * SIZES["income"] * SCALE <= written["income"] <= 1.2 * SIZES["income"] * SCALE
    # every status of the workflow is there
    statuses = {row[0] for row in _rows(engine, "SELECT DISTINCT status FROM disclosure")}
    assert {"submitted", "evaluating", "filed", "marketing", "licensed", "closed"} <= statuses
    # shares add up to exactly 100 % on every case
    assert (
        _rows(
            engine,
            "SELECT disclosure_id FROM disclosure_inventor GROUP BY disclosure_id "
            "HAVING SUM(share_bp) <> 10000",
        )
        == []
    )
    # every distribution is posted, its lines add up to it, and the parts to the income
    assert _scalar(engine, "SELECT COUNT(*) FROM distribution WHERE status <> 'posted'") == 0
    assert (
        _rows(
            engine,
            "SELECT d.id FROM distribution d LEFT JOIN distribution_line l "
            "ON l.distribution_id = d.id GROUP BY d.id, d.amount_cents "
            "HAVING COALESCE(SUM(l.amount_cents), 0) <> d.amount_cents",
        )
        == []
    )
    assert (
        _rows(
            engine,
            "SELECT i.id FROM income i JOIN distribution d ON d.income_id = i.id "
            "GROUP BY i.id, i.amount_cents HAVING SUM(d.amount_cents) <> i.amount_cents",
        )
        == []
    )
    # a licensed case is covered by a signed agreement
    assert (
        _rows(
            engine,
            "SELECT d.id FROM disclosure d WHERE d.status = 'licensed' AND NOT EXISTS ("
            "SELECT 1 FROM agreement_technology t JOIN agreement a ON a.id = t.agreement_id "
            "WHERE t.disclosure_id = d.id AND a.signed_on IS NOT NULL)",
        )
        == []
    )
    # a paid counsel invoice says when it was paid (the AUTM survey counts fees paid), after
    # its invoice; an unpaid one has no such day
    assert _scalar(engine, "SELECT COUNT(*) FROM patent_cost WHERE paid AND paid_on IS NOT NULL")
    assert (
        _scalar(
            engine,
            "SELECT COUNT(*) FROM patent_cost WHERE (paid AND (paid_on IS NULL "
            "OR paid_on < invoice_date)) OR (NOT paid AND paid_on IS NOT NULL)",
        )
        == 0
    )
    if engine.dialect.name == "sqlite":  # PostgreSQL refused any bad key on insert
        assert _rows(engine, "PRAGMA foreign_key_check") == []


def test_a_disclosure_submitted_afterwards_gets_the_next_docket_number_and_no_second_office(
    engine,
):
    generate(engine, SCALE, progress=_quiet)
    with unit_of_work(engine) as session:
        account_id = session.execute(
            sa.text("SELECT id FROM account WHERE username = 'inventor'")
        ).scalar()
        inventor = accounts.load_actor(session, account_id)
        draft = intake.save_draft(
            session, actor=inventor, form=complete_form((inventor.person_id, "100"))
        )
        submitted = intake.submit(session, actor=inventor, disclosure_id=draft.id)
    fiscal_year = fiscal_year_of(
        submitted.submitted_at.date(), get_settings().fiscal_year_start_month
    )
    dockets = [
        row[0] for row in _rows(engine, "SELECT docket FROM disclosure WHERE docket IS NOT NULL")
    ]
    assert len(dockets) == len(set(dockets))
    same_year = sorted(
        int(d.split("-")[1]) for d in dockets if d.startswith(f"S{fiscal_year % 100:02d}-")
    )
    assert same_year == list(range(1, len(same_year) + 1))
    assert submitted.docket == f"S{fiscal_year % 100:02d}-{same_year[-1]:04d}"
    assert len(same_year) > 1  # the generated cases of this year came first
    with pytest.raises(NotEmpty):  # and the generator fills only an empty database
        generate(engine, SCALE, progress=_quiet)


def test_the_same_seed_gives_the_same_office(tmp_path):
    totals = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.db"
        db.migrate(url)
        engine = db.get_engine(url)
        generate(engine, SCALE, seed=7, progress=_quiet)
        totals.append(
            _rows(
                engine,
                "SELECT COUNT(*), SUM(amount_cents), (SELECT GROUP_CONCAT(docket) FROM "
                "disclosure), (SELECT SUM(amount_cents) FROM distribution_line) FROM income",
            )
        )
        db.dispose_engine(url)
    assert totals[0] == totals[1]


# Tables the services fill (the stored docket and its marks): their ids follow the order
# the database returns the cases and agreements in, which no query fixes.
UNORDERED = {"docket_item", "docket_source", "docket_item_state"}


def _contents(engine) -> dict[str, list[tuple]]:
    """Every generated table's rows in id order, as comparable values on either database;
    without the columns stamped when a row is written (a Python default such as `utcnow`)
    and the password hashes (salted)."""
    from tlo.bench.generate.writing import ORDER, T

    def comparable(value):
        if isinstance(value, datetime):
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
            return value.isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if (isinstance(value, str) and value[:1] in "{[") or value == "null":
            try:
                return json.dumps(json.loads(value), sort_keys=True)
            except ValueError:
                return value
        if isinstance(value, dict | list) or value is None:
            return None if value is None else json.dumps(value, sort_keys=True)
        if isinstance(value, bool):
            return int(value)
        return value

    contents = {}
    with engine.connect() as connection:
        for name in ORDER:
            table = T[name]
            kept = [
                column
                for column in table.c
                if column.name != "password_hash"
                and not (column.default is not None and column.default.is_callable)
                # the stored docket is computed by the services, its rows in no set order
                and not (name in UNORDERED and column.name == "id")
            ]
            rows = connection.execute(sa.select(*kept).order_by(*table.primary_key.columns))
            contents[name] = [tuple(comparable(value) for value in row) for row in rows]
            if name in UNORDERED:
                contents[name].sort(key=repr)
    return contents


def test_the_same_seed_gives_the_same_records_on_sqlite_and_postgresql(tmp_path):
    """SQLite is written with INSERTs, PostgreSQL with COPY: the same rows either way."""
    from tests.conftest import POSTGRES_URL, create_postgres_schema, drop_postgres_schema

    if not POSTGRES_URL:
        pytest.skip("TLO_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    sqlite_url = f"sqlite:///{tmp_path / 'office.db'}"
    schema, postgres_url = create_postgres_schema()
    try:
        offices = []
        for url in (sqlite_url, postgres_url):
            db.migrate(url)
            generate(db.get_engine(url), SCALE, seed=5, progress=_quiet)
            offices.append(_contents(db.get_engine(url)))
        sqlite, postgres = offices
        assert sum(len(rows) for rows in sqlite.values()) > 1_000
        for name, rows in sqlite.items():
            assert postgres[name] == rows, name
    finally:
        db.dispose_engine(sqlite_url)
        drop_postgres_schema(schema, postgres_url)


def test_the_generated_distributions_hold_the_engines_lines_for_what_they_started_from(engine):
    generate(engine, SCALE, progress=_quiet)
    policies = {policy.name: policy for policy in policies_in(POLICIES_FOLDER)}
    checked = 0
    with unit_of_work(engine) as session:
        shared = session.exec(
            select(Distribution, Income.income_type)
            .join(Income, Income.id == Distribution.income_id)
            .where(
                col(Distribution.reverses_id).is_(None),
                Income.income_type != "cost_reimbursement",
            )
            .order_by(Distribution.id)
        ).all()
        for distribution, income_type in shared:
            inventors = revenue._inventors(session, distribution.disclosure_id)
            result = distribute(
                policies[distribution.policy_name],
                amount=from_cents(distribution.amount_cents),
                income_type=income_type,
                costs_outstanding=from_cents(max(0, distribution.costs_outstanding_cents)),
                cumulative_before=from_cents(distribution.cumulative_before_cents),
                inventors=[inventor.share for inventor in inventors],
            )
            departments = {i.share.department: i.department_id for i in inventors}
            schools = {i.share.school: i.school_id for i in inventors}
            expected = [
                (
                    position,
                    line.to,
                    line.klass.value,
                    line.person_id,
                    departments.get(line.to) if line.klass is LineClass.DEPARTMENT else None,
                    schools.get(line.to) if line.klass is LineClass.SCHOOL else None,
                    to_cents(line.amount),
                    line.rule,
                )
                for position, line in enumerate(result.lines, start=1)
            ]
            assert [
                (
                    line.position,
                    line.recipient,
                    line.recipient_class,
                    line.person_id,
                    line.department_id,
                    line.school_id,
                    line.amount_cents,
                    line.rule,
                )
                for line in revenue.lines_of(session, distribution.id)
            ] == expected, distribution.id
            assert (distribution.costs_recovered_cents, distribution.split_base_cents) == (
                to_cents(result.costs_recovered),
                to_cents(result.split_base),
            )
            checked += 1
    assert checked > 50


def test_the_bench_measures_operations_counts_statements_and_writes_json(
    engine, database_url, tmp_path
):
    generate(engine, SCALE, progress=_quiet)
    bench = bench_run.Bench(database_url, repeat=2, timeout=30, progress=_quiet)
    actors = bench.actors()
    from tlo.patents import services as patents

    def docket():
        with bench.session() as session:
            return patents.docket(
                session, actor=actors["director"], filters=patents.DocketFilters()
            )

    docket_result = bench.measure("docket: whole office", docket, role="director")
    people = bench.measure(
        "statements: people paid",
        lambda: _people_paid(bench, actors["finance"]),
        sql=bench_run._fetch(
            bench,
            "SELECT p.id FROM person p WHERE EXISTS (SELECT 1 FROM distribution_line l JOIN "
            "distribution d ON d.id = l.distribution_id WHERE l.person_id = p.id AND "
            "d.status = 'posted')",
        ),
        compare=lambda rows, answer: {r[0] for r in rows} == {a[0] for a in answer},
    )
    assert docket_result.status == "ok" and docket_result.runs == 2
    assert docket_result.statements >= 3 and docket_result.peak_mb > 0
    assert people.same_answer is True and people.ratio is not None

    path = tmp_path / "results.json"
    bench_run.write_json(bench.results, path)
    names = [r["name"] for r in json.loads(path.read_text())["results"]]
    assert names == ["docket: whole office", "statements: people paid"]
    assert "| docket: whole office | director |" in bench_run.markdown_table(bench.results)


def _people_paid(bench, actor):
    from tlo.revenue import statements

    with bench.session() as session:
        return statements.people_paid(session, actor=actor)


def test_an_operation_that_runs_too_long_is_recorded_as_a_timeout(engine, database_url):
    bench = bench_run.Bench(database_url, repeat=3, timeout=0.3, progress=_quiet)

    def hopeless():
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pass

    started = time.monotonic()
    result = bench.measure("hopeless", hopeless)
    assert result.status == "timeout"
    assert time.monotonic() - started < 2


def test_a_page_is_rendered_as_its_role_sees_it(tmp_path, monkeypatch):
    database_url = f"sqlite:///{tmp_path / 'tlo.db'}"  # AppTest is slow: one database is enough
    db.migrate(database_url)
    generate(db.get_engine(database_url), SCALE, progress=_quiet)
    monkeypatch.setenv("TLO_DATABASE_URL", database_url)
    bench = bench_run.Bench(database_url, repeat=1, timeout=60, progress=_quiet)
    actors = bench.actors()
    counts = Counter()
    bench_run._pages(bench, actors, None, only={"pages/home.py"}, roles=("inventor", "officer"))
    for result in bench.results:
        counts[result.status] += 1
    assert [(r.name, r.role) for r in bench.results] == [
        ("page: Home", "inventor"),
        ("page: Home", "officer"),
    ]
    assert counts == {"ok": 2}
    assert all(r.statements > 0 for r in bench.results)
    db.dispose_engine(database_url)
