"""Random moments, days and picks; exact splits of cents and shares."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from tlo import clock


def _moment(day: date, rng: random.Random) -> datetime:
    """A moment on the office's day `day` during office hours, in UTC."""
    local = datetime.combine(day, clock_time(8 + rng.randrange(10), rng.randrange(60)))
    return local.replace(tzinfo=clock.office_zone()).astimezone(UTC)


def _between(rng: random.Random, first: date, last: date) -> date:
    if last <= first:
        return first
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _weighted(rng: random.Random, table: dict) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _split_cents(cents: int, weights: list[int]) -> list[int]:
    """`cents` in proportion to `weights`, exact to the cent (largest remainder), as the
    revenue service allocates an income among technologies."""
    total = sum(weights)
    floors = [cents * w // total for w in weights]
    remainders = [cents * w % total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[: cents - sum(floors)]:
        floors[i] += 1
    return floors


def _random_shares(rng: random.Random, count: int) -> list[int]:
    """Shares in hundredths of a percent adding up to exactly 10000."""
    if count == 1:
        return [10000]
    if rng.random() < 0.6:  # equal shares, the leftover to the first inventor
        each = 10000 // count
        return [10000 - each * (count - 1)] + [each] * (count - 1)
    cuts = sorted(rng.sample(range(1, 200), count - 1))
    parts = [(b - a) * 50 for a, b in zip([0, *cuts], [*cuts, 200], strict=True)]
    return sorted(parts, reverse=True)
