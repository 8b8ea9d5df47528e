"""What one royalty report owes under an agreement's terms: a pure function, no database.

`due(terms, report)` takes the two JSON-shaped dicts of issue 17 ("What a report owes") and
returns the output dict, every amount a string with two decimals. `parse_terms` and
`parse_report` check the input first and raise `ValidationError` naming the field
(`lines[0].gross_sales`), so the command line and the app answer bad input the same way.

Rules (exactly as the issue states them):
- amounts are exact decimals (strings or integers; a float or a boolean is refused, because a
  float is not exact);
- net sales = gross - deductions, times `to_usd`, rounded to the cent half up; a currency other
  than USD needs `to_usd`;
- tiers are cumulative thresholds of USD net sales per product category since the effective date,
  counting `cumulative_net_sales_before`; lines of a category accumulate in input order; a line
  that crosses a threshold is split at it; the parts are summed exactly and the line's royalty is
  rounded once to the cent;
- sublicense fees = sublicense income x share, rounded to the cent;
- the minimum top-up applies only to a report whose period ends on 31 December of a year with a
  minimum: max(0, minimum - (earlier running royalties of the year + this report's));
- interest, when `paid_on` is after `due_on`: (running + sublicense + top-up) x percent x days
  late / 365, exact, rounded once;
- total_due is the sum of the rounded parts.

Unknown keys are refused (a misspelt `deduction` or `paidon` would otherwise silently change what
is owed), except keys starting with "_" and a few informational keys listed below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from tlo.errors import ValidationError

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
DAYS_IN_YEAR = Decimal(365)

TERMS_KEYS = {
    "effective_date",
    "royalty_rates",
    "sublicense_share_percent",
    "minimum_annual_royalty",
    "late_interest_percent_per_year",
}
#: accepted in the terms and ignored here (the app's terms carry them; they change nothing owed)
TERMS_INFO_KEYS = {"report_due_days", "report_currencies", "reporting_period", "agreement"}
RATE_KEYS = {"applies_to", "tiers"}
TIER_KEYS = {"up_to", "percent"}
MINIMUM_KEYS = {"year", "amount"}
REPORT_KEYS = {
    "period_start",
    "period_end",
    "lines",
    "sublicense_income",
    "cumulative_net_sales_before",
    "running_royalties_earlier_this_year",
    "due_on",
    "paid_on",
}
REPORT_INFO_KEYS = {"agreement", "comment"}
LINE_KEYS = {
    "product",
    "gross_sales",
    "deductions",
    "currency",
    "to_usd",
    "units",
    "country_of_manufacture",
    "country_of_sale",
}
LINE_INFO_KEYS = {"comment"}


def cents(amount: Decimal) -> Decimal:
    """Round to the cent, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(amount: Decimal) -> str:
    return str(cents(amount))


@dataclass(frozen=True)
class Tier:
    up_to: Decimal | None
    percent: Decimal


@dataclass(frozen=True)
class Rate:
    applies_to: str
    tiers: tuple[Tier, ...]


@dataclass(frozen=True)
class Terms:
    effective_date: dt.date
    rates: dict[str, Rate]
    sublicense_share_percent: Decimal
    minimum_annual_royalty: dict[int, Decimal]
    late_interest_percent_per_year: Decimal


@dataclass(frozen=True)
class Line:
    product: str
    gross_sales: Decimal
    deductions: Decimal
    currency: str
    to_usd: Decimal
    units: int | None


@dataclass(frozen=True)
class Report:
    period_start: dt.date
    period_end: dt.date
    lines: tuple[Line, ...]
    sublicense_income: Decimal
    cumulative_net_sales_before: dict[str, Decimal]
    running_royalties_earlier_this_year: Decimal
    due_on: dt.date | None
    paid_on: dt.date | None


# -- parsing --------------------------------------------------------------------------------


def _object(value, field: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise ValidationError(f"{field}: must be an object ({{...}}).")
    return value


def _list(value, field: str) -> list:
    if not isinstance(value, list):
        raise ValidationError(f"{field}: must be a list ([...]).")
    return value


def _keys(data: Mapping, field: str, known: set[str], info: set[str] = frozenset()) -> None:
    for key in data:
        if not isinstance(key, str) or key.startswith("_") or key in info:
            continue
        if key not in known:
            where = f"{field}.{key}" if field else key
            raise ValidationError(
                f"{where}: unknown field (expected one of {', '.join(sorted(known))})."
            )


def _required(data: Mapping, key: str, field: str):
    if key not in data or data[key] is None:
        raise ValidationError(f"{field}: is required.")
    return data[key]


def _decimal(value, field: str, *, positive: bool = False) -> Decimal:
    if isinstance(value, (bool, float)):
        raise ValidationError(f'{field}: give the number as a string, e.g. "1234.50".')
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise ValidationError(f"{field}: {value!r} is not a number.") from None
    else:
        raise ValidationError(f"{field}: must be a number written as a string.")
    if not number.is_finite():
        raise ValidationError(f"{field}: {value!r} is not a number.")
    if number < 0:
        raise ValidationError(f"{field}: must not be negative.")
    if positive and number == 0:
        raise ValidationError(f"{field}: must be more than zero.")
    return number


def _optional_decimal(data: Mapping, key: str, field: str) -> Decimal:
    value = data.get(key)
    return Decimal(0) if value is None else _decimal(value, field)


def _date(value, field: str) -> dt.date:
    if not isinstance(value, str):
        raise ValidationError(f"{field}: must be a date written YYYY-MM-DD.")
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{field}: {value!r} is not a date written YYYY-MM-DD.") from None


def _optional_date(data: Mapping, key: str, field: str) -> dt.date | None:
    value = data.get(key)
    return None if value is None else _date(value, field)


def _text(value, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field}: must be a non-empty text.")
    return value


def _integer(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field}: must be a whole number.")
    return value


def parse_terms(data) -> Terms:
    data = _object(data, "terms")
    _keys(data, "", TERMS_KEYS, TERMS_INFO_KEYS)
    effective = _date(_required(data, "effective_date", "effective_date"), "effective_date")
    rates: dict[str, Rate] = {}
    raw_rates = _list(_required(data, "royalty_rates", "royalty_rates"), "royalty_rates")
    if not raw_rates:
        raise ValidationError("royalty_rates: give at least one product category.")
    for i, raw in enumerate(raw_rates):
        field = f"royalty_rates[{i}]"
        raw = _object(raw, field)
        _keys(raw, field, RATE_KEYS)
        applies_to = _text(
            _required(raw, "applies_to", f"{field}.applies_to"), f"{field}.applies_to"
        )
        if applies_to in rates:
            raise ValidationError(f"{field}.applies_to: {applies_to!r} has rates twice.")
        raw_tiers = _list(_required(raw, "tiers", f"{field}.tiers"), f"{field}.tiers")
        if not raw_tiers:
            raise ValidationError(f"{field}.tiers: give at least one tier.")
        tiers = []
        previous: Decimal | None = None
        for j, raw_tier in enumerate(raw_tiers):
            tier_field = f"{field}.tiers[{j}]"
            raw_tier = _object(raw_tier, tier_field)
            _keys(raw_tier, tier_field, TIER_KEYS)
            percent = _decimal(
                _required(raw_tier, "percent", f"{tier_field}.percent"), f"{tier_field}.percent"
            )
            last = j == len(raw_tiers) - 1
            up_to = raw_tier.get("up_to")
            if last:
                if up_to is not None:
                    raise ValidationError(
                        f"{tier_field}.up_to: the last tier must have no up_to (it applies to "
                        "everything above the one before)."
                    )
                tiers.append(Tier(None, percent))
                continue
            if up_to is None:
                raise ValidationError(f"{tier_field}.up_to: only the last tier may have no up_to.")
            threshold = _decimal(up_to, f"{tier_field}.up_to", positive=True)
            if previous is not None and threshold <= previous:
                raise ValidationError(
                    f"{tier_field}.up_to: must be more than the tier before ({previous})."
                )
            previous = threshold
            tiers.append(Tier(threshold, percent))
        rates[applies_to] = Rate(applies_to, tuple(tiers))
    minimums: dict[int, Decimal] = {}
    raw_minimums = data.get("minimum_annual_royalty")
    if raw_minimums is not None:
        for i, raw in enumerate(_list(raw_minimums, "minimum_annual_royalty")):
            field = f"minimum_annual_royalty[{i}]"
            raw = _object(raw, field)
            _keys(raw, field, MINIMUM_KEYS)
            year = _integer(_required(raw, "year", f"{field}.year"), f"{field}.year")
            if not 1900 <= year <= 9999:
                raise ValidationError(f"{field}.year: {year} is not a calendar year.")
            if year in minimums:
                raise ValidationError(f"{field}.year: {year} has a minimum twice.")
            minimums[year] = _decimal(
                _required(raw, "amount", f"{field}.amount"), f"{field}.amount"
            )
    return Terms(
        effective_date=effective,
        rates=rates,
        sublicense_share_percent=_optional_decimal(
            data, "sublicense_share_percent", "sublicense_share_percent"
        ),
        minimum_annual_royalty=minimums,
        late_interest_percent_per_year=_optional_decimal(
            data, "late_interest_percent_per_year", "late_interest_percent_per_year"
        ),
    )


def parse_report(data, terms: Terms) -> Report:
    data = _object(data, "report")
    _keys(data, "", REPORT_KEYS, REPORT_INFO_KEYS)
    start = _date(_required(data, "period_start", "period_start"), "period_start")
    end = _date(_required(data, "period_end", "period_end"), "period_end")
    if end < start:
        raise ValidationError(f"period_end: {end} is before period_start {start}.")
    lines = []
    for i, raw in enumerate(_list(_required(data, "lines", "lines"), "lines")):
        field = f"lines[{i}]"
        raw = _object(raw, field)
        _keys(raw, field, LINE_KEYS, LINE_INFO_KEYS)
        product = _required(raw, "product", f"{field}.product")
        if not isinstance(product, str) or product not in terms.rates:
            raise ValidationError(
                f"{field}.product: {product!r} is not a product category of the terms "
                f"({', '.join(repr(name) for name in terms.rates)})."
            )
        gross = _decimal(
            _required(raw, "gross_sales", f"{field}.gross_sales"), f"{field}.gross_sales"
        )
        deductions = _optional_decimal(raw, "deductions", f"{field}.deductions")
        if deductions > gross:
            raise ValidationError(
                f"{field}.deductions: {deductions} is more than the gross sales {gross}."
            )
        currency = raw.get("currency")
        if currency is None:
            currency = "USD"
        elif not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
            raise ValidationError(f"{field}.currency: must be a three-letter code such as EUR.")
        currency = currency.upper()
        to_usd = raw.get("to_usd")
        if to_usd is None:
            if currency != "USD":
                raise ValidationError(
                    f"{field}.to_usd: a line in {currency} needs its rate to USD."
                )
            rate = Decimal(1)
        else:
            rate = _decimal(to_usd, f"{field}.to_usd", positive=True)
        units = raw.get("units")
        if units is not None:
            units = _integer(units, f"{field}.units")
            if units < 0:
                raise ValidationError(f"{field}.units: must not be negative.")
        for key in ("country_of_manufacture", "country_of_sale"):
            if raw.get(key) is not None and not isinstance(raw[key], str):
                raise ValidationError(f"{field}.{key}: must be a country code such as US.")
        lines.append(Line(product, gross, deductions, currency, rate, units))
    before: dict[str, Decimal] = {}
    raw_before = data.get("cumulative_net_sales_before")
    if raw_before is not None:
        for key, value in _object(raw_before, "cumulative_net_sales_before").items():
            field = f"cumulative_net_sales_before.{key}"
            if key not in terms.rates:
                raise ValidationError(f"{field}: {key!r} is not a product category of the terms.")
            before[key] = _decimal(value, field)
    return Report(
        period_start=start,
        period_end=end,
        lines=tuple(lines),
        sublicense_income=_optional_decimal(data, "sublicense_income", "sublicense_income"),
        cumulative_net_sales_before=before,
        running_royalties_earlier_this_year=_optional_decimal(
            data, "running_royalties_earlier_this_year", "running_royalties_earlier_this_year"
        ),
        due_on=_optional_date(data, "due_on", "due_on"),
        paid_on=_optional_date(data, "paid_on", "paid_on"),
    )


# -- computing ------------------------------------------------------------------------------


def net_sales_usd(line: Line) -> Decimal:
    return cents((line.gross_sales - line.deductions) * line.to_usd)


def tiered_royalty(tiers: tuple[Tier, ...], before: Decimal, net: Decimal) -> Decimal:
    """The exact (unrounded) royalty on `net` of sales that come after `before` of cumulative
    sales of the category: each part between thresholds at its tier's percent."""
    total = Decimal(0)
    low = before
    high = before + net
    floor = Decimal(0)
    for tier in tiers:
        ceiling = tier.up_to
        start = max(low, floor)
        stop = high if ceiling is None else min(high, ceiling)
        if stop > start:
            total += (stop - start) * tier.percent / HUNDRED
        if ceiling is None or high <= ceiling:
            break
        floor = ceiling
    return total


def compute(terms: Terms, report: Report) -> dict:
    with localcontext() as context:
        context.prec = 80
        return _compute(terms, report)


def _compute(terms: Terms, report: Report) -> dict:
    cumulative = dict(report.cumulative_net_sales_before)
    lines = []
    running = Decimal(0)
    for line in report.lines:
        net = net_sales_usd(line)
        before = cumulative.get(line.product, Decimal(0))
        royalty = cents(tiered_royalty(terms.rates[line.product].tiers, before, net))
        cumulative[line.product] = before + net
        running += royalty
        lines.append(
            {
                "product": line.product,
                "net_sales_usd": money_text(net),
                "royalty": money_text(royalty),
            }
        )
    sublicense = cents(report.sublicense_income * terms.sublicense_share_percent / HUNDRED)
    top_up = Decimal(0)
    end = report.period_end
    if (end.month, end.day) == (12, 31) and end.year in terms.minimum_annual_royalty:
        minimum = terms.minimum_annual_royalty[end.year]
        top_up = cents(
            max(Decimal(0), minimum - (report.running_royalties_earlier_this_year + running))
        )
    interest = Decimal(0)
    if report.paid_on is not None and report.due_on is not None and report.paid_on > report.due_on:
        days = (report.paid_on - report.due_on).days
        # one division, at a precision far beyond the cent, so the only rounding is the last
        interest = cents(
            (running + sublicense + top_up)
            * terms.late_interest_percent_per_year
            * days
            / (HUNDRED * DAYS_IN_YEAR)
        )
    total = running + sublicense + top_up + interest
    return {
        "lines": lines,
        "running_royalty": money_text(running),
        "sublicense_fees": money_text(sublicense),
        "minimum_top_up": money_text(top_up),
        "interest": money_text(interest),
        "total_due": money_text(total),
    }


def due(terms: Mapping, report: Mapping) -> dict:
    """What `report` owes under `terms` (both JSON-shaped dicts); raises ValidationError naming
    the field when either is malformed."""
    parsed_terms = parse_terms(terms)
    return compute(parsed_terms, parse_report(report, parsed_terms))
