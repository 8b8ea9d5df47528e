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
