"""The annual run: every undistributed income of a fiscal year distributed and posted at once,
after a preview that shows what it will post.

`preview_annual_run` shares the year exactly as the run will, and writes no distribution: the
number of payments, the total, the totals by recipient class (the office's fee, patent-cost
recovery, inventors, departments, schools, the university: the policy's pools and the
engine's classes) and by recipient, and a fingerprint of everything the run would write. The
preview is audited (who looked at which figures). `annual_run(..., fingerprint=...)` posts
and refuses when what it would post is not what was previewed, to the cent: a payment recorded
or voided since, a patent cost invoiced, another income posted, a policy added. It then asks
for a new preview; nothing is posted.

With four eyes on (TLO_FOUR_EYES), a run is posted by a different finance user than the one
who previewed it: someone other than the one who confirms must have previewed the very same
figures (the same fingerprint). The confirming user may preview too, to see what they post.

How the year is shared: the lines are those that computing and posting each income in turn
gives (each income is shared on the figures the ones before it left), but found in bulk. The
figures are loaded once for the whole year and kept as running totals (`_Ledger`), and the
incomes are read, and their distributions written, a batch at a time, in a few statements
each. `services._share_income` stays the one home of how an income becomes distributions.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from tlo import audit
from tlo.audit import AuditEntry
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.config import get_settings
from tlo.disclosures.models import Disclosure, DisclosureInventor
from tlo.errors import ValidationError
from tlo.iia.models import joint_ownerships
from tlo.licensing.agents import agents_of
from tlo.licensing.agreement_models import AgreementTechnology
from tlo.money import dollars, from_cents, to_cents
from tlo.notify import hooks
from tlo.patents.models import PatentApplication, PatentCost
from tlo.revenue import credit
from tlo.revenue.arrangements import Agent, JointOwnership
from tlo.revenue.engine import LineClass
from tlo.revenue.models import (
    Distribution,
    DistributionLine,
    DistributionStatus,
    Income,
    counted,
    unreversed,
)
from tlo.revenue.policy import TierBasis
from tlo.revenue.services import (
    Link,
    Reported,
    _distribution_row,
    _inventor_rows,
    _line_rows,
    _Part,
    _reported,
    _share_income,
    income_parts,
    policies,
)
from tlo.text import EARLIEST_DATE, LATEST_DATE, clean_int

if TYPE_CHECKING:
    from tlo.revenue.services import _Inventor

D = DistributionStatus
PREVIEWED = "distribution.annual_run_previewed"

# How many payments the annual run shares between two rounds of writing (each round: the
# distributions in one statement, their lines in another, one UPDATE posting them, the audit).
RUN_BATCH = 500


@dataclass(frozen=True)
class RecipientTotal:
    recipient: str
    recipient_class: str
    amount: Decimal


@dataclass(frozen=True)
class ClassTotal:
    """What one kind of recipient receives: a pool of the policy (the office, the university)
    or a class of the engine (patent-cost recovery, inventors, departments, schools)."""

    label: str  # "Office", "Patent cost recovery", "Inventors", ...
    recipient_class: str  # the engine's class: pool, costs, inventor, ...
    recipients: int  # how many different recipients
    amount: Decimal


@dataclass(frozen=True)
class RunSummary:
    """What a run posts (or, as its preview, would post)."""

    fiscal_year: int
    incomes: int
    distributions: int
    total: Decimal
    by_recipient: list[RecipientTotal]
    by_class: tuple[ClassTotal, ...] = ()
    # Everything the run writes, summed up: the run refuses to post what was not previewed.
    fingerprint: str = ""


@dataclass(frozen=True)
class RunPreview(RunSummary):
    # Who else previewed these very figures (four eyes: one of them lets this user post).
    previewed_by_others: tuple[str, ...] = ()
    four_eyes: bool = False

    @property
    def confirmation(self) -> str:
        """The words of the button that posts it."""
        return (
            f"Post FY{self.fiscal_year}: {self.incomes} payments, {dollars(self.total)}"
            if self.incomes != 1
            else f"Post FY{self.fiscal_year}: 1 payment, {dollars(self.total)}"
        )


CLASS_LABELS = {
    LineClass.COSTS.value: "Patent cost recovery",
    LineClass.INVENTOR.value: "Inventors",
    LineClass.LAB.value: "Inventors' labs",
    LineClass.DEPARTMENT.value: "Departments",
    LineClass.SCHOOL.value: "Schools",
    LineClass.CO_OWNER.value: "Co-owners (inter-institutional agreements)",
    LineClass.AGENT.value: "Collection agents",
}


def _class_of(recipient: str, recipient_class: str) -> str:
    """The heading a line is totalled under: a pool by its own name (each is one recipient,
    e.g. "office", "campus_research"), any other line by its class."""
    if recipient_class == LineClass.POOL.value:
        return recipient.replace("_", " ").capitalize()
    return CLASS_LABELS.get(recipient_class) or recipient_class.replace("_", " ").capitalize()


class _Tally:
    """What a run writes, counted as the year is shared, the same way for the preview and the
    run: so the preview is what is posted. The fingerprint digests every distribution and
    line as it would be written (all but ids and times)."""

    def __init__(self, fiscal_year: int):
        self.fiscal_year = fiscal_year
        self.incomes = self.distributions = self.total_cents = 0
        self.by_recipient: Counter[tuple[str, str]] = Counter()
        self._digest = hashlib.sha256(f"FY{fiscal_year}".encode())

    def add(self, income: Income, parts: list[_Part]) -> None:
        self.incomes += 1
        self.distributions += len(parts)
        written = []
        for part in parts:
            self.total_cents += part.cents
            lines = []
            for line in part.lines:
                cents = to_cents(line.amount)
                self.by_recipient[line.to, line.klass.value] += cents
                lines.append((line.to, line.klass.value, line.person_id, cents, line.rule))
            written.append(
                (
                    part.disclosure_id,
                    part.cents,
                    part.costs_outstanding,
                    part.cumulative_before,
                    part.costs_recovered,
                    part.split_base,
                    lines,
                    (part.policy.name, part.policy.effective_from.isoformat()),
                )
            )
        facts = (income.id, income.agreement_id, income.amount_cents, income.income_type)
        self._digest.update(repr((facts, written)).encode())

    @property
    def fingerprint(self) -> str:
        return ":".join(
            str(value)
            for value in (
                "v1",
                self.fiscal_year,
                self.incomes,
                self.total_cents,
                self._digest.hexdigest(),
            )
        )

    def summary(self, cls=RunSummary, **more) -> RunSummary:
        by_class: dict[str, list] = {}  # in the order the lines first come (the policy's)
        for (recipient, klass), cents in self.by_recipient.items():
            total = by_class.setdefault(_class_of(recipient, klass), [klass, 0, 0])
            total[1] += 1
            total[2] += cents
        return cls(
            fiscal_year=self.fiscal_year,
            incomes=self.incomes,
            distributions=self.distributions,
            total=from_cents(self.total_cents),
            by_recipient=[
                RecipientTotal(recipient, klass, from_cents(cents))
                for (recipient, klass), cents in sorted(
                    self.by_recipient.items(), key=lambda item: (-item[1], item[0])
                )
            ],
            by_class=tuple(
                ClassTotal(label, klass, recipients, from_cents(cents))
                for label, (klass, recipients, cents) in by_class.items()
            ),
            fingerprint=self.fingerprint,
            **more,
        )


_FINGERPRINT = re.compile(r"v1:(\d{1,4}):(\d{1,9}):(-?\d{1,20}):([0-9a-f]{64})")


def _parsed_fingerprint(fingerprint: object, fiscal_year: int) -> tuple[int, int] | None:
    """(payments, total cents) of the preview a fingerprint names; None without one."""
    if fingerprint is None:
        return None
    match = _FINGERPRINT.fullmatch(fingerprint) if isinstance(fingerprint, str) else None
    if match is None:
        raise ValidationError("The preview could not be read: preview the run again.")
    if int(match[1]) != fiscal_year:
        raise ValidationError(
            f"That preview is of FY{match[1]}, not FY{fiscal_year}: preview FY{fiscal_year}."
        )
    return int(match[2]), int(match[3])


# --- which incomes, and the figures they are shared on ---------------------------------------


def _undistributed(fiscal_year: int) -> sa.Select:
    """The fiscal year's incomes that count (not voided) with no posted distribution standing,
    oldest first."""
    standing = sa.exists().where(
        Distribution.income_id == Income.id, Distribution.status == D.POSTED.value, *unreversed()
    )
    return (
        select(Income)
        .where(Income.fiscal_year == fiscal_year, counted(), ~standing)
        .order_by(Income.received_on, Income.id)
    )


def undistributed_incomes(session: Session, fiscal_year: int) -> list[Income]:
    return list(session.exec(_undistributed(fiscal_year)).all())


def _waiting(session: Session, fiscal_year: int) -> tuple[int, int]:
    """(payments, cents) the run of the year would distribute, counted in SQL."""
    waiting = _undistributed(fiscal_year).subquery()
    count, cents = session.exec(
        select(func.count(), func.coalesce(func.sum(waiting.c.amount_cents), 0))
    ).one()
    return int(count), int(cents)  # PostgreSQL sums integers as NUMERIC


def _year_agreements(fiscal_year: int):
    return select(Income.agreement_id).where(Income.fiscal_year == fiscal_year).distinct()


def _year_technologies(fiscal_year: int):
    return select(AgreementTechnology.disclosure_id).where(
        col(AgreementTechnology.agreement_id).in_(_year_agreements(fiscal_year))
    )


class _Ledger:
    """The annual run's figures for every technology the year's incomes pay, loaded in a few
    set-based queries and then kept as running totals, income after income (the run holds
    the locks: nothing else moves them meanwhile). As `_PostedFigures`, in memory: a few
    numbers and the inventors per technology, however many payments the year holds."""

    def __init__(self, session: Session, fiscal_year: int):
        agreements = _year_agreements(fiscal_year)
        technologies = _year_technologies(fiscal_year)
        self.links: dict[int, list[Link]] = defaultdict(list)
        for agreement_id, disclosure_id, allocation_bp in session.exec(
            select(
                AgreementTechnology.agreement_id,
                AgreementTechnology.disclosure_id,
                AgreementTechnology.allocation_bp,
            )
            .where(col(AgreementTechnology.agreement_id).in_(agreements))
            .order_by(AgreementTechnology.agreement_id, AgreementTechnology.disclosure_id)
        ):
            self.links[agreement_id].append((disclosure_id, allocation_bp))
        # PostgreSQL sums integers as NUMERIC: int() throughout.
        self.costs: dict[int, int] = defaultdict(int)  # invoiced less recovered
        for disclosure_id, invoiced in session.exec(
            select(PatentApplication.disclosure_id, func.sum(PatentCost.amount_cents))
            .join(PatentApplication, PatentApplication.id == PatentCost.application_id)
            .where(col(PatentApplication.disclosure_id).in_(technologies))
            .group_by(PatentApplication.disclosure_id)
        ):
            self.costs[disclosure_id] += int(invoiced)
        self.by_technology: dict[int, int] = defaultdict(int)
        for disclosure_id, recovered, split_base in session.exec(
            select(
                Distribution.disclosure_id,
                func.sum(Distribution.costs_recovered_cents),
                func.sum(Distribution.split_base_cents),
            )
            .where(
                Distribution.status == D.POSTED.value,
                col(Distribution.disclosure_id).in_(technologies),
            )
            .group_by(Distribution.disclosure_id)
        ):
            self.costs[disclosure_id] -= int(recovered)
            self.by_technology[disclosure_id] = int(split_base)
        self.by_agreement: dict[int, int] = defaultdict(int)
        for agreement_id, split_base in session.exec(
            select(Distribution.agreement_id, func.sum(Distribution.split_base_cents))
            .where(
                Distribution.status == D.POSTED.value,
                col(Distribution.agreement_id).in_(agreements),
            )
            .group_by(Distribution.agreement_id)
        ):
            self.by_agreement[agreement_id] = int(split_base)
        self.people = _inventor_rows(
            session, col(DisclosureInventor.disclosure_id).in_(technologies)
        )
        self.disclosed = _reported(session, technologies)
        self.joints = joint_ownerships(session, technologies)
        self.agents = agents_of(session, agreements)
        self.stated = income_parts(
            session, select(Income.id).where(Income.fiscal_year == fiscal_year)
        )

    def technologies(self, agreement_id: int) -> list[Link]:
        return self.links.get(agreement_id, [])

    def costs_outstanding(self, disclosure_id: int) -> int:
        return self.costs.get(disclosure_id, 0)

    def cumulative(self, basis: TierBasis, agreement_id: int, disclosure_id: int) -> int:
        if basis is TierBasis.AGREEMENT:
            return self.by_agreement.get(agreement_id, 0)
        return self.by_technology.get(disclosure_id, 0)

    def inventors(self, disclosure_id: int) -> list[_Inventor]:
        return self.people.get(disclosure_id, [])

    def reported(self, disclosure_id: int) -> Reported:
        return self.disclosed.get(disclosure_id, (None, None))

    def joint(self, disclosure_id: int) -> JointOwnership | None:
        return self.joints.get(disclosure_id)

    def agent(self, agreement_id: int) -> Agent | None:
        return self.agents.get(agreement_id)

    def parts(self, income_id: int) -> list[tuple[int, int]]:
        return self.stated.get(income_id, [])

    def post(self, agreement_id: int, parts: list[_Part]) -> None:
        """Count an income's parts as posted, as the sums over posted records would."""
        for part in parts:
            self.costs[part.disclosure_id] -= part.costs_recovered
            self.by_technology[part.disclosure_id] += part.split_base
            self.by_agreement[agreement_id] += part.split_base


Shared = list[tuple[Income, list[_Part]]]


def _shared_year(session: Session, fiscal_year: int) -> Iterator[Shared]:
    """The year's undistributed incomes shared in order, a batch at a time, each on the
    figures the ones before it leave (counted as posted before the next is shared: tiers and
    costs follow). Between two batches the run writes the one it was given."""
    policy_list = policies(session)
    ledger = _Ledger(session, fiscal_year)
    waiting = _undistributed(fiscal_year)
    after = None
    while True:
        page = (
            waiting
            if after is None
            else waiting.where(sa.tuple_(Income.received_on, Income.id) > sa.tuple_(*after))
        )
        incomes = session.exec(page.limit(RUN_BATCH)).all()
        if not incomes:
            return
        shared = []
        for income in incomes:
            parts = _share_income(income, policy_list, ledger)
            ledger.post(income.agreement_id, parts)
            shared.append((income, parts))
        yield shared
        after = (incomes[-1].received_on, incomes[-1].id)


# --- four eyes ---------------------------------------------------------------------------------


def _previewers(session: Session, fiscal_year: int, fingerprint: str) -> dict[int, str]:
    """The accounts that previewed these very figures of the year (from the audit log, where
    every preview is recorded): account id -> name."""
    rows = session.exec(
        select(AuditEntry.actor_account_id, AuditEntry.actor_name, AuditEntry.after)
        .where(
            AuditEntry.object_type == "fiscal_year",
            AuditEntry.object_id == str(fiscal_year),
            AuditEntry.action == PREVIEWED,
        )
        .order_by(AuditEntry.id)
    ).all()
    return {
        account_id: name
        for account_id, name, after in rows
        if account_id is not None and (after or {}).get("fingerprint") == fingerprint
    }


def _four_eyes(actor: Actor) -> bool:
    """Whether four eyes bind this actor: the setting is on and the actor is an account (tlo
    itself, seeding the demo office from the command line, is no one's second pair of eyes)."""
    return get_settings().four_eyes and actor.account_id is not None


def _check_four_eyes(
    session: Session, actor: Actor, fiscal_year: int, fingerprint: str | None
) -> list[str]:
    """Under four eyes, refuse a run that no one but the actor previewed; the names of those
    who did (for the audit entry)."""
    if not _four_eyes(actor):
        return []
    if fingerprint is None:
        raise ValidationError(
            f"Four eyes are required (TLO_FOUR_EYES): preview FY{fiscal_year} first; another "
            "finance user must have previewed the same figures before it is posted."
        )
    others = {
        account_id: name
        for account_id, name in _previewers(session, fiscal_year, fingerprint).items()
        if account_id != actor.account_id
    }
    if not others:
        raise ValidationError(
            f"Four eyes are required (TLO_FOUR_EYES): the run of FY{fiscal_year} is posted by "
            "someone other than the one who previewed it, and only you previewed these "
            f"figures. Ask another finance user to preview FY{fiscal_year}, then post it."
        )
    return sorted(others.values())


# --- preview and run ---------------------------------------------------------------------------


def _fiscal_year(fiscal_year: object) -> int:
    return clean_int(
        fiscal_year, what="fiscal year", minimum=EARLIEST_DATE.year, maximum=LATEST_DATE.year
    )


def preview_annual_run(
    session: Session,
    *,
    actor: Actor,
    fiscal_year: int,
    progress: Callable[[int, int], None] | None = None,
) -> RunPreview:
    """What the annual run of the year would post, found as the run finds it, without writing
    a distribution. The preview is audited, with its fingerprint."""
    require(actor, "distribution.post")
    fiscal_year = _fiscal_year(fiscal_year)
    count, _ = _waiting(session, fiscal_year)
    tally = _Tally(fiscal_year)
    for shared in _shared_year(session, fiscal_year):
        for income, parts in shared:
            tally.add(income, parts)
        if progress:
            progress(tally.incomes, count)
    fingerprint = tally.fingerprint
    others = _previewers(session, fiscal_year, fingerprint)
    others.pop(actor.account_id, None)
    audit.record(
        session,
        actor=actor,
        action=PREVIEWED,
        object_type="fiscal_year",
        object_id=fiscal_year,
        after={
            "incomes": tally.incomes,
            "distributions": tally.distributions,
            "total": from_cents(tally.total_cents),
            "fingerprint": fingerprint,
        },
    )
    return tally.summary(
        RunPreview,
        previewed_by_others=tuple(sorted(others.values())),
        four_eyes=_four_eyes(actor),
    )


def _write_posted(session: Session, actor: Actor, shared: Shared) -> int:
    """Write a batch of shared incomes in a few statements, as the one-at-a-time path would
    leave them: each distribution inserted as a draft with its lines, then all of them posted
    by one UPDATE (the database checks each adds up), one audit entry per income. Returns the
    number of distributions."""
    distributions = Distribution.__table__
    connection = session.connection()
    computed_at = utcnow()
    rows = [
        _distribution_row(income, part, actor)
        | {
            "status": D.DRAFT.value,
            "reverses_id": None,
            "reason": "",
            "computed_at": computed_at,
            "posted_by_name": None,
            "posted_at": None,
        }
        for income, parts in shared
        for part in parts
    ]
    # Each income's parts are on distinct technologies: (income, technology) names a row.
    ids = {
        (income_id, disclosure_id): distribution_id
        for distribution_id, income_id, disclosure_id in connection.execute(
            sa.insert(distributions).returning(
                distributions.c.id, distributions.c.income_id, distributions.c.disclosure_id
            ),
            rows,
        )
    }
    lines = []
    audited = []
    for income, parts in shared:
        made = [ids[income.id, part.disclosure_id] for part in parts]
        for distribution_id, part in zip(made, parts, strict=True):
            lines += _line_rows(distribution_id, part)
        audited.append((income.id, made))
    connection.execute(sa.insert(DistributionLine.__table__), lines)
    # Every draft of these incomes is one of ours: the run discarded the others, and holds
    # the incomes' locks.
    connection.execute(
        sa.update(distributions)
        .where(
            distributions.c.status == D.DRAFT.value,
            distributions.c.income_id.in_([income.id for income, _ in shared]),
        )
        .values(status=D.POSTED.value, posted_by_name=actor.name, posted_at=utcnow())
    )
    # The entries are made by audit.record, as everywhere, and written in one statement: the
    # ORM would insert them one by one on SQLite, to read back each id.
    entries = [
        audit.record(
            session,
            actor=actor,
            action="distribution.posted",
            object_type="income",
            object_id=income_id,
            after={"distributions": made},
        )
        for income_id, made in audited
    ]
    for entry in entries:
        session.expunge(entry)
    connection.execute(
        sa.insert(AuditEntry.__table__), [entry.model_dump(exclude={"id"}) for entry in entries]
    )
    return len(ids)


def annual_run(
    session: Session,
    *,
    actor: Actor,
    fiscal_year: int,
    progress: Callable[[int, int], None] | None = None,
    fingerprint: str | None = None,
) -> RunSummary:
    """Distribute and post every undistributed income of a fiscal year, oldest first, in the
    caller's one transaction: any error leaves nothing posted.

    `fingerprint`, the preview's: the run posts only what was previewed. It refuses before
    sharing anything when the payments waiting are not those of the preview (their number or
    total), and at the end, before the caller commits, when anything it wrote differs. Without
    one (the demo office, the benchmark) it posts whatever waits, unless four eyes bind.
    """
    require(actor, "distribution.post")
    fiscal_year = _fiscal_year(fiscal_year)
    previewed = _parsed_fingerprint(fingerprint, fiscal_year)
    previewed_by = _check_four_eyes(session, actor, fiscal_year, fingerprint)
    # The whole year is locked first (on SQLite before anything is read), see
    # services._locked_income, then every technology its incomes pay.
    session.exec(sa.update(Income).where(Income.fiscal_year == fiscal_year).values(id=Income.id))
    session.exec(
        sa.update(Disclosure)
        .where(col(Disclosure.id).in_(_year_technologies(fiscal_year)))
        .values(id=Disclosure.id)
    )
    # Drafts of the year's incomes would be computed again: they go first, as in _compute.
    drafts = select(Distribution.id).where(
        Distribution.status == D.DRAFT.value,
        col(Distribution.income_id).in_(select(Income.id).where(Income.fiscal_year == fiscal_year)),
    )
    session.exec(
        sa.delete(DistributionLine)
        .where(col(DistributionLine.distribution_id).in_(drafts))
        .execution_options(synchronize_session=False)
    )
    session.exec(
        sa.delete(Distribution)
        .where(col(Distribution.id).in_(drafts))
        .execution_options(synchronize_session=False)
    )
    count, cents = _waiting(session, fiscal_year)
    # What the run posts has ids above this (the year's incomes are locked: no one else posts
    # for them meanwhile); the inventors are told of exactly those.
    posted_after = session.exec(select(func.max(Distribution.id))).one() or 0
    if previewed is not None and previewed != (count, cents):
        raise ValidationError(
            f"The payments of FY{fiscal_year} changed since the preview ({previewed[0]} "
            f"payments, {dollars(from_cents(previewed[1]))}; now {count}, "
            f"{dollars(from_cents(cents))}). Nothing was posted: preview the run again."
        )
    tally = _Tally(fiscal_year)
    for shared in _shared_year(session, fiscal_year):
        for income, parts in shared:
            tally.add(income, parts)
        _write_posted(session, actor, shared)
        if progress:
            for done in range(tally.incomes - len(shared) + 1, tally.incomes + 1):
                progress(done, count)
    # The distributions went in past the ORM: the year's stored credit follows in one refresh.
    credit.refresh_income_credit(
        session, select(Income.id).where(Income.fiscal_year == fiscal_year)
    )
    if fingerprint is not None and tally.fingerprint != fingerprint:
        # The caller's transaction rolls back what was written.
        raise ValidationError(
            f"What the run of FY{fiscal_year} would post is no longer what was previewed "
            "(patent costs, a policy or another distribution changed since). Nothing was "
            "posted: preview the run again."
        )
    year_incomes = select(Income.id).where(Income.fiscal_year == fiscal_year)
    hooks.distribution_posted(
        session,
        actor=actor,
        which=[
            Distribution.id > posted_after,
            Distribution.status == D.POSTED.value,
            col(Distribution.income_id).in_(year_incomes),
        ],
    )
    audit.record(
        session,
        actor=actor,
        action="distribution.annual_run",
        object_type="fiscal_year",
        object_id=fiscal_year,
        after={
            "incomes": tally.incomes,
            "distributions": tally.distributions,
            "total": from_cents(tally.total_cents),
            "fingerprint": tally.fingerprint,
            "previewed": fingerprint is not None,
            "four_eyes": _four_eyes(actor),
            "previewed_by": previewed_by,
        },
    )
    return tally.summary()
