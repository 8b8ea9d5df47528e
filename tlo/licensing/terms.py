"""The royalty terms of an agreement (issue 17, "Terms that can express real licenses"): running
royalties per product category in tiers by cumulative net sales, minimum annual royalties, simple
late-payment interest, the days after a period ends that its report is due, and the currencies
reports may use.

They are part of the agreement's terms: `agreements.save_agreement` checks them here
(`clean_*`), writes them (`replace_schedule`) and audits them with the rest; `royalty_terms`
gives them as the terms JSON that the royalty function reads (tlo.licensing.royalty), so what
the app computes is what `python -m tlo royalty due` computes.

Stored units: percents in basis points (hundredths of a percent), amounts in integer cents. A
tier's bound is the category's cumulative net sales in USD since the effective date; the tiers
of a category ascend and only the last has no bound (a single rate is one such tier).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session, col, delete, select

from tlo.auth.permissions import Actor, require
from tlo.errors import NotFound, ValidationError
from tlo.licensing import royalty
from tlo.licensing.agreement_models import (
    Agreement,
    MinimumRoyalty,
    ReportPeriod,
    RoyaltyRate,
    RoyaltyTier,
)

# A category's running royalty as the agreement states it is what the royalty function reads:
# its own Rate (applies_to, tiers) of Tier (up_to: None for the last, percent).
from tlo.licensing.royalty import Rate, Tier
from tlo.money import from_cents, percent_to_bp, to_cents
from tlo.text import (
    EARLIEST_DATE,
    LATEST_DATE,
    clean_decimal_money,
    clean_id,
    clean_int,
    clean_percent,
    clean_text,
)

DEFAULT_CATEGORY = "All licensed products"
MAX_TIERS = 20
MAX_REPORT_DUE_DAYS = 365
MAX_CURRENCIES = 10
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class TierEntry:
    """A tier as a form gives it: its percent, and the cumulative net sales (USD) it applies
    up to (None for the last tier, which applies to everything above the one before)."""

    percent: str | Decimal | int
    up_to: str | Decimal | int | None = None


@dataclass(frozen=True)
class MinimumEntry:
    """The minimum annual royalty of a calendar year, as a form gives it."""

    year: int
    amount: str | Decimal | int


@dataclass(frozen=True)
class Minimum:
    year: int
    amount: Decimal


# A checked schedule in stored units: (applies_to, ((up_to_cents or None, rate_bp), ...)).
CheckedRate = tuple[str, tuple[tuple[int | None, int], ...]]


def percent_text(bp: int) -> str:
    """Basis points as the percent people write: 400 is "4", 250 is "2.5"."""
    return _number(Decimal(bp) / 100)


def percent_words(percent: Decimal) -> str:
    """A percent as an agreement prints it: '4 %', '2.5 %'."""
    return f"{_number(percent)} %"


# --- checking ---------------------------------------------------------------------------------


def _clean_tiers(raw: object, category: str) -> tuple[tuple[int | None, int], ...]:
    if isinstance(raw, str | int | Decimal) and not isinstance(raw, bool):
        raw = [TierEntry(raw)]  # a single percent: one tier without a bound
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationError(f"Give the royalty on {category} as a percent or as its tiers.")
    if len(raw) > MAX_TIERS:
        raise ValidationError(f"The royalty on {category} has at most {MAX_TIERS} tiers.")
    tiers: list[tuple[int | None, int]] = []
    for number, tier in enumerate(raw, start=1):
        if not isinstance(tier, TierEntry):
            raise ValidationError(
                f"Give each tier of the royalty on {category} its percent and bound."
            )
        what = f"the percent of tier {number} of the royalty on {category}"
        bp = percent_to_bp(clean_percent(tier.percent, what=what))
        last = number == len(raw)
        if tier.up_to is None or (isinstance(tier.up_to, str) and not tier.up_to.strip()):
            if not last:
                raise ValidationError(
                    f"Tier {number} of the royalty on {category} needs the net sales it applies "
                    "up to: only the last tier has no bound."
                )
            tiers.append((None, bp))
            continue
        if last:
            raise ValidationError(
                f"The last tier of the royalty on {category} has no bound: it applies to all "
                "net sales above the tier before. Leave its 'up to' empty."
            )
        bound = clean_decimal_money(
            tier.up_to, what=f"bound of tier {number} of the royalty on {category}"
        )
        cents = to_cents(bound)
        if cents <= 0:
            raise ValidationError(
                f"Tier {number} of the royalty on {category} applies up to net sales above 0."
            )
        if tiers and cents <= tiers[-1][0]:
            raise ValidationError(
                f"The tiers of the royalty on {category} ascend: tier {number} applies up to "
                f"{bound:,.2f}, not more than tier {number - 1}'s "
                f"{from_cents(tiers[-1][0]):,.2f}."
            )
        tiers.append((cents, bp))
    if not any(bp for _, bp in tiers):
        raise ValidationError(f"The royalty on {category} is above 0 %; leave it out otherwise.")
    return tuple(tiers)


def clean_rates(entries: object) -> list[CheckedRate]:
    """Royalty rates as a form gives them: (what it applies to, a percent or a list of
    TierEntry) per product category."""
    if not isinstance(entries, list | tuple):
        raise ValidationError("Give the royalty rates as a list.")
    rates: list[CheckedRate] = []
    for entry in entries:
        if not isinstance(entry, list | tuple) or len(entry) != 2:
            raise ValidationError("Give each royalty rate what it applies to and its percentage.")
        applies_to = clean_text(
            entry[0], what="what a royalty rate applies to", column=RoyaltyRate.applies_to
        )
        applies_to = applies_to.strip() or DEFAULT_CATEGORY
        if applies_to in {name for name, _ in rates}:
            raise ValidationError(
                f"The royalty on {applies_to} is given twice: give it once, with its tiers."
            )
        rates.append((applies_to, _clean_tiers(entry[1], applies_to)))
    return rates


def clean_minimums(entries: object, effective_date: date | None) -> list[tuple[int, int]]:
    """Minimum annual royalties: (calendar year, amount) pairs or MinimumEntry, years once."""
    if not isinstance(entries, list | tuple):
        raise ValidationError("Give the minimum annual royalties as a list.")
    found: dict[int, int] = {}
    for entry in entries:
        if isinstance(entry, list | tuple) and len(entry) == 2:
            entry = MinimumEntry(*entry)
        if not isinstance(entry, MinimumEntry):
            raise ValidationError("Give each minimum annual royalty its year and amount.")
        year = clean_int(
            entry.year,
            what="year of a minimum annual royalty",
            minimum=EARLIEST_DATE.year,
            maximum=LATEST_DATE.year,
        )
        if year in found:
            raise ValidationError(f"The minimum annual royalty of {year} is given twice.")
        if effective_date is not None and year < effective_date.year:
            raise ValidationError(
                f"A minimum annual royalty for {year} comes before the agreement takes effect "
                f"({effective_date.isoformat()})."
            )
        amount = clean_decimal_money(entry.amount, what=f"minimum annual royalty of {year}")
        if amount <= 0:
            raise ValidationError(
                f"The minimum annual royalty of {year} is above 0; leave the year out otherwise."
            )
        found[year] = to_cents(amount)
    return sorted(found.items())


def clean_late_interest(value: object) -> int:
    """Late-payment interest, simple, percent a year, in basis points."""
    return percent_to_bp(clean_percent(value, what="the late-payment interest (% a year)"))


def clean_report_due_days(value: object) -> int:
    return clean_int(
        value,
        what="days after a period ends that its report is due",
        minimum=1,
        maximum=MAX_REPORT_DUE_DAYS,
    )


def clean_currencies(value: object) -> str:
    """The currencies reports may use, as ISO 4217 codes ("USD, EUR" or ["USD", "EUR"]),
    stored comma-separated in the order given."""
    if isinstance(value, str):
        clean_text(value, what="report currencies", max_length=200, multiline=False)
        value = [part for part in re.split(r"[\s,;]+", value) if part]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Give the report currencies as codes such as USD, EUR.")
    codes = [v.strip().upper() for v in value if v.strip()]
    if not codes:
        raise ValidationError("Name at least one currency reports may use (e.g. USD).")
    for code in codes:
        if not _CURRENCY.fullmatch(code):
            raise ValidationError(
                f"{code[:20]!r} is not a currency code: write three letters such as USD or EUR."
            )
    if len(set(codes)) != len(codes):
        raise ValidationError("A report currency is named twice.")
    if len(codes) > MAX_CURRENCIES:
        raise ValidationError(f"Reports may use at most {MAX_CURRENCIES} currencies.")
    return ",".join(codes)


def currencies_of(agreement: Agreement) -> list[str]:
    return [code for code in agreement.report_currencies.split(",") if code]


# --- storing and reading ------------------------------------------------------------------------


def replace_schedule(
    session: Session,
    agreement_id: int,
    rates: Iterable[CheckedRate],
    minimums: Iterable[tuple[int, int]] = (),
) -> None:
    """Make the agreement's royalty rates, their tiers and its minimums exactly these."""
    rate_ids = select(RoyaltyRate.id).where(RoyaltyRate.agreement_id == agreement_id)
    session.exec(delete(RoyaltyTier).where(col(RoyaltyTier.royalty_rate_id).in_(rate_ids)))
    session.exec(delete(RoyaltyRate).where(RoyaltyRate.agreement_id == agreement_id))
    session.exec(delete(MinimumRoyalty).where(MinimumRoyalty.agreement_id == agreement_id))
    add_schedule(session, agreement_id, rates, minimums)


def add_schedule(
    session: Session,
    agreement_id: int,
    rates: Iterable[CheckedRate],
    minimums: Iterable[tuple[int, int]] = (),
) -> None:
    """Add checked royalty rates (with their tiers) and minimums to an agreement."""
    for applies_to, tiers in rates:
        rate = RoyaltyRate(agreement_id=agreement_id, applies_to=applies_to)
        session.add(rate)
        session.flush()
        session.add_all(
            RoyaltyTier(royalty_rate_id=rate.id, position=n, up_to_cents=up_to, rate_bp=bp)
            for n, (up_to, bp) in enumerate(tiers, start=1)
        )
    session.add_all(
        MinimumRoyalty(agreement_id=agreement_id, year=year, amount_cents=cents)
        for year, cents in minimums
    )


def schedule_of(session: Session, agreement_id: int) -> list[Rate]:
    """The agreement's royalty rates with their tiers, in the order they were given."""
    rows = session.exec(
        select(RoyaltyRate, RoyaltyTier)
        .join(RoyaltyTier, RoyaltyTier.royalty_rate_id == RoyaltyRate.id)
        .where(RoyaltyRate.agreement_id == agreement_id)
        .order_by(RoyaltyRate.id, RoyaltyTier.position)
    ).all()
    schedules: dict[int, tuple[str, list[Tier]]] = {}
    for rate, tier in rows:
        up_to = None if tier.up_to_cents is None else from_cents(tier.up_to_cents)
        percent = Decimal(tier.rate_bp) / 100
        schedules.setdefault(rate.id, (rate.applies_to, []))[1].append(Tier(up_to, percent))
    return [Rate(name, tuple(tiers)) for name, tiers in schedules.values()]


def minimums_of(session: Session, agreement_id: int) -> list[Minimum]:
    return [
        Minimum(m.year, from_cents(m.amount_cents))
        for m in session.exec(
            select(MinimumRoyalty)
            .where(MinimumRoyalty.agreement_id == agreement_id)
            .order_by(MinimumRoyalty.year)
        ).all()
    ]


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value else "0"


def rates_json(schedule: Iterable[Rate]) -> list[dict]:
    """The royalty rates as the royalty function's terms give them."""
    return [
        {
            "applies_to": rate.applies_to,
            "tiers": [
                ({"up_to": f"{tier.up_to:.2f}"} if tier.up_to is not None else {})
                | {"percent": _number(tier.percent)}
                for tier in rate.tiers
            ],
        }
        for rate in schedule
    ]


def minimums_json(minimums: Iterable[Minimum]) -> list[dict]:
    return [{"year": m.year, "amount": f"{m.amount:.2f}"} for m in minimums]


def audit_view(session: Session, agreement_id: int) -> dict:
    """The royalty schedule and minimums for an audit entry's before/after."""
    return {
        "royalty_rates": rates_json(schedule_of(session, agreement_id)),
        "minimum_annual_royalty": minimums_json(minimums_of(session, agreement_id)),
    }


def royalty_terms(session: Session, agreement_id: int, *, actor: Actor) -> dict:
    """The agreement's royalty terms as the JSON that `royalty.parse_terms` reads (and
    `python -m tlo royalty due --terms` takes), with the report terms that change nothing owed
    (`agreement`, `reporting_period`, `report_due_days`, `report_currencies`)."""
    require(actor, "agreement.read")
    agreement = session.get(Agreement, clean_id(agreement_id, what="agreement"))
    if agreement is None:
        raise NotFound(f"There is no agreement {agreement_id}.")
    if agreement.effective_date is None:
        raise ValidationError(
            f"{agreement.number} has no effective date yet: its royalties run from it."
        )
    schedule = schedule_of(session, agreement.id)
    if not schedule:
        raise ValidationError(f"{agreement.number} has no royalty rates.")
    terms = {
        "agreement": agreement.number,
        "effective_date": agreement.effective_date.isoformat(),
        "royalty_rates": rates_json(schedule),
        "sublicense_share_percent": percent_text(agreement.sublicense_share_bp),
        "minimum_annual_royalty": minimums_json(minimums_of(session, agreement.id)),
        "late_interest_percent_per_year": percent_text(agreement.late_interest_bp),
        "reporting_period": ReportPeriod(agreement.royalty_report_period).value,
        "report_due_days": agreement.report_due_days,
        "report_currencies": currencies_of(agreement),
    }
    royalty.parse_terms(terms)  # what the royalty function reads, or a defect here
    return terms


# --- typed on the agreement page --------------------------------------------------------------

_PERCENT_ALONE = re.compile(r"[\d.]+\s*%?")
_TIER_TEXT = re.compile(r"(?P<percent>[^%]*?)\s*%?\s*(?:(?:up )?to\s+(?P<up_to>.+))?", re.I)


def parse_rate_lines(text: str) -> list[tuple[str, list[TierEntry]]]:
    """Royalty rates typed one category a line: "applies to; percent", or its tiers,
    "Diagnostic kits; 4 % up to 5,000,000; 3 % up to 20,000,000; 2 %"."""
    text = clean_text(text, what="royalty rates")
    rates = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        applies_to, *tiers = [part.strip() for part in line.split(";")]
        if not tiers and _PERCENT_ALONE.fullmatch(applies_to):  # "3": all licensed products
            applies_to, tiers = "", [applies_to]
        if not tiers or not all(tiers):
            raise ValidationError(
                f"Royalty line {number}: write 'applies to; percent', or its tiers "
                "'applies to; 4 % up to 5,000,000; 3 % up to 20,000,000; 2 %'."
            )
        entries = []
        for tier in tiers:
            found = _TIER_TEXT.fullmatch(tier)
            if found is None or not found["percent"].strip():
                raise ValidationError(
                    f"Royalty line {number}: {tier!r} is not a tier; write '4 % up to 5,000,000' "
                    "(the last tier: '2 %')."
                )
            entries.append(TierEntry(found["percent"].strip(), found["up_to"]))
        rates.append((applies_to, entries))
    return rates


def rate_lines(schedule: Iterable[Rate]) -> str:
    """The royalty rates as parse_rate_lines reads them, to edit."""
    return "\n".join(
        "; ".join(
            [rate.applies_to]
            + [
                f"{_number(t.percent)} %"
                + (f" up to {t.up_to:,.2f}" if t.up_to is not None else "")
                for t in rate.tiers
            ]
        )
        for rate in schedule
    )


def parse_minimum_lines(text: str) -> list[MinimumEntry]:
    """Minimum annual royalties typed one a line: "year; amount"."""
    text = clean_text(text, what="minimum annual royalties")
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 2 or not parts[0].isdigit() or len(parts[0]) != 4:
            raise ValidationError(f"Minimum line {number}: write 'year; amount', e.g. 2027; 50000.")
        entries.append(MinimumEntry(int(parts[0]), parts[1]))
    return entries


def minimum_lines(minimums: Iterable[Minimum]) -> str:
    return "\n".join(f"{m.year}; {m.amount}" for m in minimums)
