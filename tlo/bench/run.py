"""The measurements behind `make bench`, on a generated office (tlo.bench.generate).

Each operation runs `repeat` times (the median is reported) and once more under tracemalloc
for its peak Python memory; the SQL statements of one run are counted on the engine
(`before_cursor_execute`). Where a hand-written SQL query gives the same answer, it is timed
in the same run, side by side (the machine is shared and noisy), and the ratio reported; the
CPU time of this process is reported beside the time (on a busy machine the time waits for a
core; on SQLite the CPU time includes the database's work, on PostgreSQL not the server's).
Writing operations (the annual run, the import) run in a transaction that is rolled back, so
the database is left as it was. An operation that takes longer than `timeout` seconds is
stopped and recorded as a timeout (how far it got, where it says).

Pages are rendered server-side with Streamlit's AppTest, signed in as the generated office's
named accounts (one per role), exactly as tests/app drives them.
"""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import statistics
import threading
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tlo import clock, db
from tlo.config import PROJECT_ROOT, get_settings

APP = PROJECT_ROOT / "tlo_app.py"
ROLES = ("inventor", "officer", "finance", "director", "admin")


@dataclass
class Result:
    name: str
    role: str = ""
    seconds: float | None = None  # median of the runs
    cpu_seconds: float | None = None  # this process's CPU time, median (SQLite's included)
    runs: int = 0
    statements: int | None = None  # SQL statements of one run
    peak_mb: float | None = None  # peak Python memory of one run (tracemalloc)
    sql_seconds: float | None = None  # the hand-written query, median
    ratio: float | None = None  # seconds / sql_seconds
    same_answer: bool | None = None
    status: str = "ok"  # ok, timeout, error: ...
    note: str = ""
    all_seconds: list[float] = field(default_factory=list)
    all_cpu_seconds: list[float] = field(default_factory=list)


class _Timeout(Exception):
    pass


class _Statements:
    """Counts the SQL statements the engine sends, and lets a long one be stopped."""

    def __init__(self, engine: Engine):
        self.count = 0
        self.deadline: float | None = None
        sa.event.listen(engine, "before_cursor_execute", self._before)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", self._progress_handler)
            engine.dispose()  # connections made from now on carry the handler

    def _before(self, *_args) -> None:
        self.count += 1

    def _progress_handler(self, dbapi_connection, _record) -> None:
        # SQLite calls this every 10,000 virtual machine steps; non-zero aborts the query.
        def check() -> int:
            return int(self.deadline is not None and time.monotonic() > self.deadline)

        dbapi_connection.set_progress_handler(check, 10_000)


class Bench:
    def __init__(self, url: str, *, repeat: int, timeout: float, progress=print):
        self.url = url
        self.engine = db.get_engine(url)
        self.repeat = repeat
        self.timeout = timeout
        self.progress = progress
        self.statements = _Statements(self.engine)
        self.results: list[Result] = []
        self.last_cpu = 0.0  # CPU seconds of the last run (see _once)
        self.today = clock.today()

    # -- timing --

    @contextmanager
    def _limit(self):
        """Stop the block after `timeout` seconds (SIGALRM in the main thread; SQLite's
        progress handler stops a long query; PostgreSQL's statement_timeout)."""
        self.statements.deadline = time.monotonic() + self.timeout
        main = threading.current_thread() is threading.main_thread()

        def alarm(*_):
            raise _Timeout

        if main:
            previous = signal.signal(signal.SIGALRM, alarm)
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            yield
        finally:
            if main:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
            self.statements.deadline = None

    def _once(self, action: Callable[[], object]) -> tuple[float, int, object]:
        before = self.statements.count
        started, cpu = time.perf_counter(), time.process_time()
        with self._limit():
            value = action()
        self.last_cpu = time.process_time() - cpu
        return time.perf_counter() - started, self.statements.count - before, value

    def measure(
        self,
        name: str,
        action: Callable[[], object],
        *,
        role: str = "",
        sql: Callable[[], object] | None = None,
        compare: Callable[[object, object], bool] | None = None,
        repeat: int | None = None,
        note: Callable[[object], str] | None = None,
        memory: bool = True,
    ) -> Result:
        result = Result(name, role)
        repeat = repeat or self.repeat
        value = None
        try:
            for _ in range(repeat):
                seconds, statements, value = self._once(action)
                result.all_seconds.append(round(seconds, 4))
                result.all_cpu_seconds.append(round(self.last_cpu, 4))
                result.statements = statements
            result.runs = repeat
            result.seconds = statistics.median(result.all_seconds)
            result.cpu_seconds = statistics.median(result.all_cpu_seconds)
            if sql is not None:
                sql_times = []
                for _ in range(repeat):
                    seconds, _, answer = self._once(sql)
                    sql_times.append(seconds)
                result.sql_seconds = statistics.median(sql_times)
                result.ratio = result.seconds / max(result.sql_seconds, 1e-6)
                if compare is not None:
                    result.same_answer = compare(value, answer)
            if memory:
                tracemalloc.start()
                try:
                    self._once(action)
                    result.peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
                finally:
                    tracemalloc.stop()
            if note is not None:
                result.note = note(value)
        except (_Timeout, sa.exc.OperationalError, RuntimeError) as error:
            timed_out = isinstance(error, _Timeout) or "interrupt" in str(error).lower()
            timed_out = timed_out or "timeout" in str(error).lower() or "timed out" in str(error)
            result.status = "timeout" if timed_out else f"error: {str(error)[:200]}"
            if result.all_seconds:
                result.seconds = statistics.median(result.all_seconds)
        except Exception as error:
            result.status = f"error: {type(error).__name__}: {str(error)[:200]}"
        self.results.append(result)
        self.progress(_line(result))
        return result

    # -- the office's actors --

    def actors(self) -> dict:
        from sqlmodel import select

        from tlo.auth import services as accounts
        from tlo.auth.models import Account

        with Session(self.engine) as session:
            ids = dict(session.exec(select(Account.username, Account.id)).all())
            self.account_ids = ids
            return {role: accounts.load_actor(session, ids[role]) for role in ROLES}

    @contextmanager
    def session(self):
        """A session whose work is always rolled back: the measured office stays as it was."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
            finally:
                session.rollback()


def _line(result: Result) -> str:
    seconds = "-" if result.seconds is None else f"{result.seconds:.3f} s"
    if result.cpu_seconds is not None:
        seconds += f" (CPU {result.cpu_seconds:.3f} s)"
    ratio = "" if result.ratio is None else f"  x{result.ratio:.1f} of SQL"
    extra = "" if result.status == "ok" else f"  [{result.status}]"
    role = f" ({result.role})" if result.role else ""
    return f"  {result.name}{role}: {seconds}, {result.statements} statements{ratio}{extra}"


# --- what is measured ------------------------------------------------------------------------


def _pages(
    bench: Bench,
    actors: dict,
    case_id: int | None,
    only: set[str] | None = None,
    roles: tuple[str, ...] = ROLES,
) -> None:
    """Every page each role may open (or those in `only`), rendered as that role."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from tlo import ui
    from tlo.navigation import pages_for

    class _NavigationOnlyPages(PagesManager):
        """As tests/app/conftest.py: keep the router (st.navigation) on every rerun."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    # Streamlit warns of its missing script context on every call outside a real run.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    original = app_test_module.PagesManager
    app_test_module.PagesManager = _NavigationOnlyPages
    try:
        for role in roles:
            actor = actors[role]
            for specs in pages_for(actor).values():
                for spec in specs:
                    if only is not None and spec.path not in only:
                        continue
                    app = AppTest.from_file(str(APP), default_timeout=bench.timeout)
                    app.session_state[ui.ACCOUNT_KEY] = bench.account_ids[role]
                    if case_id is not None:
                        app.session_state[ui.OPEN_CASE_KEY] = case_id
                    state = {"first": True}

                    def render(app=app, spec=spec, state=state):
                        if state["first"]:
                            state["first"] = False
                            app.run()
                            app.switch_page(spec.path).run()
                        else:
                            app.run()
                        if app.exception:
                            raise RuntimeError(f"the page raised: {app.exception[0].message}")
                        return None

                    # The first render (sign-in, router, page) is a warm-up, not counted.
                    try:
                        with bench._limit():
                            render()
                    except Exception as error:
                        bench.results.append(Result(spec.title, role, status=_status_of(error)))
                        bench.progress(_line(bench.results[-1]))
                        continue
                    bench.measure(f"page: {spec.title}", render, role=role, memory=False)
    finally:
        app_test_module.PagesManager = original


def _status_of(error: Exception) -> str:
    text = str(error)
    if isinstance(error, _Timeout) or "timed out" in text.lower() or "timeout" in text.lower():
        return "timeout"
    return f"error: {text[:200]}"


def _fetch(bench: Bench, sql: str, **params):
    def run():
        with bench.engine.connect() as connection:
            return connection.execute(sa.text(sql), params).all()

    return run


# What `run(only=...)` measures of the services: all of them, or one part.
SERVICE_PARTS = ("docket", "charts", "statements", "exports", "annual", "import")
DOCKET_PAGE_ROWS = 2_000  # as pages/docket.py
DOCKET_SQL = (
    "SELECT key FROM docket_item WHERE state = 'open' "
    "AND (shown_from IS NULL OR shown_from <= :today) "
    "AND (shown_until IS NULL OR shown_until >= :today) {officer} ORDER BY act_by, key {limit}"
)


def _services(bench: Bench, actors: dict, import_rows: int, parts=SERVICE_PARTS) -> None:
    from tlo.patents import reminders
    from tlo.patents import services as patents
    from tlo.patents.services import DocketFilters
    from tlo.reports import autm, dashboard
    from tlo.reports.dashboard import CHARTS, DashboardFilters
    from tlo.revenue import services as revenue
    from tlo.revenue import statements

    officer, director, finance = actors["officer"], actors["director"], actors["finance"]
    start_month = get_settings().fiscal_year_start_month
    from tlo.disclosures.rules import fiscal_year_of

    current_fy = fiscal_year_of(bench.today, start_month)
    last_complete = current_fy - 1
    filters = DashboardFilters(first_fiscal_year=current_fy - 4, last_fiscal_year=current_fy)

    def in_session(function, *args, **kwargs):
        def run():
            with bench.session() as session:
                return function(session, *args, **kwargs)

        return run

    if "docket" in parts:
        # the docket: every open item, and the first page as the docket page reads it, each beside
        # the hand-written query of the stored docket (docket_item) giving the same keys
        def same_keys(view, rows) -> bool:
            return [e.item.key for e in view.entries] == [row[0] for row in rows]

        # (every open item; the page's first page of them; the page's default view, due within
        # 30 days)
        for name, role, officer_id in (
            ("one officer", "officer", officer.person_id),
            ("whole office", "director", None),
        ):
            for limit, within in ((None, None), (DOCKET_PAGE_ROWS, None), (DOCKET_PAGE_ROWS, 30)):
                label = "every open item" if limit is None else f"first {limit} rows"
                if within is not None:
                    label += f", due within {within} days"
                bench.measure(
                    f"docket: {name}, {label}",
                    in_session(
                        patents.docket,
                        actor=actors[role],
                        filters=DocketFilters(officer_person_id=officer_id, within_days=within),
                        limit=limit,
                    ),
                    role=role,
                    sql=_fetch(
                        bench,
                        DOCKET_SQL.format(
                            officer=(
                                ("" if officer_id is None else "AND officer_person_id = :officer")
                                + ("" if within is None else " AND due <= :horizon")
                            ),
                            limit="" if limit is None else f"LIMIT {limit}",
                        ),
                        today=bench.today,
                        officer=officer_id,
                        horizon=bench.today + timedelta(days=within or 0),
                    ),
                    compare=same_keys,
                    note=lambda view: (
                        f"{len(view.entries)} of {view.listed}{'+' if view.more else ''} open items"
                    ),
                )
        bench.measure(
            "reminders (tlo remind)",
            in_session(
                reminders.collect,
                today=bench.today,
                horizon_days=get_settings().reminder_horizon_days,
            ),
            note=lambda found: f"{len(found)} reminders",
        )
    if "charts" in parts:
        # each dashboard chart (the page's default filters: the last five fiscal years)
        for key, chart in CHARTS.items():
            sql = compare = None
            if key == "income":
                sql = _fetch(
                    bench,
                    "SELECT fiscal_year, income_type, COUNT(*), SUM(amount_cents) FROM income "
                    "WHERE fiscal_year BETWEEN :first AND :last AND income_type <> "
                    "'cost_reimbursement' GROUP BY fiscal_year, income_type",
                    first=filters.first_fiscal_year,
                    last=filters.last_fiscal_year,
                )

                def compare(rows, answer):
                    return sum(r.payments for r in rows) == sum(a[2] for a in answer) and sum(
                        r.amount for r in rows
                    ) * 100 == sum(int(a[3]) for a in answer)

            bench.measure(
                f"dashboard chart: {chart.title}",
                in_session(chart.data, actor=director, filters=filters),
                role="director",
                sql=sql,
                compare=compare,
            )
        _credit_charts(bench, director, filters, in_session)
    if "statements" in parts:
        # royalty statements
        bench.measure(
            "statements: people paid",
            in_session(statements.people_paid, actor=finance),
            role="finance",
            sql=_fetch(
                bench,
                "SELECT p.id, p.full_name FROM person p WHERE EXISTS (SELECT 1 FROM "
                "distribution_line l JOIN distribution d ON d.id = l.distribution_id "
                "WHERE l.person_id = p.id AND d.status = 'posted') ORDER BY p.full_name",
            ),
            compare=lambda rows, answer: {r[0] for r in rows} == {a[0] for a in answer},
        )
        inventor = actors["inventor"]
        bench.measure(
            "statements: an inventor's own",
            in_session(statements.inventor_statement, actor=inventor, person_id=inventor.person_id),
            role="inventor",
            sql=_fetch(
                bench,
                "SELECT COALESCE(SUM(l.amount_cents), 0) FROM distribution_line l "
                "JOIN distribution d ON d.id = l.distribution_id WHERE l.person_id = :person "
                "AND l.recipient_class IN ('inventor', 'lab') AND d.status = 'posted'",
                person=inventor.person_id,
            ),
            compare=lambda statement, answer: (
                sum(line.amount for line in statement.lines) * 100 == int(answer[0][0])
            ),
        )
    if "exports" in parts:
        # exports
        from tlo import audit
        from tlo.disclosures import queries
        from tlo.licensing import outreach

        exports = [
            ("export: all disclosures", "director", queries.export_disclosures, {"filters": None}),
            ("export: companies", "director", outreach.export_companies, {}),
            ("export: pipeline", "director", outreach.export_pipeline, {}),
            ("export: docket, whole office", "director", patents.docket_excel_file, {}),
            ("export: audit log, the last 100,000 entries", "director", audit.export_entries, {}),
            ("export: ledger of a fiscal year", "finance", statements.ledger_xlsx, {}),
            ("export: departments and schools", "finance", statements.units_statement_xlsx, {}),
            ("export: dashboard income chart", "director", dashboard.chart_excel_file, {}),
            ("AUTM workbook", "director", autm.autm_workbook_file, {}),
        ]
        for name, role, function, kwargs in exports:
            kwargs = dict(kwargs)
            if function is queries.export_disclosures:
                kwargs["filters"] = queries.DisclosureFilters()
            elif function is patents.docket_excel_file:
                kwargs["filters"] = DocketFilters()
            elif function in (statements.ledger_xlsx, statements.units_statement_xlsx):
                kwargs["fiscal_year"] = current_fy - 2  # the last year the generator distributed
            elif function is dashboard.chart_excel_file:
                kwargs.update(chart="income", filters=filters)
            elif function is autm.autm_workbook_file:
                kwargs["fiscal_year"] = last_complete
            elif function is audit.export_entries:
                first_day = _audit_day(bench, AUDIT_EXPORT_ROWS)
                kwargs["filters"] = audit.AuditFilters(from_day=first_day)
            bench.measure(
                name,
                in_session(function, actor=actors[role], **kwargs),
                role=role,
                note=lambda content: f"{len(content) / 2**20:.1f} MB file",
            )
        bench.measure(
            "AUTM metrics",
            in_session(autm.autm_metrics, actor=director, fiscal_year=last_complete),
            role="director",
        )
    if "annual" in parts:
        # the annual run of the last complete fiscal year, rolled back
        done = {"payments": 0}

        def annual_run():
            done["payments"] = 0
            with bench.session() as session:
                return revenue.annual_run(
                    session,
                    actor=finance,
                    fiscal_year=last_complete,
                    progress=lambda n, total: done.update(payments=n, total=total),
                )

        result = bench.measure(
            f"annual run of FY{last_complete} (rolled back)",
            annual_run,
            role="finance",
            repeat=1,
            memory=False,
            note=lambda summary: f"{summary.incomes} payments",
        )
        if result.status == "timeout":
            result.note = (
                f"{done['payments']} of {done.get('total', '?')} payments in {bench.timeout:.0f} s"
            )
    if "import" in parts:
        # importing disclosures, rolled back
        content = _import_workbook(bench, import_rows)
        from tlo.reports import importer

        bench.measure(
            f"import of {import_rows:,} disclosures (rolled back)",
            in_session(
                importer.import_file, actor=actors["admin"], kind="disclosures", content=content
            ),
            role="admin",
            repeat=1,
            note=lambda report: f"{report.created} created",
        )


LICENSE_INCOME = "income_type <> 'cost_reimbursement'"
CREDIT_TOP_TECHNOLOGIES = (
    "SELECT d.docket, d.title, r.payments, r.cents FROM (SELECT disclosure_id, COUNT(*) AS "
    "payments, SUM(cents) AS cents FROM income_credit WHERE fiscal_year BETWEEN :first AND "
    ":last AND {license} {technologies} GROUP BY disclosure_id HAVING SUM(cents) <> 0 "
    "ORDER BY SUM(cents) DESC, disclosure_id LIMIT 10) r JOIN disclosure d ON d.id = "
    "r.disclosure_id ORDER BY r.cents DESC, r.disclosure_id"
)
CREDIT_TOP_LICENSEES = (
    "SELECT c.name, SUM(x.cents) FROM income_credit x JOIN agreement a ON a.id = "
    "x.agreement_id JOIN company c ON c.id = a.company_id WHERE x.fiscal_year BETWEEN :first "
    "AND :last AND x.{license} {technologies} GROUP BY c.id, c.name HAVING SUM(x.cents) <> 0 "
    "ORDER BY SUM(x.cents) DESC, c.id LIMIT 10"
)
CREDIT_BY_TYPE = (
    "SELECT fiscal_year, income_type, COUNT(DISTINCT income_id), SUM(cents) FROM income_credit "
    "WHERE fiscal_year BETWEEN :first AND :last AND {license} {technologies} "
    "GROUP BY fiscal_year, income_type"
)
OF_ONE_SCHOOL = (
    "AND disclosure_id IN (SELECT i.disclosure_id FROM disclosure_inventor i JOIN person p ON "
    "p.id = i.person_id JOIN department t ON t.id = p.department_id WHERE t.school_id = :school)"
)


def _credit_charts(bench: Bench, director, filters, in_session) -> None:
    """The charts that read the stored income credit (income_credit), each beside its
    hand-written SQL: the top technologies of the whole office, and with a technology filter
    (the first school) the income by type, the top technologies and the top licensees. And
    once, the top technologies computed on the spot from distributions and allocations (the
    reference, `dashboard._credited_income`), as every render did before the credit was
    stored."""
    from dataclasses import replace

    from sqlmodel import func, select

    from tlo.reports import dashboard
    from tlo.reports.autm import LICENSE_INCOME_TYPES

    with bench.engine.connect() as connection:
        school = connection.execute(sa.text("SELECT MIN(id) FROM school")).scalar()
    years = {"first": filters.first_fiscal_year, "last": filters.last_fiscal_year}
    one_school = replace(filters, school_id=school)

    def same_ranking(rows, answer) -> bool:
        named = [(getattr(r, "docket", None) or r.licensee, r.amount * 100) for r in rows]
        return named == [(a[0], int(a[-1])) for a in answer]

    def same_totals(rows, answer) -> bool:
        return sum(r.payments for r in rows) == sum(a[2] for a in answer) and sum(
            r.amount for r in rows
        ) * 100 == sum(int(a[3]) for a in answer)

    every, chosen = {"technologies": ""}, {"technologies": OF_ONE_SCHOOL}
    for title, function, chart_filters, sql, where, compare in (
        (
            "Top technologies by income, stored credit",
            dashboard.top_technologies,
            filters,
            CREDIT_TOP_TECHNOLOGIES,
            every,
            same_ranking,
        ),
        (
            "License income by type, one school",
            dashboard.income_by_type,
            one_school,
            CREDIT_BY_TYPE,
            chosen,
            same_totals,
        ),
        (
            "Top technologies by income, one school",
            dashboard.top_technologies,
            one_school,
            CREDIT_TOP_TECHNOLOGIES,
            chosen,
            same_ranking,
        ),
        (
            "Top licensees by income, one school",
            dashboard.top_licensees,
            one_school,
            CREDIT_TOP_LICENSEES,
            chosen,
            same_ranking,
        ),
    ):
        bench.measure(
            f"dashboard chart: {title}",
            in_session(function, actor=director, filters=chart_filters),
            role="director",
            sql=_fetch(bench, sql.format(license=LICENSE_INCOME, **where), school=school, **years),
            compare=compare,
        )

    def computed_on_the_spot(session):
        credited = dashboard._credited_income(filters, LICENSE_INCOME_TYPES)
        cents = func.sum(credited.c.cents)
        return session.exec(
            select(credited.c.disclosure_id, cents)
            .group_by(credited.c.disclosure_id)
            .having(cents != 0)
            .order_by(cents.desc(), credited.c.disclosure_id)
            .limit(dashboard.TOP)
        ).all()

    bench.measure(
        "dashboard reference: top technologies, credit computed on the spot",
        in_session(computed_on_the_spot),
        role="director",
        memory=False,
    )


AUDIT_EXPORT_ROWS = 100_000  # the most one export of the audit log holds


def _audit_day(bench: Bench, rows: int):
    """The office day from which the audit log holds at most `rows` entries (whole days)."""
    with bench.engine.connect() as connection:
        at = connection.execute(
            sa.text("SELECT at FROM audit_entry ORDER BY at DESC, id DESC LIMIT 1 OFFSET :n"),
            {"n": rows},
        ).scalar()
    if at is None:
        return None
    if not isinstance(at, datetime):  # SQLite returns its text
        at = datetime.fromisoformat(str(at))
    return clock.office_date(at) + timedelta(days=1)


def _import_workbook(bench: Bench, rows: int) -> bytes:
    """A legacy workbook of `rows` disclosures by people already in the office."""
    from openpyxl import Workbook

    from tlo.reports.import_kinds import DISCLOSURES

    with bench.engine.connect() as connection:
        emails = [
            row[0]
            for row in connection.execute(
                sa.text(
                    "SELECT email FROM person WHERE department_id IS NOT NULL ORDER BY id LIMIT 500"
                )
            )
        ]
    book = Workbook()
    sheet = book.active
    headers = [column.header for column in DISCLOSURES.columns]
    sheet.append(headers)
    for n in range(rows):
        values = {
            "Docket": f"LEG-{n:06d}",
            "Title": f"Legacy technology {n}",
            "Received on": bench.today.replace(year=bench.today.year - 12),
            "Status": "submitted",
            "Inventors": f"{emails[n % len(emails)]}: 60; {emails[(n + 7) % len(emails)]}: 40",
        }
        sheet.append([values.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _case_to_open(bench: Bench, officer_person_id: int) -> int | None:
    """The officer's case with the most records (applications, outreach, agreements)."""
    with bench.engine.connect() as connection:
        return connection.execute(
            sa.text(
                "SELECT d.id FROM disclosure d WHERE d.officer_person_id = :officer "
                "AND d.status = 'licensed' ORDER BY (SELECT COUNT(*) FROM patent_application a "
                "WHERE a.disclosure_id = d.id) + (SELECT COUNT(*) FROM outreach o WHERE "
                "o.disclosure_id = d.id) DESC, d.id LIMIT 1"
            ),
            {"officer": officer_person_id},
        ).scalar()


def run(
    url: str | None = None,
    *,
    repeat: int = 5,
    timeout: float = 120,
    import_rows: int | None = None,
    only: str = "all",
    progress=print,
) -> list[Result]:
    """Measure every operation on the generated office at `url` (default TLO_DATABASE_URL)."""
    url = url or get_settings().database_url
    os.environ["TLO_DATABASE_URL"] = url  # the pages open the same database
    bench = Bench(url, repeat=repeat, timeout=timeout, progress=progress)
    actors = bench.actors()
    with bench.engine.connect() as connection:
        disclosures = connection.execute(sa.text("SELECT COUNT(*) FROM disclosure")).scalar()
    if import_rows is None:
        import_rows = max(100, min(10_000, round(disclosures / 5)))
    progress(f"Measuring {url} ({disclosures:,} disclosures), median of {repeat} runs")
    if only in ("all", "services"):
        _services(bench, actors, import_rows)
    elif only in SERVICE_PARTS:
        _services(bench, actors, import_rows, parts=(only,))
    if only in ("all", "pages"):
        _pages(bench, actors, _case_to_open(bench, actors["officer"].person_id))
    return bench.results


def markdown_table(results: list[Result]) -> str:
    lines = [
        "| what | role | median s | CPU s | statements | peak MB | SQL s | ratio | status | note |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]

    def number(value, digits=3):
        return "" if value is None else f"{value:.{digits}f}"

    for r in results:
        lines.append(
            f"| {r.name} | {r.role} | {number(r.seconds)} | {number(r.cpu_seconds)} | "
            f"{r.statements or ''} | "
            f"{number(r.peak_mb, 1)} | {number(r.sql_seconds, 4)} | {number(r.ratio, 1)} | "
            f"{r.status}{'' if r.same_answer in (None, True) else ' (answers differ)'} | "
            f"{r.note} |"
        )
    return "\n".join(lines)


def write_json(results: list[Result], path: Path, **about) -> None:
    path.write_text(
        json.dumps({**about, "results": [asdict(r) for r in results]}, indent=2, default=str)
    )
