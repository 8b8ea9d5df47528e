"""The equity ledger's totals worked by hand."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from tlo.equity.ledger import Event, micros_to_price, price_to_micros, sale_proceeds, totals
from tlo.equity.ledger import EventKind as K
from tlo.errors import ValidationError


def test_issue_split_dilution_sale_by_hand():
    # 1,000,000 common at $0.0001 par: cost $100.00. 2-for-1 split: 2,000,000 at $0.00005.
    # Series A at $0.50 values them at $1,000,000.00. Sell 500,000 at $0.80: proceeds
    # $400,000.00, cost of the sold quarter $25.00; 1,500,000 left, cost $75.00, worth
    # 1,500,000 x $0.80 = $1,200,000.00.
    t = totals(
        [
            Event(K.ISSUE, date(2020, 1, 1), shares=1_000_000, price=D("0.0001")),
            Event(K.SPLIT, date(2021, 1, 1), ratio=D(2)),
            Event(K.DILUTION, date(2022, 1, 1), price=D("0.50")),
            Event(K.SALE, date(2023, 1, 1), shares=500_000, price=D("0.80")),
        ]
    )
    assert t.shares == 1_500_000
    assert t.cost_basis == D("75.00")
    assert t.cost_of_sold == D("25.00")
    assert t.proceeds == D("400000.00")
    assert t.value == D("1200000.00")
    assert t.gain == D("399975.00")


def test_conversion_and_acquisition():
    # 300 preferred at $1.00 convert 1:1.5 to 450 common; acquired at 1 acquirer share per 3
    # ours (150) priced $12.34: worth $1,851.00, cost still $300.00.
    t = totals(
        [
            Event(K.ISSUE, date(2020, 1, 1), shares=300, price=D("1.00")),
            Event(K.CONVERSION, date(2020, 6, 1), ratio=D("1.5")),
            Event(K.ACQUISITION, date(2021, 6, 1), ratio=D(1) / D(3), price=D("12.34")),
        ]
    )
    assert (t.shares, t.cost_basis, t.value, t.proceeds) == (150, D("300.00"), D("1851.00"), 0)


@pytest.mark.parametrize(
    "events, message",
    [
        ([Event(K.SALE, date(2020, 1, 1), shares=1, price=D(1))], "begins with the issue"),
        (
            [
                Event(K.ISSUE, date(2020, 1, 1), shares=10, price=D(1)),
                Event(K.SALE, date(2020, 2, 1), shares=11, price=D(1)),
            ],
            "10 are held",
        ),
        (
            [
                Event(K.ISSUE, date(2020, 1, 1), shares=10, price=D(1)),
                Event(K.SPLIT, date(2020, 2, 1), ratio=D(0)),
            ],
            "ratio above zero",
        ),
        (
            [
                Event(K.ISSUE, date(2020, 1, 1), shares=10, price=D(1)),
                Event(K.SPLIT, date(2020, 2, 1), ratio=D("0.25")),
            ],
            "fraction",
        ),
        (
            [
                Event(K.ISSUE, date(2020, 1, 1), shares=10, price=D(1)),
                Event(K.IPO, date(2019, 2, 1), price=D(5)),
            ],
            "date order",
        ),
    ],
)
def test_refused(events, message):
    with pytest.raises(ValidationError, match=message):
        totals(events)


def test_prices_in_micro_dollars():
    assert price_to_micros(D("0.0001")) == 100
    assert micros_to_price(100) == D("0.0001")
    with pytest.raises(ValidationError):
        price_to_micros(D("0.0000001"))


def test_a_ratio_kept_as_whole_numbers_is_exact():
    # 1 acquirer share for 3 of ours, as the tables give it: 450 become exactly 150, and
    # 1,000 would leave a third of a share (refused), however many digits a Decimal keeps.
    events = [Event(K.ISSUE, date(2020, 1, 1), shares=450, price=D("1.00"))]
    acquired = Event(K.ACQUISITION, date(2021, 1, 1), ratio=Fraction(1, 3), price=D("3.00"))
    assert totals([*events, acquired]).shares == 150
    with pytest.raises(ValidationError, match="fraction of a share"):
        totals([Event(K.ISSUE, date(2020, 1, 1), shares=1_000, price=D("1.00")), acquired])
    # A 3-for-2 split carries the price over exactly: $1.00 becomes $0.666..., 675 shares
    # at that are worth $450.00.
    split = totals([*events, Event(K.SPLIT, date(2021, 1, 1), ratio=Fraction(3, 2))])
    assert (split.shares, split.value) == (675, D("450.00"))


def test_each_sales_cash_is_rounded_to_the_cent():
    # Two sales of one share at $0.005: each brings $0.01 (half up), $0.02 in all, which is
    # what the two incomes add up to (rounding the sum would say $0.01).
    t = totals(
        [
            Event(K.ISSUE, date(2020, 1, 1), shares=2, price=D(0)),
            Event(K.SALE, date(2021, 1, 1), shares=1, price=D("0.005")),
            Event(K.SALE, date(2021, 2, 1), shares=1, price=D("0.005")),
        ]
    )
    assert t.proceeds == D("0.02") == 2 * sale_proceeds(1, D("0.005"))
