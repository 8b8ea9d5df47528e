"""How large the generated office is, and how its records spread over the fiscal years."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from tlo.config import get_settings

# The largest real offices (issue 15), at scale 1.
SIZES = {
    "disclosure": 50_000,
    "disclosure_inventor": 150_000,
    "patent_application": 113_000,
    "company": 10_000,
    "outreach": 100_000,
    "agreement": 10_000,
    "income": 1_000_000,
    "audit_entry": 2_100_000,
}
FISCAL_YEARS = 20


def _count(name: str, scale: float, minimum: int = 1) -> int:
    return max(minimum, round(SIZES[name] * scale))


def _year_weights(growth: float, today: date, first_fy: int, current_fy: int) -> dict[int, float]:
    """How the records of 20 fiscal years spread, growing each year; the current fiscal year
    counts as far as it has gone."""
    start_month = get_settings().fiscal_year_start_month
    fy_start = _fy_span(current_fy, start_month)[0]
    elapsed = max(1, (today - fy_start).days + 1) / 365
    return {
        fy: growth ** (fy - first_fy) * (min(1.0, elapsed) if fy == current_fy else 1.0)
        for fy in range(first_fy, current_fy + 1)
    }


def _fy_span(fiscal_year: int, start_month: int) -> tuple[date, date]:
    if start_month == 1:
        return date(fiscal_year, 1, 1), date(fiscal_year, 12, 31)
    first = date(fiscal_year - 1, start_month, 1)
    return first, first + relativedelta(years=1) - timedelta(days=1)


def _spread(total: int, weights: dict[int, float]) -> dict[int, int]:
    """`total` records over the years in proportion to the weights, adding up exactly."""
    whole = sum(weights.values())
    counts = {fy: int(total * w / whole) for fy, w in weights.items()}
    for fy in sorted(weights, key=lambda fy: -weights[fy])[: total - sum(counts.values())]:
        counts[fy] += 1
    return counts
