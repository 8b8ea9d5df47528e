"""Decisions before costs: the review queue, pay / let lapse, the agency notice, the forecast."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.factories import case_approved_for_filing
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.disclosures.intake import FundingEntry
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.patents import decisions
from tlo.patents import services as patents
from tlo.patents.models import DocketItemState
from tlo.patents.services import ApplicationForm, DocketFilters

NATIONAL_PHASES = {  # 30 or 31 months from the priority date 2024-12-10
    "pct_national_phase_us": (date(2027, 6, 10), "US", Decimal("2400.00")),
    "pct_regional_phase_ep": (date(2027, 7, 10), "EP", Decimal("7500.00")),
    "pct_national_phase_cn": (date(2027, 6, 10), "CN", Decimal("4500.00")),
    "pct_national_phase_jp": (date(2027, 6, 10), "JP", Decimal("6000.00")),
    "pct_national_phase_kr": (date(2027, 7, 10), "KR", Decimal("4000.00")),
    "pct_national_phase_ca": (date(2027, 6, 10), "CA", Decimal("1500.00")),
    "pct_national_phase_au": (date(2027, 7, 10), "AU", Decimal("1800.00")),
    "pct_national_phase_in": (date(2027, 7, 10), "IN", Decimal("1200.00")),
}


def pct_family(engine, office, *, federal: bool) -> tuple[int, int]:
    """A case with a provisional filed 2024-12-10 and the PCT claiming it a year later."""
    funding = [FundingEntry("NIH", "R01", True, "NIH")] if federal else []
    case_id = case_approved_for_filing(engine, office, funding=funding)
    with unit_of_work(engine) as session:
        provisional = patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm(
                "US", "provisional", date(2024, 12, 10), government_support_clause=federal
            ),
        )
        pct = patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm("WO", "pct", date(2025, 12, 9), parent_id=provisional.id),
        )
        return case_id, pct.id


def review(engine, actor, **kwargs):
    with unit_of_work(engine) as session:
        return decisions.cost_review(session, actor=actor, **kwargs)


def decide(engine, actor, key, decision, reason="", **kwargs):
    with unit_of_work(engine) as session:
        [decided] = decisions.decide_costs(
            session, actor=actor, keys=[key], decision=decision, reason=reason, **kwargs
        )
        return decided.id


def open_rules(engine, actor, case_id, **filters):
    with unit_of_work(engine) as session:
        view = patents.docket(
            session, actor=actor, filters=DocketFilters(disclosure_id=case_id, **filters)
        )
    return {e.item.rule: (e.item.due, e.state) for e in view.entries}


def test_the_queue_lists_each_national_phase_with_its_estimate_and_the_cases_standing(
    engine, office
):
    _case_id, pct = pct_family(engine, office, federal=False)
    events = review(engine, office.officer, months_ahead=12)
    assert {e.rule: (e.due, e.office, e.estimate) for e in events} == NATIONAL_PHASES
    assert all(e.key == f"a{pct}:{e.rule}" for e in events)
    assert {e.decision for e in events} == {None}
    first = events[0]
    assert (first.case_status, first.licensed, first.income) == (
        "Patent application filed",
        False,
        Decimal(0),
    )
    assert (first.rule, first.estimate_source) == (  # soonest first, then by key
        "pct_national_phase_ca",
        "CIPO national entry fee (small entity) + associate",
    )
    # Six months ahead reaches none of them (the first is due on 10 June 2027).
    assert review(engine, office.officer, months_ahead=6) == []


def test_pay_is_kept_with_who_and_why_and_the_item_stays_on_the_docket(engine, office):
    case_id, pct = pct_family(engine, office, federal=False)
    key = f"a{pct}:pct_national_phase_jp"
    decide(engine, office.officer, key, "pay", "Licensee in Japan asked for it")
    paid = next(e for e in review(engine, office.officer) if e.key == key)
    assert (paid.decision, paid.decided_by, paid.reason) == (
        "pay",
        "Olivia Ortega",
        "Licensee in Japan asked for it",
    )
    assert open_rules(engine, office.officer, case_id)["pct_national_phase_jp"][1] == "open"
    with pytest.raises(ValidationError, match="already decided to pay"):
        decide(engine, office.officer, key, "pay")
    # A plan to pay may still give way to letting it lapse.
    decide(engine, office.officer, key, "lapse", "Licensee dropped Japan")
    assert "pct_national_phase_jp" not in open_rules(engine, office.officer, case_id)


def test_letting_lapse_waives_the_item_with_the_reason_and_is_audited(engine, office):
    case_id, pct = pct_family(engine, office, federal=False)
    key = f"a{pct}:pct_national_phase_kr"
    decide(engine, office.officer, key, "lapse", "No market in Korea")
    rules = open_rules(engine, office.officer, case_id, include_closed=True)
    assert rules["pct_national_phase_kr"] == (date(2027, 7, 10), "waived")
    # Not federally funded: no agency to tell.
    assert "bayh_dole_abandonment_notice" not in rules
    with unit_of_work(engine) as session:
        mark = session.exec(select(DocketItemState).where(DocketItemState.key == key)).one()
        assert (mark.note, mark.marked_by_name) == (
            "Let lapse: No market in Korea",
            "Olivia Ortega",
        )
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "docket.cost_decided")
        ).one()
        assert entry.after["decision"] == "lapse"
        assert entry.after["estimate_cents"] == 400000
    assert key not in {e.key for e in review(engine, office.officer)}
    with pytest.raises(NotFound, match="not open on the docket"):
        decide(engine, office.officer, key, "pay")


def test_a_lapse_on_a_federal_case_dockets_the_agency_notice_30_days_before_the_last_day(
    engine, office
):
    case_id, pct = pct_family(engine, office, federal=True)
    decide(engine, office.officer, f"a{pct}:pct_national_phase_cn", "lapse", "No licensee in CN")
    with unit_of_work(engine) as session:
        view = patents.docket(
            session,
            actor=office.officer,
            filters=DocketFilters(disclosure_id=case_id, kind="bayh_dole"),
        )
    notices = [e.item for e in view.entries if e.item.rule == "bayh_dole_abandonment_notice"]
    assert [(n.due, n.key) for n in notices] == [
        (
            date(2027, 5, 11),  # the CN entry's last day, 10 June 2027, less 30 days
            f"a{pct}:pct_national_phase_cn:lapse:bayh_dole_abandonment_notice",
        )
    ]
    assert notices[0].subject.startswith("Letting lapse: PCT national phase in China")


def test_a_lapse_decided_less_than_30_days_ahead_makes_the_notice_due_at_once(engine, office):
    case_id, pct = pct_family(engine, office, federal=True)
    late = date(2027, 5, 25)
    decide(
        engine, office.officer, f"a{pct}:pct_national_phase_us", "lapse", "Abandon US", today=late
    )
    with unit_of_work(engine) as session:
        view = patents.docket(
            session,
            actor=office.officer,
            filters=DocketFilters(disclosure_id=case_id, kind="bayh_dole"),
            today=late,
        )
    assert [e.item.due for e in view.entries if e.item.rule == "bayh_dole_abandonment_notice"] == [
        late
    ]


@pytest.mark.parametrize(
    ("decision", "reason", "error", "message"),
    [
        ("lapse", "", ValidationError, "Give the reason"),
        ("lapse", "   ", ValidationError, "Give the reason"),
        ("lapse", "x" * 501, ValidationError, "at most 500"),
        ("lapse", "bad\x00byte", ValidationError, "control character"),
        ("maybe", "", ValidationError, "pay or to let lapse"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_saved(
    engine, office, decision, reason, error, message
):
    case_id, pct = pct_family(engine, office, federal=True)
    with pytest.raises(error, match=message):
        decide(engine, office.officer, f"a{pct}:pct_national_phase_us", decision, reason)
    assert {e.decision for e in review(engine, office.officer)} == {None}
    assert "bayh_dole_abandonment_notice" not in open_rules(engine, office.officer, case_id)


def test_only_cost_events_of_ones_own_cases_are_decided(engine, office):
    case_id, pct = pct_family(engine, office, federal=True)
    key = f"a{pct}:pct_national_phase_us"
    with pytest.raises(PermissionDenied):
        decide(engine, office.other_officer, key, "lapse", "Not mine")
    with pytest.raises(PermissionDenied):
        decide(engine, office.finance, key, "pay")
    with pytest.raises(PermissionDenied):
        review(engine, office.inventor)
    with pytest.raises(ValidationError, match="costs nothing"):
        decide(engine, office.officer, f"d{case_id}:bayh_dole_report_invention", "pay")
    with pytest.raises(NotFound):
        decide(engine, office.officer, "a999999:pct_national_phase_us", "pay")
    decide(engine, office.director, key, "pay", "Director's call")


def test_the_forecast_adds_up_what_is_still_to_pay_by_year_and_office(engine, office):
    _, pct = pct_family(engine, office, federal=False)
    decide(engine, office.officer, f"a{pct}:pct_national_phase_in", "lapse", "No market")
    with unit_of_work(engine) as session:
        rows = decisions.cost_forecast(session, actor=office.finance, years=2)
    assert [(r.year, r.office, r.items, r.amount) for r in rows] == [
        (2027, "AU", 1, Decimal("1800.00")),
        (2027, "CA", 1, Decimal("1500.00")),
        (2027, "CN", 1, Decimal("4500.00")),
        (2027, "EP", 1, Decimal("7500.00")),
        (2027, "JP", 1, Decimal("6000.00")),
        (2027, "KR", 1, Decimal("4000.00")),
        (2027, "US", 1, Decimal("2400.00")),
    ]
    with unit_of_work(engine) as session:
        with pytest.raises(PermissionDenied):
            decisions.cost_forecast(session, actor=office.inventor)
        with pytest.raises(ValidationError, match="between 1 and 20"):
            decisions.cost_forecast(session, actor=office.director, years=0)


def test_every_fee_estimate_names_a_rule_and_every_fee_bearing_rule_has_one():
    estimates = decisions.fee_estimates()
    assert all(e.amount > 0 and e.source for e in estimates)
    for rule in decisions.RULE_OFFICE:
        if rule.startswith(("pct_national_phase_", "pct_regional_phase_", "ep_renewal_")):
            assert decisions.estimate_for(rule) is not None, rule
        if rule.startswith(("maintenance_", "annuity_")) or rule == "issue_fee":
            assert decisions.estimate_for(rule) is not None, rule
    assert decisions.estimate_for("convert_provisional") is None
    assert decisions.estimate_for("ep_renewal_3").amount == Decimal("1000.00")
    assert decisions.estimate_for("ep_renewal_12").amount == Decimal("2200.00")
