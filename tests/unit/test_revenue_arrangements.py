"""Co-owners under an inter-institutional agreement and collection agents (issue #19, items 1
and 4): the steps before the policy, worked by hand, and exact to the cent."""

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tlo.errors import ValidationError
from tlo.revenue.arrangements import (
    NOT_LEAD_NOTE,
    Agent,
    CoOwner,
    JointOwnership,
    distribute_income,
)
from tlo.revenue.engine import InventorShare, distribute
from tlo.revenue.policy import load_policy

POLICIES = Path(__file__).resolve().parents[2] / "policies"
UC_1997 = load_policy(POLICIES / "uc_1997.toml")
STANFORD = load_policy(POLICIES / "stanford.toml")
INVENTORS = (
    InventorShare("Alice Chen", Decimal(60), "Electrical Engineering", "School of Engineering"),
    InventorShare("Bob Lee", Decimal(40), "Bioengineering", "School of Medicine"),
)
UNIVERSITY_B_40 = JointOwnership(
    co_owners=(CoOwner("University B", Fraction(40)),), lead=True, lead_fee_percent=Fraction(10)
)


def share(policy=UC_1997, amount="100000.00", costs="10000.00", **arrangement):
    return distribute_income(
        policy,
        amount=Decimal(amount),
        income_type="royalty",
        costs_outstanding=Decimal(costs),
        cumulative_before=Decimal(0),
        inventors=INVENTORS,
        **arrangement,
    )


def table(distribution) -> list[tuple[str, str, str]]:
    return [(line.to, str(line.klass), f"{line.amount:.2f}") for line in distribution.lines]


def test_as_the_lead_we_pay_a_40_percent_co_owner_its_share_of_the_net_consideration():
    # 100,000 received; the lead's fee 10 % = 10,000; patent costs 10,000; net consideration
    # 80,000: University B 40 % = 32,000, our 60 % = 48,000, shared under UC 1997 (no costs
    # left to recover): inventors 35 % = 16,800 (Alice 60 % 10,080, Bob 40 % 6,720), campus
    # research 15 % = 7,200, university 50 % = 24,000.
    result = share(joint=UNIVERSITY_B_40)
    assert table(result) == [
        ("lead fee", "pool", "10000.00"),
        ("patent costs", "costs", "10000.00"),
        ("University B", "co_owner", "32000.00"),
        ("Alice Chen", "inventor", "10080.00"),
        ("Bob Lee", "inventor", "6720.00"),
        ("campus_research", "pool", "7200.00"),
        ("university", "pool", "24000.00"),
    ]
    assert (result.amount, result.costs_recovered, result.costs_carried_forward) == (
        Decimal("100000.00"),
        Decimal("10000.00"),
        Decimal("0.00"),
    )
    assert result.split_base == Decimal("48000.00")  # only our part entered our split
    assert result.lines[2].rule == "co-owner's share: 40% of the net consideration $80,000.00"
    assert result.notes == ()


def test_costs_beyond_the_income_are_carried_forward_and_the_co_owner_gets_nothing_yet():
    # 5,000 received: fee 500, costs 4,500 of 10,000 (5,500 carried), nothing left to share.
    result = share(amount="5000.00", joint=UNIVERSITY_B_40)
    assert table(result) == [
        ("lead fee", "pool", "500.00"),
        ("patent costs", "costs", "4500.00"),
    ]
    assert (result.costs_recovered, result.costs_carried_forward) == (
        Decimal("4500.00"),
        Decimal("5500.00"),
    )


def test_not_the_lead_the_income_is_our_share_and_is_shared_as_received():
    # The lead paid us 48,000 (our 60 % of its net consideration): shared under our policy as
    # any income, its costs step included; the distribution says why there is no co-owner.
    joint = JointOwnership(co_owners=(CoOwner("University B", Fraction(40)),), lead=False)
    result = share(amount="48000.00", costs="0", joint=joint)
    plain = distribute(
        UC_1997,
        amount=Decimal("48000.00"),
        income_type="royalty",
        costs_outstanding=Decimal(0),
        cumulative_before=Decimal(0),
        inventors=INVENTORS,
    )
    assert result.lines == plain.lines
    assert table(result)[:2] == [
        ("Alice Chen", "inventor", "10080.00"),
        ("Bob Lee", "inventor", "6720.00"),
    ]
    assert result.notes == (NOT_LEAD_NOTE,)
    assert result.as_json()["notes"] == [NOT_LEAD_NOTE]


def test_an_agent_collecting_for_a_quarter_is_shown_gross_with_its_share_apart():
    # 100,000 collected by the agent; its 25 % = 25,000; 75,000 shared under UC 1997: costs
    # 10,000, then 65,000: inventors 22,750 (Alice 13,650, Bob 9,100), campus 9,750,
    # university 32,500.
    result = share(agent=Agent(Fraction(25), "Assertion Partners LLC"))
    assert table(result) == [
        ("Assertion Partners LLC", "agent", "25000.00"),
        ("patent costs", "costs", "10000.00"),
        ("Alice Chen", "inventor", "13650.00"),
        ("Bob Lee", "inventor", "9100.00"),
        ("campus_research", "pool", "9750.00"),
        ("university", "pool", "32500.00"),
    ]
    assert result.amount == Decimal("100000.00")
    assert result.lines[0].rule == "agent's share: 25% of the $100,000.00 it collected"


def test_an_agents_share_of_a_third_is_rounded_with_the_rest_to_the_cent():
    # 100.00 at 33 1/3 %: 33.333... to the agent and 66.666... left; the leftover cent goes to
    # the larger remainder (the rest, .67): 33.33 + 66.67.
    result = share(amount="100.00", costs="0", agent=Agent(Fraction(100, 3)))
    assert result.lines[0].amount == Decimal("33.33")
    assert sum(line.amount for line in result.lines[1:]) == Decimal("66.67")


def test_the_agent_comes_first_then_the_co_owners_then_stanfords_own_fee():
    # 100,000: agent 20 % = 20,000; 80,000 to the IIA: fee 8,000, costs 10,000, net 62,000:
    # University B 24,800, ours 37,200; Stanford: office 15 % = 5,580, then 31,620 split in
    # tier 1: inventors 33.34 % (Alice 6,325.2648, Bob 4,216.8432), departments 24.66 %
    # (EE 4,678.4952, BioE 3,118.9968), schools 21 % (3,984.12, 2,656.08), university 21 %
    # 6,640.20. Rounded down, two cents are left over: they go to the largest remainders,
    # BioE's .68 and EE's .52 of a cent.
    result = share(STANFORD, agent=Agent(Fraction(20)), joint=UNIVERSITY_B_40)
    assert table(result) == [
        ("collection agent", "agent", "20000.00"),
        ("lead fee", "pool", "8000.00"),
        ("patent costs", "costs", "10000.00"),
        ("University B", "co_owner", "24800.00"),
        ("office", "pool", "5580.00"),
        ("Alice Chen", "inventor", "6325.26"),
        ("Bob Lee", "inventor", "4216.84"),
        ("Electrical Engineering", "department", "4678.50"),
        ("Bioengineering", "department", "3119.00"),
        ("School of Engineering", "school", "3984.12"),
        ("School of Medicine", "school", "2656.08"),
        ("university", "pool", "6640.20"),
    ]
    assert sum(line.amount for line in result.lines) == Decimal("100000.00")


def test_without_co_owners_or_an_agent_it_is_the_engine_itself():
    assert share() == distribute(
        UC_1997,
        amount=Decimal("100000.00"),
        income_type="royalty",
        costs_outstanding=Decimal("10000.00"),
        cumulative_before=Decimal(0),
        inventors=INVENTORS,
    )


@pytest.mark.parametrize(
    ("arrangement", "message"),
    [
        ({"joint": JointOwnership(co_owners=())}, "Name the co-owners"),
        (
            {"joint": JointOwnership((CoOwner("B", Fraction(60)), CoOwner("C", Fraction(40))))},
            "it must leave us a part",
        ),
        (
            {"joint": JointOwnership((CoOwner("B", Fraction(10)), CoOwner("B", Fraction(10))))},
            "B is listed twice",
        ),
        ({"joint": JointOwnership((CoOwner(" ", Fraction(10)),))}, "needs a name"),
        ({"joint": JointOwnership((CoOwner("B", Fraction(0)),))}, "above 0 %"),
        (
            {"joint": JointOwnership((), lead=False, lead_fee_percent=Fraction(10))},
            "we are not the lead",
        ),
        ({"agent": Agent(Fraction(101))}, "between 0 % and 100 %"),
    ],
)
def test_an_arrangement_that_makes_no_sense_is_refused(arrangement, message):
    with pytest.raises(ValidationError, match=message):
        share(**arrangement)


def test_a_bad_amount_is_refused_as_the_engine_refuses_it():
    with pytest.raises(ValidationError, match="at most two decimals"):
        share(amount="100.001", agent=Agent(Fraction(10)))


percent = st.fractions(min_value=0, max_value=100, max_denominator=300)


@given(
    cents=st.integers(min_value=0, max_value=10**10),
    costs=st.integers(min_value=0, max_value=10**9),
    agent=st.none() | percent,
    owners=st.lists(st.fractions(min_value=Fraction(1, 100), max_value=30), max_size=3),
    fee=percent,
    lead=st.booleans(),
)
def test_every_arrangement_adds_up_to_the_income_to_the_cent(
    cents, costs, agent, owners, fee, lead
):
    joint = JointOwnership(
        co_owners=tuple(CoOwner(f"University {n}", p) for n, p in enumerate(owners)),
        lead=lead,
        lead_fee_percent=fee if lead else Fraction(0),
    )
    if lead and not owners:
        joint = None
    result = share(
        STANFORD,
        amount=str(Decimal(cents) / 100),
        costs=str(Decimal(costs) / 100),
        joint=joint,
        agent=None if agent is None else Agent(agent),
    )
    assert sum(line.amount for line in result.lines) == result.amount == Decimal(cents) / 100
    assert all(line.amount > 0 for line in result.lines)
    assert result.costs_recovered + result.costs_carried_forward == Decimal(costs) / 100
