"""A patent pool's statement allocated to the technologies we contributed (issue #19, item 3).
Pure: no database, no clock.

A pool (MPEG LA's MPEG-2 pool, say) licenses a standard and pays each licensor periodically;
its statement's total is ours to share, technology by technology, before each technology's
part is distributed under the policy like any royalty. Two rules:

- `PER_ESSENTIAL_PATENT_PER_COUNTRY`: every essential patent counts one in each country it is
  in force in, so a technology's part is its (technology, country) pairs over all of them;
- `AS_STATED`: the statement says what each technology earned; the parts follow those amounts
  (in proportion to them: a statement in the pool's own currency, or to more decimals than a
  cent, or a payment short of the statement by bank charges, still adds up to what arrived;
  amounts in cents that add up to the total are kept exactly as stated).

Either way the parts are exact fractions rounded together by the largest remainder
(`engine.round_largest_remainder`): they add up to the total to the cent, each within a cent
of its exact share, ties to the technology listed first.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from tlo.errors import ValidationError
from tlo.money import CENT
from tlo.revenue.engine import round_largest_remainder


class PoolRule(StrEnum):
    PER_ESSENTIAL_PATENT_PER_COUNTRY = "per_essential_patent_per_country"
    AS_STATED = "as_stated"


def _total_cents(total: Decimal) -> int:
    if isinstance(total, bool) or not isinstance(total, Decimal | int):
        raise ValidationError(f"The statement's total must be an amount of money, not {total!r}.")
    total = Decimal(total)
    if not total.is_finite() or total < 0:
        raise ValidationError(f"The statement's total must be an amount of 0 or more: {total}.")
    if total != total.quantize(CENT):
        raise ValidationError(f"The statement's total has at most two decimals: {total}.")
    return int(total * 100)


def _parts(total_cents: int, weights: dict[Hashable, Fraction]) -> list[tuple[Hashable, Decimal]]:
    whole = sum(weights.values(), Fraction(0))
    exact = [Fraction(total_cents) * weight / whole for weight in weights.values()]
    cents = round_largest_remainder(exact, total_cents)
    return [
        (technology, (Decimal(c) * CENT).quantize(CENT))
        for technology, c in zip(weights, cents, strict=True)
    ]


def per_essential_patent_per_country(
    total: Decimal, patents: Sequence[tuple[Hashable, str]]
) -> list[tuple[Hashable, Decimal]]:
    """(technology, part) for each technology, in the order of its first patent: the total
    shared by the (technology, country) pairs of the contributed essential patents, each
    counting one. A pair listed twice is refused (each counts once: say it once)."""
    cents = _total_cents(total)
    if not patents:
        raise ValidationError("List the contributed essential patents by technology and country.")
    seen: set[tuple[Hashable, str]] = set()
    counts: dict[Hashable, Fraction] = {}
    for technology, country in patents:
        if not isinstance(country, str) or not country.strip():
            raise ValidationError(f"Technology {technology}: name the country of each patent.")
        pair = (technology, country.strip().upper())
        if pair in seen:
            raise ValidationError(
                f"Technology {technology} is listed twice in {pair[1]}; an essential patent "
                "counts once per country."
            )
        seen.add(pair)
        counts[technology] = counts.get(technology, Fraction(0)) + 1
    return _parts(cents, counts)


def as_stated(
    total: Decimal, amounts: Sequence[tuple[Hashable, Decimal | str]]
) -> list[tuple[Hashable, Decimal]]:
    """(technology, part) for each technology as the statement lists them: the total shared
    in proportion to the statement's amounts (see the module notes)."""
    cents = _total_cents(total)
    weights: dict[Hashable, Fraction] = {}
    for technology, amount in amounts:
        try:
            value = Decimal(amount) if isinstance(amount, str | int | Decimal) else None
        except ArithmeticError:
            value = None
        if isinstance(amount, bool) or value is None or not value.is_finite():
            raise ValidationError(
                f"Technology {technology}: the statement's amount must be a number, not {amount!r}."
            )
        if value < 0:
            raise ValidationError(f"Technology {technology}: the statement's amount is below 0.")
        if technology in weights:
            raise ValidationError(
                f"Technology {technology} is listed twice; give each technology's amount once."
            )
        weights[technology] = Fraction(value)
    if not weights:
        raise ValidationError("The statement lists no technology; nothing to allocate to.")
    if sum(weights.values()) == 0:
        if cents:
            raise ValidationError(
                f"The statement's amounts are all 0, so they say nothing of how to share {total}."
            )
        return [(technology, Decimal("0.00")) for technology in weights]
    return _parts(cents, weights)


def allocate_statement(
    total: Decimal,
    *,
    rule: PoolRule | str,
    patents: Sequence[tuple[Hashable, str]] = (),
    amounts: Sequence[tuple[Hashable, Decimal | str]] = (),
) -> list[tuple[Hashable, Decimal]]:
    """A statement's total allocated to the technologies by the pool's rule."""
    try:
        rule = PoolRule(rule)
    except ValueError:
        names = " or ".join(f'"{choice.value}"' for choice in PoolRule)
        raise ValidationError(f"{rule!r} is not a pool's rule; use {names}.") from None
    if rule is PoolRule.PER_ESSENTIAL_PATENT_PER_COUNTRY:
        if amounts:
            raise ValidationError("This pool shares per patent; the amounts are not used.")
        return per_essential_patent_per_country(total, patents)
    if patents:
        raise ValidationError("This pool's statement says the amounts; the patents are not used.")
    return as_stated(total, amounts)
