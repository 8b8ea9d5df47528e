"""The engine's whole-number arithmetic against the policy worked in exact fractions: every line
within a cent of what it is exactly owed, the cents left over given to the largest remainders,
the split base rounded half up, the costs carried forward. The exact amounts are computed here
from the policy's words, step by step, with Python's Fraction."""

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from math import floor

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_revenue_engine import (
    STANFORD,
    UC_1997,
    cents,
    cumulatives,
    inventor_lists,
    random_policies,
    share,
)
from tlo.revenue.engine import COSTS_RECIPIENT, LineClass
from tlo.revenue.policy import CostsStep, FeeBase, FeeStep, SplitStep

HUNDRED = Fraction(100)


def owed_exactly(policy, amount, costs, cumulative, inventors, kind):
    """(recipient -> exact cents, exact split base in cents) by the policy's steps."""
    owed = defaultdict(Fraction)
    gross = left = Fraction(amount) * 100
    costs_left = Fraction(costs) * 100
    split_base = Fraction(0)
    for step in policy.steps_for(kind):
        if isinstance(step, FeeStep):
            fee = (gross if step.of is FeeBase.GROSS else left) * step.percent / HUNDRED
            fee = min(fee, left)
            owed[LineClass.POOL, step.pool] += fee
            left -= fee
        elif isinstance(step, CostsStep):
            recovered = min(costs_left, left)
            if step.cap_percent_of_gross is not None:
                recovered = min(recovered, gross * step.cap_percent_of_gross / HUNDRED)
            owed[LineClass.COSTS, COSTS_RECIPIENT] += recovered
            costs_left -= recovered
            left -= recovered
        else:
            assert isinstance(step, SplitStep)
            split_base = left
            start, end, lower = Fraction(cumulative) * 100, Fraction(cumulative) * 100 + left, 0
            for tier in step.tiers:
                upper = None if tier.up_to is None else Fraction(tier.up_to) * 100
                portion = (end if upper is None else min(end, upper)) - max(start, lower)
                lower = upper
                if portion <= 0:
                    continue
                for inventor in inventors:
                    fraction = Fraction(inventor.share) / HUNDRED
                    owed[LineClass.INVENTOR, inventor.name] += (
                        portion * tier.inventors / HUNDRED * fraction
                    )
                    owed[LineClass.LAB, inventor.lab] += portion * tier.labs / HUNDRED * fraction
                    owed[LineClass.DEPARTMENT, inventor.department] += (
                        portion * tier.departments / HUNDRED * fraction
                    )
                    owed[LineClass.SCHOOL, inventor.school] += (
                        portion * tier.schools / HUNDRED * fraction
                    )
                for pool, percent in tier.pools:
                    owed[LineClass.POOL, pool] += portion * percent / HUNDRED
            left = 0
    return owed, split_base


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.sampled_from([STANFORD, UC_1997]), random_policies(fees=True)),
    cents,
    cents,
    st.one_of(cumulatives, st.integers(0, 5 * 10**8).map(lambda c: Decimal(c) / 1000)),
    inventor_lists(),
    st.sampled_from(["royalty", "equity", "milestone"]),
)
def test_every_line_is_what_it_is_owed_rounded_by_largest_remainder(
    policy, amount, costs, cumulative, inventors, kind
):
    result = share(
        policy, amount, costs=costs, cumulative=cumulative, inventors=inventors, kind=kind
    )
    owed, split_base = owed_exactly(policy, amount, costs, cumulative, inventors, kind)
    paid = {(line.klass, line.to): int(line.amount * 100) for line in result.lines}
    assert len(paid) == len(result.lines)  # one line per recipient
    assert set(paid) <= {recipient for recipient, exact in owed.items() if exact}
    rounded_up, rounded_down = [], []
    for recipient, exact in owed.items():
        got = paid.get(recipient, 0)
        assert got in (floor(exact), floor(exact) + 1), (recipient, got, exact)
        remainder = exact - floor(exact)
        (rounded_up if got > floor(exact) else rounded_down).append(remainder)
    # largest remainder: no line left down has more left over than a line rounded up
    if rounded_up and rounded_down:
        assert max(rounded_down) <= min(rounded_up)
    assert sum(paid.values()) == int(amount * 100)
    assert result.split_base * 100 == floor(split_base + Fraction(1, 2))
    recovered = paid.get((LineClass.COSTS, COSTS_RECIPIENT), 0)
    assert result.costs_recovered * 100 == recovered
    assert result.costs_carried_forward == costs - Decimal(recovered) / 100
