"""The royalty function of issue #17 ("What a report owes"): cases worked by hand, properties,
and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tlo.errors import ValidationError
from tlo.licensing.royalty import due

ROOT = Path(__file__).resolve().parents[2]

TIERS = [
    {"up_to": "5000000", "percent": "4"},
    {"up_to": "20000000", "percent": "3"},
    {"percent": "2"},
]
ISSUE_TERMS = {
    "effective_date": "2024-01-01",
    "royalty_rates": [{"applies_to": "Diagnostic kits", "tiers": TIERS}],
    "sublicense_share_percent": "20",
    "minimum_annual_royalty": [{"year": 2026, "amount": "50000"}],
    "late_interest_percent_per_year": "12",
}
ISSUE_REPORT = {
    "period_start": "2026-10-01",
    "period_end": "2026-12-31",
    "lines": [
        {
            "product": "Diagnostic kits",
            "gross_sales": "2000000.00",
            "deductions": "100000.00",
            "currency": "EUR",
            "to_usd": "1.1000",
            "units": 1200,
            "country_of_manufacture": "DE",
        }
    ],
    "sublicense_income": "75000.00",
    "cumulative_net_sales_before": {"Diagnostic kits": "19000000.00"},
    "running_royalties_earlier_this_year": "20000.00",
    "due_on": "2027-02-14",
    "paid_on": "2027-04-15",
}
ISSUE_RESULT = {
    "lines": [{"product": "Diagnostic kits", "net_sales_usd": "2090000.00", "royalty": "51800.00"}],
    "running_royalty": "51800.00",
    "sublicense_fees": "15000.00",
    "minimum_top_up": "0.00",
    "interest": "1317.70",
    "total_due": "68117.70",
}


def terms(tiers=None, **extra) -> dict:
    return {
        "effective_date": "2024-01-01",
        "royalty_rates": [{"applies_to": "Kits", "tiers": tiers or TIERS}],
        **extra,
    }


def report(*lines, period=("2026-01-01", "2026-03-31"), **extra) -> dict:
    return {
        "period_start": period[0],
        "period_end": period[1],
        "lines": [{"product": "Kits", **line} for line in lines],
        **extra,
    }


def test_the_issues_example_owes_exactly_what_the_issue_says():
    assert due(ISSUE_TERMS, ISSUE_REPORT) == ISSUE_RESULT


@pytest.mark.parametrize(
    ("tiers", "line", "extra", "royalty"),
    [
        # one flat rate
        ([{"percent": "5"}], {"gross_sales": "1000.00"}, {}, "50.00"),
        # wholly in the first tier
        (None, {"gross_sales": "1000000.00"}, {}, "40000.00"),
        # crossing two thresholds: 1M at 4 %, 15M at 3 %, 1M at 2 %
        (
            None,
            {"gross_sales": "17000000.00"},
            {"cumulative_net_sales_before": {"Kits": "4000000"}},
            "510000.00",
        ),
        # deductions come off before the rate
        (None, {"gross_sales": "1000.00", "deductions": "250.00"}, {}, "30.00"),
        # half a cent rounds up, once per line
        ([{"percent": "2.5"}], {"gross_sales": "0.20"}, {}, "0.01"),
        # just under half a cent rounds down
        ([{"percent": "2.4"}], {"gross_sales": "0.20"}, {}, "0.00"),
        # a zero-sales report
        (None, {"gross_sales": "0"}, {}, "0.00"),
    ],
)
def test_running_royalty_by_tier(tiers, line, extra, royalty):
    result = due(terms(tiers), report(line, **extra))
    assert result["lines"][0]["royalty"] == royalty
    assert result["running_royalty"] == royalty
    assert result["total_due"] == royalty
    for key in ("sublicense_fees", "minimum_top_up", "interest"):
        assert result[key] == "0.00"


def test_net_sales_are_converted_and_rounded_to_the_cent_half_up_before_the_rate():
    line = {"gross_sales": "100.00", "currency": "EUR", "to_usd": "1.23455"}
    result = due(terms([{"percent": "10"}]), report(line))
    assert result["lines"][0] == {"product": "Kits", "net_sales_usd": "123.46", "royalty": "12.35"}


def test_lines_of_one_category_accumulate_in_input_order():
    # 4M then 2M: the second line crosses 5M (1M at 4 %, 1M at 3 %)
    result = due(terms(), report({"gross_sales": "4000000"}, {"gross_sales": "2000000"}))
    assert [line["royalty"] for line in result["lines"]] == ["160000.00", "70000.00"]
    assert result["running_royalty"] == "230000.00"


@pytest.mark.parametrize(
    ("period_end", "earlier", "top_up"),
    [
        ("2026-12-31", "20000.00", "20000.00"),  # 50,000 - (20,000 + 10,000)
        ("2026-12-31", "45000.00", "0.00"),  # the running royalties already exceed it
        ("2026-09-30", "20000.00", "0.00"),  # not the year's last report
        ("2025-12-31", "20000.00", "0.00"),  # a year without a minimum
    ],
)
def test_the_minimum_annual_royalty_tops_up_only_the_years_last_report(period_end, earlier, top_up):
    t = terms([{"percent": "10"}], minimum_annual_royalty=[{"year": 2026, "amount": "50000"}])
    r = report(
        {"gross_sales": "100000.00"},
        period=(
            period_end[:4] + "-10-01" if period_end.endswith("12-31") else "2026-07-01",
            period_end,
        ),
        running_royalties_earlier_this_year=earlier,
    )
    result = due(t, r)
    assert result["minimum_top_up"] == top_up
    assert Decimal(result["total_due"]) == Decimal("10000.00") + Decimal(top_up)


@pytest.mark.parametrize(
    ("due_on", "paid_on", "interest"),
    [
        ("2026-05-15", "2026-05-15", "0.00"),  # on the day
        ("2026-05-15", "2026-05-01", "0.00"),  # early
        ("2026-05-15", None, "0.00"),  # not paid yet
        ("2026-05-15", "2026-05-16", "3.29"),  # 10,000 x 12 % x 1 / 365 = 3.2876...
        ("2026-05-15", "2027-05-15", "1200.00"),  # a whole year late
    ],
)
def test_late_interest_is_simple_and_rounded_once(due_on, paid_on, interest):
    t = terms([{"percent": "10"}], late_interest_percent_per_year="12")
    extra = {"due_on": due_on} | ({"paid_on": paid_on} if paid_on else {})
    result = due(t, report({"gross_sales": "100000.00"}, **extra))
    assert result["interest"] == interest


def test_sublicense_fees_are_the_share_of_sublicense_income_rounded():
    t = terms([{"percent": "10"}], sublicense_share_percent="33.333")
    result = due(t, report({"gross_sales": "0"}, sublicense_income="1000.05"))
    assert result["sublicense_fees"] == "333.35"  # 333.346666... -> 333.35
    assert result["total_due"] == "333.35"


@pytest.mark.parametrize(
    ("t", "r", "field"),
    [
        (terms(), report({"product": "Widgets", "gross_sales": "1"}), "product"),
        (terms(), report({"gross_sales": "10", "deductions": "11"}), "deductions"),
        (terms(), report({"gross_sales": "10", "currency": "EUR"}), "to_usd"),
        (terms([{"up_to": "10", "percent": "1"}]), report({"gross_sales": "1"}), "up_to"),
        (terms(), report({"gross_sales": "ten"}), "gross_sales"),
        (terms(), {**report({"gross_sales": "1"}), "period_end": "2026-02-30"}, "period_end"),
        ({**terms(), "effective_date": None}, report({"gross_sales": "1"}), "effective_date"),
    ],
)
def test_malformed_input_is_refused_naming_the_field(t, r, field):
    with pytest.raises(ValidationError, match=field):
        due(t, r)


amounts = st.decimals(min_value=0, max_value=50_000_000, places=2, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(before=amounts, smaller=amounts, larger=amounts)
def test_royalty_is_monotone_in_net_sales(before, smaller, larger):
    smaller, larger = sorted((smaller, larger))
    extra = {"cumulative_net_sales_before": {"Kits": str(before)}}
    low = due(terms(), report({"gross_sales": str(smaller)}, **extra))["running_royalty"]
    high = due(terms(), report({"gross_sales": str(larger)}, **extra))["running_royalty"]
    assert Decimal(low) <= Decimal(high)


@settings(max_examples=200, deadline=None)
@given(before=amounts, total=amounts, cut=st.floats(min_value=0, max_value=1))
def test_splitting_a_period_in_two_owes_the_same_within_a_cent(before, total, cut):
    first = (total * Decimal(str(cut))).quantize(Decimal("0.01"))
    second = total - first
    whole = due(
        terms(),
        report({"gross_sales": str(total)}, cumulative_net_sales_before={"Kits": str(before)}),
    )
    part_one = due(
        terms(),
        report({"gross_sales": str(first)}, cumulative_net_sales_before={"Kits": str(before)}),
    )
    part_two = due(
        terms(),
        report(
            {"gross_sales": str(second)}, cumulative_net_sales_before={"Kits": str(before + first)}
        ),
    )
    split = Decimal(part_one["running_royalty"]) + Decimal(part_two["running_royalty"])
    assert abs(split - Decimal(whole["running_royalty"])) <= Decimal("0.01")


def _cli(tmp_path, t, r):
    """Run the real command on the terms and report given (dicts, or text written as it is)."""
    for name, content in (("terms.json", t), ("report.json", r)):
        (tmp_path / name).write_text(content if isinstance(content, str) else json.dumps(content))
    command = ["-m", "tlo", "royalty", "due", "--terms", "terms.json", "--report", "report.json"]
    return subprocess.run(
        [sys.executable, *command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_the_command_prints_what_the_report_owes(tmp_path):
    done = _cli(tmp_path, ISSUE_TERMS, ISSUE_REPORT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ISSUE_RESULT


def test_the_command_exits_2_naming_the_field(tmp_path):
    bad = {**ISSUE_REPORT, "lines": [{**ISSUE_REPORT["lines"][0], "deductions": "3000000.00"}]}
    done = _cli(tmp_path, ISSUE_TERMS, bad)
    assert done.returncode == 2
    assert "deductions" in done.stderr
    done = _cli(tmp_path, "{not json", ISSUE_REPORT)
    assert done.returncode == 2
    assert "JSON" in done.stderr
