"""The distribution engine's arithmetic in whole numbers, fast enough for a million payments.

`tlo.revenue.engine.distribute` is the one home of how income is shared; it works in exact
fractions and explains every line, which costs about 0.4 ms a payment: 7 minutes for the
largest office's history alone. The generator needs the same lines, not the explanations, so
this module prepares once per (policy, income type, technology) the recipients and their
weights, and then shares each payment in integer arithmetic over one common denominator:
same steps, same order of lines, same largest-remainder rounding, same split base. A test
(tests/services/test_bench.py) checks it against the engine on many random payments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from tlo.revenue.engine import COSTS_RECIPIENT, LineClass
from tlo.revenue.policy import HUNDRED, CostsStep, FeeBase, FeeStep, Policy, SplitStep
from tlo.revenue.types import IncomeType

_RANKS = {
    LineClass.INVENTOR: 1,
    LineClass.LAB: 2,
    LineClass.DEPARTMENT: 3,
    LineClass.SCHOOL: 4,
    LineClass.POOL: 5,
}


@dataclass(frozen=True)
class Inventor:
    """An inventor as the split needs them (names as the service gives them)."""

    name: str
    share_bp: int
    department: str
    school: str
    person_id: int | None
    department_id: int | None
    school_id: int | None


@dataclass(frozen=True)
class Recipient:
    to: str
    klass: str
    rule: str
    person_id: int | None
    department_id: int | None
    school_id: int | None


@dataclass(frozen=True)
class Share:
    """One payment's lines: (recipient index, cents), zero lines left out."""

    lines: list[tuple[Recipient, int]]
    costs_recovered_cents: int
    split_base_cents: int


class SlowPath(Exception):
    """The policy's arithmetic is not whole in these units; use the engine itself."""


class Plan:
    """How one policy shares one income type among one technology's inventors."""

    def __init__(self, policy: Policy, income_type: IncomeType, inventors: list[Inventor]):
        self.policy = policy
        entries: dict[tuple[str, str], dict] = {}

        def add(place, klass: LineClass, to: str, rule: str, **ids) -> tuple[str, str]:
            key = (klass.value, to)
            entry = entries.get(key)
            if entry is None:
                entries[key] = entry = {"place": place, "klass": klass, "to": to, "rule": rule}
                entry.update(ids)
            entry["place"] = min(entry["place"], place)
            return key

        # steps: ("fee", key, percent, of) / ("costs", key, cap) / ("split", weights per tier)
        self.steps: list[tuple] = []
        fractions: list[Fraction] = []
        for number, step in enumerate(policy.steps, start=1):
            if not step.applies_to(income_type):
                continue
            if isinstance(step, FeeStep):
                key = add(
                    (number, 0, 0),
                    LineClass.POOL,
                    step.pool,
                    f"{step.pool} fee: {step.percent}% of {step.of}",
                )
                percent = step.percent / HUNDRED
                fractions.append(percent)
                self.steps.append(("fee", key, percent, step.of))
            elif isinstance(step, CostsStep):
                key = add(
                    (number, 0, 0), LineClass.COSTS, COSTS_RECIPIENT, "patent costs recovered"
                )
                cap = None
                if step.cap_percent_of_gross is not None:
                    cap = step.cap_percent_of_gross / HUNDRED
                    fractions.append(cap)
                self.steps.append(("costs", key, cap))
            elif isinstance(step, SplitStep):
                self.steps.append(("split", self._split(number, step, inventors, add)))
        self.keys = sorted(entries, key=lambda key: entries[key]["place"])
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.recipients = [
            Recipient(
                entries[key]["to"],
                entries[key]["klass"].value,
                entries[key]["rule"],
                entries[key].get("person_id"),
                entries[key].get("department_id"),
                entries[key].get("school_id"),
            )
            for key in self.keys
        ]
        # Q makes fees and caps whole; W makes every split weight whole.
        self.q = math.lcm(1, *(f.denominator for f in fractions))
        weights = [
            weight
            for step in self.steps
            if step[0] == "split"
            for _, _, tier_weights in step[1]
            for _, weight in tier_weights
        ]
        self.w = math.lcm(1, *(weight.denominator for weight in weights))
        self.split_tiers = []
        for step in self.steps:
            if step[0] != "split":
                continue
            for up_to, lower, tier_weights in step[1]:
                self.split_tiers.append(
                    (
                        lower,
                        up_to,
                        [(self.index[key], int(weight * self.w)) for key, weight in tier_weights],
                    )
                )

    @staticmethod
    def _split(number, step: SplitStep, inventors: list[Inventor], add):
        """[(up_to cents or None, lower cents, [(key, weight of the tier's portion)])]."""
        tiers = []
        pool_names = list(dict.fromkeys(name for tier in step.tiers for name, _ in tier.pools))
        lower = 0
        groups: dict[str, dict[str, list[Inventor]]] = {"department": {}, "school": {}}
        for inventor in inventors:
            groups["department"].setdefault(inventor.department, []).append(inventor)
            groups["school"].setdefault(inventor.school, []).append(inventor)
        for tier in step.tiers:
            weights: dict[tuple[str, str], Fraction] = {}

            def give(key, weight, weights=weights):
                weights[key] = weights.get(key, Fraction(0)) + weight

            for index, inventor in enumerate(inventors):
                share = Fraction(inventor.share_bp, 10000)
                for attribute, klass, to in (
                    ("inventors", LineClass.INVENTOR, inventor.name),
                    ("labs", LineClass.LAB, f"Lab of {inventor.name}"),
                ):
                    percent = getattr(tier, attribute)
                    key = add(
                        (number, _RANKS[klass], index),
                        klass,
                        to,
                        f"split: {attribute} {percent}% x {inventor.name}'s share",
                        person_id=inventor.person_id,
                    )
                    give(key, percent / HUNDRED * share)
            for attribute, klass in (
                ("departments", LineClass.DEPARTMENT),
                ("schools", LineClass.SCHOOL),
            ):
                percent = getattr(tier, attribute)
                unit = attribute[:-1] if attribute == "schools" else "department"
                for index, (name, members) in enumerate(groups[unit].items()):
                    ids = (
                        {"department_id": members[0].department_id}
                        if unit == "department"
                        else {"school_id": members[0].school_id}
                    )
                    key = add(
                        (number, _RANKS[klass], index),
                        klass,
                        name,
                        f"split: {attribute} {percent}% by the inventors' shares",
                        **ids,
                    )
                    shares = Fraction(sum(m.share_bp for m in members), 10000)
                    give(key, percent / HUNDRED * shares)
            for pool, percent in tier.pools:
                key = add(
                    (number, _RANKS[LineClass.POOL], pool_names.index(pool)),
                    LineClass.POOL,
                    pool,
                    f"split: {pool} {percent}%",
                )
                give(key, percent / HUNDRED)
            up_to = None if tier.up_to is None else int(tier.up_to * 100)
            tiers.append((up_to, lower, list(weights.items())))
            if up_to is not None:
                lower = up_to
        return tiers

    def share(
        self, amount_cents: int, costs_outstanding_cents: int, cumulative_cents: int
    ) -> Share:
        """The lines of one payment (or technology's part of one), as the engine rounds them."""
        q, w = self.q, self.w
        numerators = [0] * len(self.keys)
        gross = amount_cents * q
        left = gross
        base = 0
        for step in self.steps:
            if step[0] == "fee":
                _, key, percent, of = step
                value = (gross if of is FeeBase.GROSS else left) * percent
                if value.denominator != 1:
                    raise SlowPath
                fee = min(int(value), left)
                numerators[self.index[key]] += fee * w
                left -= fee
            elif step[0] == "costs":
                _, key, cap = step
                recovered = min(max(0, costs_outstanding_cents) * q, left)
                if cap is not None:
                    recovered = min(recovered, int(gross * cap))
                numerators[self.index[key]] += recovered * w
                left -= recovered
            else:
                base = left
                start, end = cumulative_cents * q, cumulative_cents * q + left
                for lower, up_to, weights in self.split_tiers:
                    upper = end if up_to is None else min(end, up_to * q)
                    portion = upper - max(start, lower * q)
                    if portion <= 0:
                        continue
                    for index, weight in weights:
                        numerators[index] += portion * weight
                left = 0
        denominator = q * w
        floors = [n // denominator for n in numerators]
        leftover = amount_cents - sum(floors)
        if leftover:
            order = sorted(range(len(floors)), key=lambda i: (-(numerators[i] % denominator), i))
            for i in order[:leftover]:
                floors[i] += 1
        lines = [(self.recipients[i], c) for i, c in enumerate(floors) if c]
        recovered = sum(c for r, c in lines if r.klass == LineClass.COSTS.value)
        return Share(lines, recovered, (2 * base + q) // (2 * q))
