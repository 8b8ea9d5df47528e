"""The docket as its page reads it at the largest office: a horizon read by the index on the
last day to act, and a page counted up to a bound, with the overdue ones counted exactly."""

from __future__ import annotations

from datetime import timedelta

from tests.clock import TODAY
from tests.services.test_docket_store import add, federal_case
from tlo.db import unit_of_work
from tlo.patents import services as patents
from tlo.patents.services import DocketFilters


def cases_with_deadlines(engine, office):
    """Provisionals filed on seven days in a row (one of their conversions falls due on a
    weekend, and rolls to the Monday), and two filed long ago (their conversions overdue)."""
    case_id = federal_case(engine, office)
    with unit_of_work(engine) as session:
        for days_ago in (*range(300, 307), 500, 520):
            add(session, office, case_id, filing_date=TODAY - timedelta(days=days_ago))


def test_a_horizon_lists_what_falls_due_by_it_even_where_the_day_to_act_rolls_past_it(
    engine, office
):
    cases_with_deadlines(engine, office)
    with unit_of_work(engine) as session:
        whole = patents.docket(session, actor=office.director, filters=DocketFilters()).entries
        rolled = [e for e in whole if e.item.act_by > e.item.due and e.item.due >= TODAY]
        assert rolled, "a deadline on a day the USPTO is closed, to test the horizon with"
        horizons = {0, 30, 400, *((e.item.due - TODAY).days for e in rolled)}
        for days in sorted(horizons):
            listed = patents.docket(
                session, actor=office.director, filters=DocketFilters(within_days=days)
            ).entries
            due_by = TODAY + timedelta(days=days)
            assert listed == [e for e in whole if e.item.due <= due_by], days


def test_a_page_counts_up_to_a_bound_and_the_overdue_ones_exactly(engine, office, monkeypatch):
    cases_with_deadlines(engine, office)
    with unit_of_work(engine) as session:
        whole = patents.docket(session, actor=office.director, filters=DocketFilters())
        assert len(whole.entries) > 6 and whole.overdue_count > 0
        monkeypatch.setattr(patents, "COUNT_UP_TO", 4)
        first = patents.docket(session, actor=office.director, filters=DocketFilters(), limit=2)
        assert first.entries == whole.entries[:2]
        assert (first.listed, first.more) == (4, True)
        assert first.overdue_count == whole.overdue_count  # not bounded: every overdue item
        # further on, the count reaches at least the end of the page asked for
        later = patents.docket(
            session, actor=office.director, filters=DocketFilters(), limit=2, offset=4
        )
        assert later.entries == whole.entries[4:6]
        assert later.listed >= 6
        monkeypatch.setattr(patents, "COUNT_UP_TO", 10_000)
        exact = patents.docket(session, actor=office.director, filters=DocketFilters(), limit=2)
        assert (exact.listed, exact.more) == (len(whole.entries), False)
