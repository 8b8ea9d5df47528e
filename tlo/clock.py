"""The one place that reads the clock, so that services, pages and tests agree on 'now'.

Moments are stored in UTC (`utcnow()`); legal and reporting dates are calendar days *in the
office's time zone* (`TLO_TIMEZONE`, America/Los_Angeles by default), never the server's or
UTC's: a disclosure submitted at 21:00 in California was received that Californian day, though
it is already the next day in UTC. `today()` is that day now; `office_date()` turns a stored
moment into it. Nothing else in tlo may call `date.today()` or `datetime.now()`.

Tests move this clock (and every other reader of the time in their process) with
`time-machine`; see tests/conftest.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tlo.config import SettingsError, get_settings


def utcnow() -> datetime:
    """This moment, tz-aware, in UTC (how tlo stores every moment)."""
    return datetime.now(UTC)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"TLO_TIMEZONE must name a time zone such as America/Los_Angeles, not {name!r}."
        ) from None


def office_zone() -> ZoneInfo:
    """The office's time zone (TLO_TIMEZONE)."""
    return _zone(get_settings().office_timezone)


def office_now() -> datetime:
    """This moment on the office's wall clock (tz-aware)."""
    return utcnow().astimezone(office_zone())


def today() -> date:
    """Today's date in the office's time zone: the day every legal clock starts from."""
    return office_now().date()


def office_date(moment: datetime) -> date:
    """The office's calendar day of a stored moment (tz-aware; naive values are taken as UTC,
    as a database without time zones returns them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(office_zone()).date()


def office_date_or_none(moment: datetime | None) -> date | None:
    return None if moment is None else office_date(moment)


def start_of_office_day(day: date) -> datetime:
    """The UTC moment the office's day `day` begins (for 'received on or after day' queries)."""
    return datetime.combine(day, time(0), tzinfo=office_zone()).astimezone(UTC)
