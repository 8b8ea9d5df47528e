"""Use cases of the equity ledger (#19, item 2): record a holding (with the issue of its
shares), record its later events, list holdings at cost and at last known value.

What a holding is worth, costs and has realized is always worked out by the pure ledger
(`ledger.totals`) from its stored events, in date order; a new event is accepted only if the
ledger accepts the holding with it. A sale of the university's shares becomes income of the
license the shares came from, of the `equity` type (`revenue.record_income`, in the same
transaction), so revenue sharing distributes it under the policy like any other payment. A
sale of shares held on the inventors' behalf is theirs: it is recorded in the ledger and
becomes no income of the university.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tlo import audit, clock
from tlo.auth.permissions import Actor, require
from tlo.equity import ledger
from tlo.equity.ledger import EventKind
from tlo.equity.models import EquityEvent, EquityHolding, HeldFor
from tlo.errors import NotFound, ValidationError
from tlo.licensing.agreement_models import Agreement, AgreementTechnology
from tlo.licensing.models import Company
from tlo.money import dollars
from tlo.revenue import services as revenue
from tlo.revenue.types import IncomeType
from tlo.text import (
    INT32_MAX,
    clean_choice,
    clean_date,
    clean_id,
    clean_int,
    clean_text,
)

MAX_SHARES = 10**12  # more than any company issues; keeps a sale's cents in 64 bits
MAX_PRICE = Decimal(10_000_000)  # per share, dollars
# Which kinds take a number of shares, a price per share and a ratio: "need" or "may".
SHARES_OF = {EventKind.ISSUE, EventKind.SALE}
RATIO_OF = {EventKind.SPLIT, EventKind.CONVERSION, EventKind.ACQUISITION}
PRICE_OPTIONAL = {EventKind.SPLIT, EventKind.CONVERSION}


# --- reading what users type ------------------------------------------------------------------


def clean_price(value: object, *, what: str, required: bool = True) -> Decimal | None:
    """A price per share in dollars, to six decimals ("0.0001", "$1,234.5"); "" or None is no
    price unless `required`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(f"Give the {what}.")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValidationError(f"The {what} must be an amount such as 0.0001 or 12.50.")
    if isinstance(value, str):
        text = clean_text(value, what=what, max_length=40, multiline=False)
        try:
            value = Decimal(text.replace(",", "").replace("$", "").strip())
        except InvalidOperation:
            raise ValidationError(
                f"The {what} {text!r} is not an amount; write it like 0.0001 or 12.50."
            ) from None
    price = Decimal(value)
    if not price.is_finite() or not 0 <= price < MAX_PRICE:
        raise ValidationError(f"The {what} must be from $0 to {dollars(MAX_PRICE)} a share.")
    if price != price.quantize(ledger.MICRO):  # exact (the price is below $10 million)
        raise ValidationError(f"A price per share is kept to six decimals; {price} has more.")
    return price


def _ratio_part(value: object) -> Fraction:
    """One side of a ratio, exactly; refused when it is not a plain finite number of sensible
    size (an exponent of a million digits would take the machine with it)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite() or not -18 <= number.adjusted() <= 18:
        raise ValueError(value)
    return Fraction(number)


def clean_ratio(value: object, *, what: str) -> Fraction | None:
    """New shares for old ones: "2:1" (or "2") for a 2-for-1 split, "1:10" for a reverse
    split, "1.5" for 3 for 2; "" or None is no ratio."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal | Fraction):
        raise ValidationError(f"Write the {what} as new shares for old ones, such as 2:1.")
    text = str(value)
    try:
        if isinstance(value, Fraction):
            ratio = value
        elif isinstance(value, str):
            text = clean_text(value, what=what, max_length=40, multiline=False).replace(" ", "")
            new, _, old = text.partition(":")
            ratio = _ratio_part(Decimal(new)) / _ratio_part(Decimal(old or "1"))
        else:
            ratio = _ratio_part(value)
    except (InvalidOperation, ZeroDivisionError, ValueError, OverflowError):
        raise ValidationError(
            f"The {what} {text[:40]!r} is not a ratio; write new shares for old ones, such as "
            "2:1 (a 2-for-1 split) or 1:10 (a reverse split)."
        ) from None
    if ratio <= 0:
        raise ValidationError(f"The {what} must be above zero.")
    if ratio.numerator > INT32_MAX or ratio.denominator > INT32_MAX:
        raise ValidationError(f"The {what} {ratio} has more digits than tlo keeps.")
    return ratio


def clean_shares(value: object, *, what: str) -> int:
    return clean_int(value, what=what, minimum=1, maximum=MAX_SHARES)


def ratio_text(new: int | None, old: int | None) -> str:
    return f"{new}:{old}" if new is not None and old is not None else ""


# --- the records as the ledger reads them ------------------------------------------------------


def _ledger_event(row: EquityEvent) -> ledger.Event:
    return ledger.Event(
        kind=EventKind(row.kind),
        on=row.occurred_on,
        shares=row.shares,
        price=None if row.price_micros is None else ledger.micros_to_price(row.price_micros),
        ratio=None if row.ratio_new is None else Fraction(row.ratio_new, row.ratio_old),
    )


def _events(
    session: Session, holding_ids: list[int], *, voided: bool = False
) -> dict[int, list[EquityEvent]]:
    """Each holding's events in the order the ledger reads them: by day, then as recorded;
    those voided only when asked for (to show them)."""
    query = select(EquityEvent).where(col(EquityEvent.holding_id).in_(holding_ids))
    if not voided:
        query = query.where(col(EquityEvent.voided_at).is_(None))
    rows = session.exec(
        query.order_by(EquityEvent.holding_id, EquityEvent.occurred_on, EquityEvent.id)
    ).all()
    by_holding: dict[int, list[EquityEvent]] = defaultdict(list)
    for row in rows:
        by_holding[row.holding_id].append(row)
    return by_holding


def _holding(session: Session, holding_id: object, *, lock: bool = False) -> EquityHolding:
    holding_id = clean_id(holding_id, what="holding")
    if lock:  # the first statement: on SQLite the write lock is taken before anything is read
        session.exec(
            sa.update(EquityHolding)
            .where(EquityHolding.id == holding_id)
            .values(id=EquityHolding.id)
        )
    holding = session.get(EquityHolding, holding_id)
    if holding is None:
        raise NotFound(f"There is no holding {holding_id}.")
    return holding


# --- recording ---------------------------------------------------------------------------------


@dataclass
class HoldingForm:
    company_id: int | None
    share_class: str
    issued_on: date | None
    shares: int | None
    price: str | Decimal  # per share at issue: the cost basis ("0.0001" for par)
    certificate: str = ""
    agreement_id: int | None = None
    held_for: HeldFor | str = HeldFor.UNIVERSITY
    note: str = ""


@dataclass
class EventForm:
    holding_id: int | None
    kind: EventKind | str
    occurred_on: date | None
    shares: int | None = None  # an issue's or a sale's
    price: str | Decimal | None = None  # per share
    ratio: str | Decimal | Fraction | None = None  # new shares for old ones
    note: str = ""


def _nothing_chosen(value: object) -> bool:
    """A picker left empty (None, or 0 from a number box); anything else is checked as an id."""
    return value is None or (type(value) is int and value == 0)


def _not_after_today(day: date, today: object) -> None:
    today = clean_date(today, what="day", required=False)
    if day > (today or clock.today()):
        raise ValidationError("An event is recorded once it has happened, not before.")


def record_holding(
    session: Session, *, actor: Actor, form: HoldingForm, today: date | None = None
) -> EquityHolding:
    """A new holding and the issue of its shares (the ledger begins with the issue)."""
    require(actor, "equity.record")
    if not isinstance(form, HoldingForm):
        raise ValidationError("Fill in the holding: company, class, date, shares and price.")
    if _nothing_chosen(form.company_id):
        raise ValidationError("Choose the company whose shares these are.")
    company_id = clean_id(form.company_id, what="company")
    share_class = clean_text(
        form.share_class,
        what="class of shares",
        column=EquityHolding.share_class,
        required=True,
        multiline=False,
    )
    certificate = clean_text(
        form.certificate, what="certificate", column=EquityHolding.certificate, multiline=False
    )
    agreement_id = (
        None
        if _nothing_chosen(form.agreement_id)
        else clean_id(form.agreement_id, what="agreement")
    )
    held_for = clean_choice(form.held_for, HeldFor, what="holder")
    issued_on = clean_date(form.issued_on, what="date the shares were issued")
    shares = clean_shares(form.shares, what="number of shares issued")
    price = clean_price(form.price, what="price per share at issue")
    note = clean_text(form.note, what="note", column=EquityHolding.note)
    _not_after_today(issued_on, today)
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(f"There is no company {company_id}.")
    agreement = _agreement_of(session, company, agreement_id) if agreement_id else None
    if (
        certificate
        and session.exec(
            select(EquityHolding.id).where(
                EquityHolding.company_id == company.id, EquityHolding.certificate == certificate
            )
        ).first()
    ):
        raise ValidationError(f"Certificate {certificate} of {company.name} is already recorded.")
    holding = EquityHolding(
        company_id=company.id,
        agreement_id=agreement_id,
        share_class=share_class,
        certificate=certificate,
        held_for=held_for.value,
        note=note,
        created_by_account_id=actor.account_id,
        created_by_name=actor.name,
    )
    session.add(holding)
    session.flush()
    issue = EquityEvent(
        holding_id=holding.id,
        kind=EventKind.ISSUE.value,
        occurred_on=issued_on,
        shares=shares,
        price_micros=ledger.price_to_micros(price),
        created_by_account_id=actor.account_id,
        created_by_name=actor.name,
    )
    session.add(issue)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="equity.holding_recorded",
        object_type="equity_holding",
        object_id=holding.id,
        after={
            "company": company.name,
            "class": share_class,
            "certificate": certificate,
            "agreement": agreement.number if agreement else None,
            "held_for": held_for.value,
            "issued_on": issued_on.isoformat(),
            "shares": shares,
            "price": str(price),
        },
    )
    return holding


def _agreement_of(session: Session, company: Company, agreement_id: int) -> Agreement:
    """The agreement, once it is one of the company's own."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound(f"There is no agreement {agreement_id}.")
    if agreement.company_id != company.id:
        raise ValidationError(
            f"{agreement.number} is not an agreement with {company.name}; choose one of its own."
        )
    return agreement


def name_license(
    session: Session, *, actor: Actor, holding_id: int, agreement_id: int
) -> EquityHolding:
    """Name the license a holding's shares came from (recorded without one), so that its
    sales can be shared under the policy. Once named, it stays: its sales are that license's
    income."""
    require(actor, "equity.record")
    if _nothing_chosen(agreement_id):
        raise ValidationError("Choose the license the shares came from.")
    agreement_id = clean_id(agreement_id, what="agreement")
    holding = _holding(session, holding_id, lock=True)
    if holding.agreement_id is not None:
        raise ValidationError("This holding already names the license its shares came from.")
    company = session.get(Company, holding.company_id)
    agreement = _agreement_of(session, company, agreement_id)
    holding.agreement_id = agreement.id
    session.add(holding)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="equity.license_named",
        object_type="equity_holding",
        object_id=holding.id,
        before={"agreement": None},
        after={"agreement": agreement.number},
    )
    return holding


@dataclass(frozen=True)
class _CheckedEvent:
    holding: EquityHolding
    event: ledger.Event
    note: str
    after: ledger.Totals  # the holding with the event


def _checked_event(
    session: Session, actor: Actor, form: object, today: date | None, *, lock: bool
) -> _CheckedEvent:
    """The event read and checked against the holding as the ledger sees it; nothing written."""
    require(actor, "equity.record")
    if not isinstance(form, EventForm):
        raise ValidationError("Fill in the event: holding, kind and date.")
    if _nothing_chosen(form.holding_id):
        raise ValidationError("Choose the holding the event is about.")
    kind = clean_choice(form.kind, EventKind, what="kind of event")
    if kind is EventKind.SALE:
        require(actor, "equity.sell")  # its cash becomes income
    holding = _holding(session, form.holding_id, lock=lock)
    occurred_on = clean_date(form.occurred_on, what="date of the event")
    _not_after_today(occurred_on, today)
    what = kind.label.lower()
    shares = 0
    if kind in SHARES_OF:
        shares = clean_shares(form.shares, what=f"number of shares of the {what}")
    elif not _nothing_chosen(form.shares):
        raise ValidationError(f"A {what} changes no number of shares by itself; leave it empty.")
    ratio = clean_ratio(form.ratio, what=f"ratio of the {what}")
    if kind in RATIO_OF and ratio is None:
        raise ValidationError(
            f"Give the ratio of the {what}: new shares for old ones, such as 2:1."
        )
    if kind not in RATIO_OF and ratio is not None:
        raise ValidationError(f"A {what} has no ratio; leave it empty.")
    price = clean_price(
        form.price, what=f"price per share of the {what}", required=kind not in PRICE_OPTIONAL
    )
    note = clean_text(form.note, what="note", column=EquityEvent.note)
    event = ledger.Event(kind, occurred_on, shares=shares, price=price, ratio=ratio)
    stored = _events(session, [holding.id]).get(holding.id, [])
    after = ledger.totals([*(_ledger_event(row) for row in stored), event])
    return _CheckedEvent(holding, event, note, after)


@dataclass(frozen=True)
class SalePreview:
    """What a sale brings and where its cash goes, shown before it is confirmed."""

    proceeds: Decimal
    shares_left: int
    becomes_income: bool
    agreement_number: str | None
    technologies: list[str]  # the dockets that share it under the policy
    reason: str  # why it becomes no income, when it does not


def _technologies(session: Session, agreement_id: int) -> list[str]:
    from tlo.disclosures.models import Disclosure

    return list(
        session.exec(
            select(Disclosure.docket)
            .join(AgreementTechnology, AgreementTechnology.disclosure_id == Disclosure.id)
            .where(AgreementTechnology.agreement_id == agreement_id)
            .order_by(Disclosure.docket)
        ).all()
    )


def _sale_income(session: Session, checked: _CheckedEvent) -> SalePreview:
    """Whether the sale's cash becomes income, of which agreement; refused when it should and
    cannot (the holding names no license)."""
    holding, event = checked.holding, checked.event
    proceeds = ledger.sale_proceeds(event.shares, event.price)
    left = checked.after.shares
    if holding.held_for == HeldFor.INVENTORS.value:
        return SalePreview(
            proceeds, left, False, None, [], "The shares are the inventors': the cash is theirs."
        )
    if proceeds == 0:
        return SalePreview(proceeds, left, False, None, [], "The sale brings no cash.")
    if holding.agreement_id is None:
        raise ValidationError(
            "This holding names no license it came from, so its sale could not be shared "
            "under the policy: name the holding's license first."
        )
    agreement = session.get(Agreement, holding.agreement_id)
    return SalePreview(
        proceeds, left, True, agreement.number, _technologies(session, agreement.id), ""
    )


def preview_sale(
    session: Session, *, actor: Actor, form: EventForm, today: date | None = None
) -> SalePreview:
    """A sale checked as `record_event` would check it, and what it would bring; nothing is
    written."""
    checked = _checked_event(session, actor, form, today, lock=False)
    if checked.event.kind is not EventKind.SALE:
        raise ValidationError("Only a sale is previewed; choose the kind Sale.")
    return _sale_income(session, checked)


def record_event(
    session: Session, *, actor: Actor, form: EventForm, today: date | None = None
) -> EquityEvent:
    """A later event of a holding, once the ledger accepts the holding with it. A sale of the
    university's shares records its cash as equity income of the holding's license."""
    checked = _checked_event(session, actor, form, today, lock=True)
    holding, event = checked.holding, checked.event
    income = None
    if event.kind is EventKind.SALE:
        sale = _sale_income(session, checked)
        if sale.becomes_income:
            company = session.get(Company, holding.company_id)
            income = revenue.record_income(
                session,
                actor=actor,
                form=revenue.IncomeForm(
                    agreement_id=holding.agreement_id,
                    received_on=event.on,
                    income_type=IncomeType.EQUITY,
                    amount=sale.proceeds,
                    licensee_reference=holding.certificate,
                    note=(
                        f"Sale of {event.shares:,} {holding.share_class} shares of "
                        f"{company.name} at ${event.price} a share (equity holding {holding.id})"
                    ),
                ),
                today=today,
            )
    row = EquityEvent(
        holding_id=holding.id,
        kind=event.kind.value,
        occurred_on=event.on,
        shares=event.shares,
        price_micros=None if event.price is None else ledger.price_to_micros(event.price),
        ratio_new=None if event.ratio is None else event.ratio.numerator,
        ratio_old=None if event.ratio is None else event.ratio.denominator,
        income_id=income.id if income else None,
        note=checked.note,
        created_by_account_id=actor.account_id,
        created_by_name=actor.name,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="equity.event_recorded",
        object_type="equity_holding",
        object_id=holding.id,
        after={
            "kind": event.kind.value,
            "on": event.on.isoformat(),
            "shares": event.shares or None,
            "price": None if event.price is None else str(event.price),
            "ratio": ratio_text(row.ratio_new, row.ratio_old) or None,
            "income": income.id if income else None,
            "shares_after": checked.after.shares,
        },
    )
    return row


def void_event(session: Session, *, actor: Actor, event_id: int, reason: str) -> EquityEvent:
    """Void an event recorded by mistake: it stays, marked voided (who, when, why), and the
    ledger no longer reads it, once the holding's other events still make sense without it.
    A sale's income is voided with it (only while nothing of it is posted: a posted
    distribution is reversed first, on the Income page). Then record the event as it was."""
    require(actor, "equity.record")
    reason = clean_text(reason, what="reason for voiding", column=EquityEvent.void_reason)
    if not reason:
        raise ValidationError("Say why the event is voided.")
    event_id = clean_id(event_id, what="event")
    found = session.get(EquityEvent, event_id)
    if found is None:
        raise NotFound(f"There is no event {event_id}.")
    holding = _holding(session, found.holding_id, lock=True)
    row = session.get(EquityEvent, event_id)
    session.refresh(row)  # as it stands now that the holding is locked
    if row.voided:
        raise ValidationError(
            f"This event was already voided by {row.voided_by_name} on "
            f"{clock.office_date(row.voided_at)}."
        )
    if row.kind == EventKind.SALE.value:
        require(actor, "equity.sell")
    others = [e for e in _events(session, [holding.id]).get(holding.id, []) if e.id != row.id]
    try:
        after = ledger.totals([_ledger_event(e) for e in others])
    except ValidationError as err:
        raise ValidationError(
            f"Without this {EventKind(row.kind).label.lower()} the holding's other events no "
            f"longer make sense ({err}) Void the later events first."
        ) from None
    row.voided_at = clock.utcnow()
    row.voided_by_account_id = actor.account_id
    row.voided_by_name = actor.name
    row.void_reason = reason
    session.add(row)
    session.flush()
    if row.income_id is not None:
        revenue.void_income(session, actor=actor, income_id=row.income_id, reason=reason)
    audit.record(
        session,
        actor=actor,
        action="equity.event_voided",
        object_type="equity_holding",
        object_id=holding.id,
        before={"kind": row.kind, "on": row.occurred_on.isoformat(), "income": row.income_id},
        after={"reason": reason, "shares_after": after.shares},
    )
    return row


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldingView:
    holding: EquityHolding
    company: str
    agreement_number: str | None
    totals: ledger.Totals

    @property
    def label(self) -> str:
        certificate = self.holding.certificate
        shown = f" · certificate {certificate}" if certificate else ""
        return f"{self.company} · {self.holding.share_class}{shown}"


@dataclass(frozen=True)
class EquityOverview:
    holdings: list[HoldingView]
    cost_basis: Decimal  # of the shares still held
    value: Decimal  # at the last known prices
    proceeds: Decimal  # realized by every sale so far


def holdings(session: Session, *, actor: Actor) -> EquityOverview:
    """Every holding with its shares, cost basis, last known value and proceeds, by company;
    and their totals. (An office holds tens of them: each is worked out from its events.)"""
    require(actor, "equity.read")
    rows = session.exec(
        select(EquityHolding, Company.name, Agreement)
        .join(Company, Company.id == EquityHolding.company_id)
        .outerjoin(Agreement, Agreement.id == EquityHolding.agreement_id)
        .order_by(Company.name, EquityHolding.share_class, EquityHolding.id)
    ).all()
    events = _events(session, [holding.id for holding, _, _ in rows])
    views = [
        HoldingView(
            holding,
            company,
            agreement.number if agreement else None,
            ledger.totals([_ledger_event(row) for row in events[holding.id]]),
        )
        for holding, company, agreement in rows
    ]
    return EquityOverview(
        views,
        cost_basis=sum((v.totals.cost_basis for v in views), Decimal("0.00")),
        value=sum((v.totals.value or Decimal(0) for v in views), Decimal("0.00")),
        proceeds=sum((v.totals.proceeds for v in views), Decimal("0.00")),
    )


@dataclass(frozen=True)
class EventView:
    """An event as the page lists it; a voided one too, marked so (the ledger reads none)."""

    event: EquityEvent
    kind: EventKind
    price: Decimal | None
    ratio: str
    proceeds: Decimal | None  # a sale's cash


def events_of(session: Session, *, actor: Actor, holding_id: int) -> list[EventView]:
    require(actor, "equity.read")
    holding = _holding(session, holding_id)
    return [
        EventView(
            row,
            EventKind(row.kind),
            None if row.price_micros is None else ledger.micros_to_price(row.price_micros),
            ratio_text(row.ratio_new, row.ratio_old),
            ledger.sale_proceeds(row.shares, ledger.micros_to_price(row.price_micros))
            if row.kind == EventKind.SALE.value
            else None,
        )
        for row in _events(session, [holding.id], voided=True).get(holding.id, [])
    ]


@dataclass(frozen=True)
class CompanyChoice:
    company_id: int
    name: str
    agreements: list[tuple[int, str]]  # id, "AGR-00042 · title"


def holding_choices(session: Session, *, actor: Actor) -> list[CompanyChoice]:
    """The companies a holding may be of: those the office has an agreement with (equity
    comes with a license), each with its agreements."""
    require(actor, "equity.record")
    rows = session.exec(
        select(Company.id, Company.name, Agreement)
        .join(Agreement, Agreement.company_id == Company.id)
        .order_by(Company.name, Company.id, Agreement.id)
    ).all()
    choices: dict[int, CompanyChoice] = {}
    for company_id, name, agreement in rows:
        choice = choices.setdefault(company_id, CompanyChoice(company_id, name, []))
        choice.agreements.append((agreement.id, f"{agreement.number} · {agreement.title}"))
    return list(choices.values())
