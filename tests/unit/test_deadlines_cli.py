"""`python -m tlo deadlines`: how other tools check our rules."""

import json
import subprocess
import sys
from pathlib import Path

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
    assert printed[1] == {
        "rule": "bayh_dole_nonprovisional",
        "due": "2025-11-30",
        "file_by": None,
        "window_opens": None,
        "grace_ends": None,
    }
    assert [d["rule"] for d in printed[2:]] == [
        "maintenance_3_5",
        "maintenance_7_5",
        "maintenance_11_5",
    ]
    assert printed[2]["window_opens"] == "2027-02-28" and printed[2]["grace_ends"] == "2028-02-29"


def test_a_bad_file_exits_2_with_a_message_and_prints_no_json(tmp_path):
    result = run(tmp_path, [{"event": "pct_filed", "date": "2025-02-01"}])
    assert result.returncode == 2
    assert result.stdout == ""
    assert "needs its priority_date" in result.stderr
