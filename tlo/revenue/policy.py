"""Revenue-sharing policies as data: TOML files read, checked and chosen by date.

A policy is a name, the date it takes effect, which date that is counted on and ordered steps
(see `policies/stanford.toml`). `applies_by = "income"` (the default): the policy governs the
income received on or after `effective_from`; `applies_by = "disclosure"`: it governs the
income (received on or after `effective_from`) of inventions disclosed on or after it, so the
inventions reported before stay under the policy before (UC: 1997 and 1985). Of the policies
that govern an income, the one with the latest `effective_from` applies (`policy_in_force`).

The steps:

- `fee`: a percentage of the gross income (`of = "gross"`) or of what the steps before left
  (`of = "remaining"`) for a named pool, never more than what is left;
- `costs`: recovery of the technology's unreimbursed patent costs, up to what is left and, with
  `cap_percent_of_gross`, up to that share of the income;
- `split`: what is left, shared by tiers of the cumulative amount that entered the split (per
  agreement or per technology, `tier_basis`). In a tier, `inventors`, `labs`, `departments`
  and `schools` follow the inventors' shares; every other key is a named pool.

Any step may carry `income_types = [...]`: it then applies to those income types only. For every
shared income type exactly one split must apply and come last, so that everything is shared out.

An optional `[outside_inventors]` table says how the share of an outside co-inventor (a person
of another institution or of a company: no department of the university) is paid, since they
have no department or school of ours to follow:

- `paid_to = "inventor"` (the default): their inventors' (and labs') part goes to them
  personally, as to any inventor; `paid_to = "institution"`: it goes as one line to their
  institution (recipient class "institution"), which shares it by its own policy;
- `departments_and_schools`: where the department and school parts that follow their share go:
  `"institution"` (on their institution's line) or the name of a pool that keeps them
  (`"university"`, the default). Never to a department or school line.
`inventors_designate_department = true` lets each inventor say which department receives the
departmental share that follows their own (default false: their home department's); the
services apply a designation only under a policy that allows it.

Percentages are exact: "15", "33.34" or "100/3" (a TOML integer is accepted; a TOML float is
not, as it is not exact). Every problem is refused with a `ValidationError` naming it.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from pathlib import Path

from tlo.errors import ValidationError
from tlo.money import parse_money
from tlo.revenue.types import IncomeType, parse_income_type

HUNDRED = Fraction(100)


class StepKind(StrEnum):
    FEE = "fee"
    COSTS = "costs"
    SPLIT = "split"


class FeeBase(StrEnum):
    GROSS = "gross"  # the income itself
    REMAINING = "remaining"  # what the steps before left


class TierBasis(StrEnum):
    AGREEMENT = "agreement"
    TECHNOLOGY = "technology"


# The keys of a tier that follow the inventors' shares, in the order they are paid out.
INVENTOR_KEYS = ("inventors", "labs", "departments", "schools")
# Where an outside co-inventor's department and school parts may go besides a named pool.
INSTITUTION = "institution"


class AppliesBy(StrEnum):
    INCOME = "income"  # the date the income was received
    DISCLOSURE = "disclosure"  # the date the invention was disclosed (reported)


class OutsidePaidTo(StrEnum):
    INVENTOR = "inventor"  # to the person, as any inventor
    INSTITUTION = "institution"  # one line to their institution


class Step:
    """What every step has: the income types it is restricted to (None: all of them)."""

    income_types: frozenset[IncomeType] | None

    def applies_to(self, income_type: IncomeType) -> bool:
        return self.income_types is None or income_type in self.income_types


@dataclass(frozen=True)
class FeeStep(Step):
    pool: str
    percent: Fraction
    of: FeeBase
    income_types: frozenset[IncomeType] | None = None
    kind = StepKind.FEE


@dataclass(frozen=True)
class CostsStep(Step):
    cap_percent_of_gross: Fraction | None = None
    income_types: frozenset[IncomeType] | None = None
    kind = StepKind.COSTS


@dataclass(frozen=True)
class Tier:
    """One band of the cumulative split amount: from the tier before's up_to to `up_to`."""

    up_to: Decimal | None  # None for the last tier: everything above the tier before
    inventors: Fraction = Fraction(0)
    labs: Fraction = Fraction(0)
    departments: Fraction = Fraction(0)
    schools: Fraction = Fraction(0)
    pools: tuple[tuple[str, Fraction], ...] = ()  # named pools, in the order written

    @property
    def follows_inventors(self) -> bool:
        """Does any part of this tier go by the inventors' shares?"""
        return any(getattr(self, key) for key in INVENTOR_KEYS)


@dataclass(frozen=True)
class SplitStep(Step):
    tiers: tuple[Tier, ...]
    tier_basis: TierBasis | None = None  # may be left out when there is a single tier
    income_types: frozenset[IncomeType] | None = None
    kind = StepKind.SPLIT


@dataclass(frozen=True)
class OutsideInventors:
    """How an outside co-inventor's share is paid (the policy's `[outside_inventors]`)."""

    paid_to: OutsidePaidTo = OutsidePaidTo.INVENTOR
    # "institution", or the named pool that keeps the department and school parts.
    departments_and_schools: str = "university"

    @property
    def units_to_institution(self) -> bool:
        return self.departments_and_schools == INSTITUTION

    def describe(self) -> str:
        """In words, for the policies page and the README."""
        whom = (
            "to the co-inventor personally"
            if self.paid_to is OutsidePaidTo.INVENTOR
            else "as one line to their institution"
        )
        units = (
            "go to their institution's line"
            if self.units_to_institution
            else f"stay with {self.departments_and_schools}"
        )
        return (
            f"An outside co-inventor's share is paid {whom}; the department and school parts "
            f"that follow their share {units}."
        )


@dataclass(frozen=True)
class Policy:
    name: str
    effective_from: date
    steps: tuple[FeeStep | CostsStep | SplitStep, ...]
    source: str = ""  # the file it was read from, for messages
    outside: OutsideInventors = OutsideInventors()
    applies_by: AppliesBy = AppliesBy.INCOME
    # The inventors may say which department receives the departmental share that follows
    # their own (Stanford's policy lets them); else it is their home department's.
    inventors_designate_department: bool = False

    def steps_for(self, income_type: IncomeType | str) -> list[FeeStep | CostsStep | SplitStep]:
        kind = parse_income_type(income_type)
        return [step for step in self.steps if step.applies_to(kind)]

    def split_for(self, income_type: IncomeType | str) -> SplitStep:
        """The split that shares this type of income (its `tier_basis` tells the caller how
        to count the cumulative amount)."""
        return next(s for s in self.steps_for(income_type) if isinstance(s, SplitStep))

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from.isoformat()})"

    @property
    def by_disclosure(self) -> bool:
        return self.applies_by is AppliesBy.DISCLOSURE

    def governs(self, received: date, disclosed: date | None) -> bool:
        """Whether this policy governs an income received on `received` of an invention
        disclosed on `disclosed`; a policy by disclosure needs that date."""
        if received < self.effective_from:
            return False  # money received before a policy took effect is never under it
        if not self.by_disclosure:
            return True
        if disclosed is None:
            raise DisclosureDateNeeded(self)
        return disclosed >= self.effective_from


class DisclosureDateNeeded(ValidationError):
    """A policy by disclosure date was asked to choose without the invention's date: the
    caller names where that date is missing (`policy` says which policy needs it)."""

    def __init__(self, policy: Policy):
        self.policy = policy
        super().__init__(
            f"{policy.name} applies by the date the invention was disclosed (to inventions "
            f"disclosed from {policy.effective_from.isoformat()}); give the disclosure date."
        )


# --- reading percentages and amounts ---------------------------------------------------------

_PERCENT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(?:/\s*(\d+))?\s*%?\s*$", re.ASCII)


def parse_percentage(value: object, *, what: str) -> Fraction:
    """An exact percentage from 0 to 100: "15", "33.34", "100/3" or a whole number."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        if isinstance(value, float):
            raise ValidationError(
                f'{what}: write the percentage in quotes, e.g. "{value}": '
                "an unquoted decimal is a float, which is not exact."
            )
        raise ValidationError(f'{what} must be a percentage like "15", "33.34" or "100/3".')
    if isinstance(value, int):
        percent = Fraction(value)
    else:
        match = _PERCENT.match(value)
        if not match:
            raise ValidationError(
                f'{what}: {value!r} is not a percentage; write it like "15", "33.34" or "100/3".'
            )
        numerator, denominator = match.groups()
        if denominator is not None and int(denominator) == 0:
            raise ValidationError(f"{what}: {value!r} divides by zero.")
        percent = Fraction(Decimal(numerator)) / int(denominator or 1)
    if not 0 <= percent <= HUNDRED:
        raise ValidationError(
            f"{what} must be between 0 % and 100 %, not {format_percent(percent)} %."
        )
    return percent


def format_percent(percent: Fraction) -> str:
    """A percentage as people write it: 15, 33.34, or 33 1/3 when it has no decimal end."""
    denominator = percent.denominator
    while denominator % 2 == 0:
        denominator //= 2
    while denominator % 5 == 0:
        denominator //= 5
    if denominator == 1:  # a terminating decimal: show it exactly
        exact = Decimal(percent.numerator) / Decimal(percent.denominator)
        return f"{exact.normalize():f}"
    whole, rest = divmod(abs(percent.numerator), percent.denominator)
    sign = "-" if percent < 0 else ""
    return (
        f"{sign}{whole} {rest}/{percent.denominator}"
        if whole
        else f"{sign}{rest}/{percent.denominator}"
    )


def _amount(value: object, *, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(f'{what} must be an amount like "3000000" or "2500000.00".')
    try:
        amount = parse_money(value)
    except ValidationError as err:
        raise ValidationError(f"{what}: {err}") from None
    if amount <= 0:
        raise ValidationError(f"{what} must be above 0, not {value}.")
    return amount


# --- reading a policy ------------------------------------------------------------------------

_STEP_KEYS = {
    StepKind.FEE: ("kind", "pool", "percent", "of", "income_types"),
    StepKind.COSTS: ("kind", "cap_percent_of_gross", "income_types"),
    StepKind.SPLIT: ("kind", "tier_basis", "tiers", "income_types"),
}
_POLICY_KEYS = (
    "name",
    "effective_from",
    "applies_by",
    "inventors_designate_department",
    "steps",
    "outside_inventors",
)
_OUTSIDE_KEYS = ("paid_to", "departments_and_schools")


def _refuse_unknown_keys(table: dict, allowed: Sequence[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValidationError(
                f"{where}: unknown key {key!r}{hint}; it takes {', '.join(allowed)}."
            )


def _choice(value: object, choices: type[StrEnum], *, what: str):
    try:
        return choices(value)
    except (TypeError, ValueError):
        names = " or ".join(f'"{choice.value}"' for choice in choices)
        raise ValidationError(f"{what} = {value!r} is not allowed; use {names}.") from None


def _income_types(value: object, where: str) -> frozenset[IncomeType] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise ValidationError(f'{where}: income_types must be a list such as ["royalty"].')
    kinds = set()
    for item in value:
        try:
            kind = parse_income_type(item)
        except ValidationError as err:
            raise ValidationError(f"{where}: {err}") from None
        if not kind.is_shared:
            raise ValidationError(
                f"{where}: {kind} income is not shared (it pays back patent costs); "
                "leave it out of income_types."
            )
        kinds.add(kind)
    return frozenset(kinds)


def _fee(raw: dict, where: str) -> FeeStep:
    pool = raw.get("pool")
    if not isinstance(pool, str) or not pool.strip():
        raise ValidationError(f'{where}: name the pool the fee goes to, e.g. pool = "office".')
    if pool.strip() in INVENTOR_KEYS:
        raise ValidationError(
            f"{where}: a fee goes to a named pool; {pool!r} is shared by the split only."
        )
    if "percent" not in raw:
        raise ValidationError(f'{where}: give the fee\'s percent, e.g. percent = "15".')
    if "of" not in raw:
        raise ValidationError(
            f'{where}: say what the fee is a percentage of: of = "gross" or of = "remaining".'
        )
    return FeeStep(
        pool=pool.strip(),
        percent=parse_percentage(raw["percent"], what=f"{where}: percent"),
        of=_choice(raw["of"], FeeBase, what=f"{where}: of"),
        income_types=_income_types(raw.get("income_types"), where),
    )


def _costs(raw: dict, where: str) -> CostsStep:
    cap = raw.get("cap_percent_of_gross")
    return CostsStep(
        cap_percent_of_gross=None
        if cap is None
        else parse_percentage(cap, what=f"{where}: cap_percent_of_gross"),
        income_types=_income_types(raw.get("income_types"), where),
    )


def _tier(raw: object, where: str, *, last: bool) -> Tier:
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} must be a table ([[steps.tiers]]).")
    if last and "up_to" in raw:
        raise ValidationError(
            f"{where} is the last tier and has up_to = {raw['up_to']!r}; the last tier has "
            "no up_to: it takes everything above the tier before."
        )
    if not last and "up_to" not in raw:
        raise ValidationError(
            f"{where} has no up_to; every tier but the last needs one "
            "(the cumulative amount at which it ends)."
        )
    up_to = _amount(raw["up_to"], what=f"{where}: up_to") if "up_to" in raw else None
    percents: dict[str, Fraction] = {}
    pools: list[tuple[str, Fraction]] = []
    for key, value in raw.items():
        if key == "up_to":
            continue
        close = difflib.get_close_matches(key, ("up_to", *INVENTOR_KEYS), n=1, cutoff=0.8)
        if close and key not in INVENTOR_KEYS:
            # Any other key names a pool, so a typo would quietly create one.
            raise ValidationError(f"{where}: unknown key {key!r}; did you mean {close[0]!r}?")
        percent = parse_percentage(value, what=f"{where}: {key}")
        if key in INVENTOR_KEYS:
            percents[key] = percent
        else:
            pools.append((key, percent))
    total = sum(percents.values(), Fraction(0)) + sum((p for _, p in pools), Fraction(0))
    if total != HUNDRED:
        raise ValidationError(
            f"{where}: the percentages add up to {format_percent(total)} %; "
            "they must add up to exactly 100 %."
        )
    return Tier(up_to=up_to, pools=tuple(pools), **percents)


def _split(raw: dict, where: str) -> SplitStep:
    raw_tiers = raw.get("tiers")
    if not isinstance(raw_tiers, list) or not raw_tiers:
        raise ValidationError(f"{where} has no tiers; add at least one [[steps.tiers]] table.")
    tiers = []
    for number, raw_tier in enumerate(raw_tiers, start=1):
        tier = _tier(raw_tier, f"{where}, tier {number}", last=number == len(raw_tiers))
        if tiers and tier.up_to is not None and tier.up_to <= tiers[-1].up_to:
            raise ValidationError(
                f"{where}, tier {number}: up_to {tier.up_to:,.2f} is not above tier "
                f"{number - 1}'s {tiers[-1].up_to:,.2f}; list the tiers with up_to increasing."
            )
        tiers.append(tier)
    basis = raw.get("tier_basis")
    if basis is None and len(tiers) > 1:
        raise ValidationError(
            f"{where}: with several tiers, say what the cumulative amount is counted per: "
            'tier_basis = "agreement" or "technology".'
        )
    return SplitStep(
        tiers=tuple(tiers),
        tier_basis=None
        if basis is None
        else _choice(basis, TierBasis, what=f"{where}: tier_basis"),
        income_types=_income_types(raw.get("income_types"), where),
    )


def _step(raw: object, number: int) -> FeeStep | CostsStep | SplitStep:
    if not isinstance(raw, dict):
        raise ValidationError(f"Step {number} must be a table ([[steps]]).")
    if "kind" not in raw:
        raise ValidationError(f'Step {number} has no kind; use kind = "fee", "costs" or "split".')
    try:
        kind = StepKind(raw["kind"])
    except (TypeError, ValueError):
        raise ValidationError(
            f"Step {number}: unknown kind {raw['kind']!r}; use fee, costs or split."
        ) from None
    where = f"Step {number} ({kind})"
    _refuse_unknown_keys(raw, _STEP_KEYS[kind], where)
    reader = {StepKind.FEE: _fee, StepKind.COSTS: _costs, StepKind.SPLIT: _split}[kind]
    return reader(raw, where)


def _effective_from(value: object) -> date:
    if value is None:
        raise ValidationError(
            "The policy has no effective_from date (e.g. effective_from = 2020-09-01)."
        )
    if isinstance(value, datetime):
        raise ValidationError(f"effective_from must be a date (YYYY-MM-DD), not a time: {value}.")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            f"effective_from must be a date written YYYY-MM-DD, not {value!r}."
        ) from None


def _outside(raw: object) -> OutsideInventors:
    if raw is None:
        return OutsideInventors()
    where = "[outside_inventors]"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} must be a table, with paid_to and departments_and_schools.")
    _refuse_unknown_keys(raw, _OUTSIDE_KEYS, where)
    paid_to = _choice(raw.get("paid_to", "inventor"), OutsidePaidTo, what=f"{where} paid_to")
    units = raw.get("departments_and_schools", OutsideInventors.departments_and_schools)
    if not isinstance(units, str) or not units.strip():
        raise ValidationError(
            f'{where}: departments_and_schools is "institution" or the name of the pool that '
            'keeps them, e.g. "university".'
        )
    units = units.strip()
    if units in INVENTOR_KEYS:
        raise ValidationError(
            f"{where}: departments_and_schools = {units!r} would pay an outside co-inventor's "
            'parts to the university\'s own; use "institution" or a pool such as "university".'
        )
    close = difflib.get_close_matches(units, (INSTITUTION,), n=1, cutoff=0.8)
    if close and units != INSTITUTION:
        # Any other word names a pool, so a typo would quietly create one.
        raise ValidationError(
            f"{where}: departments_and_schools = {units!r}; did you mean {INSTITUTION!r}?"
        )
    return OutsideInventors(paid_to=paid_to, departments_and_schools=units)


def _check_everything_is_shared(steps: Sequence[FeeStep | CostsStep | SplitStep]) -> None:
    """For each income type one split applies, after every other step that applies: the split
    shares out everything left, so a step after it would get nothing and a type without one
    would leave money with no one."""
    for income_type in IncomeType.shared():
        split_at = None
        for number, step in enumerate(steps, start=1):
            if not step.applies_to(income_type):
                continue
            if split_at is not None:
                raise ValidationError(
                    f"Step {number} ({step.kind}) comes after the split in step {split_at}, "
                    f"which shares out everything left of {income_type} income; move it "
                    "before the split or narrow the steps' income_types."
                )
            if isinstance(step, SplitStep):
                split_at = number
        if split_at is None:
            raise ValidationError(
                f"No split applies to {income_type} income, so what is left of it would go "
                "to no one; add a split for it (or widen a split's income_types)."
            )


def policy_from_toml(raw: dict, *, source: str = "") -> Policy:
    """A policy from an already parsed TOML document."""
    _refuse_unknown_keys(raw, _POLICY_KEYS, "The policy")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValidationError('The policy has no name (e.g. name = "Stanford University").')
    effective_from = _effective_from(raw.get("effective_from"))
    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ValidationError("The policy has no steps; add [[steps]] tables (fee, costs, split).")
    steps = tuple(_step(raw_step, number) for number, raw_step in enumerate(raw_steps, start=1))
    _check_everything_is_shared(steps)
    return Policy(
        name=name.strip(),
        effective_from=effective_from,
        steps=steps,
        source=source,
        outside=_outside(raw.get("outside_inventors")),
        applies_by=_choice(raw.get("applies_by", "income"), AppliesBy, what="applies_by"),
        inventors_designate_department=_flag(raw, "inventors_designate_department"),
    )


def _flag(raw: dict, key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise ValidationError(f"{key} is true or false, not {value!r}.")
    return value


def parse_policy(text: str, *, source: str = "") -> Policy:
    """A policy from the text of a TOML file."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ValidationError(f"The policy is not valid TOML: {err}.") from None
    return policy_from_toml(raw, source=source)


def load_policy(path: str | Path) -> Policy:
    """A policy file; its messages start with the file's name."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as err:
        raise ValidationError(f"Cannot read the policy {path}: {err.strerror or err}.") from None
    try:
        return parse_policy(text, source=str(path))
    except ValidationError as err:
        raise ValidationError(f"{path}: {err}") from None


def policies_in(folder: str | Path) -> list[Policy]:
    """Every policy (*.toml) in a folder, oldest first; two taking effect on one day are refused."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(f"There is no policies folder at {folder}.")
    policies = sorted(
        (load_policy(path) for path in sorted(folder.glob("*.toml"))),
        key=lambda policy: policy.effective_from,
    )
    _refuse_same_day(policies)
    return policies


def _refuse_same_day(policies: Iterable[Policy]) -> None:
    seen: dict[date, Policy] = {}
    for policy in policies:
        other = seen.setdefault(policy.effective_from, policy)
        if other is not policy:
            raise ValidationError(
                f"{other.source or other.name} and {policy.source or policy.name} both take "
                f"effect on {policy.effective_from.isoformat()}; only one policy can be in force."
            )


def policy_in_force(
    policies: Sequence[Policy], on: date, *, disclosed: date | None = None
) -> Policy:
    """The policy that governs an income received `on` (of an invention disclosed on
    `disclosed`): of those that govern it (see `Policy.governs`), the one with the latest
    effective_from. `DisclosureDateNeeded` when the choice depends on a disclosure date that
    was not given."""
    _refuse_same_day(policies)
    for policy in sorted(policies, key=lambda policy: policy.effective_from, reverse=True):
        if policy.governs(on, disclosed):
            return policy
    if not policies:
        raise ValidationError("There are no revenue-sharing policies; add one to policies/.")
    earliest = min(policies, key=lambda policy: policy.effective_from)
    if earliest.effective_from <= on:  # so it applies by disclosure, and disclosed is before
        raise ValidationError(
            f"No revenue-sharing policy governs an invention disclosed on "
            f"{disclosed.isoformat()}: the earliest, {earliest.name}, applies to inventions "
            f"disclosed from {earliest.effective_from.isoformat()}."
        )
    raise ValidationError(
        f"No revenue-sharing policy is in force on {on.isoformat()}: the earliest, "
        f"{earliest.name}, takes effect on {earliest.effective_from.isoformat()}."
    )
