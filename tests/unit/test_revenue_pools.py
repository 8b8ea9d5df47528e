"""A patent pool's statement allocated to our technologies (issue #19, item 3): per essential
patent per country, or as the statement says, exact to the cent."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tlo.errors import ValidationError
from tlo.revenue.pools import (
    PoolRule,
    allocate_statement,
    as_stated,
    per_essential_patent_per_country,
)


def test_each_essential_patent_counts_one_in_each_country():
    # Video codec: US, DE, JP (3); entropy coder: US, FR (2); motion search: US (1). 6 in all:
    # 12,000 / 6 = 2,000 each pair: 6,000, 4,000 and 2,000.
    patents = [
        ("video codec", "US"),
        ("entropy coder", "US"),
        ("video codec", "DE"),
        ("motion search", "us"),
        ("entropy coder", "FR"),
        ("video codec", "JP"),
    ]
    assert per_essential_patent_per_country(Decimal("12000.00"), patents) == [
        ("video codec", Decimal("6000.00")),
        ("entropy coder", Decimal("4000.00")),
        ("motion search", Decimal("2000.00")),
    ]


def test_a_total_that_does_not_divide_goes_to_the_cent_by_largest_remainder():
    # 100.00 over 3 pairs (2 + 1): 66.666... and 33.333...: the leftover cent to the larger
    # remainder (.67 of a cent), so 66.67 and 33.33.
    parts = per_essential_patent_per_country(Decimal("100.00"), [(1, "US"), (1, "DE"), (2, "US")])
    assert parts == [(1, Decimal("66.67")), (2, Decimal("33.33"))]
    # 0.02 over three technologies with one pair each: ties go to the ones listed first.
    parts = per_essential_patent_per_country(Decimal("0.02"), [(1, "US"), (2, "US"), (3, "US")])
    assert parts == [(1, Decimal("0.01")), (2, Decimal("0.01")), (3, Decimal("0.00"))]


def test_amounts_as_stated_are_kept_when_they_add_up_to_the_total():
    stated = [("video codec", "7000.00"), ("entropy coder", "5000.00")]
    assert as_stated(Decimal("12000.00"), stated) == [
        ("video codec", Decimal("7000.00")),
        ("entropy coder", Decimal("5000.00")),
    ]


def test_amounts_as_stated_follow_in_proportion_when_the_payment_differs():
    # The statement says 7,000 and 5,000 but 11,999.99 arrived (a bank charge): 6,999.994...
    # and 4,999.995...; rounded down 6,999.99 + 4,999.99 = 11,999.98, the cent left to the
    # larger remainder (.583 of a cent, the entropy coder's, over .416): 6,999.99 and 5,000.00.
    stated = [("video codec", Decimal("7000")), ("entropy coder", Decimal("5000"))]
    assert as_stated(Decimal("11999.99"), stated) == [
        ("video codec", Decimal("6999.99")),
        ("entropy coder", Decimal("5000.00")),
    ]


def test_the_rule_chooses_the_allocation_and_each_takes_only_its_own_input():
    patents = [("a", "US"), ("b", "US")]
    assert allocate_statement(
        Decimal("10.00"), rule="per_essential_patent_per_country", patents=patents
    ) == [("a", Decimal("5.00")), ("b", Decimal("5.00"))]
    assert allocate_statement(
        Decimal("10.00"), rule=PoolRule.AS_STATED, amounts=[("a", "1"), ("b", "3")]
    ) == [("a", Decimal("2.50")), ("b", Decimal("7.50"))]
    with pytest.raises(ValidationError, match="not a pool's rule"):
        allocate_statement(Decimal("10.00"), rule="per_patent", patents=patents)
    with pytest.raises(ValidationError, match="the amounts are not used"):
        allocate_statement(
            Decimal("10.00"),
            rule="per_essential_patent_per_country",
            patents=patents,
            amounts=[("a", "1")],
        )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: per_essential_patent_per_country(Decimal("1.00"), []), "List the contributed"),
        (
            lambda: per_essential_patent_per_country(Decimal("1.00"), [(1, "US"), (1, "us")]),
            "listed twice in US",
        ),
        (lambda: per_essential_patent_per_country(Decimal("1.00"), [(1, " ")]), "country"),
        (lambda: per_essential_patent_per_country(Decimal("1.001"), [(1, "US")]), "two decimals"),
        (lambda: per_essential_patent_per_country(Decimal("-1"), [(1, "US")]), "0 or more"),
        (lambda: as_stated(Decimal("1.00"), []), "lists no technology"),
        (lambda: as_stated(Decimal("1.00"), [(1, "1"), (1, "2")]), "listed twice"),
        (lambda: as_stated(Decimal("1.00"), [(1, "-1")]), "below 0"),
        (lambda: as_stated(Decimal("1.00"), [(1, "lots")]), "must be a number"),
        (lambda: as_stated(Decimal("1.00"), [(1, "0")]), "all 0"),
    ],
)
def test_a_statement_that_cannot_be_allocated_is_refused(call, message):
    with pytest.raises(ValidationError, match=message):
        call()


@given(
    cents=st.integers(min_value=0, max_value=10**11),
    pairs=st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from(["US", "DE", "JP", "FR", "CN"])),
        min_size=1,
        unique=True,
    ),
)
def test_every_allocation_adds_up_to_the_total_within_a_cent_of_each_share(cents, pairs):
    total = Decimal(cents) / 100
    parts = per_essential_patent_per_country(total, pairs)
    assert sum(amount for _, amount in parts) == total
    for technology, amount in parts:
        exact = Decimal(cents) * sum(1 for t, _ in pairs if t == technology) / len(pairs)
        assert abs(amount * 100 - exact) < 1
