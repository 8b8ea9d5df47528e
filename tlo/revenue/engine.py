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

Money is exact until the end: every part is an exact fraction of a cent, and a recipient's
parts (two tiers, two steps) are summed into one line. Then the lines are rounded to cents so
that they add up exactly to the income, by the largest-remainder method:

1. every line is rounded down to the cent;
2. the cents left over (fewer than there are lines) go one each to the lines with the largest
   remainders, that is the largest amounts cut off in step 1;
3. ties go to the line that comes first in the fixed order of lines, which is also the order
   in which they are listed: steps in policy order; within a split, inventors (in the order
   given), labs (same order), departments and schools (in the order of their first
   inventor), outside co-inventors' institutions (likewise), then named pools in the order
   written (across the tiers; a pool named only by the policy's `[outside_inventors]` comes
   after them); a recipient paid by several steps takes the place of the first. The order
   depends on the policy and the inventors only, never on the amounts, so an income and the
   same income received in two parts break ties alike.

Every line is then within a cent of its exact amount, and lines of zero are left out.
`costs_recovered` is the rounded costs line; `costs_carried_forward` is what stays outstanding.
`split_base` is the exact amount that entered the split, rounded half up to the cent.

An outside co-inventor (`InventorShare.institution` set: someone of another institution or a
company, with no department of ours) has no department or school to follow: their department
and school parts go where the policy's `[outside_inventors]` says (their institution's line, or
a named pool), and their inventors' and labs' parts to them personally or to their institution.
So an outside person is never paid as a department or school.

How, fast enough for an annual run of 100,000 payments (about 25 microseconds an income): what
depends only on the policy, the income type and the inventors (who may be paid, in which
order, by which weights, in which words) is prepared once into a plan and kept (PLANS_KEPT, the
technologies seen last), and each income is then shared in whole numbers over one common
denominator (see `_PolicyPlan`), which is the exact arithmetic of fractions without them.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from tlo.disclosures.rules import parse_share
from tlo.errors import ValidationError
from tlo.money import CENT, from_cents
from tlo.revenue.policy import (
    HUNDRED,
    INVENTOR_KEYS,
    CostsStep,
    FeeBase,
    FeeStep,
    OutsidePaidTo,
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
    INSTITUTION = "institution"  # an outside co-inventor's institution or company
    CO_OWNER = "co_owner"  # another owner under an inter-institutional agreement (arrangements)
    AGENT = "agent"  # a collection or assertion agent's share (arrangements)


COSTS_RECIPIENT = "patent costs"
# How many plans (policy, income type, a technology's inventors) are kept prepared; one takes
# a few kilobytes, and an annual run meets each technology it pays many times.
PLANS_KEPT = 4096


@dataclass(frozen=True)
class InventorShare:
    name: str
    share: Decimal  # percent of the invention; the inventors' shares add up to 100
    department: str  # "" for an outside co-inventor
    school: str
    person_id: int | None = None
    # An outside co-inventor's institution (or company); None for the university's own.
    institution: str | None = None

    @property
    def lab(self) -> str:
        """The inventor's own research program, as a recipient."""
        return f"Lab of {self.name}"

    @property
    def is_outside(self) -> bool:
        return self.institution is not None


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
    notes: tuple[str, ...] = ()  # what the reader should know of how it was shared

    def as_json(self) -> dict:
        shown = {
            "amount": f"{self.amount:.2f}",
            "costs_recovered": f"{self.costs_recovered:.2f}",
            "costs_carried_forward": f"{self.costs_carried_forward:.2f}",
            "lines": [line.as_json() for line in self.lines],
        }
        return shown | ({"notes": list(self.notes)} if self.notes else {})


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
        if inventor.is_outside:
            if not inventor.institution.strip():
                raise ValidationError(
                    f"{inventor.name} is an outside co-inventor: name their institution."
                )
            continue  # no department or school of ours to follow
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


# --- the plan: who may be paid, in which order, by which weights -----------------------------

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
    LineClass.INSTITUTION: 5,
    LineClass.POOL: 6,
}
# The split's keys that follow the inventors' shares: (key, class, what names the recipient).
_BY_INVENTOR = (("inventors", LineClass.INVENTOR), ("labs", LineClass.LAB))
_BY_GROUP = (
    ("departments", "department", LineClass.DEPARTMENT),
    ("schools", "school", LineClass.SCHOOL),
)
# A tier's percentage of a portion, times shares in hundredths of a percent (whole numbers, as
# parse_share allows two decimals), over one million is a recipient's fraction of the portion.
_MILLION = 1_000_000
_WHOLE_SHARE = 10_000  # 100 % in hundredths of a percent: a named pool's "share"


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


def _sum_text(parts: list[tuple[str, int, str]]) -> str:
    """ "departments 24.66%", or "(departments 24.66% + schools 21%)" for several parts."""
    words = " + ".join(f"{key} {percent}%" for key, _, percent in parts)
    return f"({words})" if len(parts) > 1 else words


def _outside(count: int) -> str:
    return "outside co-inventor" if count == 1 else "outside co-inventors"


class _PolicyPlan:
    """What a policy does to the income types whose steps are these, prepared once: each
    step's fraction and words, and each tier's band and percentages as whole numbers.

    The arithmetic is exact in whole numbers. Before the split every amount is counted in
    units of 1/Q cent, Q the product of the denominators of the fees' and caps' fractions
    and of the tiers' thresholds in cents: a fee of the gross or of what the steps before
    left is then a whole number of units, by induction over the steps. In the split a
    recipient's part is the portion (whole units) times its weight, a whole number over one
    common denominator W. So every part is an integer over Q x W, and rounding it to cents
    by largest remainder needs only integer division.
    """

    def __init__(self, policy: Policy, applies: tuple[bool, ...]):
        self.policy = policy
        self.q = 1
        self.steps: list[tuple] = []
        self.split: SplitStep | None = None
        bands = []
        for number, (step, applying) in enumerate(zip(policy.steps, applies, strict=True), 1):
            if not applying:
                continue
            if isinstance(step, FeeStep):
                fraction = step.percent / HUNDRED
                self.q *= fraction.denominator
                rule = f"{step.pool} fee: {format_percent(step.percent)}% of {step.of}"
                of_gross = step.of is FeeBase.GROSS
                self.steps.append(("fee", number, step.pool, fraction, of_gross, rule))
            elif isinstance(step, CostsStep):
                cap, cap_text = None, ""
                if step.cap_percent_of_gross is not None:
                    cap = step.cap_percent_of_gross / HUNDRED
                    self.q *= cap.denominator
                    cap_text = f"; at most {format_percent(step.cap_percent_of_gross)}% of gross"
                self.steps.append(("costs", number, cap, cap_text))
            else:
                self.split = step
                self.steps.append(("split", number))
                lower = Fraction(0)
                for tier in step.tiers:
                    upper = None if tier.up_to is None else Fraction(tier.up_to) * 100
                    if upper is not None:
                        self.q *= upper.denominator
                    bands.append((lower, upper))
                    lower = upper
        split = self.split
        tiers = split.tiers if split else ()
        percents = [getattr(t, key) for t in tiers for key in INVENTOR_KEYS]
        percents += [percent for t in tiers for _, percent in t.pools]
        self.w = math.lcm(1, *(percent.denominator for percent in percents)) * _MILLION

        def factor(percent: Fraction) -> int:
            """The weight of a share of one hundredth of a percent, over W."""
            return percent.numerator * (self.w // (percent.denominator * _MILLION))

        pool_names = list(dict.fromkeys(name for t in tiers for name, _ in t.pools))
        # Where an outside co-inventor's department and school parts go, when to a pool: its
        # place among the pools (after those the tiers name, if it is none of them).
        self.outside = policy.outside
        self.units_pool = None
        if not self.outside.units_to_institution:
            name = self.outside.departments_and_schools
            self.units_pool = (
                name,
                pool_names.index(name) if name in pool_names else len(pool_names),
            )
        # (lower, upper in units of 1/Q cent, label, {key: (factor, percent text)}, pools)
        self.tiers = []
        for number, (tier, (lower, upper)) in enumerate(zip(tiers, bands, strict=True), 1):
            self.tiers.append(
                (
                    int(lower * self.q),
                    None if upper is None else int(upper * self.q),
                    _tier_label(split, number),
                    {
                        key: (factor(getattr(tier, key)), format_percent(getattr(tier, key)))
                        for key in INVENTOR_KEYS
                    },
                    [
                        (
                            pool,
                            pool_names.index(pool),
                            factor(percent) * _WHOLE_SHARE,
                            format_percent(percent),
                        )
                        for pool, percent in tier.pools
                    ],
                )
            )


class _Plan:
    """How one policy shares one income type among one technology's inventors, prepared once:
    the recipients in the order of lines, their weights in each tier and the words of every
    rule. What depends on the amounts is left to `share`."""

    def __init__(self, prepared: _PolicyPlan, inventors: tuple[InventorShare, ...]):
        _check_inventors(inventors, prepared.split)
        self.prepared = prepared
        places: dict[tuple[LineClass, str], Place] = {}
        people: dict[tuple[LineClass, str], int | None] = {}

        def recipient(place: Place, klass: LineClass, to: str, person_id=None):
            key = (klass, to)
            if key not in places or place < places[key]:
                places[key] = place
            people.setdefault(key, person_id)
            return key

        steps = []
        split_number = 0
        for step in prepared.steps:
            if step[0] == "fee":
                _, number, pool, fraction, of_gross, rule = step
                key = recipient((number, 0, 0), LineClass.POOL, pool)
                steps.append(("fee", key, fraction, of_gross, rule))
            elif step[0] == "costs":
                _, number, cap, cap_text = step
                key = recipient((number, 0, 0), LineClass.COSTS, COSTS_RECIPIENT)
                steps.append(("costs", key, cap, cap_text))
            else:
                split_number = step[1]
                steps.append(("split",))
        # Each tier's (recipient, weight, rule), in the order of lines; a recipient with no
        # weight in a tier has no part in it.
        tiers = []
        if prepared.split is not None:
            shares = [int(Decimal(inventor.share) * 100) for inventor in inventors]
            texts = [_share_text([inventor]) for inventor in inventors]
            outside = prepared.outside
            personal_to_institution = outside.paid_to is OutsidePaidTo.INSTITUTION

            def grouped(attribute: str, indexes: list[int]) -> list[tuple[str, int, str]]:
                """(name, the members' shares, words) of the inventors `indexes` grouped by
                `attribute`, in the order of each group's first."""
                members: dict[str, list[int]] = {}
                for index in indexes:
                    members.setdefault(getattr(inventors[index], attribute), []).append(index)
                return [
                    (
                        name,
                        sum(shares[i] for i in group),
                        _share_text([inventors[i] for i in group]),
                    )
                    for name, group in members.items()
                ]

            ours = [i for i, inventor in enumerate(inventors) if not inventor.is_outside]
            theirs = [i for i, inventor in enumerate(inventors) if inventor.is_outside]
            # departments and schools (of our own inventors), outside institutions
            groups = {key: grouped(attribute, ours) for key, attribute, _ in _BY_GROUP}
            institutions = grouped("institution", theirs)
            # the outside co-inventors together, for the pool that keeps their units' parts
            kept = (
                (sum(shares[i] for i in theirs), _share_text([inventors[i] for i in theirs]))
                if theirs and prepared.units_pool is not None
                else None
            )
            # how many outside co-inventors a rule follows, for its words
            at_institution = Counter(inventors[i].institution for i in theirs)
            for _, _, label, keyed, pools in prepared.tiers:
                weights = []
                for index, inventor in enumerate(inventors):
                    if inventor.is_outside and personal_to_institution:
                        continue  # paid to their institution, below
                    for key, klass in _BY_INVENTOR:
                        factor, percent = keyed[key]
                        if factor:
                            to = inventor.name if klass is LineClass.INVENTOR else inventor.lab
                            where = (split_number, _SPLIT_RANKS[klass], index)
                            weights.append(
                                (
                                    recipient(where, klass, to, inventor.person_id),
                                    factor * shares[index],
                                    f"{label}: {key} {percent}% × {texts[index]}",
                                )
                            )
                for key, _, klass in _BY_GROUP:
                    factor, percent = keyed[key]
                    if factor:
                        for index, (to, share, text) in enumerate(groups[key]):
                            where = (split_number, _SPLIT_RANKS[klass], index)
                            weights.append(
                                (
                                    recipient(where, klass, to),
                                    factor * share,
                                    f"{label}: {key} {percent}% × {text}",
                                )
                            )
                # An outside co-inventor's parts that go to their institution: one weight and
                # one rule per institution in a tier ("inventors 33.34% + departments ...").
                to_institution = [
                    (key, *keyed[key])
                    for key in INVENTOR_KEYS
                    if keyed[key][0]
                    and (
                        personal_to_institution
                        if key in ("inventors", "labs")
                        else outside.units_to_institution
                    )
                ]
                if to_institution:
                    factor = sum(factor for _, factor, _ in to_institution)
                    words = _sum_text(to_institution)
                    for index, (to, share, text) in enumerate(institutions):
                        where = (split_number, _SPLIT_RANKS[LineClass.INSTITUTION], index)
                        weights.append(
                            (
                                recipient(where, LineClass.INSTITUTION, to),
                                factor * share,
                                f"{label}: {words} × {text} ({_outside(at_institution[to])})",
                            )
                        )
                for pool, index, weight, percent in pools:
                    if weight:
                        where = (split_number, _SPLIT_RANKS[LineClass.POOL], index)
                        weights.append(
                            (
                                recipient(where, LineClass.POOL, pool),
                                weight,
                                f"{label}: {pool} {percent}%",
                            )
                        )
                # An outside co-inventor's department and school parts kept by a pool.
                kept_parts = [(key, *keyed[key]) for key, _, _ in _BY_GROUP if keyed[key][0]]
                if kept is not None and kept_parts:
                    pool, index = prepared.units_pool
                    share, text = kept
                    factor = sum(factor for _, factor, _ in kept_parts)
                    words = _sum_text(kept_parts)
                    where = (split_number, _SPLIT_RANKS[LineClass.POOL], index)
                    weights.append(
                        (
                            recipient(where, LineClass.POOL, pool),
                            factor * share,
                            f"{label}: {words} × {text} ({_outside(len(theirs))}, kept by {pool})",
                        )
                    )
                tiers.append(weights)
        order = sorted(places, key=places.__getitem__)
        position = {key: number for number, key in enumerate(order)}
        self.recipients = [(to, klass, people[klass, to]) for klass, to in order]
        self.steps = [
            (step[0], position[step[1]], *step[2:]) if step[0] != "split" else step
            for step in steps
        ]
        self.tiers = [
            (lower, upper, [(position[key], weight) for key, weight, _ in weights])
            for (lower, upper, *_), weights in zip(prepared.tiers, tiers, strict=True)
        ]
        # A recipient's rules in a tier, joined: a pool that keeps an outside co-inventor's
        # department and school parts is paid by two rules of one tier.
        self.tier_rules = []
        for weights in tiers:
            rules: dict[int, list[str]] = {}
            for key, _, rule in weights:
                rules.setdefault(position[key], []).append(rule)
            self.tier_rules.append({at: "; ".join(found) for at, found in rules.items()})
        self.split_rules: dict[tuple[int, int], list[str]] = {}

    def _split_rules(self, first: int, last: int) -> list[str]:
        """Each recipient's rules from tiers `first` to `last` (the tiers an income reached),
        joined; kept, as they depend on the plan and the tiers only."""
        joined = self.split_rules.get((first, last))
        if joined is None:
            joined = [
                "; ".join(
                    rules[position]
                    for rules in self.tier_rules[first : last + 1]
                    if position in rules
                )
                for position in range(len(self.recipients))
            ]
            self.split_rules[first, last] = joined
        return joined

    def share(self, amount: Decimal, costs_outstanding: Decimal, cumulative_before: Decimal):
        """The distribution of one income; the amounts are checked by `distribute`."""
        cents = int(amount * 100)
        cumulative = cumulative_before * 100
        if cumulative == cumulative.to_integral_value():
            extra, cumulative = 1, int(cumulative)
        else:  # a cumulative amount in fractions of a cent: count in smaller units
            exact = Fraction(cumulative)
            extra, cumulative = exact.denominator, exact.numerator
        q, w = self.prepared.q * extra, self.prepared.w
        numerators = [0] * len(self.recipients)
        # The rules of the fee and costs steps (they come before the split's, and depend on
        # the amounts), by recipient.
        step_rules: dict[int, list[str]] = {}
        gross = left = cents * q
        costs_left = int(costs_outstanding * 100) * q
        split_base = 0
        reached: list[int] = []  # the tiers the split reached
        for step in self.steps:
            if step[0] == "fee":
                _, position, fraction, of_gross, rule = step
                fee = (gross if of_gross else left) * fraction.numerator // fraction.denominator
                if fee > left:
                    fee, rule = left, f"{rule} (limited to what was left)"
                if fee:
                    numerators[position] += fee * w
                    found = step_rules.setdefault(position, [])
                    if rule not in found:
                        found.append(rule)
                left -= fee
            elif step[0] == "costs":
                _, position, cap, cap_text = step
                recovered = min(costs_left, left)
                if cap is not None:
                    recovered = min(recovered, gross * cap.numerator // cap.denominator)
                if recovered:
                    numerators[position] += recovered * w
                    outstanding = (
                        from_cents(costs_left // q)
                        if costs_left % q == 0
                        else Fraction(costs_left, q * 100)
                    )
                    rule = (
                        f"patent costs recovered (of {format_money(outstanding)} outstanding"
                        f"{cap_text})"
                    )
                    found = step_rules.setdefault(position, [])
                    if rule not in found:
                        found.append(rule)
                costs_left -= recovered
                left -= recovered
            else:
                split_base = left
                start = cumulative * self.prepared.q
                end = start + left
                for number, (lower, upper, weights) in enumerate(self.tiers):
                    portion = (end if upper is None else min(end, upper * extra)) - max(
                        start, lower * extra
                    )
                    if portion > 0:
                        reached.append(number)
                        for position, weight in weights:
                            numerators[position] += portion * weight
                left = 0
        if left != 0:  # cannot happen: a policy is refused unless every income ends in a split
            raise AssertionError(f"{self.prepared.policy}: {left} of {amount} left after the split")
        # Largest remainder: round down, then a cent each to the largest remainders, ties to
        # the recipient that comes first.
        denominator = q * w
        rounded = [numerator // denominator for numerator in numerators]
        leftover = cents - sum(rounded)
        if leftover:
            by_remainder = sorted(
                (-(numerator % denominator), position)
                for position, numerator in enumerate(numerators)
            )
            for _, position in by_remainder[:leftover]:
                rounded[position] += 1
        split_rules = self._split_rules(reached[0], reached[-1]) if reached else None
        lines = []
        costs_recovered = CENT * 0
        for position, cent in enumerate(rounded):
            if not cent:
                continue
            to, klass, person_id = self.recipients[position]
            rule = split_rules[position] if split_rules else ""
            if position in step_rules:
                rule = "; ".join(step_rules[position] + ([rule] if rule else []))
            line = Line(to, klass, _dollars(cent), rule, person_id)
            if klass is LineClass.COSTS:
                costs_recovered = line.amount
            lines.append(line)
        return Distribution(
            amount=amount.quantize(CENT),
            costs_recovered=costs_recovered,
            costs_carried_forward=(costs_outstanding - costs_recovered).quantize(CENT),
            split_base=_dollars((2 * split_base + q) // (2 * q)),
            lines=tuple(lines),
        )


def _dollars(cents: int) -> Decimal:
    """Whole cents as dollars with two decimals (as `tlo.money.from_cents`, a little faster)."""
    return Decimal(cents).scaleb(-2)


class _Same:
    """A policy compared by identity: hashing a whole policy for every income would cost more
    than sharing the income."""

    __slots__ = ("policy",)

    def __init__(self, policy: Policy):
        self.policy = policy

    def __hash__(self) -> int:
        return id(self.policy)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.policy is self.policy


@functools.lru_cache(maxsize=256)
def _prepared(policy: _Same, kind: IncomeType) -> _PolicyPlan:
    """The policy prepared for an income type; types to which the same steps apply share it."""
    return _prepared_steps(policy, tuple(step.applies_to(kind) for step in policy.policy.steps))


@functools.lru_cache(maxsize=256)
def _prepared_steps(policy: _Same, applies: tuple[bool, ...]) -> _PolicyPlan:
    return _PolicyPlan(policy.policy, applies)


# Plans are kept for the technologies seen last: an annual run meets each one many times.
@functools.lru_cache(maxsize=PLANS_KEPT)
def _plan(prepared: _PolicyPlan, inventors: tuple[InventorShare, ...]) -> _Plan:
    return _Plan(prepared, inventors)


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
    return _plan(_prepared(_Same(policy), kind), tuple(inventors)).share(
        amount, costs_outstanding, cumulative_before
    )
