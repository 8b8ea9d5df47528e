"""Deadline rules, table by table: month ends, leap years, weekends and federal holidays."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tlo.errors import ValidationError
from tlo.patents.deadlines import (
    RULES,
    Event,
    EventKind,
    deadlines_for,
    is_uspto_business_day,
    next_business_day,
    parse_events,
)

D = date.fromisoformat
K = EventKind


def table(events):
    return {d.rule: (d.due, d.file_by, d.window_opens, d.grace_ends) for d in deadlines_for(events)}


@pytest.mark.parametrize(
    ("filed", "due", "file_by"),
    [
        ("2024-02-29", "2025-02-28", "2025-02-28"),  # leap day: clamped to the month's end
        ("2025-01-31", "2026-01-31", "2026-02-02"),  # a Saturday: the next Monday
        ("2025-11-26", "2026-11-26", "2026-11-27"),  # Thanksgiving 2026
        ("2025-07-03", "2026-07-03", "2026-07-06"),  # Independence Day observed, then a weekend
        ("2025-12-25", "2026-12-25", "2026-12-28"),  # Christmas on a Friday
        ("2025-06-10", "2026-06-10", "2026-06-10"),  # an ordinary Wednesday
    ],
)
def test_a_provisional_must_be_converted_within_twelve_months(filed, due, file_by):
    got = table([Event(K.PROVISIONAL_FILED, D(filed))])
    assert got == {"convert_provisional": (D(due), D(file_by), None, None)}


def test_a_federally_funded_provisional_also_owes_bayh_dole_a_non_provisional():
    got = table([Event(K.PROVISIONAL_FILED, D("2025-03-31"), federal=True)])
    assert got["bayh_dole_nonprovisional"] == (D("2026-01-31"), None, None, None)
    assert got["convert_provisional"][0] == D("2026-03-31")


@pytest.mark.parametrize(
    ("priority", "us_due", "us_file_by", "ep_due"),
    [
        ("2024-08-31", "2027-02-28", "2027-03-01", "2027-03-31"),  # Feb 2027: 28 days, a Sunday
        ("2024-02-29", "2026-08-29", "2026-08-31", "2026-09-29"),
        ("2025-01-15", "2027-07-15", "2027-07-15", "2027-08-15"),
    ],
)
def test_the_pct_national_phase_counts_from_the_priority_date(priority, us_due, us_file_by, ep_due):
    event = Event(K.PCT_FILED, D(priority) + timedelta(days=300), priority_date=D(priority))
    got = table([event])
    assert got["pct_national_phase_us"] == (D(us_due), D(us_file_by), None, None)
    assert got["pct_regional_phase_ep"] == (D(ep_due), None, None, None)


def test_maintenance_fees_fall_at_3_5_7_5_and_11_5_years_with_window_and_grace():
    got = table([Event(K.US_PATENT_GRANTED, D("2024-02-29"))])
    assert got["maintenance_3_5"] == (
        D("2027-08-29"),
        D("2027-08-30"),
        D("2027-02-28"),
        D("2028-02-29"),
    )
    assert got["maintenance_7_5"] == (
        D("2031-08-29"),
        D("2031-08-29"),
        D("2031-02-28"),
        D("2032-02-29"),
    )
    assert got["maintenance_11_5"] == (
        D("2035-08-29"),
        D("2035-08-29"),
        D("2035-02-28"),
        D("2036-02-29"),
    )


@pytest.mark.parametrize(
    ("mailed", "due", "file_by", "extended", "extended_file_by"),
    [
        ("2025-11-30", "2026-02-28", "2026-03-02", "2026-05-30", "2026-06-01"),
        ("2025-08-31", "2025-11-30", "2025-12-01", "2026-02-28", "2026-03-02"),
        ("2026-02-19", "2026-05-19", "2026-05-19", "2026-08-19", "2026-08-19"),
    ],
)
def test_an_office_action_is_answered_in_three_months_or_six_with_extensions(
    mailed, due, file_by, extended, extended_file_by
):
    got = table([Event(K.OFFICE_ACTION_MAILED, D(mailed))])
    assert got["office_action_response"] == (D(due), D(file_by), None, None)
    assert got["office_action_response_extended"] == (D(extended), D(extended_file_by), None, None)


def test_a_public_disclosure_opens_a_one_year_us_grace_period():
    got = table([Event(K.PUBLIC_DISCLOSURE, D("2025-05-26"))])  # Memorial Day 2026 is 25 May
    assert got == {"us_grace_period_filing": (D("2026-05-26"), D("2026-05-26"), None, None)}
    got = table([Event(K.PUBLIC_DISCLOSURE, D("2025-05-25"))])
    assert got["us_grace_period_filing"][1] == D("2026-05-26")


@pytest.mark.parametrize(
    ("event", "rule", "due"),
    [
        (
            Event(K.INVENTION_DISCLOSED, D("2025-12-31"), federal=True),
            "bayh_dole_report_invention",
            "2026-02-28",
        ),
        (Event(K.AGENCY_NOTIFIED, D("2024-02-29")), "bayh_dole_elect_title", "2026-02-28"),
        (Event(K.TITLE_ELECTED, D("2025-05-31")), "bayh_dole_initial_filing", "2026-05-31"),
        (
            Event(K.LICENSE_EXECUTED, D("2026-03-15"), federal=True),
            "bayh_dole_utilization_report",
            "2026-12-31",
        ),
    ],
)
def test_bayh_dole_deadlines_for_federally_funded_cases(event, rule, due):
    assert table([event]) == {rule: (D(due), None, None, None)}


def test_bayh_dole_rules_need_federal_funding_where_the_event_is_not_bayh_dole_itself():
    assert table([Event(K.INVENTION_DISCLOSED, D("2025-01-10"))]) == {}
    assert table([Event(K.LICENSE_EXECUTED, D("2025-01-10"))]) == {}


def test_a_statutory_bar_brings_the_title_election_forward():
    events = [
        Event(K.AGENCY_NOTIFIED, D("2025-01-10")),
        Event(K.PUBLIC_DISCLOSURE, D("2025-03-15")),
    ]
    assert table(events)["bayh_dole_elect_title"][0] == D("2026-03-15")
    late = [Event(K.AGENCY_NOTIFIED, D("2025-01-10"), bar_date=D("2024-06-01"))]
    assert table(late)["bayh_dole_elect_title"][0] == D("2025-01-10")  # due at once


def test_every_rule_is_reachable_from_some_event():
    events = [
        Event(kind, D("2025-04-01"), federal=True, priority_date=D("2025-01-01"))
        for kind in EventKind
    ]
    assert {d.rule for d in deadlines_for(events)} == {rule.name for rule in RULES}


def test_business_days_skip_weekends_and_federal_holidays():
    assert is_uspto_business_day(D("2026-11-25"))
    assert not is_uspto_business_day(D("2026-11-26"))  # Thanksgiving
    assert not is_uspto_business_day(D("2026-11-28"))  # Saturday
    assert next_business_day(D("2027-12-24")) == D("2027-12-27")  # Christmas observed Friday


@given(
    kind=st.sampled_from(list(EventKind)),
    on=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    priority_back=st.integers(min_value=0, max_value=365),
    federal=st.booleans(),
)
def test_every_deadline_falls_on_or_after_its_trigger(kind, on, priority_back, federal):
    event = Event(kind, on, federal=federal, priority_date=on - timedelta(days=priority_back))
    for deadline in deadlines_for([event]):
        assert deadline.due >= on
        if deadline.file_by is not None:
            assert deadline.file_by >= deadline.due
            assert is_uspto_business_day(deadline.file_by)
            assert (deadline.file_by - deadline.due).days <= 5
        if deadline.window_opens is not None:
            assert on <= deadline.window_opens < deadline.due < deadline.grace_ends


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"event": "provisional_filed"}, "JSON list"),
        ([{"event": "patent_dreamed", "date": "2025-01-01"}], "'patent_dreamed' is not an event"),
        ([{"event": "provisional_filed", "date": "01/02/2025"}], "YYYY-MM-DD"),
        ([{"event": "pct_filed", "date": "2025-01-02"}], "needs its priority_date"),
    ],
)
def test_bad_event_files_are_refused_with_a_reason(raw, message):
    with pytest.raises(ValidationError, match=message):
        parse_events(raw)
