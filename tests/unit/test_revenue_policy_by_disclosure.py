"""UC's policies by the date an invention was reported (issue #19, item 5): the same income
shared under 1985's or 1997's terms on either side of 1997-10-01, worked by hand."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tlo.revenue.engine import InventorShare, distribute
from tlo.revenue.policy import policies_in, policy_in_force

POLICIES = policies_in(Path(__file__).resolve().parents[2] / "policies")
INVENTORS = (
    InventorShare("Alice Chen", Decimal(60), "Chemistry", "Letters and Science"),
    InventorShare("Bob Lee", Decimal(40), "Physics", "Letters and Science"),
)


def shared(received: date, disclosed: date) -> dict[str, str]:
    policy = policy_in_force(POLICIES, received, disclosed=disclosed)
    result = distribute(
        policy,
        amount=Decimal("100000.00"),
        income_type="royalty",
        costs_outstanding=Decimal("10000.00"),
        cumulative_before=Decimal(0),
        inventors=INVENTORS,
    )
    assert sum(line.amount for line in result.lines) == Decimal("100000.00")
    return {"policy": policy.name} | {line.to: f"{line.amount:.2f}" for line in result.lines}


@pytest.mark.parametrize("received", [date(1998, 3, 1), date(2019, 6, 30)])
def test_an_invention_reported_the_day_before_stays_under_1985(received):
    # 100,000: 15 % administration = 15,000; patent costs 10,000; net 75,000: inventors 50 %
    # = 37,500 (Alice 22,500, Bob 15,000), university 37,500.
    assert shared(received, date(1997, 9, 30)) == {
        "policy": "University of California (1985)",
        "administration": "15000.00",
        "patent costs": "10000.00",
        "Alice Chen": "22500.00",
        "Bob Lee": "15000.00",
        "university": "37500.00",
    }


@pytest.mark.parametrize("received", [date(1998, 3, 1), date(2019, 6, 30)])
def test_an_invention_reported_on_1997_10_01_is_under_1997(received):
    # 100,000: patent costs 10,000, no administrative deduction; 90,000: inventors 35 % =
    # 31,500 (Alice 18,900, Bob 12,600), campus research 15 % = 13,500, university 45,000.
    assert shared(received, date(1997, 10, 1)) == {
        "policy": "University of California (1997)",
        "patent costs": "10000.00",
        "Alice Chen": "18900.00",
        "Bob Lee": "12600.00",
        "campus_research": "13500.00",
        "university": "45000.00",
    }


def test_a_policy_by_income_date_takes_over_both_from_its_own_date():
    # Stanford's sample, by income date from 2020-09-01, governs whatever the report date.
    assert shared(date(2020, 9, 1), date(1997, 9, 30))["policy"] == "Stanford University"
    assert shared(date(2020, 9, 1), date(1997, 10, 1))["policy"] == "Stanford University"
