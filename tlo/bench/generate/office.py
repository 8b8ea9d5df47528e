"""The driver: the phases in order on one connection, into an empty database only."""

from __future__ import annotations

import random
import time
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from tlo import clock
from tlo.bench.generate.agreements import _Agreements
from tlo.bench.generate.audit import _AuditTrail
from tlo.bench.generate.companies import _Companies
from tlo.bench.generate.disclosures import _Disclosures
from tlo.bench.generate.docket import _Docket
from tlo.bench.generate.money import _Money
from tlo.bench.generate.patents import _Patents
from tlo.bench.generate.people import _People
from tlo.bench.generate.sizes import FISCAL_YEARS, _fy_span
from tlo.bench.generate.writing import ORDER, Progress, T, _Writer
from tlo.config import get_settings
from tlo.disclosures.rules import fiscal_year_of
from tlo.errors import ValidationError
from tlo.revenue.policy import policies_in
from tlo.revenue.services import POLICIES_FOLDER


class NotEmpty(ValidationError):
    """The database already holds records: the generator fills only an empty one."""


def is_empty(connection: Connection) -> bool:
    for name in ("person", "account", "disclosure", "income", "audit_entry"):
        if connection.execute(sa.select(T[name].c.id).limit(1)).first() is not None:
            return False
    return True


class _Office(
    _AuditTrail, _People, _Disclosures, _Patents, _Companies, _Agreements, _Money, _Docket
):
    """The generated office: a phase in each base class, run in order by `run`; each phase
    reads what the earlier ones left on `self` (people, cases, applications, companies,
    agreements)."""

    def __init__(self, engine: Engine, scale: float, seed: int, progress: Progress):
        if not 0 < scale <= 10:
            raise ValidationError("The scale is a number above 0 and at most 10 (1 is full size).")
        self.engine = engine
        self.scale = scale
        self.rng = random.Random(seed)
        self.progress = progress
        self.today = clock.today()
        self.now = clock.utcnow()
        self.start_month = get_settings().fiscal_year_start_month
        self.current_fy = fiscal_year_of(self.today, self.start_month)
        self.first_fy = self.current_fy - FISCAL_YEARS + 1
        self.first_day = _fy_span(self.first_fy, self.start_month)[0]
        # Left undistributed: the last complete fiscal year (for the annual run) and this one.
        self.last_posted_fy = self.current_fy - 2
        self.policies = policies_in(POLICIES_FOLDER)

    def fy(self, day: date) -> int:
        return fiscal_year_of(day, self.start_month)

    def run(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            if not is_empty(connection):
                raise NotEmpty(
                    "The database already holds records; the generator fills only an empty, "
                    "migrated database (create a new one, then `python -m tlo migrate`)."
                )
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # One writer fills a new file: no journal while it does (WAL again at the end;
                # a generation that fails half-way leaves a database to throw away anyway).
                connection.exec_driver_sql("PRAGMA journal_mode=OFF")
                connection.exec_driver_sql("PRAGMA synchronous=OFF")
                connection.exec_driver_sql("PRAGMA cache_size=-65536")
            connection.commit()
            w = _Writer(connection, self.progress)
            started = time.perf_counter()
            self.progress(
                f"Generating the largest office at scale {self.scale} "
                f"(FY{self.first_fy}-FY{self.current_fy}, today {self.today})"
            )
            for name, step in (
                ("people and accounts", self.people),
                ("disclosures", self.disclosures),
                ("patents", self.patents),
                ("companies and outreach", self.companies),
                ("agreements", self.agreements),
                ("income and distributions", self.income),
                ("docket", self.docket),
            ):
                phase_started = time.perf_counter()
                step(w)
                w.phase(name, phase_started)
            self.counters(w)
            w.phase("docket counters", time.perf_counter())
            self._finish(connection, w)
            if sqlite:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
                connection.exec_driver_sql("PRAGMA synchronous=FULL")
            total = time.perf_counter() - started
            for name in ORDER:
                rows = w.written.get(name)
                if rows:
                    seconds = w.seconds[name]
                    self.progress(
                        f"  {name:<24} {rows:>10,} rows  {rows / max(seconds, 1e-9):>10,.0f} rows/s"
                    )
            self.progress(f"Generated {sum(w.written.values()):,} rows in {total:.1f} s")
            return dict(w.written)

    def _finish(self, connection: Connection, w: _Writer) -> None:
        started = time.perf_counter()
        if connection.dialect.name == "postgresql":
            for name in ORDER:
                if "id" in T[name].c and w.written.get(name):
                    connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT MAX(id) FROM {name}))"
                    )
            connection.commit()
            connection.exec_driver_sql("ANALYZE")
        else:
            connection.exec_driver_sql("ANALYZE")
        connection.commit()
        self.progress(f"statistics (ANALYZE): done in {time.perf_counter() - started:.1f} s")


def generate(engine: Engine, scale: float, seed: int = 1, progress: Progress = print) -> dict:
    """Fill the empty, migrated database behind `engine` with the largest office at `scale`
    (1.0: full size). Returns the rows written per table. Raises NotEmpty if the database
    already holds records."""
    return _Office(engine, scale, seed, progress).run()
