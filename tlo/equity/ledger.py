"""Pure arithmetic of one holding's events: shares held, cost basis, last known value and
realized proceeds. No database, no clock: the services will feed it rows in date order.

Money is Decimal. Per-share prices can have more than two decimals ($0.0001 par), so the
database will keep them in micro-dollars (an integer: $0.0001 = 100); totals are rounded to the
cent only where they become money (cost basis, value, proceeds), half-up.
Shares are whole numbers; a split that would leave a fraction of a share is refused (the
company pays cash for fractions; record that as a sale).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from tlo.errors import ValidationError

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")


class EventKind(StrEnum):
    ISSUE = "issue"  # shares received (at a price per share: the cost basis)
    SPLIT = "split"  # ratio new:old, e.g. 2 for a 2-for-1; 1/10 for a reverse split
    DILUTION = "dilution"  # a new round: shares unchanged, a new price per share (the value)
    CONVERSION = "conversion"  # preferred to common at a ratio; cost basis carried over
    ACQUISITION = "acquisition"  # shares exchanged for the acquirer's at a ratio and price
    IPO = "ipo"  # listed: a price per share (the value), shares unchanged
    SALE = "sale"  # shares sold at a price per share: proceeds

    @property
    def label(self) -> str:
        return {"ipo": "IPO"}.get(self.value, self.value.capitalize())


@dataclass(frozen=True)
class Event:
    kind: EventKind
    on: date
    shares: int = 0  # issue, sale
    price: Decimal | None = None  # per share, dollars
    # Split, conversion, acquisition: new shares per old share. The tables keep it as two whole
    # numbers and give a Fraction (1 for 3 is exactly a third); a Decimal works too.
    ratio: Decimal | Fraction | None = None


@dataclass(frozen=True)
class Totals:
    shares: int
    cost_basis: Decimal  # of the shares still held, cents
    last_price: Decimal | None  # per share, as last known
    last_priced_on: date | None
    proceeds: Decimal  # realized by sales, cents (each sale's rounded to the cent)
    cost_of_sold: Decimal  # cost basis of the shares sold, cents

    @property
    def value(self) -> Decimal | None:
        if self.last_price is None:
            return None
        return money(self.last_price * self.shares)

    @property
    def gain(self) -> Decimal:
        return self.proceeds - self.cost_of_sold


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def sale_proceeds(shares: int, price: Decimal) -> Decimal:
    """The cash one sale brings, to the cent: what becomes its income."""
    return money(price * shares)


def price_to_micros(price: Decimal) -> int:
    """A per-share price as the database keeps it; refused if finer than a millionth."""
    micros = price / MICRO
    if micros != micros.to_integral_value():
        raise ValidationError(f"A price per share is kept to six decimals; {price} has more.")
    return int(micros)


def micros_to_price(micros: int) -> Decimal:
    return (Decimal(micros) * MICRO).normalize()


def _need_price(event: Event) -> Decimal:
    if event.price is None or event.price < 0:
        raise ValidationError(f"A {event.kind.label.lower()} needs a price per share of 0 or more.")
    return event.price


def _need_ratio(event: Event, shares: int) -> int:
    if event.ratio is None or event.ratio <= 0:
        raise ValidationError(f"A {event.kind.label.lower()} needs a ratio above zero.")
    after = shares * event.ratio
    whole = (
        after.denominator == 1
        if isinstance(after, Fraction)
        else after == after.to_integral_value()
    )
    if not whole:
        raise ValidationError(
            f"A {event.kind.label.lower()} of {shares} shares at {event.ratio} leaves a fraction "
            "of a share; record the cash paid for the fraction as a sale first."
        )
    return int(after)


def _per_new_share(price: Decimal, ratio: Decimal | Fraction) -> Decimal:
    if isinstance(ratio, Fraction):
        return price * ratio.denominator / ratio.numerator
    return price / ratio


def totals(events: list[Event]) -> Totals:
    """The holding after its events, in the order given (which must be by date, issue first)."""
    shares = 0
    cost = Decimal(0)  # unrounded, dollars
    proceeds = Decimal(0)
    cost_sold = Decimal(0)
    price: Decimal | None = None
    priced_on: date | None = None
    first: date | None = None
    last: date | None = None
    for event in events:
        if first is None and event.kind is not EventKind.ISSUE:
            raise ValidationError("A holding begins with the issue of its shares.")
        if last is not None and event.on < last:
            raise ValidationError("Events are recorded in date order; this one is dated earlier.")
        if first is not None and event.on < first:
            raise ValidationError("No event can be dated before the shares were issued.")
        first = first or event.on
        last = event.on
        match event.kind:
            case EventKind.ISSUE:
                if event.shares <= 0:
                    raise ValidationError("An issue is of one share or more.")
                p = _need_price(event)
                shares += event.shares
                cost += p * event.shares
                price, priced_on = p, event.on
            case EventKind.SPLIT | EventKind.CONVERSION:
                shares = _need_ratio(event, shares)
                if event.price is not None:
                    price, priced_on = _need_price(event), event.on
                elif price is not None and event.kind is EventKind.SPLIT:
                    price = _per_new_share(price, event.ratio)
            case EventKind.ACQUISITION:
                shares = _need_ratio(event, shares)
                price, priced_on = _need_price(event), event.on
            case EventKind.DILUTION | EventKind.IPO:
                price, priced_on = _need_price(event), event.on
            case EventKind.SALE:
                if event.shares <= 0:
                    raise ValidationError("A sale is of one share or more.")
                if event.shares > shares:
                    raise ValidationError(
                        f"{event.shares} shares cannot be sold: {shares} are held."
                    )
                p = _need_price(event)
                sold_cost = cost * event.shares / shares  # average cost
                cost -= sold_cost
                cost_sold += sold_cost
                proceeds += sale_proceeds(event.shares, p)  # each sale's cash is cents
                shares -= event.shares
                price, priced_on = p, event.on
    return Totals(
        shares=shares,
        cost_basis=money(cost),
        last_price=price,
        last_priced_on=priced_on,
        proceeds=money(proceeds),
        cost_of_sold=money(cost_sold),
    )
