"""Money and percentages as users type them, read exactly: Decimal, never float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from tlo.errors import ValidationError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e12")  # far below the 64-bit cents the database holds


def parse_money(text: str | Decimal | int) -> Decimal:
    """An amount of dollars with at most two decimals ('$1,234.50' is 1234.50)."""
    try:
        amount = Decimal(str(text).replace(",", "").replace("$", "").strip() or "0")
    except InvalidOperation:
        raise ValidationError(f"{text!r} is not an amount; write it like 1234.56.") from None
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise ValidationError(f"{text!r} is not an amount tlo can take (at most $999 billion).")
    if amount != amount.quantize(CENT):
        raise ValidationError(f"An amount has at most two decimals: {text!r} has more.")
    return amount


def to_cents(amount: Decimal) -> int:
    return int(amount.quantize(CENT) * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def dollars(amount: Decimal) -> str:
    """An amount as people write it: $1,234.50, and -$902.22 for a reversal."""
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def parse_percent(text: str | Decimal | int, *, what: str = "A percentage") -> Decimal:
    """A percentage from 0 to 100 with at most two decimals ('3' or '3.5 %')."""
    try:
        value = Decimal(str(text).strip().rstrip("%").strip() or "0")
    except InvalidOperation:
        raise ValidationError(f"{what}: {text!r} is not a percentage.") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise ValidationError(f"{what} must be between 0 % and 100 %, not {text}.")
    if value != value.quantize(CENT):
        raise ValidationError(f"{what} has at most two decimals.")
    return value


def percent_to_bp(value: Decimal) -> int:
    """Hundredths of a percent: 3.5 % is 350."""
    return int(value * 100)


def bp_to_percent(bp: int) -> Decimal:
    return (Decimal(bp) / 100).quantize(CENT)
