"""The day every test runs on: pinned, never the wall clock's.

`TLO_TEST_NOW` names it: a date (`2028-02-29`, taken at 21:30 in the office's time zone, when
it is already the next day in UTC, so that a UTC date where the office's is meant shows up as
a failure) or a full ISO moment with its offset. Unset, it is DEFAULT_DAY. tests/conftest.py
moves the whole test process's clock there with time-machine (time runs on from it), and the
browser tests start their server with the same clock (tests/run_at.py). `make test-dates` runs
the suite on several awkward days.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

DEFAULT_DAY = date(2026, 12, 1)
EVENING = time(21, 30)


def frozen_moment() -> datetime:
    """The moment the test clock starts at, in UTC."""
    raw = (os.environ.get("TLO_TEST_NOW") or "").strip()
    zone = ZoneInfo(os.environ.get("TLO_TIMEZONE") or "America/Los_Angeles")
    if not raw:
        moment = datetime.combine(DEFAULT_DAY, EVENING, tzinfo=zone)
    elif len(raw) == 10:
        moment = datetime.combine(date.fromisoformat(raw), EVENING, tzinfo=zone)
    else:
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


START = frozen_moment()
# The office's day the tests run on (the clock ticks on from 21:30, so a run that lasts past
# midnight would see tomorrow: the suite takes minutes, not hours).
TODAY: date = START.astimezone(
    ZoneInfo(os.environ.get("TLO_TIMEZONE") or "America/Los_Angeles")
).date()
