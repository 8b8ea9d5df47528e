"""A family walked from a provisional to a PCT, national phases entered and declined, grants
and their annuities: the docket checked at each step (SQLite and PostgreSQL). Today is the
suite's pinned day, 1 December 2026."""

from datetime import date

from tests.factories import case_approved_for_filing
from tlo.db import unit_of_work
from tlo.disclosures.intake import FundingEntry
from tlo.patents import decisions
from tlo.patents import services as patents
from tlo.patents.services import ApplicationForm, DocketFilters


def add(engine, actor, case_id, *fields, **more) -> int:
    with unit_of_work(engine) as session:
        return patents.add_application(
            session,
            actor=actor,
            disclosure_id=case_id,
            form=ApplicationForm(*fields, **more),
        ).id


def grant(engine, actor, application_id, on: date, number: str) -> None:
    with unit_of_work(engine) as session:
        patents.update_application(
            session,
            actor=actor,
            application_id=application_id,
            status="granted",
            grant_number=number,
            grant_date=on,
        )


def docket(engine, actor, case_id, *, kind=None) -> dict[str, tuple]:
    """rule -> (due, state) of every item, met and closed ones too; each rule name once."""
    with unit_of_work(engine) as session:
        view = patents.docket(
            session,
            actor=actor,
            filters=DocketFilters(disclosure_id=case_id, include_closed=True, kind=kind),
        )
    found: dict[str, tuple] = {}
    for e in view.entries:
        found.setdefault(e.item.rule, (e.item.due, e.state))
    return found


def test_a_family_from_provisional_to_annuities(engine, office):
    officer = office.officer
    case_id = case_approved_for_filing(engine, office)

    # 1. The provisional: a year to convert it and to file abroad.
    provisional = add(engine, officer, case_id, "US", "provisional", date(2022, 1, 31))
    assert docket(engine, officer, case_id) == {
        "convert_provisional": (date(2023, 1, 31), "open"),
        "priority_year": (date(2023, 1, 31), "open"),
    }

    # 2. The PCT on the last day: both met; eight offices' entries 30 or 31 months from priority.
    pct = add(engine, officer, case_id, "WO", "pct", date(2023, 1, 31), parent_id=provisional)
    items = docket(engine, officer, case_id)
    assert items["convert_provisional"] == (date(2023, 1, 31), "met")
    assert items["priority_year"] == (date(2023, 1, 31), "met")
    assert {rule: due for rule, (due, state) in items.items() if rule.startswith("pct_")} == {
        "pct_national_phase_us": date(2024, 7, 31),
        "pct_regional_phase_ep": date(2024, 8, 31),
        "pct_national_phase_cn": date(2024, 7, 31),
        "pct_national_phase_jp": date(2024, 7, 31),
        "pct_national_phase_kr": date(2024, 8, 31),
        "pct_national_phase_ca": date(2024, 7, 31),
        "pct_national_phase_au": date(2024, 8, 31),
        "pct_national_phase_in": date(2024, 8, 31),
    }

    # 3. Four offices entered; the other four declined at once, with a reason.
    entered = {}
    for office_code, on in (
        ("US", date(2024, 7, 30)),
        ("JP", date(2024, 7, 30)),
        ("CN", date(2024, 7, 29)),
        ("CA", date(2024, 7, 31)),
    ):
        entered[office_code] = add(
            engine,
            officer,
            case_id,
            office_code,
            "national_phase",
            on,
            parent_id=pct,
        )
    with unit_of_work(engine) as session:
        decisions.decide_costs(
            session,
            actor=officer,
            keys=[f"a{pct}:{rule}" for rule in ("pct_regional_phase_ep", "pct_national_phase_kr")]
            + [f"a{pct}:pct_national_phase_{code}" for code in ("au", "in")],
            decision="lapse",
            reason="No licensee interest outside US, JP, CN and CA",
        )
    items = docket(engine, officer, case_id)
    assert {rule: state for rule, (_, state) in items.items() if rule.startswith("pct_")} == {
        "pct_national_phase_us": "met",
        "pct_regional_phase_ep": "waived",
        "pct_national_phase_cn": "met",
        "pct_national_phase_jp": "met",
        "pct_national_phase_kr": "waived",
        "pct_national_phase_ca": "met",
        "pct_national_phase_au": "waived",
        "pct_national_phase_in": "waived",
    }
    # Canada charges maintenance fees while the application is pending: from the 2nd
    # anniversary of the international filing date.
    assert items["annuity_ca_3"] == (date(2025, 1, 31), "open")
    assert not any(rule.startswith(("annuity_jp", "annuity_cn", "maintenance_")) for rule in items)

    # 4. Grants: the US maintenance fees, the JP and CN annual fees, every expiry.
    grant(engine, officer, entered["US"], date(2025, 9, 16), "12,345,678")
    grant(engine, officer, entered["JP"], date(2025, 2, 28), "7654321")
    grant(engine, officer, entered["CN"], date(2025, 6, 30), "ZL202380012345.6")
    items = docket(engine, officer, case_id)
    assert items["maintenance_3_5"] == (date(2029, 3, 16), "open")
    assert items["maintenance_11_5"] == (date(2037, 3, 16), "open")
    # The US term counts from the PCT's filing (35 U.S.C. 154(a)(2)), not the provisional.
    assert items["patent_expiry"][0] == date(2043, 1, 31)
    # JP: years 1-3 paid on registration; the 4th by the 3rd anniversary of registration,
    # counted as Japanese periods are (Patent Act Art. 3(1)): the day before 1 March 2028.
    assert items["annuity_jp_4"] == (date(2028, 2, 29), "open")
    assert items["patent_expiry_jp"][0] == date(2043, 1, 31)
    # CN: the fee for each year falls due on the filing anniversary; those before the grant
    # were paid with the registration, so the first is the 4th year's on 31 January 2026.
    assert items["annuity_cn_4"] == (date(2026, 1, 31), "open")
    assert "annuity_cn_3" not in items
    assert items["patent_expiry_cn"][0] == date(2043, 1, 31)

    # 5. The review queue shows the next year's fees; the forecast adds them up.
    with unit_of_work(engine) as session:
        queue = decisions.cost_review(session, actor=officer, months_ahead=12)
        forecast = decisions.cost_forecast(session, actor=office.director, years=1)
    assert [(e.rule, e.due, e.overdue) for e in queue] == [
        ("annuity_ca_3", date(2025, 1, 31), True),
        ("annuity_cn_4", date(2026, 1, 31), True),
        ("annuity_ca_4", date(2026, 1, 31), True),
        ("annuity_cn_5", date(2027, 1, 31), False),
        ("annuity_ca_5", date(2027, 1, 31), False),
    ]
    assert [(r.year, r.office, r.items) for r in forecast] == [(2026, "CA", 2), (2026, "CN", 1)]


def test_an_abandoned_federal_application_puts_the_agency_notice_on_the_docket_at_once(
    engine, office
):
    case_id = case_approved_for_filing(
        engine, office, funding=[FundingEntry("NSF", "CNS-1", True, "NSF")]
    )
    app_id = add(
        engine,
        office.officer,
        case_id,
        "US",
        "nonprovisional",
        date(2025, 3, 3),
        government_support_clause=True,
    )
    with unit_of_work(engine) as session:
        patents.update_application(
            session,
            actor=office.officer,
            application_id=app_id,
            status="abandoned",
            abandoned_on=date(2026, 11, 20),
        )
    with unit_of_work(engine) as session:
        view = patents.docket(
            session,
            actor=office.officer,
            filters=DocketFilters(disclosure_id=case_id, kind="bayh_dole"),
        )
    notices = [e for e in view.entries if e.item.rule == "bayh_dole_abandonment_notice"]
    assert [(e.item.key, e.item.due, e.overdue) for e in notices] == [
        (f"a{app_id}:abandoned:bayh_dole_abandonment_notice", date(2026, 11, 20), True)
    ]
    # The application's own deadlines are gone with it.
    assert not [e for e in view.entries if e.item.key.startswith(f"a{app_id}:bayh_dole_f")]


def test_every_elected_invention_reports_utilization_each_federal_fiscal_year(engine, office):
    case_id = case_approved_for_filing(
        engine, office, funding=[FundingEntry("NIH", "R21", True, "NIH")]
    )
    with unit_of_work(engine) as session:
        patents.save_bayh_dole(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            agency="NIH",
            award_number="R21",
            iedison_number="1234567",
            reported_on=date(2025, 6, 1),
            election="elected",
            elected_on=date(2025, 11, 15),  # in fiscal year 2026 (October 2025 - September 2026)
        )
    with unit_of_work(engine) as session:
        view = patents.docket(
            session,
            actor=office.officer,
            filters=DocketFilters(disclosure_id=case_id, kind="bayh_dole", include_closed=True),
        )
    reports = [
        (e.item.key, e.item.subject, e.item.due)
        for e in view.entries
        if e.item.rule == "bayh_dole_utilization_report"
    ]
    # Not licensed, still reported; one report a fiscal year up to the current one (FY2027).
    assert reports == [
        (
            f"d{case_id}:y2026:bayh_dole_utilization_report",
            "Utilization report FY2026",
            date(2026, 12, 31),
        ),
        (
            f"d{case_id}:y2027:bayh_dole_utilization_report",
            "Utilization report FY2027",
            date(2027, 12, 31),
        ),
    ]


def test_a_european_patent_pays_the_epo_until_grant_and_its_validation_states_after(engine, office):
    officer = office.officer
    case_id = case_approved_for_filing(engine, office)
    provisional = add(engine, officer, case_id, "US", "provisional", date(2018, 4, 2))
    ep = add(
        engine, officer, case_id, "EP", "nonprovisional", date(2019, 3, 31), parent_id=provisional
    )
    items = docket(engine, officer, case_id)
    assert items["ep_renewal_3"][0] == date(2021, 3, 31)
    assert items["ep_renewal_8"][0] == date(2026, 3, 31)
    assert not any(rule.startswith("annuity_ep") for rule in items)
    grant(engine, officer, ep, date(2024, 5, 15), "EP3456789")
    items = docket(engine, officer, case_id)
    assert not any(rule.startswith("ep_renewal") for rule in items)
    assert items["annuity_ep_7"] == (date(2025, 3, 31), "open")
    assert items["patent_expiry_ep"][0] == date(2039, 3, 31)
    assert "annuity_ep_6" not in items  # due 2024-03-31, before the grant: paid to the EPO
