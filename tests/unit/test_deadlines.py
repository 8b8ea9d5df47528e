"""Deadline rules, table by table against their sources: month ends, leap years, weekends and
federal holidays. Each table names the provision it checks; the rules themselves are data
(tlo/patents/rules/*.toml)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tlo.errors import ValidationError
from tlo.patents import deadlines
from tlo.patents.deadlines import (
    RULES,
    ActionType,
    Event,
    EventKind,
    RulesError,
    deadlines_for,
    is_uspto_business_day,
    next_business_day,
    parse_events,
)

D = date.fromisoformat
K = EventKind


def table(events):
    return {d.rule: (d.due, d.file_by, d.window_opens, d.grace_ends) for d in deadlines_for(events)}


def names(events):
    return [d.rule for d in deadlines_for(events)]


# --- 35 U.S.C. 119(e), Paris Convention Art. 4C -----------------------------------------------


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
def test_a_provisional_must_be_converted_and_its_priority_year_used_within_twelve_months(
    filed, due, file_by
):
    got = table([Event(K.PROVISIONAL_FILED, D(filed))])
    assert got == {
        "convert_provisional": (D(due), D(file_by), None, None),
        "priority_year": (D(due), D(file_by), None, None),  # a PCT filed at the USPTO (4C(3))
    }


def test_a_federally_funded_provisional_also_owes_bayh_dole_its_filings_in_ten_months():
    event = Event(K.PROVISIONAL_FILED, D("2025-03-31"), federal=True)
    assert names([event]) == [
        "convert_provisional",
        "priority_year",
        "bayh_dole_nonprovisional",
        "bayh_dole_foreign_filing",
    ]
    got = table([event])
    assert got["bayh_dole_nonprovisional"] == (D("2026-01-31"), None, None, None)
    assert got["bayh_dole_foreign_filing"] == (D("2026-01-31"), None, None, None)  # 401.14(c)(3)
    assert got["convert_provisional"][0] == D("2026-03-31")


def test_a_family_first_filed_as_a_us_non_provisional_still_has_a_priority_year():
    first = Event(K.NONPROVISIONAL_FILED, D("2025-03-31"), federal=True)
    assert table([first]) == {
        "priority_year": (D("2026-03-31"), D("2026-03-31"), None, None),
        "bayh_dole_foreign_filing": (D("2026-01-31"), None, None, None),
    }
    claiming = Event(K.NONPROVISIONAL_FILED, D("2025-03-31"), True, priority_date=D("2024-04-02"))
    assert table([claiming]) == {}  # its priority year is its parent's
    assert names([Event(K.NONPROVISIONAL_FILED, D("2025-03-31"))]) == ["priority_year"]


# --- PCT Art. 22 and 39, per office ------------------------------------------------------------

PCT_ORDER = [
    "pct_national_phase_us",
    "pct_regional_phase_ep",
    "pct_national_phase_cn",
    "pct_national_phase_jp",
    "pct_national_phase_kr",
    "pct_national_phase_ca",
    "pct_national_phase_au",
    "pct_national_phase_in",
]


def test_a_pct_sets_the_national_and_regional_phases_of_eight_offices_in_order():
    event = Event(K.PCT_FILED, D("2025-08-29"), priority_date=D("2024-08-31"))
    assert names([event]) == PCT_ORDER
    got = table([event])
    assert got == {
        "pct_national_phase_us": (D("2027-02-28"), D("2027-03-01"), None, None),  # a Sunday
        "pct_regional_phase_ep": (D("2027-03-31"), None, None, None),
        "pct_national_phase_cn": (D("2027-02-28"), None, None, D("2027-04-30")),  # 32 months
        "pct_national_phase_jp": (D("2027-02-28"), None, None, None),
        "pct_national_phase_kr": (D("2027-03-31"), None, None, None),
        "pct_national_phase_ca": (D("2027-02-28"), None, None, D("2028-02-29")),  # 42 months
        "pct_national_phase_au": (D("2027-03-31"), None, None, None),
        "pct_national_phase_in": (D("2027-03-31"), None, None, None),
    }


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


def test_a_pct_claiming_no_priority_is_its_own_priority_date_and_opens_a_priority_year():
    event = Event(K.PCT_FILED, D("2025-01-15"))  # PCT Art. 2(xi)
    assert names([event]) == [*PCT_ORDER, "priority_year"]
    got = table([event])
    assert got["pct_national_phase_us"][0] == D("2027-07-15")
    assert got["priority_year"] == (D("2026-01-15"), D("2026-01-15"), None, None)


# --- 35 U.S.C. 133, 151; 37 CFR 1.134, 1.136, 1.311; MPEP 710.02(b) ------------------------


@pytest.mark.parametrize(
    ("action", "mailed", "due", "file_by", "extended", "extended_file_by"),
    [
        (None, "2025-11-30", "2026-02-28", "2026-03-02", "2026-05-30", "2026-06-01"),
        ("non_final", "2025-08-31", "2025-11-30", "2025-12-01", "2026-02-28", "2026-03-02"),
        ("final", "2026-02-19", "2026-05-19", "2026-05-19", "2026-08-19", "2026-08-19"),
        ("restriction", "2025-12-31", "2026-02-28", "2026-03-02", "2026-06-30", "2026-06-30"),
        ("quayle", "2026-02-19", "2026-04-19", "2026-04-20", "2026-08-19", "2026-08-19"),
        ("missing_parts", "2026-03-31", "2026-05-31", "2026-06-01", "2026-10-31", "2026-11-02"),
    ],
)
def test_each_kind_of_office_action_has_its_own_period_and_extension(
    action, mailed, due, file_by, extended, extended_file_by
):
    event = Event(K.OFFICE_ACTION_MAILED, D(mailed), action=ActionType(action) if action else None)
    assert table([event]) == {
        "office_action_response": (D(due), D(file_by), None, None),
        "office_action_response_extended": (D(extended), D(extended_file_by), None, None),
    }


def test_the_issue_fee_after_a_notice_of_allowance_is_three_months_and_not_extendable():
    event = Event(K.OFFICE_ACTION_MAILED, D("2026-01-16"), action=ActionType.NOTICE_OF_ALLOWANCE)
    assert table([event]) == {"issue_fee": (D("2026-04-16"), D("2026-04-16"), None, None)}
    on_a_saturday = Event(
        K.OFFICE_ACTION_MAILED, D("2025-12-13"), action=ActionType.NOTICE_OF_ALLOWANCE
    )
    assert table([on_a_saturday])["issue_fee"][:2] == (D("2026-03-13"), D("2026-03-13"))


# --- 35 U.S.C. 41(b), 37 CFR 1.362(d) and (e); 35 U.S.C. 154 ---------------------------------


def test_maintenance_fees_fall_at_3_5_7_5_and_11_5_years_with_window_and_grace():
    got = table([Event(K.US_PATENT_GRANTED, D("2024-02-29"))])
    assert got == {
        "maintenance_3_5": (D("2027-08-29"), D("2027-08-30"), D("2027-02-28"), D("2028-02-29")),
        "maintenance_7_5": (D("2031-08-29"), D("2031-08-29"), D("2031-02-28"), D("2032-02-29")),
        "maintenance_11_5": (D("2035-08-29"), D("2035-08-29"), D("2035-02-28"), D("2036-02-29")),
    }


def test_a_grant_on_the_31st_opens_and_closes_its_windows_on_the_anniversaries_not_due_plus_six():
    """1.362(d): the window opens 3 years after grant; (e): the surcharge period ends 4 years
    after. Counting 6 months from a clamped due date (28 February) would lose 3 days."""
    got = table([Event(K.US_PATENT_GRANTED, D("2023-08-31"))])
    assert got["maintenance_3_5"] == (
        D("2027-02-28"),
        D("2027-03-01"),
        D("2026-08-31"),
        D("2027-08-31"),
    )
    assert got["maintenance_7_5"][2:] == (D("2030-08-31"), D("2031-08-31"))
    assert got["maintenance_11_5"][2:] == (D("2034-08-31"), D("2035-08-31"))


@pytest.mark.parametrize(
    ("filing", "adjustment", "expiry"),
    [
        ("2021-06-15", 0, "2041-06-15"),
        ("2021-06-15", 123, "2041-10-16"),  # 35 U.S.C. 154(b) term adjustment
        ("2020-02-29", 0, "2040-02-29"),
        ("2080-02-29", 0, "2100-02-28"),  # 2100 is no leap year: clamped to the month's end
    ],
)
def test_a_us_patent_expires_twenty_years_from_its_filing_plus_its_term_adjustment(
    filing, adjustment, expiry
):
    event = Event(
        K.US_PATENT_GRANTED, D("2024-03-05"), filing_date=D(filing), term_adjustment_days=adjustment
    )
    assert names([event])[-1] == "patent_expiry"
    assert table([event])["patent_expiry"] == (D(expiry), None, None, None)


def test_without_a_filing_date_a_grant_sets_no_expiry():
    assert "patent_expiry" not in names([Event(K.US_PATENT_GRANTED, D("2024-03-05"))])


def test_a_public_disclosure_opens_a_one_year_us_grace_period():
    got = table([Event(K.PUBLIC_DISCLOSURE, D("2025-05-26"))])  # Memorial Day 2026 is 25 May
    assert got == {"us_grace_period_filing": (D("2026-05-26"), D("2026-05-26"), None, None)}
    got = table([Event(K.PUBLIC_DISCLOSURE, D("2025-05-25"))])
    assert got["us_grace_period_filing"][1] == D("2026-05-26")


# --- EPC Art. 86, Rule 51, Rule 159(1)(g) ----------------------------------------------------


def test_ep_renewal_fees_fall_due_at_the_end_of_the_anniversary_month_from_the_third_year():
    got = table([Event(K.EP_FILED, D("2025-03-14"))])
    assert list(got) == [f"ep_renewal_{n}" for n in range(3, 21)]
    # Year 3: payable 6 months ahead; the others 3; an additional fee for 6 months after.
    assert got["ep_renewal_3"] == (D("2027-03-31"), None, D("2026-09-30"), D("2027-09-30"))
    assert got["ep_renewal_4"] == (D("2028-03-31"), None, D("2027-12-31"), D("2028-09-30"))
    assert got["ep_renewal_20"] == (D("2044-03-31"), None, D("2043-12-31"), D("2044-09-30"))


def test_an_ep_application_filed_at_a_month_end_keeps_month_end_dates():
    got = table([Event(K.EP_FILED, D("2024-02-29"))])
    assert got["ep_renewal_3"] == (D("2026-02-28"), None, D("2025-08-28"), D("2026-08-31"))
    assert got["ep_renewal_5"][0] == D("2028-02-29")


def test_a_euro_pct_owes_no_renewal_fee_before_the_31_month_time_limit():
    event = Event(K.EP_FILED, D("2024-05-10"), priority_date=D("2024-05-10"))
    got = table([event])
    assert got["ep_renewal_3"] == (D("2026-12-10"), None, D("2026-06-10"), D("2027-06-30"))
    assert got["ep_renewal_4"][0] == D("2027-05-31")  # already after the 31 months


# --- national annuities and expiry: CN, JP, KR, IN, CA, AU (rules/annuities.toml) --------------


def granted(office, on, filed):
    return Event(K.NATIONAL_PATENT_GRANTED, D(on), filing_date=D(filed), office=office)


def filed_at(office, on, filing_date=None):
    return Event(
        K.NATIONAL_FILED,
        D(on),
        filing_date=D(filing_date) if filing_date else None,
        office=office,
    )


def test_jp_fees_from_the_4th_year_fall_due_on_the_anniversaries_of_registration():
    """Patent Act Art. 108(2), 112(1), 3(1): registered on 29 February, every year and every
    late period counted from that month end ends on a month end (the day before the 1st)."""
    event = granted("JP", "2024-02-29", "2020-01-31")
    got = table([event])
    assert list(got) == [*(f"annuity_jp_{n}" for n in range(4, 17)), "patent_expiry_jp"]
    assert got["annuity_jp_4"] == (D("2027-02-28"), None, None, D("2027-08-31"))
    assert got["annuity_jp_5"] == (D("2028-02-29"), None, None, D("2028-08-31"))
    assert got["annuity_jp_16"] == (D("2039-02-28"), None, None, D("2039-08-31"))
    # The 17th year's fee would fall due on 2040-02-29, after the term ends: none.
    assert got["patent_expiry_jp"] == (D("2040-01-31"), None, None, None)


@pytest.mark.parametrize(
    ("office", "registered", "filed", "rule", "due", "grace_ends"),
    [
        # A month end of a common year: counted from 1 March, the years end on 28 or 29 February.
        ("JP", "2023-02-28", "2019-06-10", "annuity_jp_4", "2026-02-28", "2026-08-31"),
        ("JP", "2023-02-28", "2019-06-10", "annuity_jp_6", "2028-02-29", "2028-08-31"),
        ("JP", "2025-05-15", "2021-09-01", "annuity_jp_4", "2028-05-15", "2028-11-15"),
        ("KR", "2022-02-28", "2020-09-10", "annuity_kr_4", "2025-02-28", "2025-08-31"),
        ("KR", "2022-02-28", "2020-09-10", "annuity_kr_7", "2028-02-29", "2028-08-31"),
        ("KR", "2024-08-30", "2021-03-02", "annuity_kr_4", "2027-08-30", "2028-02-29"),
    ],
)
def test_jp_and_kr_count_years_and_the_late_period_as_their_patent_acts_do(
    office, registered, filed, rule, due, grace_ends
):
    got = table([granted(office, registered, filed)])
    assert got[rule] == (D(due), None, None, D(grace_ends))


def test_kr_fees_start_with_the_4th_year_and_stop_before_the_expiry():
    """Korean Patent Act Art. 79(1): years 1 to 3 are paid at registration."""
    got = table([granted("KR", "2022-02-28", "2020-09-10")])
    assert list(got) == [*(f"annuity_kr_{n}" for n in range(4, 20)), "patent_expiry_kr"]
    assert got["annuity_kr_19"][0] == D("2040-02-29")  # the 20th would be 2041-02-28
    assert got["patent_expiry_kr"][0] == D("2040-09-10")


def test_cn_annual_fees_after_the_year_of_grant_fall_due_on_the_filing_anniversaries():
    """Implementing Regulations Rules 114 and 115: filed on a leap day, granted in the 4th
    patent year (2023-02-28 to 2024-02-29): the 4th year's fee was paid at registration."""
    got = table([granted("CN", "2023-06-15", "2020-02-29")])
    assert list(got) == [*(f"annuity_cn_{n}" for n in range(5, 21)), "patent_expiry_cn"]
    assert got["annuity_cn_5"] == (D("2024-02-29"), None, None, D("2024-08-29"))
    assert got["annuity_cn_6"] == (D("2025-02-28"), None, None, D("2025-08-28"))
    assert got["annuity_cn_20"] == (D("2039-02-28"), None, None, D("2039-08-28"))
    assert got["patent_expiry_cn"] == (D("2040-02-29"), None, None, None)


def test_a_cn_grant_on_an_anniversary_owes_the_next_years_fee_that_day():
    """The patent year ends on the anniversary (its first day is not counted): granted on the
    3rd anniversary, the grant falls in the 3rd year, and the 4th year's fee is due at once."""
    got = table([granted("CN", "2024-03-15", "2021-03-15")])
    assert next(iter(got)) == "annuity_cn_4"
    assert got["annuity_cn_4"] == (D("2024-03-15"), None, None, D("2024-09-15"))


def test_in_renewal_fees_fallen_due_before_the_grant_are_due_three_months_after_it():
    """Patents Act s. 142(4); Rules 80(1) and (1A): years 3 to 6 (anniversaries 2021 to
    2024-05-20, the last within the 3 months) are due 2024-07-01; the 7th on its anniversary."""
    got = table([granted("IN", "2024-04-01", "2019-05-20")])
    assert list(got) == [*(f"annuity_in_{n}" for n in range(3, 21)), "patent_expiry_in"]
    for n in (3, 4, 5, 6):
        assert got[f"annuity_in_{n}"] == (D("2024-07-01"), None, None, D("2025-01-01"))
    assert got["annuity_in_7"] == (D("2025-05-20"), None, None, D("2025-11-20"))
    assert got["annuity_in_20"][0] == D("2038-05-20")
    assert got["patent_expiry_in"][0] == D("2039-05-20")


def test_in_three_months_after_a_grant_on_the_30th_of_november_is_the_end_of_february():
    got = table([granted("IN", "2024-11-30", "2020-11-30")])
    assert got["annuity_in_5"] == (D("2025-02-28"), None, None, D("2025-08-28"))
    assert got["annuity_in_6"] == (D("2025-11-30"), None, None, D("2026-05-30"))


def test_ca_maintenance_fees_of_a_national_phase_count_from_the_international_filing_date():
    """Patent Act s. 27.1: entered at 30 months from a priority of 2023-01-15, the application
    owes its first fee on the 2nd anniversary of the international filing, for the 3rd year."""
    got = table([filed_at("CA", "2025-07-15", filing_date="2024-01-15")])
    assert list(got) == [f"annuity_ca_{n}" for n in range(3, 21)]
    assert got["annuity_ca_3"] == (D("2026-01-15"), None, None, D("2026-07-15"))
    assert got["annuity_ca_20"] == (D("2043-01-15"), None, None, D("2043-07-15"))


def test_a_ca_national_phase_entered_after_the_2nd_anniversary_pays_that_fee_on_entry():
    got = table([filed_at("CA", "2026-08-31", filing_date="2024-02-29")])
    assert got["annuity_ca_3"] == (D("2026-08-31"), None, None, D("2027-02-28"))
    assert got["annuity_ca_4"] == (D("2027-02-28"), None, None, D("2027-08-28"))
    assert got["annuity_ca_5"][0] == D("2028-02-29")


def test_a_direct_ca_filing_counts_from_its_own_date():
    got = table([filed_at("CA", "2025-03-10")])
    assert got["annuity_ca_3"] == (D("2027-03-10"), None, None, D("2027-09-10"))


def test_au_fees_start_on_the_4th_anniversary_for_the_5th_year():
    """Patents Regulations 1991 reg 13.3 and 13.5, Schedule 7."""
    got = table([filed_at("AU", "2024-02-29")])
    assert list(got) == [f"annuity_au_{n}" for n in range(5, 21)]
    assert got["annuity_au_5"] == (D("2028-02-29"), None, None, D("2028-08-29"))
    assert got["annuity_au_6"] == (D("2029-02-28"), None, None, D("2029-08-28"))
    assert got["annuity_au_20"] == (D("2043-02-28"), None, None, D("2043-08-28"))
    national_phase = table([filed_at("AU", "2025-05-31", filing_date="2023-10-31")])
    assert national_phase["annuity_au_5"] == (D("2027-10-31"), None, None, D("2028-04-30"))


@pytest.mark.parametrize(
    ("office", "filed", "expiry"),
    [
        ("CN", "2020-02-29", "2040-02-29"),
        ("JP", "2020-01-31", "2040-01-31"),
        ("KR", "2080-02-29", "2100-02-28"),  # 2100 is no leap year
        ("IN", "2019-05-20", "2039-05-20"),
        ("CA", "2024-02-29", "2044-02-29"),
        ("AU", "2021-11-30", "2041-11-30"),
    ],
)
def test_every_national_patent_expires_twenty_years_from_its_filing_date(office, filed, expiry):
    got = table([granted(office, "2025-06-02" if filed < "2025" else "2083-01-10", filed)])
    assert got[f"patent_expiry_{office.lower()}"] == (D(expiry), None, None, None)


@pytest.mark.parametrize(
    ("office", "on", "filed"),
    [
        ("JP", "2038-06-30", "2020-01-31"),  # the 4th year from registration is past the term
        ("KR", "2038-06-30", "2020-01-31"),
        ("CN", "2039-06-01", "2020-03-01"),  # the 20th year's fee was due before the grant
        ("IN", "2039-03-01", "2019-05-20"),  # 3 months after the grant is past the term
    ],
)
def test_no_fee_falls_due_on_or_after_the_expiry(office, on, filed):
    assert names([granted(office, on, filed)]) == [f"patent_expiry_{office.lower()}"]


def test_a_fee_due_on_the_expiry_day_itself_is_not_produced():
    """Registered on the 3rd anniversary of filing: the 18th year's fee would be due on the
    day the term ends (2040-06-10)."""
    got = names([granted("JP", "2023-06-10", "2020-06-10")])
    assert got[-2:] == ["annuity_jp_17", "patent_expiry_jp"]


def test_a_granted_european_patent_pays_national_renewals_from_the_year_after_grant():
    """EPC Art. 86(2), 141(1): filed 31 March 2019, granted 15 May 2024; the 6th year's fee
    (due 2024-03-31) went to the EPO; from the 7th, the validation states' fees fall due on
    the last day of the month of each anniversary, 6 months late with a surcharge."""
    got = table([granted("EP", "2024-05-15", "2019-03-31")])
    assert list(got) == [*(f"annuity_ep_{n}" for n in range(7, 21)), "patent_expiry_ep"]
    assert got["annuity_ep_7"] == (D("2025-03-31"), None, None, D("2025-09-30"))
    assert got["annuity_ep_20"] == (D("2038-03-31"), None, None, D("2038-09-30"))
    assert got["patent_expiry_ep"] == (D("2039-03-31"), None, None, None)
    # A leap-day filing: the anniversaries' months end on 28 or 29 February.
    leap = table([granted("EP", "2026-01-10", "2020-02-29")])
    assert next(iter(leap)) == "annuity_ep_7"
    assert leap["annuity_ep_7"][0] == D("2026-02-28")
    assert leap["annuity_ep_9"][0] == D("2028-02-29")


def test_ca_and_au_grants_set_only_the_expiry_their_fees_run_from_the_filing():
    assert names([granted("CA", "2027-05-03", "2024-01-15")]) == ["patent_expiry_ca"]
    assert names([granted("AU", "2027-05-03", "2024-01-15")]) == ["patent_expiry_au"]


def test_a_national_rule_holds_only_at_its_own_office():
    assert deadlines_for([Event(K.NATIONAL_PATENT_GRANTED, D("2024-02-29"))]) == []
    assert deadlines_for([filed_at("JP", "2024-02-29")]) == []  # JP has no pending-fee rules
    assert {d.rule[:10] for d in deadlines_for([filed_at("AU", "2024-02-29")])} == {"annuity_au"}


def test_annuity_labels_name_the_year_they_keep():
    labels = {rule.name: rule.label for rule in RULES}
    assert labels["annuity_cn_2"] == "CN annual fee for the 2nd year"
    assert labels["annuity_cn_3"] == "CN annual fee for the 3rd year"
    assert labels["annuity_cn_5"] == "CN annual fee for the 5th year"
    assert labels["annuity_jp_11"] == "JP annual fee for the 11th year"
    assert labels["annuity_ca_3"] == "CA maintenance fee for the 3rd year"
    assert labels["annuity_in_20"] == "IN renewal fee for the 20th year"
    assert deadlines.OFFICES == {
        K.NATIONAL_FILED: ("AU", "CA"),
        K.NATIONAL_PATENT_GRANTED: ("AU", "CA", "CN", "EP", "IN", "JP", "KR"),
    }


def test_national_events_are_read_with_their_office_and_dates():
    grant, filing = parse_events(
        [
            {
                "event": "national_patent_granted",
                "date": "2024-02-29",
                "office": "JP",
                "filing_date": "2020-01-31",
            },
            {"event": "national_filed", "date": "2025-07-15", "office": "CA"},
        ]
    )
    assert grant == granted("JP", "2024-02-29", "2020-01-31")
    assert filing == Event(K.NATIONAL_FILED, D("2025-07-15"), office="CA")


# --- 37 CFR 401.14 ----------------------------------------------------------------------------


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
    ],
)
def test_bayh_dole_deadlines_for_federally_funded_cases(event, rule, due):
    assert table([event])[rule] == (D(due), None, None, None)


@pytest.mark.parametrize(
    ("on", "due"),
    [
        ("2026-03-15", "2026-12-31"),  # FFY 2026: October 2025 - September 2026
        ("2026-09-30", "2026-12-31"),
        ("2026-10-01", "2027-12-31"),  # FFY 2027
    ],
)
def test_utilization_reports_follow_the_federal_fiscal_year(on, due):
    licensed = Event(K.LICENSE_EXECUTED, D(on), federal=True)
    assert table([licensed]) == {"bayh_dole_utilization_report": (D(due), None, None, None)}
    elected = Event(K.TITLE_ELECTED, D(on))  # every elected invention reports, licensed or not
    assert names([elected]) == ["bayh_dole_initial_filing", "bayh_dole_utilization_report"]
    assert table([elected])["bayh_dole_utilization_report"][0] == D(due)


def test_bayh_dole_rules_need_federal_funding_where_the_event_is_not_bayh_dole_itself():
    assert table([Event(K.INVENTION_DISCLOSED, D("2025-01-10"))]) == {}
    assert table([Event(K.LICENSE_EXECUTED, D("2025-01-10"))]) == {}
    assert names([Event(K.PROVISIONAL_FILED, D("2025-01-10"))]) == [
        "convert_provisional",
        "priority_year",
    ]


@pytest.mark.parametrize(
    ("notified", "bar", "due"),
    [
        ("2025-01-10", "2026-03-15", "2026-01-14"),  # 60 days before the bar
        ("2025-01-10", "2028-03-15", "2027-01-10"),  # the bar is far: 2 years
        ("2025-12-01", "2026-01-15", "2025-12-01"),  # 60 days before the bar is past: at once
        ("2025-01-10", "2024-06-01", "2025-01-10"),  # the bar itself is past: at once
    ],
)
def test_the_agency_may_shorten_the_election_to_60_days_before_a_statutory_bar(notified, bar, due):
    event = Event(K.AGENCY_NOTIFIED, D(notified), bar_date=D(bar))
    assert table([event])["bayh_dole_elect_title"][0] == D(due)


def test_a_public_disclosure_in_the_list_is_the_bar_for_election_and_first_filing():
    published = Event(K.PUBLIC_DISCLOSURE, D("2025-03-15"))
    notified = Event(K.AGENCY_NOTIFIED, D("2025-01-10"))
    elected = Event(K.TITLE_ELECTED, D("2025-05-31"))
    got = table([notified, published, elected])
    assert got["bayh_dole_elect_title"][0] == D("2026-01-14")
    assert got["bayh_dole_initial_filing"][0] == D("2026-03-15")  # before the bar


@pytest.mark.parametrize(
    ("decided", "response_due", "due", "late"),
    [
        ("2026-01-05", "2026-03-02", "2026-01-31", False),
        ("2026-01-31", "2026-03-02", "2026-01-31", False),
        ("2026-02-20", "2026-03-02", "2026-02-20", True),  # under 30 days left: now, and late
    ],
)
def test_letting_a_federal_application_lapse_needs_the_agency_told_30_days_ahead(
    decided, response_due, due, late
):
    event = Event(K.DECIDED_NOT_TO_CONTINUE, D(decided), federal=True, response_due=D(response_due))
    (notice,) = deadlines_for([event])
    assert (notice.rule, notice.due, notice.late) == ("bayh_dole_abandonment_notice", D(due), late)
    assert notice.as_json()["late"] is late
    assert deadlines_for([Event(K.DECIDED_NOT_TO_CONTINUE, D(decided), False)]) == []


# --- the rules as data --------------------------------------------------------------------------


def every_event_variant():
    for kind in EventKind:
        for priority in (None, D("2025-01-01")):
            for action in [None, *ActionType] if kind is K.OFFICE_ACTION_MAILED else [None]:
                for office in deadlines.OFFICES.get(kind, [None]):
                    yield Event(
                        kind,
                        D("2025-04-01"),
                        federal=True,
                        priority_date=priority,
                        action=action,
                        # Under a year before: a grant owes every national year's fee.
                        filing_date=D("2024-09-13") if office else D("2023-04-01"),
                        response_due=D("2025-06-01"),
                        office=office,
                    )


def test_every_rule_is_reachable_from_some_event():
    reached = {d.rule for event in every_event_variant() for d in deadlines_for([event])}
    assert reached == {rule.name for rule in RULES}


def test_every_rule_cites_its_source_and_says_what_meets_and_aborts_it():
    for rule in RULES:
        assert rule.source and rule.met_by and rule.aborted_by and rule.label, rule.name
        assert rule.computation, rule.name


def test_a_rules_entry_with_an_unknown_key_is_refused():
    raw = {
        "name": "x",
        "label": "X",
        "event": "pct_filed",
        "office": "US",
        "source": "s",
        "met_by": "m",
        "aborted_by": "a",
        "ofset": {"months": 3},
    }
    with pytest.raises(RulesError, match="unknown keys"):
        deadlines._rule(raw, "us", "test rule")
    known = {key: value for key, value in raw.items() if key != "ofset"}
    with pytest.raises(RulesError, match="not an event"):
        deadlines._rule(known | {"event": "dreamed"}, "us", "test rule")
    with pytest.raises(RulesError, match="source is required"):
        deadlines._rule(known | {"source": ""}, "us", "test rule")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"skip_before_event": "yes"}, "true or false"),
        ({"until_term_end": 1}, "true or false"),
        ({"month_end_to_month_end": "jp"}, "true or false"),
        ({"not_before_event": "soon"}, "not_before_event"),
        ({"not_before_event": {"months": 3, "from": "due"}}, "not_before_event"),
        ({"series": {"first": 4, "last": 20, "step": 2}}, "series"),
        ({"series": {"first": 20, "last": 4}}, "series"),
        ({"office": "Japan"}, "two-letter"),
    ],
)
def test_a_national_rule_with_a_bad_value_is_refused(extra, message):
    raw = {
        "name": "annuity_xx_{n}",
        "label": "XX fee for the {nth} year",
        "event": "national_patent_granted",
        "office": "JP",
        "source": "s",
        "met_by": "m",
        "aborted_by": "a",
        "series": {"first": 4, "last": 20, "years": -1},
    }
    assert len(deadlines._rule(raw, "annuities", "test rule")) == 17
    with pytest.raises(RulesError, match=message):
        deadlines._rule(raw | extra, "annuities", "test rule")


def test_business_days_skip_weekends_and_federal_holidays():
    assert is_uspto_business_day(D("2026-11-25"))
    assert not is_uspto_business_day(D("2026-11-26"))  # Thanksgiving
    assert not is_uspto_business_day(D("2026-11-28"))  # Saturday
    assert next_business_day(D("2027-12-24")) == D("2027-12-27")  # Christmas observed Friday


@given(
    event=st.sampled_from(list(every_event_variant())),
    on=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    priority_back=st.integers(min_value=0, max_value=365),
)
def test_every_deadline_falls_on_or_after_its_trigger(event, on, priority_back):
    from dataclasses import replace

    event = replace(
        event,
        on=on,
        priority_date=on - timedelta(days=priority_back) if event.priority_date else None,
        filing_date=on - timedelta(days=priority_back),
        response_due=on + timedelta(days=priority_back),
    )
    for deadline in deadlines_for([event]):
        assert deadline.due >= on
        if deadline.file_by is not None:
            assert deadline.file_by >= deadline.due
            assert is_uspto_business_day(deadline.file_by)
            assert (deadline.file_by - deadline.due).days <= 5
        if deadline.window_opens is not None:
            assert on <= deadline.window_opens < deadline.due
        if deadline.grace_ends is not None:
            assert deadline.due < deadline.grace_ends


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"event": "provisional_filed"}, "JSON list"),
        ([{"event": "patent_dreamed", "date": "2025-01-01"}], "'patent_dreamed' is not an event"),
        ([{"event": "provisional_filed", "date": "01/02/2025"}], "YYYY-MM-DD"),
        ([{"event": "provisional_filed", "date": 20250102}], "YYYY-MM-DD"),
        ([{"event": "office_action_mailed", "date": "2025-01-02", "action": "nasty"}], "nasty"),
        ([{"event": "pct_filed", "date": "2025-01-02", "action": "final"}], "only an office"),
        ([{"event": "provisional_filed", "date": "2025-01-02", "federal": "yes"}], "true or"),
        (
            [{"event": "us_patent_granted", "date": "2025-01-02", "term_adjustment_days": -1}],
            "term_adjustment_days",
        ),
        (
            [{"event": "us_patent_granted", "date": "2025-01-02", "term_adjustment_days": "9"}],
            "term_adjustment_days",
        ),
        ([{"event": "decided_not_to_continue", "date": "2025-01-02"}], "response_due"),
        (
            [{"event": "pct_filed", "date": "2025-01-02", "priority_date": "2025-02-01"}],
            "after the event",
        ),
        (
            [{"event": "national_patent_granted", "date": "2025-01-02", "office": "DE"}],
            "'DE' has no national_patent_granted rules; use one of AU, CA, CN, EP, IN, JP, KR",
        ),
        (
            [
                {
                    "event": "national_patent_granted",
                    "date": "2025-01-02",
                    "filing_date": "2021-01-02",
                    "office": "jp",
                }
            ],
            "'jp' has no national_patent_granted rules",
        ),
        (
            [
                {
                    "event": "national_patent_granted",
                    "date": "2025-01-02",
                    "filing_date": "2021-01-02",
                }
            ],
            "needs its office, one of AU, CA, CN, EP, IN, JP, KR",
        ),
        ([{"event": "national_filed", "date": "2025-01-02"}], "needs its office, one of AU, CA"),
        (
            [{"event": "national_filed", "date": "2025-01-02", "office": "CN"}],
            "CN's fees start at grant: use national_patent_granted",
        ),
        ([{"event": "national_filed", "date": "2025-01-02", "office": 7}], "7 has no"),
        ([{"event": "pct_filed", "date": "2025-01-02", "office": "CN"}], "only a national_filed"),
        (
            [{"event": "national_patent_granted", "date": "2025-01-02", "office": "JP"}],
            "needs the filing_date",
        ),
        (
            [
                {
                    "event": "national_filed",
                    "date": "2025-01-02",
                    "filing_date": "2025-03-01",
                    "office": "CA",
                }
            ],
            "filing_date comes after",
        ),
    ],
)
def test_bad_event_files_are_refused_with_a_reason(raw, message):
    with pytest.raises(ValidationError, match=message):
        parse_events(raw)


def test_a_pct_event_without_a_priority_date_is_accepted():
    (event,) = parse_events([{"event": "pct_filed", "date": "2025-01-02"}])
    assert event.priority_date is None
