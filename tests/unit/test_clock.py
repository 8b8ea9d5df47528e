"""The one clock: moments in UTC, legal days in the office's time zone, read nowhere else."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from tests import clock as test_clock
from tlo import clock
from tlo.config import SettingsError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/Los_Angeles", date(2026, 12, 1)),  # 21:00 the evening before, in UTC-8
        ("Pacific/Honolulu", date(2026, 12, 1)),
        ("UTC", date(2026, 12, 2)),
        ("Europe/Berlin", date(2026, 12, 2)),
        ("Asia/Tokyo", date(2026, 12, 2)),
    ],
)
def test_today_is_the_date_in_the_offices_time_zone(monkeypatch, zone, day):
    monkeypatch.setenv("TLO_TIMEZONE", zone)
    with time_machine.travel(datetime(2026, 12, 2, 5, 0, tzinfo=UTC), tick=False):
        assert clock.today() == day
        assert clock.office_date(clock.utcnow()) == day


def test_a_stored_moment_becomes_the_offices_day_across_a_dst_change(monkeypatch):
    monkeypatch.setenv("TLO_TIMEZONE", "America/Los_Angeles")
    # 2027-03-14: clocks go from 02:00 PST to 03:00 PDT. 07:30 UTC is 23:30 PST on 13 March;
    # 09:30 UTC is 01:30 PST on 14 March; after the change the offset is -7, so 06:59 UTC on
    # 15 March is still 23:59 PDT on 14 March and 07:00 UTC is midnight of 15 March.
    assert clock.office_date(datetime(2027, 3, 14, 7, 30, tzinfo=UTC)) == date(2027, 3, 13)
    assert clock.office_date(datetime(2027, 3, 14, 9, 30, tzinfo=UTC)) == date(2027, 3, 14)
    assert clock.office_date(datetime(2027, 3, 15, 6, 59, tzinfo=UTC)) == date(2027, 3, 14)
    assert clock.office_date(datetime(2027, 3, 15, 7, 0, tzinfo=UTC)) == date(2027, 3, 15)


def test_a_naive_moment_from_the_database_is_taken_as_utc(monkeypatch):
    monkeypatch.setenv("TLO_TIMEZONE", "America/Los_Angeles")
    assert clock.office_date(datetime(2026, 12, 2, 5, 0)) == date(2026, 12, 1)
    assert clock.office_date_or_none(None) is None


def test_the_office_day_starts_at_local_midnight(monkeypatch):
    monkeypatch.setenv("TLO_TIMEZONE", "America/Los_Angeles")
    assert clock.start_of_office_day(date(2026, 12, 1)) == datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert clock.start_of_office_day(date(2026, 7, 1)) == datetime(2026, 7, 1, 7, tzinfo=UTC)


def test_an_unknown_time_zone_is_a_clear_settings_error(monkeypatch):
    monkeypatch.setenv("TLO_TIMEZONE", "Mars/Olympus_Mons")
    with pytest.raises(SettingsError, match="TLO_TIMEZONE must name a time zone"):
        clock.today()


def test_the_test_suite_runs_on_its_pinned_day_not_the_wall_clocks():
    assert clock.today() == test_clock.TODAY
    assert abs((clock.utcnow() - test_clock.START).total_seconds()) < 6 * 3600


WALL_CLOCK = re.compile(r"\bdate\.today\(\)|\bdatetime\.now\(|\bdatetime\.utcnow\(|\btime\.time\(")


def test_only_tlo_clock_reads_the_wall_clock():
    sources = [ROOT / "tlo_app.py", *(ROOT / "tlo").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]
    readers = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources
        if path != ROOT / "tlo" / "clock.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if WALL_CLOCK.search(line)
    ]
    assert readers == []


def test_no_test_takes_its_day_from_the_wall_clock():
    readers = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "tests").rglob("*.py")
        if path.name not in {"clock.py", "test_clock.py"}
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\bdate\.today\(\)|\bdatetime\.now\(", line)
    ]
    assert readers == []
