"""Patent pools (#19, item 3): we contribute patents to a pool that licenses a standard (as
Columbia did with MPEG LA's MPEG-2 pool), and the pool pays us by periodic statements.

The pool is the company of a signed agreement (the pool agreement), which covers the
technologies we contributed. Its terms (table `pool_terms`, migration 0039) say how a
statement is shared between them (`tlo.revenue.pools.PoolRule`): per essential patent per
country, or as the statement says; the contributed patents (`pool_patent`) are applications of
those technologies, each in its country. A statement is recorded as a royalty income of the
agreement whose parts per technology are worked out then, by the rule, from the patents
contributed that day (or the amounts the statement lists), and kept with it (`IncomePart`):
distributing it shares each part under the policy like any royalty, and a later change of the
contributed patents leaves the statements already recorded as they were.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require
from tlo.clock import utcnow
from tlo.db import UTCDateTime
from tlo.disclosures.models import Disclosure
from tlo.errors import ValidationError
from tlo.licensing.agreement_models import Agreement, AgreementTechnology
from tlo.licensing.agreements import load_agreement
from tlo.money import to_cents
from tlo.patents.models import PatentApplication
from tlo.revenue import pools
from tlo.revenue.models import IncomePart
from tlo.revenue.pools import PoolRule
from tlo.text import clean_choice, clean_decimal_money, clean_id, clean_ids, clean_text

MAX_PATENTS = 2000  # contributed to one pool


class PoolTerms(SQLModel, table=True):
    __tablename__ = "pool_terms"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", unique=True)
    rule: str = Field(max_length=40)  # a PoolRule
    standard: str = Field(default="", max_length=200)  # "MPEG-2 video (ISO/IEC 13818)"
    updated_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    updated_by_name: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PoolPatent(SQLModel, table=True):
    """An application we contributed to the pool as essential (in its own country)."""

    __tablename__ = "pool_patent"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "application_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    application_id: int = Field(foreign_key="patent_application.id")


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContributedPatent:
    application_id: int
    docket: str
    jurisdiction: str
    number: str
    contributed: bool


@dataclass(frozen=True)
class PoolView:
    agreement_id: int
    rule: PoolRule
    standard: str
    patents: list[ContributedPatent]  # every application of the agreement's technologies
    technologies: list[tuple[int, str]]  # (case id, docket) the agreement covers
    updated_by: str

    @property
    def contributed(self) -> list[ContributedPatent]:
        return [p for p in self.patents if p.contributed]


def _terms(session: Session, agreement_id: int) -> PoolTerms | None:
    return session.exec(select(PoolTerms).where(PoolTerms.agreement_id == agreement_id)).first()


def _technologies(session: Session, agreement_id: int) -> list[tuple[int, str]]:
    return [
        (case_id, docket or f"case {case_id}")
        for case_id, docket in session.exec(
            select(Disclosure.id, Disclosure.docket)
            .join(AgreementTechnology, AgreementTechnology.disclosure_id == Disclosure.id)
            .where(AgreementTechnology.agreement_id == agreement_id)
            .order_by(Disclosure.id)
        )
    ]


def _applications(session: Session, agreement_id: int) -> list[tuple[PatentApplication, str]]:
    return list(
        session.exec(
            select(PatentApplication, Disclosure.docket)
            .join(Disclosure, Disclosure.id == PatentApplication.disclosure_id)
            .join(AgreementTechnology, AgreementTechnology.disclosure_id == Disclosure.id)
            .where(AgreementTechnology.agreement_id == agreement_id)
            .order_by(Disclosure.id, PatentApplication.filing_date, PatentApplication.id)
        )
    )


def _contributed_ids(session: Session, agreement_id: int) -> set[int]:
    return set(
        session.exec(
            select(PoolPatent.application_id).where(PoolPatent.agreement_id == agreement_id)
        )
    )


def _offered(session: Session, agreement_id: int) -> list[ContributedPatent]:
    chosen = _contributed_ids(session, agreement_id)
    return [
        ContributedPatent(
            a.id,
            docket or "",
            a.jurisdiction,
            a.grant_number or a.publication_number or a.application_number or "",
            a.id in chosen,
        )
        for a, docket in _applications(session, agreement_id)
    ]


def offered_patents(session: Session, *, actor: Actor, agreement_id: int) -> list:
    """Every application of the agreement's technologies, those contributed marked."""
    agreement = load_agreement(session, actor, agreement_id, "agreement.read")
    return _offered(session, agreement.id)


def get_pool(session: Session, *, actor: Actor, agreement_id: int) -> PoolView | None:
    agreement = load_agreement(session, actor, agreement_id, "agreement.read")
    terms = _terms(session, agreement.id)
    if terms is None:
        return None
    return PoolView(
        agreement_id=agreement.id,
        rule=PoolRule(terms.rule),
        standard=terms.standard,
        patents=_offered(session, agreement.id),
        technologies=_technologies(session, agreement.id),
        updated_by=terms.updated_by_name,
    )


# --- the pool's terms --------------------------------------------------------------------------


def save_pool(
    session: Session,
    *,
    actor: Actor,
    agreement_id: int,
    rule: object,
    standard: object = "",
    application_ids: object = (),
) -> PoolTerms:
    """Make the agreement a pool agreement, or change its rule, standard or the patents we
    contributed (applications of the technologies it covers), in one audited transaction."""
    agreement = load_agreement(session, actor, agreement_id, "agreement.edit")
    rule = clean_choice(rule, PoolRule, what="pool's rule")
    standard = clean_text(standard, what="standard", max_length=200, multiline=False)
    if isinstance(application_ids, tuple):
        application_ids = list(application_ids)
    ids = clean_ids(application_ids, what="patent application")
    if len(ids) > MAX_PATENTS:
        raise ValidationError(f"A pool takes at most {MAX_PATENTS:,} of our patents.")
    ours = {a.id: a for a, _ in _applications(session, agreement.id)}
    strangers = sorted(set(ids) - set(ours))
    if strangers:
        raise ValidationError(
            "Contribute only applications of the technologies this agreement covers "
            f"(not application {strangers[0]})."
        )
    if rule is PoolRule.PER_ESSENTIAL_PATENT_PER_COUNTRY and not ids:
        raise ValidationError(
            "This pool shares per essential patent per country: choose the patents we contributed."
        )
    terms = _terms(session, agreement.id)
    before = None
    if terms is None:
        terms = PoolTerms(agreement_id=agreement.id, rule=rule.value, updated_by_name=actor.name)
    else:
        before = {"rule": terms.rule, "patents": len(_contributed_ids(session, agreement.id))}
    terms.rule, terms.standard = rule.value, standard
    terms.updated_by_account_id, terms.updated_by_name = actor.account_id, actor.name
    terms.updated_at = clock.utcnow()
    session.add(terms)
    session.exec(sa.delete(PoolPatent).where(PoolPatent.agreement_id == agreement.id))
    for application_id in sorted(set(ids)):
        session.add(PoolPatent(agreement_id=agreement.id, application_id=application_id))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="agreement.pool_changed" if before else "agreement.pool_named",
        object_type="agreement",
        object_id=agreement.id,
        before=before,
        after={"rule": rule.value, "patents": len(set(ids))},
    )
    return terms


# --- statements --------------------------------------------------------------------------------


@dataclass
class StatementForm:
    agreement_id: int | None
    received_on: date | None
    total: str | Decimal
    period: str = ""  # "2026 H2", the pool's own reference
    # As stated: (case id, amount) as the statement lists them; unused per patent.
    amounts: list[tuple[int, str | Decimal]] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class StatementPart:
    disclosure_id: int
    docket: str
    amount: Decimal
    basis: str  # "3 essential patent-countries" / "as stated: $1,200.00"


def _parts(session: Session, agreement: Agreement, form: StatementForm) -> list[StatementPart]:
    terms = _terms(session, agreement.id)
    if terms is None:
        raise ValidationError(f"{agreement.number} is not a pool agreement.")
    rule = PoolRule(terms.rule)
    total = clean_decimal_money(form.total, what="statement's total")
    dockets = dict(_technologies(session, agreement.id))
    if rule is PoolRule.PER_ESSENTIAL_PATENT_PER_COUNTRY:
        chosen = _contributed_ids(session, agreement.id)
        patents = [
            (a.disclosure_id, a.jurisdiction)
            for a, _ in _applications(session, agreement.id)
            if a.id in chosen
        ]
        pairs = sorted(set(patents))  # one family's applications in one country count once
        counts = Counter(did for did, _ in pairs)
        shared = pools.allocate_statement(total, rule=rule, patents=pairs)
        return [
            StatementPart(did, dockets[did], amount, f"{counts[did]} essential patent-countries")
            for did, amount in shared
        ]
    if not isinstance(form.amounts, list | tuple) or not form.amounts:
        raise ValidationError("This pool's statement says what each technology earned: list it.")
    amounts = []
    for entry in form.amounts:
        if not isinstance(entry, tuple | list) or len(entry) != 2:
            raise ValidationError("Give each technology's amount as the statement lists it.")
        case_id = clean_id(entry[0], what="technology")
        if case_id not in dockets:
            raise ValidationError(f"{agreement.number} does not cover technology {case_id}.")
        amounts.append(
            (case_id, clean_decimal_money(entry[1], what=f"amount of {dockets[case_id]}"))
        )
    shared = pools.allocate_statement(total, rule=rule, amounts=amounts)
    stated = dict(amounts)
    return [
        StatementPart(did, dockets[did], amount, f"as stated: ${stated[did]:,.2f}")
        for did, amount in shared
    ]


def preview_statement(
    session: Session, *, actor: Actor, form: StatementForm
) -> list[StatementPart]:
    """What each technology's part of a pool statement would be, recorded now."""
    require(actor, "income.record")
    if not isinstance(form, StatementForm):
        raise ValidationError("The statement form is not one tlo made.")
    agreement = load_agreement(session, actor, form.agreement_id, "agreement.read")
    return _parts(session, agreement, form)


def record_statement(session: Session, *, actor: Actor, form: StatementForm):
    """Record a pool statement as a royalty income of the pool agreement with its parts per
    technology, in one transaction (then distributed like any income)."""
    from tlo.revenue.services import IncomeForm, record_income

    parts = preview_statement(session, actor=actor, form=form)
    period = clean_text(form.period, what="period", max_length=100, multiline=False)
    note = clean_text(form.note, what="note", max_length=2000)
    income = record_income(
        session,
        actor=actor,
        form=IncomeForm(
            form.agreement_id,
            form.received_on,
            "royalty",
            str(sum((p.amount for p in parts), Decimal(0))),
            f"Pool statement {period}".strip() if period else "Pool statement",
            note,
        ),
    )
    if to_cents(sum((p.amount for p in parts), Decimal(0))) != income.amount_cents:
        raise ValidationError("The parts do not add up to the statement's total.")
    for part in parts:
        if not part.amount:
            continue  # a technology the statement gives nothing has no part to share
        session.add(
            IncomePart(
                income_id=income.id,
                disclosure_id=part.disclosure_id,
                amount_cents=to_cents(part.amount),
                basis=part.basis,
            )
        )
    session.flush()
    return income
