"""Income and its distribution: record a payment (or void one recorded by mistake), compute
the draft distribution of each technology's part under the policy in force (for the date the
income was received, or the date the technology was disclosed when the policy applies by it),
review, post;
reverse a posted one. The annual run of a whole fiscal year, built on these, is in annual.py.

Everything the engine needs comes from posted records: a technology's outstanding patent
costs are its invoices less what posted distributions recovered (reimbursements included);
the cumulative amount for tiers is the sum of what entered the split in posted distributions
of the same agreement or technology. A draft remembers both figures; posting refuses a draft
whose basis has moved on since (another income was posted first), so it is computed again.
The annual run starts from the same sums, read once for the whole year, and keeps them as
running totals while it shares the year's incomes in order (`annual._Ledger`); `_share_income`
is the one home of how an income becomes distributions, whichever way the figures come.

A voided income stays in the database and counts nowhere (`models.counted()`): it is voided
only while nothing of it is posted (a posted distribution is reversed first), and is never
distributed afterwards. With four eyes on (TLO_FOUR_EYES), a draft is posted by another
account than the one that computed it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from tlo import audit, clock, file_store
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.config import PROJECT_ROOT, get_settings
from tlo.disclosures.models import Disclosure, DisclosureInventor
from tlo.disclosures.rules import fiscal_year_of
from tlo.errors import NotFound, ValidationError
from tlo.iia.models import joint_ownerships
from tlo.licensing.agents import agents_of
from tlo.licensing.agreement_models import Agreement, AgreementStatus, AgreementTechnology
from tlo.licensing.models import Company
from tlo.money import from_cents, to_cents
from tlo.notify import hooks
from tlo.pagination import Page, paginate
from tlo.patents.models import PatentApplication, PatentCost
from tlo.people.models import Department, Person, School
from tlo.revenue import arrangements, engine
from tlo.revenue.arrangements import Agent, JointOwnership
from tlo.revenue.engine import InventorShare, LineClass, round_largest_remainder
from tlo.revenue.models import (
    DepartmentDesignation,
    Distribution,
    DistributionLine,
    DistributionStatus,
    Income,
    IncomePart,
    RevenuePolicy,
    unreversed,
)
from tlo.revenue.policy import (
    DisclosureDateNeeded,
    Policy,
    SplitStep,
    TierBasis,
    load_policy,
    parse_policy,
    policies_in,
    policy_in_force,
)
from tlo.revenue.types import IncomeType, parse_income_type
from tlo.text import (
    EARLIEST_DATE,
    LATEST_DATE,
    clean_date,
    clean_decimal_money,
    clean_id,
    clean_ids,
    clean_int,
    clean_optional_id,
    clean_text,
)

POLICIES_FOLDER = PROJECT_ROOT / "policies"
SIGNED = {
    AgreementStatus.EXECUTED.value,
    AgreementStatus.ACTIVE.value,
    AgreementStatus.EXPIRED.value,
    AgreementStatus.TERMINATED.value,
}
D = DistributionStatus


# --- policies ----------------------------------------------------------------------------------


def policies(session: Session) -> list[Policy]:
    """The shipped policies (policies/*.toml) and those added in the app, oldest first."""
    added = [
        parse_policy(row.toml, source=f"added in the app by {row.added_by_name}")
        for row in session.exec(select(RevenuePolicy)).all()
    ]
    return sorted(policies_in(POLICIES_FOLDER) + added, key=lambda p: p.effective_from)


def add_policy(session: Session, *, actor: Actor, text: str) -> RevenuePolicy:
    """Adopt a policy written in TOML, once it is valid and no other starts on its day."""
    require(actor, "policy.manage")
    policy = _parsed_policy(text)
    on = policy.effective_from
    policy_in_force([*policies(session), policy], on, disclosed=on)  # same-day check
    row = RevenuePolicy(
        name=policy.name, effective_from=policy.effective_from, toml=text, added_by_name=actor.name
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="policy.added",
        object_type="revenue_policy",
        object_id=row.id,
        after={"name": row.name, "effective_from": row.effective_from.isoformat()},
    )
    return row


def _parsed_policy(text: object) -> Policy:
    """A policy from its TOML text, with a name and a date the database can keep."""
    text = clean_text(text, what="policy", column=RevenuePolicy.toml, required=True)
    policy = parse_policy(text)
    clean_text(policy.name, what="policy's name", column=RevenuePolicy.name, multiline=False)
    clean_date(policy.effective_from, what="policy's effective_from date")
    return policy


@dataclass(frozen=True)
class PolicyView:
    policy: Policy
    text: str
    origin: str
    in_force: bool  # the one that applies to income received today


def policy_views(session: Session, *, actor: Actor, today: date | None = None) -> list[PolicyView]:
    """Every policy with its TOML text, newest first, marking the one in force today."""
    require(actor, "policy.manage")
    views = [
        (load_policy(path), path.read_text("utf-8"), f"policies/{path.name}")
        for path in sorted(POLICIES_FOLDER.glob("*.toml"))
    ]
    views += [
        (
            parse_policy(row.toml),
            row.toml,
            f"added by {row.added_by_name} on {row.added_at:%Y-%m-%d}",
        )
        for row in session.exec(select(RevenuePolicy)).all()
    ]
    today = today or clock.today()
    # In force today: for an income received today on an invention disclosed today.
    current = policy_in_force([policy for policy, _, _ in views], today, disclosed=today)
    return [
        PolicyView(policy, text, origin, policy == current)
        for policy, text, origin in sorted(views, key=lambda v: v[0].effective_from, reverse=True)
    ]


SAMPLE_INVENTORS = (
    InventorShare("First inventor", Decimal(60), "Department A", "School X"),
    InventorShare("Second inventor", Decimal(40), "Department B", "School Y"),
)


def try_policy(
    session: Session, *, actor: Actor, text: str, amount: str = "100000"
) -> engine.Distribution:
    """Check a policy and share a sample royalty under it (two inventors, 60/40, no costs)."""
    require(actor, "policy.manage")
    policy = _parsed_policy(text)
    amount = clean_decimal_money(amount, what="sample amount")
    on = policy.effective_from
    policy_in_force([*policies(session), policy], on, disclosed=on)  # same-day check
    return engine.distribute(
        policy,
        amount=amount,
        income_type=IncomeType.ROYALTY,
        costs_outstanding=Decimal(0),
        cumulative_before=Decimal(0),
        inventors=SAMPLE_INVENTORS,
    )


# --- income ------------------------------------------------------------------------------------


@dataclass
class IncomeForm:
    agreement_id: int | None
    received_on: date | None
    income_type: IncomeType | str
    amount: str | Decimal
    licensee_reference: str = ""
    note: str = ""
    report_name: str | None = None
    report_content: bytes | None = None


def record_income(
    session: Session, *, actor: Actor, form: IncomeForm, today: date | None = None
) -> Income:
    require(actor, "income.record")
    form = _clean_income(form)
    today = clean_date(today, what="day", required=False)
    agreement = session.get(Agreement, form.agreement_id)
    if agreement is None:
        raise NotFound(f"There is no agreement {form.agreement_id}.")
    if agreement.status not in SIGNED:
        raise ValidationError(
            f"{agreement.number} is {agreement.status}; income is recorded on signed agreements."
        )
    kind = parse_income_type(form.income_type)
    amount = form.amount
    if amount <= 0:
        raise ValidationError("The amount received must be more than zero.")
    if form.received_on > (today or clock.today()):
        raise ValidationError("A payment is recorded once it is received, not before.")
    report_sha256 = None
    if form.report_content:
        report_sha256 = file_store.put("reports", form.report_content)
    income = Income(
        agreement_id=agreement.id,
        received_on=form.received_on,
        fiscal_year=fiscal_year_of(form.received_on, get_settings().fiscal_year_start_month),
        income_type=kind.value,
        amount_cents=to_cents(amount),
        licensee_reference=form.licensee_reference,
        note=form.note,
        report_name=(form.report_name or "report") if report_sha256 else None,
        report_sha256=report_sha256,
        recorded_by_account_id=actor.account_id,
        recorded_by_name=actor.name,
    )
    session.add(income)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="income.recorded",
        object_type="income",
        object_id=income.id,
        after={
            "agreement": agreement.number,
            "type": kind.value,
            "amount": str(amount),
            "received_on": form.received_on.isoformat(),
        },
    )
    return income


def _clean_income(form: object) -> IncomeForm:
    """The form checked for type, length and characters before anything is written."""
    if not isinstance(form, IncomeForm):
        raise ValidationError("Fill in the payment: agreement, date, type and amount.")
    if form.agreement_id in (None, 0):  # nothing chosen yet
        raise ValidationError("Choose the signed agreement the payment is for.")
    if form.received_on is None:
        raise ValidationError("Give the date the payment was received.")
    if form.report_content is not None and not isinstance(form.report_content, bytes):
        raise ValidationError("The royalty report could not be read; upload it again.")
    return IncomeForm(
        agreement_id=clean_id(form.agreement_id, what="agreement"),
        received_on=clean_date(form.received_on, what="date the payment was received"),
        income_type=parse_income_type(form.income_type),
        amount=clean_decimal_money(form.amount, what="amount received"),
        licensee_reference=clean_text(
            form.licensee_reference,
            what="licensee's reference",
            column=Income.licensee_reference,
            multiline=False,
        ),
        note=clean_text(form.note, what="note", column=Income.note),
        report_name=clean_text(
            form.report_name, what="report's file name", column=Income.report_name, multiline=False
        )
        or None,
        report_content=form.report_content,
    )


@dataclass(frozen=True)
class IncomeRow:
    income: Income
    agreement_number: str
    licensee: str
    state: str  # "undistributed", "draft", "posted"; "voided" (counted nowhere)


def _distribution_state(session: Session, income_ids: Sequence[int]) -> dict[int, str]:
    """Per income: "posted" when a posted distribution stands (not reversed), else "draft"
    when drafts exist, else "undistributed". One query for the whole page."""
    rows = session.exec(
        select(Distribution.income_id, Distribution.status)
        .where(col(Distribution.income_id).in_(income_ids), *unreversed())
        .distinct()
    ).all()
    state: dict[int, str] = {}
    for income_id, status in rows:
        if status == D.POSTED.value or state.get(income_id) != "posted":
            state[income_id] = "posted" if status == D.POSTED.value else "draft"
    return state


def list_incomes(
    session: Session,
    *,
    actor: Actor,
    fiscal_year: int | None = None,
    agreement_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page[IncomeRow]:
    require(actor, "income.read")
    fiscal_year = clean_int(
        fiscal_year,
        what="fiscal year",
        minimum=EARLIEST_DATE.year,
        maximum=LATEST_DATE.year,
        required=False,
    )
    agreement_id = clean_optional_id(agreement_id, what="agreement")
    offset = clean_int(offset, what="offset", minimum=0)
    limit = clean_int(limit, what="page size", minimum=1, maximum=1000)
    query = (
        select(Income, Agreement, Company.name)
        .join(Agreement, Agreement.id == Income.agreement_id)
        .join(Company, Company.id == Agreement.company_id)
    )
    if fiscal_year is not None:
        query = query.where(Income.fiscal_year == fiscal_year)
    if agreement_id is not None:
        query = query.where(Income.agreement_id == agreement_id)
    page = paginate(
        session,
        query.order_by(Income.received_on.desc(), Income.id.desc()),
        offset=offset,
        limit=limit,
    )
    states = _distribution_state(session, [income.id for income, _, _ in page.items])
    rows = [
        IncomeRow(
            income,
            agreement.number,
            company,
            "voided" if income.voided else states.get(income.id, "undistributed"),
        )
        for income, agreement, company in page.items
    ]
    return Page(items=rows, total=page.total, offset=page.offset, limit=page.limit)


def read_report(session: Session, *, actor: Actor, income_id: int) -> bytes:
    require(actor, "income.read")
    income = _income(session, income_id)
    if income.report_sha256 is None:
        raise NotFound("No royalty report came with this payment.")
    return file_store.get("reports", income.report_sha256)


def _locked_income(session: Session, income_id: int) -> Income:
    """The income, locked with its technologies (the first statement of the transaction, so
    that on SQLite the lock is taken before anything is read)."""
    clean_id(income_id, what="income")
    session.exec(sa.update(Income).where(Income.id == income_id).values(id=Income.id))
    income = _income(session, income_id)
    _lock_technologies(session, income)
    return income


def _income(session: Session, income_id: int) -> Income:
    income = session.get(Income, clean_id(income_id, what="income"))
    if income is None:
        raise NotFound(f"There is no income {income_id}.")
    return income


def _not_voided(income: Income) -> Income:
    if income.voided:
        raise ValidationError(
            f"Income {income.id} was voided ({income.void_reason}); it is not distributed."
        )
    return income


def _is_equity_sale(session: Session, income_id: int) -> bool:
    """Whether the income is the cash of a sale the equity ledger still counts (one not
    voided): it is voided only with its sale (tlo.equity.services.void_event)."""
    from tlo.equity.models import EquityEvent

    return (
        session.exec(
            select(EquityEvent.id).where(
                EquityEvent.income_id == income_id, col(EquityEvent.voided_at).is_(None)
            )
        ).first()
        is not None
    )


def void_income(session: Session, *, actor: Actor, income_id: int, reason: str) -> Income:
    """Void a payment recorded by mistake: it stays, marked voided (who, when, why), and
    counts nowhere. Only while nothing of it is posted: its drafts are discarded with it; a
    posted distribution is reversed first (a correction after the fact, not a mistake)."""
    require(actor, "income.void")
    reason = clean_text(reason, what="reason for voiding", column=Income.void_reason)
    if not reason.strip():
        raise ValidationError("Say why the payment is voided.")
    income = _locked_income(session, income_id)
    if income.voided:
        raise ValidationError(
            f"Income {income.id} was already voided by {income.voided_by_name} on "
            f"{clock.office_date(income.voided_at)}."
        )
    if _is_equity_sale(session, income.id):
        raise ValidationError(
            f"Income {income.id} is the cash of a sale in the equity ledger: void the sale on "
            "the Equity page, which voids its income with it."
        )
    paid = session.exec(
        sa.text(
            "SELECT i.number FROM payment_allocation a JOIN licensee_invoice i "
            "ON i.id = a.invoice_id WHERE a.income_id = :income LIMIT 1"
        ),
        params={"income": income.id},
    ).first()
    if paid is not None:
        raise ValidationError(
            f"Income {income.id} is the part of a licensee's payment that paid invoice "
            f"{paid[0]}: a payment against invoices is kept as it was applied."
        )
    if _standing(session, income.id):
        raise ValidationError(
            f"Income {income.id} has a posted distribution, so it cannot be voided: reverse its "
            "distribution instead (with the reason), then void the payment if it was recorded "
            "by mistake."
        )
    drafts = [d.id for d in _drafts_of(session, income.id)]
    _discard_drafts(session, income.id)
    income.voided_at = utcnow()
    income.voided_by_account_id = actor.account_id
    income.voided_by_name = actor.name
    income.void_reason = reason.strip()
    session.add(income)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="income.voided",
        object_type="income",
        object_id=income.id,
        before={"drafts": drafts} if drafts else None,
        after={
            "reason": income.void_reason,
            "amount": str(from_cents(income.amount_cents)),
            "received_on": income.received_on.isoformat(),
        },
    )
    return income


# --- what the engine starts from ---------------------------------------------------------------


def _posted_sum(session: Session, column, *conditions) -> int:
    total = session.exec(
        select(func.coalesce(func.sum(column), 0)).where(
            Distribution.status == D.POSTED.value, *conditions
        )
    ).one()
    return int(total)  # PostgreSQL sums integers as NUMERIC


def invoiced_costs_cents(session: Session, disclosure_id: int) -> int:
    """Every patent cost invoiced for a technology's applications."""
    return int(  # PostgreSQL sums integers as NUMERIC
        session.exec(
            select(func.coalesce(func.sum(PatentCost.amount_cents), 0))
            .join(PatentApplication, PatentApplication.id == PatentCost.application_id)
            .where(PatentApplication.disclosure_id == disclosure_id)
        ).one()
    )


def costs_outstanding_cents(session: Session, disclosure_id: int) -> int:
    """Invoiced patent costs of a technology not yet recovered or reimbursed; below zero when
    a licensee paid back more than was invoiced (a credit against later invoices)."""
    invoiced = invoiced_costs_cents(session, disclosure_id)
    recovered = _posted_sum(
        session, Distribution.costs_recovered_cents, Distribution.disclosure_id == disclosure_id
    )
    return invoiced - recovered


def cumulative_cents(session: Session, basis: TierBasis, *, agreement_id: int, disclosure_id: int):
    """What entered the split in posted distributions of this agreement or technology."""
    if basis is TierBasis.AGREEMENT:
        where = Distribution.agreement_id == agreement_id
    else:
        where = Distribution.disclosure_id == disclosure_id
    return _posted_sum(session, Distribution.split_base_cents, where)


def _tier_basis(policy: Policy, income_type: str) -> TierBasis:
    """How the split sharing this type of income counts its cumulative amount (a split with
    one tier has no basis: the count does not matter, technology is as good as any)."""
    kind = IncomeType(income_type)
    split = next((s for s in policy.steps_for(kind) if isinstance(s, SplitStep)), None)
    return (split.tier_basis if split else None) or TierBasis.TECHNOLOGY


@dataclass(frozen=True)
class _Inventor:
    share: InventorShare
    department_id: int | None
    school_id: int | None
    # The department the inventor designated for the departmental share that follows theirs
    # (used only under a policy that lets inventors designate it): (name, id, school, id).
    designated: tuple[str, int, str, int | None] | None = None

    def as_policy_says(self, policy: Policy) -> _Inventor:
        """The inventor with the designated department in place of their own, where the
        policy lets inventors designate it."""
        if self.designated is None or not policy.inventors_designate_department:
            return self
        department, department_id, school, school_id = self.designated
        return replace(
            self,
            share=replace(self.share, department=department, school=school),
            department_id=department_id,
            school_id=school_id,
        )


def _inventor_rows(session: Session, where) -> dict[int, list[_Inventor]]:
    """The inventors of the technologies `where` selects (a condition on the inventor links),
    per technology, as the engine names them."""
    chosen, chosen_school = aliased(Department), aliased(School)
    rows = session.exec(
        select(DisclosureInventor, Person, Department, School, chosen, chosen_school)
        .join(Person, Person.id == DisclosureInventor.person_id)
        .join(Department, Department.id == Person.department_id, isouter=True)
        .join(School, School.id == Department.school_id, isouter=True)
        .join(
            DepartmentDesignation,
            sa.and_(
                DepartmentDesignation.disclosure_id == DisclosureInventor.disclosure_id,
                DepartmentDesignation.person_id == DisclosureInventor.person_id,
            ),
            isouter=True,
        )
        .join(chosen, chosen.id == DepartmentDesignation.department_id, isouter=True)
        .join(chosen_school, chosen_school.id == chosen.school_id, isouter=True)
        .where(where)
        .order_by(
            DisclosureInventor.disclosure_id, DisclosureInventor.position, DisclosureInventor.id
        )
    ).all()
    by_technology: dict[int, list] = defaultdict(list)
    for row in rows:
        by_technology[row[0].disclosure_id].append(row)
    found = {}
    for disclosure_id, links in by_technology.items():
        names = Counter(person.full_name for _, person, *_ in links)
        inventors = []
        for link, person, department, school, designated, designated_school in links:
            # Lines go to recipients by name: two namesakes on one case are told apart by
            # e-mail.
            name = (
                person.full_name
                if names[person.full_name] == 1
                else f"{person.full_name} <{person.email}>"
            )
            # An outside co-inventor (external, or in no department of ours) is paid as the
            # policy's [outside_inventors] says: never as a department or school. Their
            # institution names the line that may go to it.
            outside = person.is_external or department is None
            inventors.append(
                _Inventor(
                    InventorShare(
                        name=name,
                        share=Decimal(link.share_bp) / 100,
                        department="" if outside else department.name,
                        school="" if outside or school is None else school.name,
                        person_id=person.id,
                        institution=(person.organisation or f"Institution of {name}")
                        if outside
                        else None,
                    ),
                    department.id if department else None,
                    school.id if school else None,
                    None
                    if designated is None or outside
                    else (
                        designated.name,
                        designated.id,
                        designated_school.name if designated_school else "",
                        designated_school.id if designated_school else None,
                    ),
                )
            )
        found[disclosure_id] = inventors
    return found


def _inventors(session: Session, disclosure_id: int) -> list[_Inventor]:
    return _inventor_rows(session, DisclosureInventor.disclosure_id == disclosure_id).get(
        disclosure_id, []
    )


# A technology an agreement covers, with its part of the agreement's income (basis points).
Link = tuple[int, int]  # (disclosure_id, allocation_bp)


def _technologies(session: Session, agreement_id: int) -> list[Link]:
    links = list(
        session.exec(
            select(AgreementTechnology.disclosure_id, AgreementTechnology.allocation_bp)
            .where(AgreementTechnology.agreement_id == agreement_id)
            .order_by(AgreementTechnology.disclosure_id)
        ).all()
    )
    return [tuple(link) for link in links]


def _allocation(
    income_type: str, cents: int, links: Sequence[Link], owed: Callable[[int], int]
) -> list[tuple[int, int]]:
    """(technology, cents) of the income, exact to the cent (largest remainder), by the
    agreement's allocation; except a patent-cost reimbursement, which pays back each
    technology's outstanding costs (`owed`, in proportion to them), so that one technology is
    not credited while another's costs are recovered again from royalties. Only what exceeds
    all their outstanding costs is allocated as usual, as a credit against later invoices."""
    if not links:
        raise ValidationError("The agreement covers no technology; nothing to distribute to.")
    allocation = [allocation_bp for _, allocation_bp in links]
    if IncomeType(income_type).is_shared:
        by_allocation = _split_cents(cents, allocation)
        return [(did, c) for (did, _), c in zip(links, by_allocation, strict=True)]
    outstanding = [max(0, owed(did)) for did, _ in links]
    if cents <= sum(outstanding):
        paid = _split_cents(cents, outstanding)
    else:
        excess = _split_cents(cents - sum(outstanding), allocation)
        paid = [o + e for o, e in zip(outstanding, excess, strict=True)]
    return [(did, c) for (did, _), c in zip(links, paid, strict=True)]


def income_parts(session: Session, incomes: Sequence[int] | sa.Select) -> dict[int, list]:
    """(technology, cents) of each income among `incomes` whose parts were fixed when it was
    recorded (a pool statement: `IncomePart`); the others are absent."""
    parts: dict[int, list[tuple[int, int]]] = {}
    for income_id, disclosure_id, cents in session.exec(
        select(IncomePart.income_id, IncomePart.disclosure_id, IncomePart.amount_cents)
        .where(col(IncomePart.income_id).in_(incomes))
        .order_by(IncomePart.income_id, IncomePart.disclosure_id)
    ):
        parts.setdefault(income_id, []).append((disclosure_id, int(cents)))
    return parts


def _split_cents(cents: int, weights: Sequence[int]) -> list[int]:
    """`cents` in proportion to `weights`, exact to the cent (largest remainder)."""
    total = sum(weights)
    return round_largest_remainder([Fraction(cents * w, total) for w in weights], cents)


# When a technology was disclosed: its docket and the office's day it was submitted (None for a
# disclosure never submitted), for the policies that apply by the disclosure date.
Reported = tuple[str | None, date | None]


def _reported(session: Session, disclosure_ids: Sequence[int] | sa.Select) -> dict[int, Reported]:
    return {
        did: (docket, clock.office_date_or_none(submitted_at))
        for did, docket, submitted_at in session.exec(
            select(Disclosure.id, Disclosure.docket, Disclosure.submitted_at).where(
                col(Disclosure.id).in_(disclosure_ids)
            )
        )
    }


def policy_for(policy_list: Sequence[Policy], income, reported: Reported) -> Policy:
    """The policy that shares a technology's part of an income: the one in force on the day
    received, or, for a policy that applies by disclosure, for the day the technology was
    disclosed (a technology never submitted has no such day: refused, naming it)."""
    docket, disclosed = reported
    try:
        return policy_in_force(policy_list, income.received_on, disclosed=disclosed)
    except DisclosureDateNeeded as err:
        raise ValidationError(
            f"{docket or 'A technology of the agreement'} has no disclosure date (it was never "
            f"submitted), and {err.policy} applies by the date an invention was disclosed; "
            "submit the disclosure, then distribute."
        ) from None


def _lock_technologies(session: Session, income: Income) -> None:
    """Serialise the use cases that read posted totals and then write (compute, post,
    reverse): with the income, lock its technologies, in id order. A no-op UPDATE takes a row
    lock on PostgreSQL and the write lock on SQLite, so a second session waits and then
    reads what the first committed."""
    ids = sorted(did for did, _ in _technologies(session, income.agreement_id))
    if not ids:
        raise ValidationError("The agreement covers no technology; nothing to distribute to.")
    session.exec(sa.update(Disclosure).where(col(Disclosure.id).in_(ids)).values(id=Disclosure.id))


# --- computing and posting ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """One technology's part of an income, shared: what its distribution and lines hold."""

    disclosure_id: int
    cents: int
    costs_outstanding: int  # below 0: a credit
    cumulative_before: int
    costs_recovered: int
    split_base: int
    lines: list[engine.Line]
    inventors: list[_Inventor]
    policy: Policy


class _Figures(Protocol):
    """What the engine starts from, for one income's technologies: read from posted records
    one at a time (`_PostedFigures`), or kept as running totals by the annual run (`_Ledger`).
    """

    def technologies(self, agreement_id: int) -> list[Link]: ...
    def costs_outstanding(self, disclosure_id: int) -> int: ...
    def cumulative(self, basis: TierBasis, agreement_id: int, disclosure_id: int) -> int: ...
    def inventors(self, disclosure_id: int) -> list[_Inventor]: ...
    def reported(self, disclosure_id: int) -> Reported: ...
    def joint(self, disclosure_id: int) -> JointOwnership | None: ...
    def agent(self, agreement_id: int) -> Agent | None: ...
    def parts(self, income_id: int) -> list[tuple[int, int]]: ...


@dataclass(frozen=True)
class _PostedFigures:
    """The figures summed from posted records when they are asked for."""

    session: Session

    def technologies(self, agreement_id: int) -> list[Link]:
        return _technologies(self.session, agreement_id)

    def costs_outstanding(self, disclosure_id: int) -> int:
        return costs_outstanding_cents(self.session, disclosure_id)

    def cumulative(self, basis: TierBasis, agreement_id: int, disclosure_id: int) -> int:
        return cumulative_cents(
            self.session, basis, agreement_id=agreement_id, disclosure_id=disclosure_id
        )

    def inventors(self, disclosure_id: int) -> list[_Inventor]:
        return _inventors(self.session, disclosure_id)

    def reported(self, disclosure_id: int) -> Reported:
        return _reported(self.session, [disclosure_id]).get(disclosure_id, (None, None))

    def joint(self, disclosure_id: int) -> JointOwnership | None:
        return joint_ownerships(self.session, [disclosure_id]).get(disclosure_id)

    def agent(self, agreement_id: int) -> Agent | None:
        return agents_of(self.session, [agreement_id]).get(agreement_id)

    def parts(self, income_id: int) -> list[tuple[int, int]]:
        return income_parts(self.session, [income_id]).get(income_id, [])


def _share_income(income, policy_list: Sequence[Policy], figures: _Figures) -> list[_Part]:
    """Each technology's part of an income shared under the policy that governs it
    (`policy_for`; the one home of how an income becomes distributions, whichever way the
    figures come)."""
    kind = IncomeType(income.income_type)
    agreement_id = income.agreement_id
    agent = figures.agent(agreement_id)  # every part was collected by it
    # With tiers per agreement, each technology's part counts towards the next one's tier.
    earlier_parts = 0
    parts = []
    # A pool statement's parts were fixed when it was recorded; else the agreement's allocation.
    for disclosure_id, cents in figures.parts(income.id) or _allocation(
        income.income_type,
        income.amount_cents,
        figures.technologies(agreement_id),
        figures.costs_outstanding,
    ):
        policy = policy_for(policy_list, income, figures.reported(disclosure_id))
        basis = _tier_basis(policy, income.income_type)
        costs = figures.costs_outstanding(disclosure_id)  # below 0: a credit
        cumulative = figures.cumulative(basis, agreement_id, disclosure_id)
        if basis is TierBasis.AGREEMENT:
            cumulative += earlier_parts
        inventors = [i.as_policy_says(policy) for i in figures.inventors(disclosure_id)]
        if kind.is_shared:
            result = arrangements.distribute_income(
                policy,
                amount=from_cents(cents),
                income_type=kind,
                costs_outstanding=from_cents(max(0, costs)),
                cumulative_before=from_cents(cumulative),
                inventors=[i.share for i in inventors],
                joint=figures.joint(disclosure_id),
                agent=agent,
            )
            recovered, split_base = to_cents(result.costs_recovered), to_cents(result.split_base)
            lines = list(result.lines)
        else:  # a reimbursement pays back costs; it is not shared
            recovered, split_base = cents, 0
            lines = [
                engine.Line(
                    engine.COSTS_RECIPIENT,
                    LineClass.COSTS,
                    from_cents(cents),
                    "patent-cost reimbursement: pays back patent costs, not shared",
                )
            ]
        parts.append(
            _Part(
                disclosure_id,
                cents,
                costs,
                cumulative,
                recovered,
                split_base,
                lines,
                inventors,
                policy,
            )
        )
        earlier_parts += split_base
    return parts


def _distribution_row(income, part: _Part, computed_by: Actor) -> dict:
    return {
        "income_id": income.id,
        "disclosure_id": part.disclosure_id,
        "agreement_id": income.agreement_id,
        "amount_cents": part.cents,
        "policy_name": part.policy.name,
        "policy_effective_from": part.policy.effective_from,
        "costs_outstanding_cents": part.costs_outstanding,
        "cumulative_before_cents": part.cumulative_before,
        "costs_recovered_cents": part.costs_recovered,
        "split_base_cents": part.split_base,
        "computed_by_name": computed_by.name,
        "computed_by_account_id": computed_by.account_id,
    }


def _line_rows(distribution_id: int, part: _Part) -> list[dict]:
    departments = {i.share.department: i.department_id for i in part.inventors}
    schools = {i.share.school: i.school_id for i in part.inventors}
    return [
        {
            "distribution_id": distribution_id,
            "position": position,
            "recipient": line.to,
            "recipient_class": line.klass.value,
            "person_id": line.person_id,
            "department_id": departments.get(line.to)
            if line.klass is LineClass.DEPARTMENT
            else None,
            "school_id": schools.get(line.to) if line.klass is LineClass.SCHOOL else None,
            "amount_cents": to_cents(line.amount),
            "rule": line.rule,
        }
        for position, line in enumerate(part.lines, start=1)
    ]


def _standing(session: Session, income_id: int) -> list[Distribution]:
    """The income's posted distributions that have not been reversed."""
    return list(
        session.exec(
            select(Distribution).where(
                Distribution.income_id == income_id,
                Distribution.status == D.POSTED.value,
                *unreversed(),
            )
        ).all()
    )


def _drafts_of(session: Session, income_id: int) -> list[Distribution]:
    return list(
        session.exec(
            select(Distribution)
            .where(Distribution.income_id == income_id, Distribution.status == D.DRAFT.value)
            .order_by(Distribution.id)
        ).all()
    )


def _discard_drafts(session: Session, income_id: int) -> None:
    drafts = _drafts_of(session, income_id)
    if drafts:
        ids = [d.id for d in drafts]
        session.exec(
            sa.delete(DistributionLine).where(col(DistributionLine.distribution_id).in_(ids))
        )
        for draft in drafts:
            session.delete(draft)
        session.flush()


def _compute(
    session: Session, actor: Actor, income: Income, policy_list: list[Policy]
) -> list[Distribution]:
    _not_voided(income)
    if _standing(session, income.id):
        raise ValidationError(
            f"Income {income.id} is already distributed; reverse the posted distribution first."
        )
    _discard_drafts(session, income.id)
    made = []
    for part in _share_income(income, policy_list, _PostedFigures(session)):
        distribution = Distribution(**_distribution_row(income, part, actor))
        session.add(distribution)
        session.flush()
        for row in _line_rows(distribution.id, part):
            session.add(DistributionLine(**row))
        session.flush()
        made.append(distribution)
    return made


def compute_distribution(session: Session, *, actor: Actor, income_id: int) -> list[Distribution]:
    """The draft distribution of each technology's part of an income (replacing old drafts)."""
    require(actor, "distribution.post")
    income = _locked_income(session, income_id)
    made = _compute(session, actor, income, policies(session))
    audit.record(
        session,
        actor=actor,
        action="distribution.computed",
        object_type="income",
        object_id=income_id,
        after={"distributions": [d.id for d in made]},
    )
    return made


def _check_basis(session: Session, draft: Distribution, basis: TierBasis, earlier: int) -> None:
    cumulative = cumulative_cents(
        session, basis, agreement_id=draft.agreement_id, disclosure_id=draft.disclosure_id
    )
    costs = costs_outstanding_cents(session, draft.disclosure_id)
    if (costs, cumulative + earlier) != (
        draft.costs_outstanding_cents,
        draft.cumulative_before_cents,
    ):
        raise ValidationError(
            f"Distribution {draft.id} was computed before other income was posted (outstanding "
            "costs or the cumulative amount have changed); compute it again, then post."
        )


def _post_drafts(
    session: Session,
    actor: Actor,
    income: Income,
    policy_list: list[Policy],
    reviewed: Sequence[int] | None = None,
) -> list[Distribution]:
    _not_voided(income)
    drafts = _drafts_of(session, income.id)
    if not drafts:
        raise ValidationError("There is no draft to post; compute the distribution first.")
    if reviewed is not None and sorted(reviewed) != sorted(d.id for d in drafts):
        raise ValidationError(
            "The draft changed since you opened it (someone computed it again); review it "
            "again, then post."
        )
    four_eyes = _check_four_eyes(actor, drafts)
    reported = _reported(session, [d.disclosure_id for d in drafts])
    governing = {
        d.id: policy_for(policy_list, income, reported.get(d.disclosure_id, (None, None)))
        for d in drafts
    }
    for draft in drafts:
        policy = governing[draft.id]
        if (draft.policy_name, draft.policy_effective_from) != (
            policy.name,
            policy.effective_from,
        ):
            raise ValidationError(
                f"The draft was computed under another policy than the one now in force for "
                f"{income.received_on} ({policy}); compute it again, then post."
            )
    # The income's parts are checked before any of them is posted: a tier per agreement
    # counts the parts before it, whichever policy shared them (as `_share_income` does).
    earlier = 0
    for draft in drafts:
        basis = _tier_basis(governing[draft.id], income.income_type)
        _check_basis(session, draft, basis, earlier if basis is TierBasis.AGREEMENT else 0)
        earlier += draft.split_base_cents
    _check_shared_as_now(session, income, policy_list, drafts)
    for draft in drafts:
        draft.status = D.POSTED.value
        draft.posted_by_name = actor.name
        draft.posted_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="distribution.posted",
        object_type="income",
        object_id=income.id,
        after={"distributions": [d.id for d in drafts]}
        | ({"four_eyes": True, "computed_by": four_eyes} if four_eyes else {}),
    )
    hooks.distribution_posted(
        session, actor=actor, which=[col(Distribution.id).in_([d.id for d in drafts])]
    )
    return drafts


def _check_shared_as_now(
    session: Session, income: Income, policy_list: list[Policy], drafts: Sequence[Distribution]
) -> None:
    """The drafts share the income as it would be shared now: an IIA, a collection agent, a
    pool statement's parts or an inventor's designated department changed since they were
    computed would otherwise post the split of before."""
    lines = session.exec(
        select(Distribution.disclosure_id, DistributionLine)
        .join(Distribution, Distribution.id == DistributionLine.distribution_id)
        .where(col(Distribution.id).in_([d.id for d in drafts]))
        .order_by(Distribution.disclosure_id, DistributionLine.position)
    ).all()
    drafted = sorted(
        (disclosure_id, line.recipient, line.recipient_class, line.person_id, line.amount_cents)
        for disclosure_id, line in lines
    )
    now = sorted(
        (part.disclosure_id, line.to, line.klass.value, line.person_id, to_cents(line.amount))
        for part in _share_income(income, policy_list, _PostedFigures(session))
        for line in part.lines
    )
    if drafted != now:
        raise ValidationError(
            "The draft no longer shares this income as it would be shared now (an "
            "inter-institutional agreement, a collection agent, a pool statement or a "
            "designated department changed since it was computed); compute it again, then post."
        )


def _computed_by(draft: Distribution, actor: Actor) -> bool:
    """Whether the actor computed the draft (drafts from before migration 0020 know only the
    name of who computed them)."""
    if draft.computed_by_account_id is not None:
        return draft.computed_by_account_id == actor.account_id
    return draft.computed_by_name == actor.name


def _check_four_eyes(actor: Actor, drafts: Sequence[Distribution]) -> list[str]:
    """With four eyes on, refuse to let an account post drafts it computed; the names of those
    who computed them (for the audit entry). tlo itself, acting from the command line (the
    demo office), is no one's second pair of eyes and is not bound."""
    if not get_settings().four_eyes or actor.account_id is None:
        return []
    if any(_computed_by(draft, actor) for draft in drafts):
        raise ValidationError(
            "Four eyes are required (TLO_FOUR_EYES): you computed this draft, so another "
            "finance user reviews and posts it."
        )
    return sorted({draft.computed_by_name for draft in drafts})


def post_income(
    session: Session, *, actor: Actor, income_id: int, reviewed: Sequence[int] | None = None
) -> list[Distribution]:
    """Post the draft distributions of an income, in one transaction. `reviewed`: the ids of
    the drafts the user looked at; posting is refused if the drafts are no longer those."""
    require(actor, "distribution.post")
    if reviewed is not None:
        reviewed = clean_ids(reviewed, what="distribution")
    income = _locked_income(session, income_id)
    return _post_drafts(session, actor, income, policies(session), reviewed)


def reverse_income(
    session: Session, *, actor: Actor, income_id: int, reason: str
) -> list[Distribution]:
    """Cancel an income's posted distributions by posted mirror images (the originals stay as
    they were); the income can then be distributed again."""
    require(actor, "distribution.post")
    reason = clean_text(reason, what="reason for the reversal", column=Distribution.reason)
    if not reason:
        raise ValidationError("Say why the distribution is reversed.")
    income = _locked_income(session, income_id)
    standing = _standing(session, income.id)
    if not standing:
        raise ValidationError(
            "Nothing posted stands for this payment; there is nothing to reverse."
        )
    mirrors = [_mirror(session, actor, original, reason.strip()) for original in standing]
    audit.record(
        session,
        actor=actor,
        action="distribution.reversed",
        object_type="income",
        object_id=income.id,
        after={
            "reversed": [d.id for d in standing],
            "reversals": [m.id for m in mirrors],
            "reason": reason.strip(),
        },
    )
    return mirrors


def _mirror(session: Session, actor: Actor, original: Distribution, reason: str) -> Distribution:
    # Built as a draft with its lines, then posted: lines are never added to a posted one.
    mirror = Distribution(
        income_id=original.income_id,
        disclosure_id=original.disclosure_id,
        agreement_id=original.agreement_id,
        amount_cents=-original.amount_cents,
        policy_name=original.policy_name,
        policy_effective_from=original.policy_effective_from,
        costs_outstanding_cents=original.costs_outstanding_cents,
        cumulative_before_cents=original.cumulative_before_cents,
        costs_recovered_cents=-original.costs_recovered_cents,
        split_base_cents=-original.split_base_cents,
        reverses_id=original.id,
        reason=reason,
        computed_by_name=actor.name,
        computed_by_account_id=actor.account_id,
    )
    session.add(mirror)
    session.flush()
    for line in lines_of(session, original.id):
        session.add(
            DistributionLine(
                distribution_id=mirror.id,
                position=line.position,
                recipient=line.recipient,
                recipient_class=line.recipient_class,
                person_id=line.person_id,
                department_id=line.department_id,
                school_id=line.school_id,
                amount_cents=-line.amount_cents,
                rule=f"reversal of distribution {original.id}: {line.rule}",
            )
        )
    session.flush()
    mirror.status = D.POSTED.value
    mirror.posted_by_name = actor.name
    mirror.posted_at = utcnow()
    session.flush()
    return mirror


def lines_of(session: Session, distribution_id: int) -> list[DistributionLine]:
    return list(
        session.exec(
            select(DistributionLine)
            .where(DistributionLine.distribution_id == distribution_id)
            .order_by(DistributionLine.position)
        ).all()
    )


@dataclass(frozen=True)
class DistributionView:
    distribution: Distribution
    docket: str
    title: str
    lines: list[DistributionLine]
    reversed_by: int | None


def distributions_of(session: Session, *, actor: Actor, income_id: int) -> list[DistributionView]:
    """Every distribution of an income (drafts, posted, reversals) with its lines: what each
    inventor receives, so finance and the director only."""
    require(actor, "distribution.read")
    rows = session.exec(
        select(Distribution, Disclosure.docket, Disclosure.title)
        .join(Disclosure, Disclosure.id == Distribution.disclosure_id)
        .where(Distribution.income_id == income_id)
        .order_by(Distribution.id)
    ).all()
    ids = [d.id for d, _, _ in rows]
    reversals = dict(
        session.exec(
            select(Distribution.reverses_id, Distribution.id).where(
                col(Distribution.reverses_id).in_(ids)
            )
        ).all()
    )
    lines: dict[int, list[DistributionLine]] = defaultdict(list)
    for line in session.exec(
        select(DistributionLine)
        .where(col(DistributionLine.distribution_id).in_(ids))
        .order_by(DistributionLine.distribution_id, DistributionLine.position)
    ).all():
        lines[line.distribution_id].append(line)
    return [
        DistributionView(d, docket or "", title, lines[d.id], reversals.get(d.id))
        for d, docket, title in rows
    ]


# --- the annual run (tlo/revenue/annual.py) ---------------------------------------------------

# The annual run lives in its own module, which builds on this one; its names are served from
# here too, as they always were (`revenue.annual_run`). Looked up when first asked for, since
# annual.py imports this module.
_ANNUAL_RUN = frozenset(
    {
        "RUN_BATCH",
        "ClassTotal",
        "RecipientTotal",
        "RunPreview",
        "RunSummary",
        "annual_run",
        "preview_annual_run",
        "undistributed_incomes",
    }
)


def __getattr__(name: str):
    if name in _ANNUAL_RUN:
        from tlo.revenue import annual

        return getattr(annual, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def agreements_receiving_income(session: Session, *, actor: Actor) -> list[tuple[Agreement, str]]:
    """Signed agreements (executed, active, expired or terminated), newest first."""
    require(actor, "income.read")
    return list(
        session.exec(
            select(Agreement, Company.name)
            .join(Company, Company.id == Agreement.company_id)
            .where(col(Agreement.status).in_(SIGNED))
            .order_by(Agreement.id.desc())
        ).all()
    )


def fiscal_years_with_income(session: Session, *, actor: Actor) -> list[int]:
    require(actor, "income.read")
    return list(
        session.exec(
            select(Income.fiscal_year).distinct().order_by(Income.fiscal_year.desc())
        ).all()
    )
