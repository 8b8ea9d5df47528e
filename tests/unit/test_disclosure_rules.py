from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tlo.disclosures.rules import (
    InventorShare,
    docket_number,
    equal_shares,
    evaluation_weights,
    fiscal_year_of,
    parse_share,
    urgency_flags,
    validate_shares,
    weighted_score,
)
from tlo.errors import ValidationError


def shares(*values):
    return [
        InventorShare(index, f"Inventor {index}", Decimal(value))
        for index, value in enumerate(values, start=1)
    ]


@pytest.mark.parametrize(
    "values", [("100",), ("50", "50"), ("33.33", "33.33", "33.34"), ("0.01", "99.99")]
)
def test_shares_adding_up_to_exactly_100_are_accepted(values):
    validate_shares(shares(*values))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (("50", "40"), "add up to 90 %; they must add up to 100 %"),
        (("60", "50"), "add up to 110 %"),
        (("33.33", "33.33", "33.33"), "add up to 99.99 %"),
        ((), "at least one inventor"),
    ],
)
def test_shares_not_adding_up_name_the_total(values, message):
    with pytest.raises(ValidationError, match=message):
        validate_shares(shares(*values))


@pytest.mark.parametrize(
    ("text", "expected"), [("33.33", "33.33"), (" 50 % ", "50"), ("100", "100")]
)
def test_a_share_is_read_as_an_exact_percentage(text, expected):
    assert parse_share(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["0", "-5", "100.01", "12.345", "abc", "NaN", "Infinity"])
def test_impossible_shares_are_refused(text):
    with pytest.raises(ValidationError):
        parse_share(text)


@given(st.integers(min_value=1, max_value=40))
def test_equal_shares_always_add_up_to_100_within_a_hundredth_of_each_other(count):
    parts = equal_shares(count)
    assert sum(parts) == 100
    assert max(parts) - min(parts) <= Decimal("0.01")
    validate_shares(shares(*parts))


@pytest.mark.parametrize(
    ("day", "start_month", "fiscal_year"),
    [
        (date(2025, 8, 31), 9, 2025),
        (date(2025, 9, 1), 9, 2026),
        (date(2026, 8, 31), 9, 2026),
        (date(2026, 1, 15), 7, 2026),
        (date(2026, 7, 1), 7, 2027),
        (date(2026, 12, 31), 1, 2026),
    ],
)
def test_the_fiscal_year_is_named_by_the_year_it_ends(day, start_month, fiscal_year):
    assert fiscal_year_of(day, start_month) == fiscal_year


def test_docket_numbers_read_like_the_offices():
    assert docket_number(2026, 7) == "S26-0007"
    assert docket_number(2030, 142) == "S30-0142"
    assert docket_number(2026, 12345) == "S26-12345"


def test_urgency_flags_explain_themselves():
    today = date(2026, 11, 25)
    assert urgency_flags([date(2026, 10, 1)], federally_funded=False, today=today) == [
        "Publicly disclosed 2026-10-01 without a patent filing"
    ]
    assert urgency_flags([date(2027, 1, 10)], federally_funded=True, today=today) == [
        "Public disclosure planned 2027-01-10",
        "Federally funded (Bayh-Dole)",
    ]
    assert urgency_flags([date(2027, 6, 1)], federally_funded=False, today=today) == []
    assert (
        urgency_flags([date(2026, 10, 1)], federally_funded=False, today=today, patent_filed=True)
        == []
    )


def test_the_weighted_score_follows_the_configured_weights(monkeypatch):
    scores = {
        "novelty": 5,
        "patentability": 4,
        "market_size": 3,
        "licensing_interest": 2,
        "stage_of_development": 1,
    }
    monkeypatch.delenv("TLO_EVALUATION_WEIGHTS", raising=False)
    assert weighted_score(scores, evaluation_weights()) == Decimal("3.00")
    monkeypatch.setenv("TLO_EVALUATION_WEIGHTS", "novelty=3, market_size=0")
    assert weighted_score(scores, evaluation_weights()) == Decimal("3.67")  # 22/6
    monkeypatch.setenv("TLO_EVALUATION_WEIGHTS", "beauty=2")
    with pytest.raises(ValidationError, match="names 'beauty'"):
        evaluation_weights()


@pytest.mark.parametrize("bad", [0, 6, None, "5"])
def test_scores_run_from_1_to_5(bad):
    scores = dict.fromkeys(
        ["novelty", "patentability", "market_size", "licensing_interest", "stage_of_development"], 3
    )
    scores["novelty"] = bad
    with pytest.raises(ValidationError, match="from 1 to 5"):
        weighted_score(scores, {name: Decimal(1) for name in scores})
