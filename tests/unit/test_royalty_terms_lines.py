"""Royalty tiers as the agreement page shows them are read back as the same tiers, and as the
royalty function reads them (tlo.licensing.terms; no database)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tlo.licensing import royalty, terms
from tlo.licensing.terms import Rate, Tier

percents = st.integers(min_value=1, max_value=10_000).map(lambda bp: Decimal(bp) / 100)
bounds = st.lists(
    st.integers(min_value=1, max_value=10**14 - 1), min_size=0, max_size=5, unique=True
).map(sorted)
categories = (
    st.text(
        alphabet=st.characters(whitelist_categories=("L", "N", "Zs"), max_codepoint=0x24F),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda name: name and not name.replace(".", "").isdigit())
)


@st.composite
def schedules(draw) -> Rate:
    cents = draw(bounds)
    rates = draw(st.lists(percents, min_size=len(cents) + 1, max_size=len(cents) + 1))
    ups = [Decimal(c) / 100 for c in cents] + [None]
    tiers = tuple(Tier(up_to, percent) for up_to, percent in zip(ups, rates, strict=True))
    return Rate(draw(categories), tiers)


@settings(max_examples=200, deadline=None)
@given(schedule=schedules())
def test_a_schedule_shown_to_edit_reads_back_as_the_same_tiers(schedule):
    [(applies_to, tiers)] = terms.clean_rates(terms.parse_rate_lines(terms.rate_lines([schedule])))
    assert applies_to == schedule.applies_to
    assert tiers == tuple(
        (None if t.up_to is None else int(t.up_to * 100), int(t.percent * 100))
        for t in schedule.tiers
    )


@settings(max_examples=200, deadline=None)
@given(schedule=schedules())
def test_the_royalty_function_reads_a_schedule_as_its_tiers(schedule):
    parsed = royalty.parse_terms(
        {"effective_date": "2026-01-01", "royalty_rates": terms.rates_json([schedule])}
    )
    assert parsed.rates[schedule.applies_to].tiers == tuple(
        royalty.Tier(t.up_to, t.percent) for t in schedule.tiers
    )
