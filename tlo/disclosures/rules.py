"""Pure rules of a disclosure: inventor shares, docket numbers, urgency, evaluation scores."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tlo.errors import ValidationError
from tlo.money import bp_to_percent, parse_percent

HUNDRED_PERCENT_BP = 10_000  # shares are kept in hundredths of a percent
URGENT_WITHIN_DAYS = 60


# --- inventor shares -------------------------------------------------------------------------


def parse_share(text: str | Decimal | int) -> Decimal:
    """A contribution share in percent, e.g. "33.33": above 0, at most 100, two decimals."""
    if not str(text).strip():
        raise ValidationError("Give every inventor's share in percent, e.g. 50 or 33.33.")
    share = parse_percent(text, what="A share")
    if share == 0:
        raise ValidationError("A share must be above 0 %; leave out who did not contribute.")
    return share


@dataclass(frozen=True)
class InventorShare:
    person_id: int
    name: str
    share: Decimal


def validate_shares(inventors: Sequence[InventorShare]) -> None:
    """Shares of distinct inventors that add up to exactly 100 %."""
    if not inventors:
        raise ValidationError("Name at least one inventor.")
    seen: set[int] = set()
    for inventor in inventors:
        if inventor.person_id in seen:
            raise ValidationError(f"{inventor.name} is listed twice; list each inventor once.")
        seen.add(inventor.person_id)
        parse_share(inventor.share)
    total = sum((inventor.share for inventor in inventors), Decimal(0))
    if total != 100:
        raise ValidationError(
            f"Inventor shares add up to {total.normalize():f} %; they must add up to 100 %."
        )


def equal_shares(count: int) -> list[Decimal]:
    """Equal shares to the hundredth that add up to 100 (the first ones get the extra 0.01s)."""
    base, extra = divmod(HUNDRED_PERCENT_BP, count)
    return [bp_to_percent(base + (1 if index < extra else 0)) for index in range(count)]


# --- docket numbers --------------------------------------------------------------------------


def fiscal_year_of(day: date, start_month: int) -> int:
    """The fiscal year a date falls in, named by the calendar year in which it ends.

    With a September start, 2025-09-01 to 2026-08-31 is fiscal year 2026.
    """
    if start_month == 1:
        return day.year
    return day.year + 1 if day.month >= start_month else day.year


def docket_number(fiscal_year: int, sequence: int) -> str:
    """S + two-digit fiscal year + four-digit sequence: S26-0007."""
    return f"S{fiscal_year % 100:02d}-{sequence:04d}"


# --- urgency ---------------------------------------------------------------------------------


def urgency_flags(
    public_disclosure_dates: Iterable[date],
    *,
    federally_funded: bool,
    today: date,
    patent_filed: bool = False,
) -> list[str]:
    """Why a case needs attention first, in words an officer reads at a glance."""
    flags = []
    dates = sorted(public_disclosure_dates)
    past = [day for day in dates if day <= today]
    soon = [day for day in dates if today < day <= today + timedelta(days=URGENT_WITHIN_DAYS)]
    if past and not patent_filed:
        flags.append(f"Publicly disclosed {past[0].isoformat()} without a patent filing")
    elif soon and not patent_filed:
        flags.append(f"Public disclosure planned {soon[0].isoformat()}")
    if federally_funded:
        flags.append("Federally funded (Bayh-Dole)")
    return flags


# --- evaluation ------------------------------------------------------------------------------

CRITERIA: dict[str, str] = {
    "novelty": "Novelty",
    "patentability": "Patentability",
    "market_size": "Market size",
    "licensing_interest": "Licensing interest",
    "stage_of_development": "Stage of development",
}
DEFAULT_WEIGHTS: dict[str, Decimal] = {name: Decimal(1) for name in CRITERIA}


def evaluation_weights() -> dict[str, Decimal]:
    """Weights from TLO_EVALUATION_WEIGHTS ("novelty=2,market_size=1.5"), others stay 1."""
    weights = dict(DEFAULT_WEIGHTS)
    raw = os.environ.get("TLO_EVALUATION_WEIGHTS", "").strip()
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, _, value = item.partition("=")
        name = name.strip()
        if name not in CRITERIA:
            raise ValidationError(
                f"TLO_EVALUATION_WEIGHTS names {name!r}; criteria are {', '.join(CRITERIA)}."
            )
        try:
            weight = Decimal(value.strip())
        except InvalidOperation:
            raise ValidationError(f"TLO_EVALUATION_WEIGHTS: {item!r} needs a number.") from None
        if weight < 0:
            raise ValidationError(f"TLO_EVALUATION_WEIGHTS: {name} may not be negative.")
        weights[name] = weight
    if sum(weights.values()) == 0:
        raise ValidationError("TLO_EVALUATION_WEIGHTS: at least one weight must be above 0.")
    return weights


def check_score(criterion: str, score: int) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        shown = f"{score!r}"[:40]
        raise ValidationError(f"Score {CRITERIA[criterion]} from 1 to 5, not {shown}.")
    return score


def weighted_score(scores: dict[str, int], weights: dict[str, Decimal]) -> Decimal:
    """The weighted mean of the 1–5 scores, to two decimals."""
    for criterion in CRITERIA:
        check_score(criterion, scores.get(criterion))
    total = sum(weights[name] * scores[name] for name in CRITERIA)
    mean = total / sum(weights[name] for name in CRITERIA)
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
