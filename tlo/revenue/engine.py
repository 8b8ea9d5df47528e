"""The distribution engine: one income shared under a policy. Pure: no database, no clock.

`distribute(policy, amount=..., income_type=..., costs_outstanding=..., cumulative_before=...,
inventors=...)` runs the policy's steps that apply to the income type, in the order written:

- a fee takes its percentage of the gross income or of what is left, never more than is left;
- a costs step recovers the technology's unreimbursed patent costs, never more than is left
  (nor, with a cap, more than its share of the income); the rest stays outstanding;
- the split shares everything left. Its tiers are bands of the cumulative amount that entered
  the split: `cumulative_before` is what entered it for earlier incomes of the same agreement
  or technology (the caller counts it as the split's `tier_basis` says, and adds this
  distribution's `split_base` afterwards). One value serves every split step of a policy: a
  policy with one split for royalties and another for equity counts them together. An income
  that crosses a threshold is split in parts, each shared at its tier.

Money is exact until the end: every part is a `Fraction`, and a recipient's parts (two tiers,
two steps) are summed into one line. Then the lines are rounded to cents so that they add up
exactly to the income, by the largest-remainder method:

1. every line is rounded down to the cent;
2. the cents left over (fewer than there are lines) go one each to the lines with the largest
   remainders, that is the largest amounts cut off in step 1;
3. ties go to the line that comes first in the fixed order of lines, which is also the order
   in which they are listed: steps in policy order; within a split, inventors (in the order
   given), labs (same order), departments and schools (in the order of their first
   inventor), then named pools in the order written (across the tiers); a recipient paid by
   several steps takes the place of the first. The order depends on the policy and the
   inventors only, never on the amounts, so an income and the same income received in two
   parts break ties alike.

Every line is then within a cent of its exact amount, and lines of zero are left out.
`costs_recovered` is the rounded costs line; `costs_carried_forward` is what stays outstanding.
`split_base` is the exact amount that entered the split, rounded half up to the cent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from tlo.disclosures.rules import parse_share
from tlo.errors import ValidationError
from tlo.money import CENT, from_cents
from tlo.revenue.policy import (
    HUNDRED,
    CostsStep,
    FeeBase,
    FeeStep,
    Policy,
    SplitStep,
    format_percent,
)
from tlo.revenue.types import IncomeType, parse_income_type


class LineClass(StrEnum):
    POOL = "pool"
    COSTS = "costs"
    INVENTOR = "inventor"
    LAB = "lab"
    DEPARTMENT = "department"
    SCHOOL = "school"


COSTS_RECIPIENT = "patent costs"


@dataclass(frozen=True)
class InventorShare:
    name: str
    share: Decimal  # percent of the invention; the inventors' shares add up to 100
    department: str
    school: str
    person_id: int | None = None

    @property
    def lab(self) -> str:
        """The inventor's own research program, as a recipient."""
        return f"Lab of {self.name}"


@dataclass(frozen=True)
class Line:
    to: str
    klass: LineClass
    amount: Decimal
    rule: str  # how the amount was found, readable: "office fee: 15% of gross"
    person_id: int | None = None

    def as_json(self) -> dict:
        return {
            "to": self.to,
            "class": str(self.klass),
            "amount": f"{self.amount:.2f}",
            "rule": self.rule,
        }


@dataclass(frozen=True)
class Distribution:
    amount: Decimal
    costs_recovered: Decimal
    costs_carried_forward: Decimal
    split_base: Decimal  # what entered the split this time: add it to the cumulative amount
    lines: tuple[Line, ...]

    def as_json(self) -> dict:
        return {
            "amount": f"{self.amount:.2f}",
            "costs_recovered": f"{self.costs_recovered:.2f}",
            "costs_carried_forward": f"{self.costs_carried_forward:.2f}",
            "lines": [line.as_json() for line in self.lines],
        }


def format_money(amount: Decimal | Fraction) -> str:
    if isinstance(amount, Fraction):
        amount = Decimal(amount.numerator) / Decimal(amount.denominator)
    return f"${amount:,.2f}"


# --- checking the inputs ---------------------------------------------------------------------


def _money(value: Decimal, *, what: str, cents: bool = True) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValidationError(f"{what} must be an amount of money, not {value!r}.")
    value = Decimal(value)
    if not value.is_finite():
        raise ValidationError(f"{what} must be an amount of money, not {value}.")
    if value < 0:
        raise ValidationError(f"{what} cannot be negative: {value}.")
    if cents and value != value.quantize(CENT):
        raise ValidationError(f"{what} has at most two decimals: {value} has more.")
    return value


def _check_inventors(inventors: Sequence[InventorShare], split: SplitStep | None) -> None:
    uses = {
        key: split is not None and any(getattr(tier, key) for tier in split.tiers)
        for key in ("inventors", "labs", "departments", "schools")
    }
    if any(uses.values()) and not inventors:
        raise ValidationError(
            "Name at least one inventor with a share: the policy shares income with inventors."
        )
    names: set[str] = set()
    ids: set[int] = set()
    for inventor in inventors:
        if not inventor.name.strip():
            raise ValidationError("Every inventor needs a name.")
        if inventor.name in names or (inventor.person_id is not None and inventor.person_id in ids):
            raise ValidationError(f"{inventor.name} is listed twice; list each inventor once.")
        names.add(inventor.name)
        if inventor.person_id is not None:
            ids.add(inventor.person_id)
        try:
            parse_share(inventor.share)
        except ValidationError as err:
            raise ValidationError(f"{inventor.name}: {err}") from None
        if uses["departments"] and not inventor.department.strip():
            raise ValidationError(
                f"{inventor.name} has no department; the policy gives departments a share."
            )
        if uses["schools"] and not inventor.school.strip():
            raise ValidationError(
                f"{inventor.name} has no school; the policy gives schools a share."
            )
    total = sum((Decimal(inventor.share) for inventor in inventors), Decimal(0))
    if inventors and total != 100:
        raise ValidationError(
            f"Inventor shares add up to {total.normalize():f} %; they must add up to 100 %."
        )


# --- exact parts -----------------------------------------------------------------------------

# Where a recipient stands in the fixed order of lines: (step number, rank, index). Ranks within a
# split: inventors, labs, departments, schools, named pools. The order depends on the policy
# and the inventors only, never on the amounts, so one income and the same income in parts
# break rounding ties the same way.
Place = tuple[int, int, int]
_SPLIT_RANKS = {
    LineClass.INVENTOR: 1,
    LineClass.LAB: 2,
    LineClass.DEPARTMENT: 3,
    LineClass.SCHOOL: 4,
    LineClass.POOL: 5,
}


@dataclass
class _Part:
    """One recipient's exact amount, gathered across steps and tiers, and how it was found."""

    to: str
    klass: LineClass
    person_id: int | None
    place: Place
    exact: Fraction = Fraction(0)
    rules: list[str] = field(default_factory=list)


class _Parts:
    def __init__(self) -> None:
        self.by_recipient: dict[tuple[LineClass, str], _Part] = {}

    def add(
        self,
        place: Place,
        klass: LineClass,
        to: str,
        exact: Fraction,
        rule: str,
        person_id: int | None = None,
    ) -> None:
        """Add to a recipient's amount; a part of zero still fixes the recipient's place."""
        part = self.by_recipient.setdefault((klass, to), _Part(to, klass, person_id, place))
        part.place = min(part.place, place)
        if exact:
            part.exact += exact
            if rule not in part.rules:
                part.rules.append(rule)

    def in_order(self) -> list[_Part]:
        return sorted(self.by_recipient.values(), key=lambda part: part.place)


def _tier_label(split: SplitStep, number: int) -> str:
    if len(split.tiers) == 1:
        return "split"
    tier = split.tiers[number - 1]
    below = split.tiers[number - 2].up_to if number > 1 else None
    if below is None:
        band = f"up to {format_money(tier.up_to)}"
    elif tier.up_to is None:
        band = f"above {format_money(below)}"
    else:
        band = f"{format_money(below)} to {format_money(tier.up_to)}"
    return f"split tier {number} ({band})"


def _tier_portions(
    split: SplitStep, cumulative_before: Fraction, base: Fraction
) -> list[tuple[int, Fraction]]:
    """(tier number, amount) for each tier `base` reaches, counting on from `cumulative_before`."""
    start, end = cumulative_before, cumulative_before + base
    portions = []
    lower = Fraction(0)
    for number, tier in enumerate(split.tiers, start=1):
        upper = None if tier.up_to is None else Fraction(tier.up_to)
        portion = (end if upper is None else min(end, upper)) - max(start, lower)
        if portion > 0:
            portions.append((number, portion))
        if upper is not None:
            lower = upper
    return portions


def _groups(inventors: Sequence[InventorShare], attribute: str) -> list[list[InventorShare]]:
    """The inventors grouped by department or school, in the order of each group's first."""
    groups: dict[str, list[InventorShare]] = {}
    for inventor in inventors:
        groups.setdefault(getattr(inventor, attribute), []).append(inventor)
    return list(groups.values())


def _share_text(members: list[InventorShare]) -> str:
    def percent(value) -> str:
        return f"{Decimal(value).normalize():f}%"

    if len(members) == 1:
        return f"{members[0].name}'s {percent(members[0].share)} share"
    total = sum((Decimal(member.share) for member in members), Decimal(0))
    each = " + ".join(f"{member.name}'s {percent(member.share)}" for member in members)
    return f"{percent(total)} ({each})"


def _share_tier(
    parts: _Parts,
    step_number: int,
    split: SplitStep,
    tier_number: int,
    portion: Fraction,
    inventors: Sequence[InventorShare],
) -> None:
    tier = split.tiers[tier_number - 1]
    label = _tier_label(split, tier_number)

    def place(klass: LineClass, index: int) -> Place:
        return (step_number, _SPLIT_RANKS[klass], index)

    def by_shares(percent: Fraction, members: list[InventorShare]) -> Fraction:
        return portion * percent / HUNDRED * sum(Fraction(m.share) for m in members) / HUNDRED

    for index, inventor in enumerate(inventors):
        for key, klass, to in (
            ("inventors", LineClass.INVENTOR, inventor.name),
            ("labs", LineClass.LAB, inventor.lab),
        ):
            percent = getattr(tier, key)
            parts.add(
                place(klass, index),
                klass,
                to,
                by_shares(percent, [inventor]),
                f"{label}: {key} {format_percent(percent)}% × {_share_text([inventor])}",
                inventor.person_id,
            )
    for key, attribute, klass in (
        ("departments", "department", LineClass.DEPARTMENT),
        ("schools", "school", LineClass.SCHOOL),
    ):
        percent = getattr(tier, key)
        for index, members in enumerate(_groups(inventors, attribute)):
            parts.add(
                place(klass, index),
                klass,
                getattr(members[0], attribute),
                by_shares(percent, members),
                f"{label}: {key} {format_percent(percent)}% × {_share_text(members)}",
            )
    pool_names = list(dict.fromkeys(name for tier in split.tiers for name, _ in tier.pools))
    for pool, percent in tier.pools:
        parts.add(
            place(LineClass.POOL, pool_names.index(pool)),
            LineClass.POOL,
            pool,
            portion * percent / HUNDRED,
            f"{label}: {pool} {format_percent(percent)}%",
        )


# --- rounding --------------------------------------------------------------------------------


def round_largest_remainder(exact: Sequence[Fraction], total: int) -> list[int]:
    """Whole numbers (cents) for exact amounts (in cents) adding up to `total`: each rounded
    down, then the leftover one each to the largest remainders, ties to the earlier amount."""
    floors = [math.floor(amount) for amount in exact]
    leftover = total - sum(floors)
    if not 0 <= leftover <= len(exact):
        raise ValueError(f"{total} cannot be the rounded total of {list(exact)}.")
    by_remainder = sorted(range(len(exact)), key=lambda i: (floors[i] - exact[i], i))
    for index in by_remainder[:leftover]:
        floors[index] += 1
    return floors


# --- the distribution ------------------------------------------------------------------------


def distribute(
    policy: Policy,
    *,
    amount: Decimal,
    income_type: IncomeType | str,
    costs_outstanding: Decimal,
    cumulative_before: Decimal,
    inventors: Sequence[InventorShare],
) -> Distribution:
    """Share one income (allocated to one technology) under `policy`; see the module notes."""
    kind = parse_income_type(income_type)
    if not kind.is_shared:
        raise ValidationError(
            "A patent cost reimbursement pays back the technology's patent costs; it is not "
            "shared. Record it against the costs instead."
        )
    amount = _money(amount, what="The amount")
    costs_outstanding = _money(costs_outstanding, what="The costs outstanding")
    cumulative_before = _money(cumulative_before, what="The cumulative amount", cents=False)
    split = next((s for s in policy.steps_for(kind) if isinstance(s, SplitStep)), None)
    _check_inventors(inventors, split)

    gross = Fraction(amount)
    left = gross
    costs_left = Fraction(costs_outstanding)
    split_base = Fraction(0)
    parts = _Parts()
    for number, step in enumerate(policy.steps, start=1):
        if not step.applies_to(kind):
            continue
        if isinstance(step, FeeStep):
            fee = (gross if step.of is FeeBase.GROSS else left) * step.percent / HUNDRED
            rule = f"{step.pool} fee: {format_percent(step.percent)}% of {step.of}"
            if fee > left:
                fee, rule = left, f"{rule} (limited to what was left)"
            parts.add((number, 0, 0), LineClass.POOL, step.pool, fee, rule)
            left -= fee
        elif isinstance(step, CostsStep):
            recovered = min(costs_left, left)
            rule = f"patent costs recovered (of {format_money(costs_left)} outstanding"
            if step.cap_percent_of_gross is not None:
                recovered = min(recovered, gross * step.cap_percent_of_gross / HUNDRED)
                rule += f"; at most {format_percent(step.cap_percent_of_gross)}% of gross"
            parts.add((number, 0, 0), LineClass.COSTS, COSTS_RECIPIENT, recovered, f"{rule})")
            costs_left -= recovered
            left -= recovered
        else:
            split_base = left
            for tier_number, portion in _tier_portions(step, Fraction(cumulative_before), left):
                _share_tier(parts, number, step, tier_number, portion, inventors)
            left = Fraction(0)
    if left != 0:  # cannot happen: a policy is refused unless every income ends in a split
        raise AssertionError(f"{policy}: {left} of {amount} left after the split")

    produced = parts.in_order()
    cents = round_largest_remainder([part.exact * 100 for part in produced], int(amount * 100))
    lines = tuple(
        Line(part.to, part.klass, from_cents(cent), "; ".join(part.rules), part.person_id)
        for part, cent in zip(produced, cents, strict=True)
        if cent
    )
    costs_recovered = sum(
        (line.amount for line in lines if line.klass is LineClass.COSTS), CENT * 0
    )
    return Distribution(
        amount=amount.quantize(CENT),
        costs_recovered=costs_recovered,
        costs_carried_forward=(costs_outstanding - costs_recovered).quantize(CENT),
        split_base=from_cents(math.floor(split_base * 100 + Fraction(1, 2))),
        lines=lines,
    )
