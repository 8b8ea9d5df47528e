"""`python -m tlo deadlines`: how other tools check our rules."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.test_deadlines import PCT_ORDER

ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, events):
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events))
    return subprocess.run(
        [sys.executable, "-m", "tlo", "deadlines", "--events", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_prints_every_deadline_as_json(tmp_path):
    result = run(
        tmp_path,
        [
            {"event": "provisional_filed", "date": "2025-01-31", "federal": True},
            {"event": "us_patent_granted", "date": "2024-02-29"},
        ],
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed[0] == {
        "rule": "convert_provisional",
        "due": "2026-01-31",
        "file_by": "2026-02-02",
        "window_opens": None,
        "grace_ends": None,
    }
    assert printed[1]["rule"] == "priority_year" and printed[1]["due"] == "2026-01-31"
    assert printed[2] == {
        "rule": "bayh_dole_nonprovisional",
        "due": "2025-11-30",
        "file_by": None,
        "window_opens": None,
        "grace_ends": None,
    }
    assert printed[3]["rule"] == "bayh_dole_foreign_filing" and printed[3]["due"] == "2025-11-30"
    assert [d["rule"] for d in printed[4:]] == [
        "maintenance_3_5",
        "maintenance_7_5",
        "maintenance_11_5",
    ]
    assert printed[4]["window_opens"] == "2027-02-28" and printed[4]["grace_ends"] == "2028-02-29"


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([{"event": "pct_dreamed", "date": "2025-02-01"}], "is not an event"),
        ([{"event": "office_action_mailed", "date": "2025-02-01", "action": "x"}], "action"),
        ([{"event": "provisional_filed", "date": "2025-02-31"}], "YYYY-MM-DD"),
        ([{"event": "decided_not_to_continue", "date": "2025-02-01"}], "response_due"),
        (
            [
                {
                    "event": "national_patent_granted",
                    "date": "2025-02-03",
                    "filing_date": "2021-02-03",
                    "office": "DE",
                }
            ],
            "Event 1: office 'DE' has no national_patent_granted rules",
        ),
        (
            [{"event": "national_filed", "date": "2025-02-03"}],
            "Event 1: a national_filed event needs its office, one of AU, CA.",
        ),
        (
            [{"event": "pct_filed", "date": "2025-02-03", "office": "CN"}],
            "only a national_filed or national_patent_granted event has an office",
        ),
        (
            [{"event": "national_patent_granted", "date": "2025-02-03", "office": "KR"}],
            "needs the filing_date",
        ),
    ],
)
def test_a_bad_file_exits_2_with_a_message_and_prints_no_json(tmp_path, events, message):
    result = run(tmp_path, events)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_the_new_events_print_their_rules_in_the_documented_order(tmp_path):
    result = run(
        tmp_path,
        [
            {"event": "nonprovisional_filed", "date": "2025-03-31", "federal": True},
            {"event": "pct_filed", "date": "2025-01-15"},
            {
                "event": "office_action_mailed",
                "date": "2026-01-16",
                "action": "notice_of_allowance",
            },
            {
                "event": "us_patent_granted",
                "date": "2024-03-05",
                "filing_date": "2021-06-15",
                "term_adjustment_days": 123,
            },
            {"event": "ep_filed", "date": "2025-03-14"},
            {"event": "agency_notified", "date": "2025-01-10", "bar_date": "2026-03-15"},
            {
                "event": "decided_not_to_continue",
                "date": "2026-02-20",
                "federal": True,
                "response_due": "2026-03-02",
            },
        ],
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    rules = [d["rule"] for d in printed]
    assert rules[:2] == ["priority_year", "bayh_dole_foreign_filing"]
    assert rules[2:11] == [*PCT_ORDER, "priority_year"]
    assert rules[11] == "issue_fee"
    assert rules[12:16] == [
        "maintenance_3_5",
        "maintenance_7_5",
        "maintenance_11_5",
        "patent_expiry",
    ]
    assert printed[15]["due"] == "2041-10-16" and printed[15]["file_by"] is None
    assert rules[16:34] == [f"ep_renewal_{n}" for n in range(3, 21)]
    assert printed[34] == {
        "rule": "bayh_dole_elect_title",
        "due": "2026-01-14",
        "file_by": None,
        "window_opens": None,
        "grace_ends": None,
    }
    assert printed[35] == {
        "rule": "bayh_dole_abandonment_notice",
        "due": "2026-02-20",
        "file_by": None,
        "window_opens": None,
        "grace_ends": None,
        "late": True,
    }


def test_the_national_events_print_their_annuities_and_expiry(tmp_path):
    result = run(
        tmp_path,
        [
            {
                "event": "national_filed",
                "date": "2025-07-15",
                "office": "CA",
                "filing_date": "2024-01-15",
            },
            {
                "event": "national_patent_granted",
                "date": "2024-02-29",
                "office": "JP",
                "filing_date": "2020-01-31",
            },
            {
                "event": "national_patent_granted",
                "date": "2024-04-01",
                "office": "IN",
                "filing_date": "2019-05-20",
            },
        ],
    )
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    rules = [d["rule"] for d in printed]
    assert rules[:18] == [f"annuity_ca_{n}" for n in range(3, 21)]
    assert printed[0] == {
        "rule": "annuity_ca_3",
        "due": "2026-01-15",
        "file_by": None,
        "window_opens": None,
        "grace_ends": "2026-07-15",
    }
    assert rules[18:32] == [*(f"annuity_jp_{n}" for n in range(4, 17)), "patent_expiry_jp"]
    assert printed[18] == {
        "rule": "annuity_jp_4",
        "due": "2027-02-28",
        "file_by": None,
        "window_opens": None,
        "grace_ends": "2027-08-31",
    }
    assert printed[31] == {
        "rule": "patent_expiry_jp",
        "due": "2040-01-31",
        "file_by": None,
        "window_opens": None,
        "grace_ends": None,
    }
    assert rules[32:] == [*(f"annuity_in_{n}" for n in range(3, 21)), "patent_expiry_in"]
    assert [d["due"] for d in printed[32:37]] == ["2024-07-01"] * 4 + ["2025-05-20"]
