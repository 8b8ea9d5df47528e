"""The largest office, generated: 20 fiscal years of records at `scale` times the sizes of the
largest real offices (SIZES), internally consistent, written in bulk.

Consistent means what the services would have left: every foreign key valid; disclosures in
every workflow status with what each status needs (docket numbers per fiscal year, officers,
evaluations, filing decisions, review dates, the timeline); inventor shares adding up to
100 %; patent families (provisional -> non-provisional / PCT -> national phases, grants);
companies with unique normalised names; outreach with touches; agreements of every type and
status covering technologies; income on signed agreements, distributed in the order received
under the policy in force with the revenue engine's own lines (`tlo.revenue.engine.distribute`),
posted through the database's own rule (inserted as drafts, then posted); and
the audit trail. The last complete fiscal year and the current one are left undistributed,
for the annual run to have work.

Rows are written with SQLAlchemy Core, several thousand per statement, never one service
call per row; ids are given here (so children can name their parents without reading back)
and PostgreSQL's sequences are moved past them at the end. The same seed gives the same
office, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import tlo.all_models  # noqa: F401  (every table known to the metadata)
from tlo import clock
from tlo.auth.models import Role
from tlo.auth.passwords import DEMO_PASSWORD, hash_password
from tlo.config import get_settings
from tlo.demo import ACCOUNTS, DEPARTMENTS, EMAIL_DOMAIN, EXTERNAL, FACULTY, SCHOOLS, STAFF
from tlo.disclosures.models import DisclosureStatus as S
from tlo.disclosures.rules import docket_number, fiscal_year_of
from tlo.errors import ValidationError
from tlo.licensing.agreement_models import AgreementStatus as AS
from tlo.licensing.agreement_models import AgreementType as AT
from tlo.licensing.matching import normalise_company_name
from tlo.money import from_cents, to_cents
from tlo.revenue.engine import COSTS_RECIPIENT, InventorShare, LineClass, distribute
from tlo.revenue.policy import TierBasis, policies_in, policy_in_force
from tlo.revenue.services import POLICIES_FOLDER
from tlo.revenue.types import IncomeType

# The largest real offices (issue 15), at scale 1.
SIZES = {
    "disclosure": 50_000,
    "disclosure_inventor": 150_000,
    "patent_application": 113_000,
    "company": 10_000,
    "outreach": 100_000,
    "agreement": 10_000,
    "income": 1_000_000,
    "audit_entry": 2_100_000,
}
FISCAL_YEARS = 20
FACULTY_AT_FULL_SIZE = 15_000
OFFICERS_AT_FULL_SIZE = 25
INCOME_GROWTH = 1.11  # a year's income count over the year before's
DISCLOSURE_GROWTH = 1.04
CHUNK = 5_000
Progress = Callable[[str], None]

T = {table.name: table for table in SQLModel.metadata.sorted_tables}
ORDER = [table.name for table in SQLModel.metadata.sorted_tables]


class NotEmpty(ValidationError):
    """The database already holds records: the generator fills only an empty one."""


def is_empty(connection: Connection) -> bool:
    for name in ("person", "account", "disclosure", "income", "audit_entry"):
        if connection.execute(sa.select(T[name].c.id).limit(1)).first() is not None:
            return False
    return True


# --- writing ---------------------------------------------------------------------------------


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
        elapsed = time.perf_counter() - started
        self.progress(f"{name}: done in {elapsed:.1f} s")


@dataclass(frozen=True)
class _DueItem:
    """What the demo's marking rule reads of a docket item."""

    rule: str
    due: date


def _moment(day: date, rng: random.Random) -> datetime:
    """A moment on the office's day `day` during office hours, in UTC."""
    local = datetime.combine(day, clock_time(8 + rng.randrange(10), rng.randrange(60)))
    return local.replace(tzinfo=clock.office_zone()).astimezone(UTC)


def _between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _weighted(rng: random.Random, table: dict) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _split_cents(cents: int, weights: list[int]) -> list[int]:
    """`cents` in proportion to `weights`, exact to the cent (largest remainder), as the
    revenue service allocates an income among technologies."""
    total = sum(weights)
    floors = [cents * w // total for w in weights]
    remainders = [cents * w % total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[: cents - sum(floors)]:
        floors[i] += 1
    return floors


def _random_shares(rng: random.Random, count: int) -> list[int]:
    """Shares in hundredths of a percent adding up to exactly 10000."""
    if count == 1:
        return [10000]
    if rng.random() < 0.6:  # equal shares, the leftover to the first inventor
        each = 10000 // count
        return [10000 - each * (count - 1)] + [each] * (count - 1)
    cuts = sorted(rng.sample(range(1, 200), count - 1))
    parts = [(b - a) * 50 for a, b in zip([0, *cuts], [*cuts, 200], strict=True)]
    return sorted(parts, reverse=True)


FIRST_NAMES = """
Aaron Abigail Adrian Aisha Alan Amara Ana Andre Anika Arjun Ayesha Bao Carlos Chen Chiara
Daniel Dmitri Elif Emma Eun Fatima Felix Gabriel Hana Hassan Ines Ivan Jae Jamal Javier
Julia Kenji Khalid Lara Leila Lucas Mahmoud Mei Mia Nadia Naveen Nora Omar Paolo Priya
Rafael Rina Sana Sofia Sven Tariq Thomas Uma Victor Wen Yusuf Zara
""".split()  # noqa: SIM905
LAST_NAMES = """
Abbott Acharya Baker Banerjee Becker Brooks Castillo Chang Cohen Das Dubois Edwards Feng
Garcia Gupta Hansen Hoffmann Huang Ibrahim Jensen Johnson Kaur Kim Kowalczyk Kumar Larsen
Lopez Martin Mendes Morales Nakamura Nguyen Novak Olsen Park Patel Quinn Reddy Richter Rossi
Sato Schmidt Shah Silva Singh Sorensen Suzuki Tan Taylor Torres Vargas Wang Weber Williams
Wright Yamamoto Yang Young Zhou
""".split()  # noqa: SIM905
EXTRA_SCHOOLS = [
    ("School of Earth Sciences", "EARTH"),
    ("School of Sustainability", "SUST"),
    ("School of Business", "GSB"),
    ("School of Education", "EDU"),
]
EXTRA_DEPARTMENTS = [
    ("Chemical Engineering", "CHEME", "ENG"),
    ("Civil and Environmental Engineering", "CEE", "ENG"),
    ("Aeronautics and Astronautics", "AA", "ENG"),
    ("Management Science and Engineering", "MSANDE", "ENG"),
    ("Biochemistry", "BIOC", "MED"),
    ("Cardiology", "CARD", "MED"),
    ("Oncology", "ONC", "MED"),
    ("Dermatology", "DERM", "MED"),
    ("Immunology", "IMM", "MED"),
    ("Ophthalmology", "OPH", "MED"),
    ("Psychiatry", "PSY", "MED"),
    ("Surgery", "SURG", "MED"),
    ("Statistics", "STATS", "H&S"),
    ("Mathematics", "MATH", "H&S"),
    ("Applied Physics", "APPH", "H&S"),
    ("Psychology", "PSYCH", "H&S"),
    ("Geophysics", "GEOPHYS", "EARTH"),
    ("Energy Science and Engineering", "ESE", "SUST"),
    ("Earth System Science", "ESS", "SUST"),
    ("Operations, Information and Technology", "OIT", "GSB"),
    ("Learning Sciences", "LS", "EDU"),
]
TOPICS = """
battery electrode catalyst sensor antibody vaccine imaging laser microfluidic polymer
graphene robot neural network genome CRISPR protein enzyme solar membrane implant drone
lidar quantum photonic semiconductor hydrogel nanoparticle biomarker diagnostic therapy
peptide wearable ultrasound MRI compiler database encryption fuel-cell desalination
prosthetic stent scaffold organoid
""".split()  # noqa: SIM905
ADJECTIVES = """
low-power scalable rapid portable high-throughput implantable biodegradable flexible
adaptive self-healing wireless multiplexed non-invasive ultra-sensitive energy-efficient
modular targeted programmable
""".split()  # noqa: SIM905
SECTORS = [
    "Biotechnology",
    "Pharmaceuticals",
    "Medical devices",
    "Semiconductors",
    "Software",
    "Energy",
    "Materials",
    "Diagnostics",
    "Robotics",
    "Agriculture",
]
COMPANY_WORDS = """
Acme Apex Aurora Beacon Blue Bright Cardinal Cedar Clear Coastal Summit Crest Delta Ember
Evergreen Falcon Forge Frontier Granite Harbor Helix Horizon Iron Juniper Keystone Lumen
Meridian Nova Oak Orbit Pacific Peak Pioneer Quantum Redwood Sierra Silver Spark Sterling
Tidal Titan Vector Vista Willow Zenith
""".split()  # noqa: SIM905
COMPANY_NOUNS = """
Bio Therapeutics Labs Devices Systems Robotics Energy Materials Diagnostics Photonics
Genomics Analytics Medical Sensors Semiconductors Networks Pharma Instruments
""".split()  # noqa: SIM905
SUFFIXES = ["Inc.", "LLC", "Corp.", "Ltd", "GmbH", "S.A.", "", "Co."]
SPONSORS = [
    ("National Institutes of Health", True, "NIH"),
    ("National Science Foundation", True, "NSF"),
    ("Department of Energy", True, "DOE"),
    ("Department of Defense", True, "DOD"),
    ("DARPA", True, "DARPA"),
    ("Gates Foundation", False, ""),
    ("Industry sponsor", False, ""),
    ("Internal seed grant", False, ""),
]
COUNSEL = ["Fenwick & West", "Wilson Sonsini", "Morrison & Foerster", "Cooley", "Knobbe Martens"]
NATIONAL = ["JP", "CN", "CA", "AU", "KR", "IN", "BR"]

# Where a case stands by its age in fiscal years (0: received this fiscal year).
STATUS_BY_AGE = [
    {
        S.DRAFT: 3,
        S.SUBMITTED: 12,
        S.ASSIGNED: 15,
        S.EVALUATING: 30,
        S.FILING: 10,
        S.DEFERRED: 8,
        S.RELEASED: 7,
        S.ABANDONED: 5,
        S.FILED: 10,
    },
    {
        S.SUBMITTED: 1,
        S.ASSIGNED: 3,
        S.EVALUATING: 10,
        S.DEFERRED: 8,
        S.FILING: 3,
        S.FILED: 25,
        S.MARKETING: 20,
        S.RELEASED: 12,
        S.ABANDONED: 12,
        S.LICENSED: 4,
        S.CLOSED: 2,
    },
    {
        S.EVALUATING: 2,
        S.DEFERRED: 3,
        S.FILED: 10,
        S.MARKETING: 30,
        S.LICENSED: 8,
        S.RELEASED: 20,
        S.ABANDONED: 15,
        S.CLOSED: 10,
    },
    {S.MARKETING: 10, S.LICENSED: 6, S.RELEASED: 24, S.ABANDONED: 30, S.CLOSED: 30},
]
# The workflow path to each status: (action, status reached), after submission.
PATHS = {
    S.SUBMITTED: [],
    S.ASSIGNED: [("assign", S.ASSIGNED)],
    S.EVALUATING: [("assign", S.ASSIGNED), ("start_evaluation", S.EVALUATING)],
}
_EVALUATED = PATHS[S.EVALUATING]
PATHS[S.DEFERRED] = [*_EVALUATED, ("defer", S.DEFERRED)]
PATHS[S.RELEASED] = [*_EVALUATED, ("release", S.RELEASED)]
PATHS[S.ABANDONED] = [*_EVALUATED, ("abandon", S.ABANDONED)]
PATHS[S.FILING] = [*_EVALUATED, ("file_provisional", S.FILING)]
PATHS[S.FILED] = [*PATHS[S.FILING], ("record_filing", S.FILED)]
PATHS[S.MARKETING] = [*PATHS[S.FILED], ("start_marketing", S.MARKETING)]
PATHS[S.LICENSED] = [*PATHS[S.MARKETING], ("license", S.LICENSED)]
PATHS[S.CLOSED] = [*PATHS[S.MARKETING], ("close", S.CLOSED)]
CLOSED_AFTER_A_LICENSE = [*PATHS[S.LICENSED], ("close", S.CLOSED)]  # some closed cases
DECISIONS = {
    S.DEFERRED: "defer",
    S.RELEASED: "release",
    S.ABANDONED: "abandon",
    S.FILING: "file_provisional",
}
PATENTED = {S.FILED, S.MARKETING, S.LICENSED, S.CLOSED}
STAGE_MIX = {
    "identified": 10,
    "contacted": 30,
    "interested": 10,
    "cda_signed": 5,
    "evaluating": 5,
    "term_sheet": 2,
    "negotiating": 2,
    "licensed": 3,
    "declined": 20,
    "no_response": 13,
}
INCOME_MIX = {
    IncomeType.ROYALTY: 70,
    IncomeType.ANNUAL_FEE: 15,
    IncomeType.MILESTONE: 4,
    IncomeType.UPFRONT: 3,
    IncomeType.SUBLICENSE: 3,
    IncomeType.EQUITY: 1,
    IncomeType.COST_REIMBURSEMENT: 4,
}
# (median dollars, spread) of a payment of each type
INCOME_SIZE = {
    IncomeType.ROYALTY: (1_500, 1.4),
    IncomeType.ANNUAL_FEE: (10_000, 0.6),
    IncomeType.MILESTONE: (50_000, 1.0),
    IncomeType.UPFRONT: (25_000, 0.9),
    IncomeType.SUBLICENSE: (20_000, 1.2),
    IncomeType.EQUITY: (200_000, 1.5),
    IncomeType.COST_REIMBURSEMENT: (8_000, 0.8),
}


def _count(name: str, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(SIZES[name] * scale))


def _year_weights(growth: float, today: date, first_fy: int, current_fy: int) -> dict[int, float]:
    """How the records of 20 fiscal years spread, growing each year; the current fiscal year
    counts as far as it has gone."""
    start_month = get_settings().fiscal_year_start_month
    fy_start = _fy_span(current_fy, start_month)[0]
    elapsed = max(1, (today - fy_start).days + 1) / 365
    return {
        fy: growth ** (fy - first_fy) * (min(1.0, elapsed) if fy == current_fy else 1.0)
        for fy in range(first_fy, current_fy + 1)
    }


def _fy_span(fiscal_year: int, start_month: int) -> tuple[date, date]:
    if start_month == 1:
        return date(fiscal_year, 1, 1), date(fiscal_year, 12, 31)
    first = date(fiscal_year - 1, start_month, 1)
    return first, first + relativedelta(years=1) - timedelta(days=1)


def _spread(total: int, weights: dict[int, float]) -> dict[int, int]:
    """`total` records over the years in proportion to the weights, adding up exactly."""
    whole = sum(weights.values())
    counts = {fy: int(total * w / whole) for fy, w in weights.items()}
    for fy in sorted(weights, key=lambda fy: -weights[fy])[: total - sum(counts.values())]:
        counts[fy] += 1
    return counts


# --- the generator ---------------------------------------------------------------------------


class _Office:
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

    # -- helpers --

    def fy(self, day: date) -> int:
        return fiscal_year_of(day, self.start_month)

    def audit(self, w: _Writer, at, actor, action, object_type, object_id, after=None):
        account_id, name = actor
        w.add(
            "audit_entry",
            {
                "id": w.new_id("audit_entry"),
                "at": at,
                "actor_account_id": account_id,
                "actor_name": name,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "before": None,
                "after": after,
            },
        )

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

    # -- the docket --

    def docket(self, w: _Writer) -> None:
        """The stored docket of every live case and agreement (written past the services, the
        records need it computed once), and what fell due before today marked as an office
        marks it: fees paid, reports filed, foreign filings not pursued waived (the demo's
        rules), license payments and reports received up to two weeks ago. Without the marks
        every past deadline of a live case would be open and overdue, as no office has it."""
        from sqlmodel import Session

        from tlo.patents import services as patents
        from tlo.patents.demo import _past_mark

        w.flush()
        w.connection.commit()
        item = T["docket_item"]
        with Session(bind=w.connection) as session:
            stored = patents.rebuild_docket(session, today=self.today)
            session.commit()
        shown = sa.and_(
            sa.or_(item.c.shown_from.is_(None), item.c.shown_from <= self.today),
            sa.or_(item.c.shown_until.is_(None), item.c.shown_until >= self.today),
        )
        marked = set()
        received_by = self.today - timedelta(days=14)
        for key, rule, due, agreement_id in w.connection.execute(
            sa.select(item.c.key, item.c.rule, item.c.due, item.c.agreement_id)
            .where(item.c.state == "open", shown)
            .order_by(item.c.id)
        ):
            if key in marked:
                continue
            if agreement_id is not None:
                mark = ("done", "Received") if due < received_by else None
            else:
                mark = _past_mark(_DueItem(rule, due), self.today)
            if mark is None:
                continue
            marked.add(key)
            w.add(
                "docket_item_state",
                {
                    "id": w.new_id("docket_item_state"),
                    "key": key,
                    "state": mark[0],
                    "note": mark[1],
                    "marked_at": _moment(min(due, self.today), self.rng),
                    "marked_by_account_id": None,
                    "marked_by_name": "system (bench data)",
                },
            )
            w.maybe_flush()
        w.flush()
        w.connection.commit()
        with Session(bind=w.connection) as session:
            patents.apply_marks(session)
            session.commit()
        self.progress(f"docket: {stored:,} items stored, {len(marked):,} past ones marked")

    # -- people --

    def people(self, w: _Writer) -> None:
        rng = self.rng
        self.school_ids, self.school_names = {}, {}
        for name, code in [*SCHOOLS, *EXTRA_SCHOOLS]:
            sid = w.new_id("school")
            w.add("school", {"id": sid, "name": name, "code": code, "active": True})
            self.school_ids[code], self.school_names[sid] = sid, name
        self.departments = {}  # id -> (name, school id, school name)
        dept_ids = {}
        for name, code, school in [*DEPARTMENTS, *EXTRA_DEPARTMENTS]:
            did = w.new_id("department")
            school_id = self.school_ids[school]
            w.add(
                "department",
                {"id": did, "name": name, "code": code, "school_id": school_id, "active": True},
            )
            dept_ids[code] = did
            self.departments[did] = (name, school_id, self.school_names[school_id])
        created = _moment(self.first_day, rng)
        self.people_by_id = {}  # id -> (full name, email, department id or None, organisation)
        self.local_ids = {}

        def person(full_name, email, department_id=None, organisation=None):
            pid = w.new_id("person")
            w.add(
                "person",
                {
                    "id": pid,
                    "full_name": full_name,
                    "email": email,
                    "department_id": department_id,
                    "organisation": organisation,
                    "is_external": organisation is not None,
                    "active": True,
                    "created_at": created,
                },
            )
            self.people_by_id[pid] = (full_name, email, department_id, organisation)
            return pid

        for full_name, local, code in FACULTY:
            self.local_ids[local] = person(full_name, f"{local}@{EMAIL_DOMAIN}", dept_ids[code])
        for full_name, local in STAFF:
            self.local_ids[local] = person(full_name, f"{local}@{EMAIL_DOMAIN}")
        externals = [person(n, e, None, o) for n, e, o in EXTERNAL]
        faculty = [self.local_ids[local] for _, local, _ in FACULTY]
        dept_list = list(self.departments)
        for n in range(max(40, round(FACULTY_AT_FULL_SIZE * self.scale)) - len(FACULTY)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            faculty.append(
                person(
                    f"{first} {last}",
                    f"{first.lower()}.{last.lower()}.{n}@{EMAIL_DOMAIN}",
                    rng.choice(dept_list),
                )
            )
        for n in range(max(3, round(FACULTY_AT_FULL_SIZE * self.scale * 0.03))):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            organisation = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_NOUNS)}"
            externals.append(
                person(
                    f"{first} {last}", f"{first.lower()}{n}@partner{n}.example", None, organisation
                )
            )
        officers = [self.local_ids["oortega"], self.local_ids["mlee"]]
        for n in range(max(0, round(OFFICERS_AT_FULL_SIZE * self.scale) - 2)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            officers.append(person(f"{first} {last}", f"officer{n + 3}@{EMAIL_DOMAIN}"))
        self.faculty, self.externals, self.officers = faculty, externals, officers
        # Accounts: the demo's named ones (one per role), every officer, and a fifth of the
        # faculty (single sign-on only).
        password = None if get_settings().production else hash_password(DEMO_PASSWORD)
        self.account_ids = {}
        accounts = [
            (username, self.local_ids[local], roles)
            for username, (local, roles) in ACCOUNTS.items()
        ]
        accounts += [(f"officer{n + 3}", pid, {Role.OFFICER}) for n, pid in enumerate(officers[2:])]
        named = {self.local_ids[local] for local, _ in ACCOUNTS.values()}
        accounts += [
            (f"inventor.{pid}", pid, {Role.INVENTOR})
            for pid in faculty
            if pid not in named and rng.random() < 0.2
        ]
        for username, pid, roles in accounts:
            aid = w.new_id("account")
            w.add(
                "account",
                {
                    "id": aid,
                    "person_id": pid,
                    "username": username,
                    "password_hash": password if username in ACCOUNTS else None,
                    "active": True,
                    "failed_signins": 0,
                    "created_at": created,
                },
            )
            for role in roles:
                w.add("account_role", {"account_id": aid, "role": role.value})
            self.account_ids[pid] = aid
            self.account_ids[username] = aid
        self.officer_actor = {
            pid: (self.account_ids[pid], self.people_by_id[pid][0]) for pid in officers
        }
        finance = self.local_ids["fnakamura"]
        self.finance = (self.account_ids[finance], self.people_by_id[finance][0])
        director = self.local_ids["dwhitfield"]
        self.director = (self.account_ids[director], self.people_by_id[director][0])
        # Inventors: the named demo inventors are prolific; the rest by chance.
        self.inventor_pool = faculty
        self.prolific = [self.local_ids["achen"], self.local_ids["bokafor"]]

    # -- disclosures --

    def _pick_inventors(self, count: int) -> list[int]:
        rng = self.rng
        chosen: list[int] = [rng.choice(self.inventor_pool)]  # the submitter is on the faculty
        if rng.random() < 0.004 * max(1.0, 1 / max(self.scale, 1e-6)) ** 0.5:
            chosen[0] = rng.choice(self.prolific)
        while len(chosen) < count:
            pid = (
                rng.choice(self.externals)
                if rng.random() < 0.03
                else rng.choice(self.inventor_pool)
            )
            if pid not in chosen:
                chosen.append(pid)
        return chosen

    def disclosures(self, w: _Writer) -> None:
        rng = self.rng
        counts = _spread(
            _count("disclosure", self.scale, 20),
            _year_weights(DISCLOSURE_GROWTH, self.today, self.first_fy, self.current_fy),
        )
        # However small the office, the last two years hold a case in every status; the
        # cases they need are taken from the busiest other years, so the total stays.
        for age, fy in ((0, self.current_fy), (1, self.current_fy - 1)):
            missing = len(STATUS_BY_AGE[age]) - counts[fy]
            counts[fy] += max(0, missing)
            for other in sorted(counts, key=lambda year: -counts[year]):
                if missing <= 0:
                    break
                if self.current_fy - other > 1 and counts[other] > 1:
                    counts[other] -= 1
                    missing -= 1
        self.cases = []  # dicts of what later phases need
        self.sequences: dict[int, int] = {}
        inventor_counts = {1: 10, 2: 25, 3: 30, 4: 20, 5: 10, 6: 5}
        for fy in range(self.first_fy, self.current_fy + 1):
            first, last = _fy_span(fy, self.start_month)
            last = min(last, self.today)
            age = self.current_fy - fy
            mix = STATUS_BY_AGE[0 if age == 0 else 1 if age == 1 else 2 if age <= 5 else 3]
            # the oldest days go to the statuses that take longest to reach
            forced = sorted(mix, key=lambda s: s not in (S.LICENSED, S.CLOSED)) if age <= 1 else []
            days = sorted(_between(rng, first, last) for _ in range(counts[fy]))
            for day in days:
                status = S(forced.pop(0) if forced else _weighted(rng, mix))
                if status is S.LICENSED and (self.today - day).days < 200:
                    status = S.MARKETING  # too young to have been licensed
                self._disclosure(
                    w,
                    fy,
                    day,
                    status,
                    rng.choices(list(inventor_counts), weights=list(inventor_counts.values()))[0],
                )
                w.maybe_flush()

    def _disclosure(self, w: _Writer, fy: int, day: date, status: S, inventor_count: int):
        rng = self.rng
        did = w.new_id("disclosure")
        topic, adjective = rng.choice(TOPICS), rng.choice(ADJECTIVES)
        title = f"A {adjective} {topic} for {rng.choice(TOPICS)} applications"
        inventors = self._pick_inventors(inventor_count)
        shares = _random_shares(rng, len(inventors))
        officer = rng.choice(self.officers)
        submitted_at = _moment(day, rng)
        draft = status is S.DRAFT
        docket = None
        if not draft:
            self.sequences[fy] = sequence = self.sequences.get(fy, 0) + 1
            docket = docket_number(fy, sequence)
        path = [] if draft else PATHS[status]
        if status is S.CLOSED and rng.random() < 0.15:
            path = CLOSED_AFTER_A_LICENSE
        assigned = any(action == "assign" for action, _ in path)
        review_on = None
        if status is S.DEFERRED:
            review_on = self.today + timedelta(days=rng.randint(14, 300))
        w.add(
            "disclosure",
            {
                "id": did,
                "docket": docket,
                "fiscal_year": None if draft else fy,
                "status": status.value,
                "title": title,
                "abstract": f"We describe a {adjective} {topic} that improves on the state of the "
                f"art in {rng.choice(TOPICS)} and {rng.choice(TOPICS)}.",
                "description": f"Detailed description of the {topic}. " * 5,
                "problem_and_advantages": f"Cheaper, faster and more reliable {topic}s.",
                "stage": rng.choice(
                    ["concept", "proof_of_concept", "prototype", "validated", "product_ready"]
                ),
                "keywords": f"{topic}, {adjective}, {rng.choice(TOPICS)}",
                "applications": f"{rng.choice(SECTORS)}; {rng.choice(SECTORS)}",
                "potential_licensees": "",
                "related_materials": "",
                "submitter_person_id": inventors[0],
                "officer_person_id": officer if assigned else None,
                "share_version": 1,
                "created_at": submitted_at - timedelta(days=rng.randint(1, 20)),
                "submitted_at": None if draft else submitted_at,
                "review_on": review_on,
            },
        )
        names = [self.people_by_id[p][0] for p in inventors]
        for position, (pid, share) in enumerate(zip(inventors, shares, strict=True)):
            w.add(
                "disclosure_inventor",
                {
                    "id": w.new_id("disclosure_inventor"),
                    "disclosure_id": did,
                    "person_id": pid,
                    "share_bp": share,
                    "position": position,
                    "confirmed_at": None if draft else submitted_at + timedelta(days=position),
                },
            )
            w.add(
                "share_history",
                {
                    "id": w.new_id("share_history"),
                    "disclosure_id": did,
                    "version": 1,
                    "person_id": pid,
                    "share_bp": share,
                    "recorded_at": submitted_at,
                    "recorded_by_account_id": None,
                },
            )
        case = {
            "id": did,
            "fy": fy,
            "day": day,
            "status": status,
            "officer": officer if assigned else None,
            "inventors": [
                (pid, share, names.count(self.people_by_id[pid][0]) > 1)
                for pid, share in zip(inventors, shares, strict=True)
            ],
            "federal": None,
            "title": title,
        }
        self.cases.append(case)
        if draft:
            return
        # funding, public disclosures
        if rng.random() < 0.6:
            sponsor, federal, agency = rng.choice(SPONSORS)
            w.add(
                "funding_source",
                {
                    "id": w.new_id("funding_source"),
                    "disclosure_id": did,
                    "sponsor": sponsor,
                    "award_number": f"{agency or 'GR'}-{rng.randint(10000, 99999)}",
                    "is_federal": federal,
                    "agency": agency,
                },
            )
            if federal:
                case["federal"] = agency
        if rng.random() < 0.3:
            w.add(
                "public_disclosure",
                {
                    "id": w.new_id("public_disclosure"),
                    "disclosure_id": did,
                    "disclosed_on": day + timedelta(days=rng.randint(-60, 120)),
                    "kind": rng.choice(["paper", "talk", "poster", "thesis", "abstract"]),
                    "venue": f"Conference on {topic.capitalize()}s",
                },
            )
        # the timeline, with the evaluation and decision the statuses need
        submitter = self.account_ids.get(inventors[0]), names[0]
        self._status(w, did, None, S.SUBMITTED, submitted_at, submitter, "submit", docket)
        actor = self.officer_actor[officer]
        at, before = submitted_at, S.SUBMITTED
        span = max(1, (self.now - submitted_at).days)
        step_days = max(1, min(90, span // (len(path) + 1)))
        case["at"] = {}
        for action, reached in path:
            at = min(at + timedelta(days=rng.randint(1, step_days)), self.now)
            if action == "license":
                case["at"]["license_due"] = at  # the agreement signs it (agreements phase)
                case["licensed_from"] = before
                before = reached
                continue
            if action == "close" and "license_due" in case["at"]:
                at = max(at, case["at"]["license_due"] + timedelta(days=30))
                at = min(at, self.now)
            if action in ("release", "abandon", "defer", "file_provisional"):
                self._evaluation(w, did, at - timedelta(days=1), actor)
                w.add(
                    "filing_decision",
                    {
                        "id": w.new_id("filing_decision"),
                        "disclosure_id": did,
                        "decision": action,
                        "rationale": f"Decided to {action.replace('_', ' ')} after evaluation.",
                        "review_on": review_on if action == "defer" else None,
                        "decided_at": at,
                        "decided_by_account_id": actor[0],
                        "decided_by_name": actor[1],
                    },
                )
            elif action == "start_evaluation" and status is S.EVALUATING and rng.random() < 0.5:
                self._evaluation(w, did, at + timedelta(hours=2), actor)
            self._status(w, did, before, reached, at, actor, action)
            case["at"][reached] = at
            before = reached

    def _status(self, w, did, before, after, at, actor, action, docket=None):
        w.add(
            "status_change",
            {
                "id": w.new_id("status_change"),
                "disclosure_id": did,
                "from_status": before.value if before else S.DRAFT.value,
                "to_status": after.value,
                "at": at,
                "actor_account_id": actor[0],
                "actor_name": actor[1],
                "note": "",
            },
        )
        self.audit(
            w,
            at,
            actor,
            f"disclosure.{action}",
            "disclosure",
            did,
            {"docket": docket} if docket else {"status": after.value},
        )

    def _evaluation(self, w, did, at, actor):
        rng = self.rng
        scores = [rng.randint(1, 5) for _ in range(5)]
        w.add(
            "evaluation",
            {
                "id": w.new_id("evaluation"),
                "disclosure_id": did,
                "novelty": scores[0],
                "patentability": scores[1],
                "market_size": scores[2],
                "licensing_interest": scores[3],
                "stage_of_development": scores[4],
                "weighted_score_x100": round(sum(scores) * 100 / 5),
                "prior_art_notes": "Searched the usual databases.",
                "recommendation": "file_provisional" if sum(scores) >= 15 else "release",
                "evaluated_at": at,
                "evaluated_by_account_id": actor[0],
                "evaluated_by_name": actor[1],
            },
        )

    def counters(self, w: _Writer) -> None:
        for fy, sequence in sorted(self.sequences.items()):
            w.add("docket_counter", {"fiscal_year": fy, "last_sequence": sequence})

    # -- patents --

    def patents(self, w: _Writer) -> None:
        rng = self.rng
        self.applications = defaultdict(list)  # disclosure id -> [(app id, type, jurisdiction)]
        self.costs = []  # (day, disclosure id, cents), for costs outstanding
        numbers = iter(range(100_001, 10**9))
        for case in self.cases:
            status = case["status"]
            if (
                status in PATENTED
                or (status is S.ABANDONED and rng.random() < 0.2)
                or (status is S.RELEASED and rng.random() < 0.1)
            ):
                pass
            else:
                if case["federal"] and status is not S.DRAFT:
                    self._bayh_dole(w, case, elected=False)
                continue
            filed_at = case["at"].get(S.FILED) or case["at"].get(S.FILING)
            first = filed_at.date() if filed_at else case["day"] + timedelta(days=120)
            first = min(first, self.today)
            closed = status in (S.CLOSED, S.ABANDONED, S.RELEASED)
            self._family(w, case, first, closed, numbers)
            if case["federal"]:
                self._bayh_dole(w, case, elected=True)
            w.maybe_flush()

    def _bayh_dole(self, w, case, *, elected: bool) -> None:
        rng = self.rng
        reported = case["day"] + timedelta(days=rng.randint(20, 55))
        w.add(
            "bayh_dole_record",
            {
                "id": w.new_id("bayh_dole_record"),
                "disclosure_id": case["id"],
                "agency": case["federal"],
                "award_number": f"{case['federal']}-{rng.randint(10000, 99999)}",
                "iedison_number": f"{rng.randint(1000000, 9999999)}"
                if reported <= self.today
                else "",
                "reported_on": reported if reported <= self.today else None,
                "election": "elected" if elected else "pending",
                "elected_on": min(self.today, reported + timedelta(days=200)) if elected else None,
            },
        )

    def _application(self, w, case, parent, kind, jurisdiction, filed, closed, numbers):
        rng = self.rng
        aid = w.new_id("patent_application")
        number = next(numbers)
        status, publication, grant, abandoned_on = "pending", ("", None), ("", None), None
        age = (self.today - filed).days
        if kind == "provisional":
            status = "expired" if age > 400 else "pending"
            number_text = f"63/{number:06d}"
        else:
            number_text = {
                "pct": f"PCT/US{filed.year}/{number:06d}",
                "nonprovisional": f"17/{number:06d}",
                "continuation": f"18/{number:06d}",
            }.get(kind, f"{jurisdiction}{filed.year % 100:02d}{number:06d}")
            if age > 550:
                status = "published"
                publication = (
                    f"{jurisdiction} {filed.year + 1}/{number:07d} A1",
                    filed + timedelta(days=548),
                )
            if kind != "pct" and age > 1000 and rng.random() < 0.65:
                granted = filed + timedelta(days=rng.randint(900, min(age, 1700)))
                status, grant = "granted", (f"{jurisdiction} {number + 9_000_000:,} B2", granted)
                if age > 20 * 365:
                    status = "expired"
            if kind == "pct" and age > 950:
                status = "expired"  # the international phase is over
        if closed and status not in ("expired",):
            status = "abandoned"
            abandoned_on = min(self.today, filed + timedelta(days=rng.randint(200, 900)))
        w.add(
            "patent_application",
            {
                "id": aid,
                "disclosure_id": case["id"],
                "parent_id": parent,
                "jurisdiction": jurisdiction,
                "application_type": kind,
                "application_number": number_text,
                "filing_date": filed,
                "priority_date_override": None,
                "status": status,
                "counsel_firm": rng.choice(COUNSEL),
                "counsel_attorney": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "counsel_docket": f"{number}-{kind[:3].upper()}",
                "publication_number": publication[0],
                "publication_date": publication[1],
                "grant_number": grant[0],
                "grant_date": grant[1],
                "abandoned_on": abandoned_on,
                "government_support_clause": bool(case["federal"]) and jurisdiction == "US",
                "created_at": _moment(filed, rng),
            },
        )
        self.applications[case["id"]].append((aid, kind, jurisdiction))
        self.audit(
            w,
            _moment(filed, rng),
            self.officer_actor.get(case["officer"], self.director),
            "patent.application_added",
            "disclosure",
            case["id"],
            {"application_number": number_text},
        )
        # counsel's invoices: the filing, then prosecution
        fee = {"provisional": 3_000, "nonprovisional": 12_000, "pct": 5_000}.get(kind, 6_000)
        day = filed + timedelta(days=rng.randint(10, 40))
        for n in range(1 + rng.randint(0, 4 if kind != "provisional" else 1)):
            if day > self.today:
                break
            cents = (
                int(fee * 100 * rng.uniform(0.5, 1.5)) if n == 0 else rng.randint(800, 5_000) * 100
            )
            w.add(
                "patent_cost",
                {
                    "id": w.new_id("patent_cost"),
                    "application_id": aid,
                    "invoice_date": day,
                    "invoice_number": f"INV-{aid}-{n + 1}",
                    "description": "Filing" if n == 0 else "Prosecution",
                    "amount_cents": cents,
                    "paid": (self.today - day).days > 45,
                    "recorded_at": _moment(day, rng),
                },
            )
            self.costs.append((day, case["id"], cents))
            day += timedelta(days=rng.randint(120, 500))
        # office actions on US applications that are examined
        if jurisdiction == "US" and kind in ("nonprovisional", "continuation", "national_phase"):
            mailed = filed + timedelta(days=rng.randint(420, 700))
            for n in range(rng.randint(0, 3)):
                if mailed > self.today:
                    break
                last = grant[1] is not None and n == 0
                responded = mailed + timedelta(days=rng.randint(40, 100))
                w.add(
                    "office_action",
                    {
                        "id": w.new_id("office_action"),
                        "application_id": aid,
                        "mailed_on": mailed,
                        "action_type": "notice_of_allowance"
                        if last
                        else rng.choice(["non_final", "final", "restriction", "non_final"]),
                        "description": "",
                        "responded_on": responded if responded <= self.today else None,
                    },
                )
                mailed = responded + timedelta(days=rng.randint(90, 240))
        return aid

    def _family(self, w, case, first: date, closed: bool, numbers) -> None:
        rng = self.rng
        provisional = self._application(w, case, None, "provisional", "US", first, closed, numbers)
        roots = [(provisional, first)]
        if rng.random() < 0.2:  # a second provisional a few months on
            second = min(self.today, first + timedelta(days=rng.randint(30, 200)))
            roots.append(
                (
                    self._application(w, case, None, "provisional", "US", second, closed, numbers),
                    second,
                )
            )
        parent, parent_day = roots[-1]
        convert = min(self.today, parent_day + timedelta(days=rng.randint(300, 364)))
        if convert >= self.today - timedelta(days=1) and (self.today - parent_day).days < 300:
            return  # still within the priority year
        if rng.random() < 0.85:
            us = self._application(
                w, case, parent, "nonprovisional", "US", convert, closed, numbers
            )
            if rng.random() < 0.15:
                day = min(self.today, convert + timedelta(days=rng.randint(400, 1200)))
                self._application(w, case, us, "continuation", "US", day, closed, numbers)
        if rng.random() < 0.6:
            pct = self._application(w, case, parent, "pct", "WO", convert, closed, numbers)
            entry = parent_day + relativedelta(months=30) - timedelta(days=rng.randint(5, 40))
            if entry <= self.today:
                self._application(w, case, pct, "regional_phase", "EP", entry, closed, numbers)
                for office in rng.sample(NATIONAL, rng.randint(1, 3)):
                    self._application(
                        w, case, pct, "national_phase", office, entry, closed, numbers
                    )

    # -- companies and outreach --

    def companies(self, w: _Writer) -> None:
        rng = self.rng
        self.company_ids, self.company_size, self.contacts = [], {}, {}
        self.company_names = {}
        seen = set()
        target = _count("company", self.scale, 20)
        while len(self.company_ids) < target:
            name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_NOUNS)}"
            if rng.random() < 0.7:
                name = f"{name} {rng.choice(COMPANY_WORDS)}"
            if normalise_company_name(name) in seen:
                name = f"{name} {len(self.company_ids)}"
            name = f"{name} {rng.choice(SUFFIXES)}".strip()
            normalized = normalise_company_name(name)
            if normalized in seen:
                continue
            seen.add(normalized)
            cid = w.new_id("company")
            size = _weighted(rng, {"startup": 30, "small": 40, "large": 30})
            w.add(
                "company",
                {
                    "id": cid,
                    "name": name,
                    "normalized_name": normalized,
                    "website": f"https://{normalized.replace(' ', '-')}.example",
                    "size": size,
                    "sector": rng.choice(SECTORS),
                    "interests": ", ".join(rng.sample(TOPICS, 4)),
                    "notes": "",
                    "do_not_contact": rng.random() < 0.01,
                    "created_at": _moment(_between(rng, self.first_day, self.today), rng),
                },
            )
            self.company_ids.append(cid)
            self.company_size[cid] = size
            self.company_names[cid] = name
            self.contacts[cid] = []
            for _ in range(rng.randint(1, 3)):
                contact = w.new_id("contact")
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                w.add(
                    "contact",
                    {
                        "id": contact,
                        "company_id": cid,
                        "name": f"{first} {last}",
                        "title": rng.choice(["VP Business Development", "CTO", "Scientist"]),
                        "email": f"{first.lower()}@{normalized.replace(' ', '-')}.example",
                        "phone": "",
                    },
                )
                self.contacts[cid].append(contact)
            w.maybe_flush()
        self._outreach(w)

    def _outreach(self, w: _Writer) -> None:
        rng = self.rng
        marketed = [c for c in self.cases if S.MARKETING in c.get("at", {})]
        target = _count("outreach", self.scale, 10)
        if not marketed:
            return
        per_case = _spread(target, {i: rng.uniform(0.2, 1.8) for i in range(len(marketed))})
        for index, case in enumerate(marketed):
            started = case["at"][S.MARKETING]
            live = case["status"] is S.MARKETING
            if live:
                w.add(
                    "marketing_summary",
                    {
                        "id": w.new_id("marketing_summary"),
                        "disclosure_id": case["id"],
                        "headline": case["title"],
                        "problem": "Today's solutions are slow and costly.",
                        "solution": "Ours is fast and cheap.",
                        "advantages": "Faster; cheaper; smaller.",
                        "applications": "Many.",
                        "stage": "Prototype",
                        "updated_at": started,
                    },
                )
            count = min(per_case[index], len(self.company_ids))
            for company in rng.sample(self.company_ids, count):
                oid = w.new_id("outreach")
                stage = _weighted(rng, STAGE_MIX)
                day = _between(rng, started.date(), self.today)
                opened = stage not in ("licensed", "declined", "no_response")
                follow_up = None
                if opened and live:
                    follow_up = self.today + timedelta(days=rng.randint(-60, 90))
                moment = _moment(day, rng)
                owner = case["officer"] or self.officers[0]
                w.add(
                    "outreach",
                    {
                        "id": oid,
                        "disclosure_id": case["id"],
                        "company_id": company,
                        "stage": stage,
                        "owner_person_id": owner,
                        "next_follow_up": follow_up,
                        "cda_signed_on": day
                        if stage in ("cda_signed", "evaluating", "term_sheet", "negotiating")
                        else None,
                        "stage_since": moment,
                        "created_at": moment,
                    },
                )
                actor = self.officer_actor[owner]
                for to_stage, from_stage in (("identified", None), (stage, "identified")):
                    if from_stage == to_stage:
                        continue
                    w.add(
                        "outreach_stage_change",
                        {
                            "id": w.new_id("outreach_stage_change"),
                            "outreach_id": oid,
                            "from_stage": from_stage,
                            "to_stage": to_stage,
                            "at": moment,
                            "actor_account_id": actor[0],
                            "actor_name": actor[1],
                            "note": "",
                        },
                    )
                touched = day
                for _ in range(rng.randint(1, 4)):
                    w.add(
                        "outreach_touch",
                        {
                            "id": w.new_id("outreach_touch"),
                            "outreach_id": oid,
                            "touched_on": touched,
                            "channel": rng.choice(["email", "call", "meeting", "conference"]),
                            "contact_id": rng.choice(self.contacts[company]),
                            "note": "Sent the non-confidential summary.",
                            "outcome": rng.choice(["", "Will review", "Asked for data"]),
                            "logged_by_name": actor[1],
                            "logged_at": _moment(touched, rng),
                        },
                    )
                    touched = min(self.today, touched + timedelta(days=rng.randint(5, 60)))
                self.audit(w, moment, actor, "outreach.started", "disclosure", case["id"])
            w.maybe_flush()

    # -- agreements --

    def agreements(self, w: _Writer) -> None:
        rng = self.rng
        total = _count("agreement", self.scale, 10)
        # latest first, so that a license of several technologies groups cases of one time
        to_license = sorted(
            (c for c in self.cases if "license_due" in c.get("at", {})),
            key=lambda c: c["at"]["license_due"],
        )
        others = [c for c in self.cases if c["status"] is not S.DRAFT]
        marketed = [c for c in others if S.MARKETING in c.get("at", {})] or others
        self.income_agreements = []  # (signed on, last day of income, agreement id, [(case, bp)])
        # licenses for the licensed cases, one to three technologies each
        while to_license:
            group = [
                to_license.pop() for _ in range(min(len(to_license), rng.choice([1] * 8 + [2, 3])))
            ]
            kind = _weighted(rng, {AT.EXCLUSIVE: 45, AT.NON_EXCLUSIVE: 35, AT.STARTUP: 20})
            self._agreement(w, kind, group, licensed=True)
            total -= 1
        mix = {
            AT.EXCLUSIVE: 5,
            AT.NON_EXCLUSIVE: 15,
            AT.OPTION: 15,
            AT.CDA: 35,
            AT.MTA: 25,
            AT.INTER_INSTITUTIONAL: 5,
        }
        for _ in range(max(0, total)):
            kind = _weighted(rng, mix)
            pool = marketed if kind in (AT.EXCLUSIVE, AT.NON_EXCLUSIVE, AT.OPTION) else others
            self._agreement(w, kind, [rng.choice(pool)], licensed=False)
            w.maybe_flush()

    def _agreement(self, w, kind: AT, cases: list[dict], *, licensed: bool) -> None:
        rng = self.rng
        aid = w.new_id("agreement")
        company = rng.choice(self.company_ids)
        earliest = max(c["day"] for c in cases) + timedelta(days=60)
        if licensed:
            signed = max(c["at"]["license_due"] for c in cases).date()
            status = _weighted(rng, {AS.ACTIVE: 85, AS.EXECUTED: 15})
            if any(c["status"] is S.CLOSED for c in cases):
                status = rng.choice([AS.EXPIRED, AS.TERMINATED])
        elif kind in (AT.EXCLUSIVE, AT.NON_EXCLUSIVE):  # still being negotiated
            signed = _between(rng, min(earliest, self.today), self.today)
            status = rng.choice([AS.DRAFT, AS.NEGOTIATING])
        else:
            signed = _between(rng, min(earliest, self.today), self.today)
            status = _weighted(
                rng,
                {
                    AS.DRAFT: 8,
                    AS.NEGOTIATING: 10,
                    AS.EXECUTED: 12,
                    AS.ACTIVE: 40,
                    AS.EXPIRED: 20,
                    AS.TERMINATED: 10,
                },
            )
        signed_status = status not in (AS.DRAFT, AS.NEGOTIATING)
        term_months = (
            rng.choice([None, 60, 120, 240]) if kind.is_license else rng.choice([12, 24, 36])
        )
        ends = self.today
        if status in (AS.EXPIRED, AS.TERMINATED) and signed_status:
            months = max(1, (self.today.year - signed.year) * 12 + self.today.month - signed.month)
            ended_after = rng.randint(1, months) if months > 1 else 1
            ends = min(self.today, signed + relativedelta(months=ended_after))
            if status is AS.EXPIRED:
                term_months = ended_after
        officer = cases[0]["officer"] or self.officers[0]
        upfront = rng.randint(5, 100) * 1_000_00 if kind.is_license else 0
        w.add(
            "agreement",
            {
                "id": aid,
                "agreement_type": kind.value,
                "status": status.value,
                "company_id": company,
                "officer_person_id": officer,
                "title": f"{kind.label} with {self.company_names[company]}",
                "field_of_use": rng.choice(SECTORS) if kind.is_license else "",
                "territory": "Worldwide",
                "effective_date": signed if signed_status else None,
                "term_months": term_months,
                "signed_on": signed if signed_status else None,
                "upfront_fee_cents": upfront,
                "sublicense_share_bp": rng.choice([0, 1500, 2500]) if kind.is_license else 0,
                "equity_shares": rng.randint(10_000, 500_000) if kind is AT.STARTUP else 0,
                "equity_percent_bp": rng.randint(100, 800) if kind is AT.STARTUP else 0,
                "past_patent_costs_cents": rng.randint(0, 50_000) * 100 if kind.is_license else 0,
                "reimburse_ongoing_costs": kind.is_license and rng.random() < 0.6,
                "royalty_report_period": rng.choice(["quarterly", "semiannual", "annual"]),
                "notes": "",
                "created_at": _moment(max(self.first_day, signed - timedelta(days=60)), rng),
            },
        )
        allocations = _split_cents(10000, [1] * len(cases))
        for case, bp in zip(cases, allocations, strict=True):
            w.add(
                "agreement_technology",
                {
                    "id": w.new_id("agreement_technology"),
                    "agreement_id": aid,
                    "disclosure_id": case["id"],
                    "allocation_bp": bp,
                },
            )
            for app_id, _kind, _office in self.applications.get(case["id"], [])[:2]:
                w.add(
                    "agreement_patent",
                    {
                        "id": w.new_id("agreement_patent"),
                        "agreement_id": aid,
                        "application_id": app_id,
                    },
                )
        if kind.is_license or kind is AT.OPTION:
            for year in range(1, rng.randint(2, 5)):
                w.add(
                    "annual_fee",
                    {
                        "id": w.new_id("annual_fee"),
                        "agreement_id": aid,
                        "year_number": year,
                        "amount_cents": year * rng.randint(5, 25) * 1_000_00,
                    },
                )
        if kind.is_license:
            w.add(
                "royalty_rate",
                {
                    "id": w.new_id("royalty_rate"),
                    "agreement_id": aid,
                    "applies_to": "All licensed products",
                    "rate_bp": rng.choice([100, 200, 300, 400, 500]),
                },
            )
            for n in range(rng.randint(0, 3)):
                w.add(
                    "milestone",
                    {
                        "id": w.new_id("milestone"),
                        "agreement_id": aid,
                        "event": ["First commercial sale", "FDA approval", "Phase II start"][n],
                        "amount_cents": rng.choice([0, 50_000_00, 250_000_00]),
                        "due_date": signed + relativedelta(years=n + 2),
                    },
                )
        actor = self.officer_actor[officer]
        at = _moment(signed, rng)
        self.audit(w, at, actor, "agreement.created", "agreement", aid)
        if signed_status:
            self.audit(w, at, actor, "agreement.status", "agreement", aid, {"status": "executed"})
        if licensed:
            for case in cases:
                self._status(w, case["id"], case["licensed_from"], S.LICENSED, at, actor, "license")
        if signed_status and (kind.is_license or kind is AT.OPTION):
            self.income_agreements.append(
                (signed, ends, aid, [(c, bp) for c, bp in zip(cases, allocations, strict=True)])
            )

    # -- income and distributions --

    def _inventors_of(self, case) -> tuple[tuple[InventorShare, ...], dict, dict]:
        """The case's inventors as the engine takes them (named as the services name them),
        and the ids of their departments and schools by name."""
        found, departments, schools = [], {}, {}
        for pid, share, namesake in case["inventors"]:
            full_name, email, department_id, organisation = self.people_by_id[pid]
            if department_id is not None:
                department, school_id, school = self.departments[department_id]
            else:
                department = school = organisation or "Outside institution"
                school_id = None
            name = f"{full_name} <{email}>" if namesake else full_name
            found.append(InventorShare(name, Decimal(share) / 100, department, school, pid))
            departments[department] = department_id
            schools[school] = school_id
        return tuple(found), departments, schools

    def income(self, w: _Writer) -> None:
        rng = self.rng
        agreements = sorted(self.income_agreements, key=lambda a: (a[0], a[2]))
        if not agreements:
            return
        weights = _year_weights(INCOME_GROWTH, self.today, self.first_fy, self.current_fy)
        eligible_by_year = {}
        for fy in weights:
            first, last = _fy_span(fy, self.start_month)
            eligible_by_year[fy] = [a for a in agreements if a[0] <= last and a[1] >= first]
        # years before the first license signed have no income: the others share it all
        counts = _spread(
            _count("income", self.scale, 20),
            {fy: weight for fy, weight in weights.items() if eligible_by_year[fy]},
        )
        costs = sorted(self.costs)
        cost_index = 0
        invoiced: dict[int, int] = defaultdict(int)
        recovered: dict[int, int] = defaultdict(int)
        by_agreement: dict[int, int] = defaultdict(int)
        by_technology: dict[int, int] = defaultdict(int)
        inventors: dict[int, tuple] = {}  # per technology, as _inventors_of gives them
        posted_incomes = 0
        for fy in range(self.first_fy, self.current_fy + 1):
            first, last = _fy_span(fy, self.start_month)
            last = min(last, self.today)
            eligible = eligible_by_year[fy]
            if not eligible:
                continue
            payments = []
            for _ in range(counts[fy]):
                signed, ends, aid, techs = rng.choice(eligible)
                day = _between(rng, max(first, signed), min(last, ends))
                kind = IncomeType(_weighted(rng, INCOME_MIX))
                median, spread = INCOME_SIZE[kind]
                cents = max(1, int(rng.lognormvariate(math.log(median * 100), spread)))
                payments.append((day, aid, kind, cents, techs))
            payments.sort(key=lambda p: (p[0], p[1]))
            for day, aid, kind, cents, techs in payments:
                iid = w.new_id("income")
                recorded = min(self.now, _moment(day + timedelta(days=rng.randint(0, 5)), rng))
                w.add(
                    "income",
                    {
                        "id": iid,
                        "agreement_id": aid,
                        "received_on": day,
                        "fiscal_year": fy,
                        "income_type": kind.value,
                        "amount_cents": cents,
                        "licensee_reference": f"REF-{iid}",
                        "note": "",
                        "report_name": None,
                        "report_sha256": None,
                        "recorded_by_account_id": self.finance[0],
                        "recorded_by_name": self.finance[1],
                        "recorded_at": recorded,
                    },
                )
                self.audit(
                    w,
                    recorded,
                    self.finance,
                    "income.recorded",
                    "income",
                    iid,
                    {"type": kind.value, "amount": f"{cents / 100:.2f}"},
                )
                if fy > self.last_posted_fy:
                    w.maybe_flush()
                    continue
                while cost_index < len(costs) and costs[cost_index][0] <= day:
                    _, disclosure_id, amount = costs[cost_index]
                    invoiced[disclosure_id] += amount
                    cost_index += 1
                policy = policy_in_force(self.policies, day)
                basis = policy.split_for(kind).tier_basis or TierBasis.TECHNOLOGY
                posted_at = min(self.now, recorded + timedelta(days=rng.randint(1, 20)))
                parts = _split_cents(cents, [bp for _, bp in techs])
                earlier = 0
                made = []
                for (case, _bp), part in zip(techs, parts, strict=True):
                    did = case["id"]
                    outstanding = invoiced[did] - recovered[did]
                    cumulative = (
                        by_agreement[aid] + earlier
                        if basis is TierBasis.AGREEMENT
                        else by_technology[did]
                    )
                    if kind.is_shared:
                        if did not in inventors:
                            inventors[did] = self._inventors_of(case)
                        shares, departments, schools = inventors[did]
                        result = distribute(
                            policy,
                            amount=from_cents(part),
                            income_type=kind,
                            costs_outstanding=from_cents(max(0, outstanding)),
                            cumulative_before=from_cents(cumulative),
                            inventors=shares,
                        )
                        lines = [
                            (
                                line.to,
                                line.klass.value,
                                line.rule,
                                line.person_id,
                                departments.get(line.to),
                                schools.get(line.to),
                                to_cents(line.amount),
                            )
                            for line in result.lines
                        ]
                        costs_recovered, split_base = (
                            to_cents(result.costs_recovered),
                            to_cents(result.split_base),
                        )
                    else:
                        lines = [
                            (
                                COSTS_RECIPIENT,
                                LineClass.COSTS.value,
                                "patent-cost reimbursement: pays back patent costs, not shared",
                                None,
                                None,
                                None,
                                part,
                            )
                        ]
                        costs_recovered, split_base = part, 0
                    made.append(
                        self._distribution(
                            w,
                            iid,
                            did,
                            aid,
                            part,
                            policy,
                            outstanding,
                            cumulative,
                            costs_recovered,
                            split_base,
                            lines,
                            recorded,
                            posted_at,
                        )
                    )
                    recovered[did] += costs_recovered
                    by_agreement[aid] += split_base
                    by_technology[did] += split_base
                    earlier += split_base
                if rng.random() < 0.003:  # a correction: reversed, then distributed again
                    for original in list(made):
                        mirror = dict(original["row"], id=w.new_id("distribution"))
                        for name in ("amount_cents", "costs_recovered_cents", "split_base_cents"):
                            mirror[name] = -mirror[name]
                        mirror["reverses_id"] = original["row"]["id"]
                        mirror["reason"] = "Wrong licensee reference; corrected."
                        w.add("distribution", mirror)
                        for line in original["lines"]:
                            w.add(
                                "distribution_line",
                                dict(
                                    line,
                                    id=w.new_id("distribution_line"),
                                    distribution_id=mirror["id"],
                                    amount_cents=-line["amount_cents"],
                                    rule=f"reversal of distribution {original['row']['id']}: "
                                    f"{line['rule']}",
                                ),
                            )
                        w.to_post.append(mirror["id"])
                        again = dict(original["row"], id=w.new_id("distribution"))
                        w.add("distribution", again)
                        for line in original["lines"]:
                            w.add(
                                "distribution_line",
                                dict(
                                    line,
                                    id=w.new_id("distribution_line"),
                                    distribution_id=again["id"],
                                ),
                            )
                        w.to_post.append(again["id"])
                    self.audit(w, posted_at, self.finance, "distribution.reversed", "income", iid)
                self.audit(
                    w,
                    posted_at,
                    self.finance,
                    "distribution.posted",
                    "income",
                    iid,
                    {"distributions": [d["row"]["id"] for d in made]},
                )
                posted_incomes += 1
                w.maybe_flush()
            self.progress(f"  FY{fy}: {len(payments):,} payments")

    def _distribution(
        self,
        w,
        iid,
        did,
        aid,
        cents,
        policy,
        outstanding,
        cumulative,
        costs_recovered,
        split_base,
        lines,
        computed_at,
        posted_at,
    ) -> dict:
        dist_id = w.new_id("distribution")
        row = {
            "id": dist_id,
            "income_id": iid,
            "disclosure_id": did,
            "agreement_id": aid,
            "status": "draft",
            "amount_cents": cents,
            "policy_name": policy.name,
            "policy_effective_from": policy.effective_from,
            "costs_outstanding_cents": outstanding,
            "cumulative_before_cents": cumulative,
            "costs_recovered_cents": costs_recovered,
            "split_base_cents": split_base,
            "reverses_id": None,
            "reason": "",
            "computed_by_name": self.finance[1],
            "computed_at": computed_at,
            "posted_by_name": self.finance[1],
            "posted_at": posted_at,
        }
        w.add("distribution", row)
        written = []
        for position, (to, klass, rule, person, department, school, amount) in enumerate(lines, 1):
            line = {
                "id": w.new_id("distribution_line"),
                "distribution_id": dist_id,
                "position": position,
                "recipient": to,
                "recipient_class": klass,
                "person_id": person if klass in ("inventor", "lab") else None,
                "department_id": department if klass == "department" else None,
                "school_id": school if klass == "school" else None,
                "amount_cents": amount,
                "rule": rule,
            }
            w.add("distribution_line", line)
            written.append(line)
        w.to_post.append(dist_id)
        return {"row": row, "lines": written}


def generate(engine: Engine, scale: float, seed: int = 1, progress: Progress = print) -> dict:
    """Fill the empty, migrated database behind `engine` with the largest office at `scale`
    (1.0: full size). Returns the rows written per table. Raises NotEmpty if the database
    already holds records."""
    return _Office(engine, scale, seed, progress).run()
