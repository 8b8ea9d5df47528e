"""`python -m tlo revenue preview`: one income shared under a policy, printed as JSON."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tlo.__main__ import main

ROOT = Path(__file__).resolve().parents[2]

INCOME = {
    "amount": "200000.00",
    "type": "royalty",
    "received": "2025-10-01",
    "costs_outstanding": "20000.00",
    "cumulative_before": "0.00",
    "inventors": [
        {
            "name": "Alice Chen",
            "share": "50",
            "department": "Electrical Engineering",
            "school": "School of Engineering",
        },
        {
            "name": "Bob Lee",
            "share": "50",
            "department": "Bioengineering",
            "school": "School of Medicine",
        },
    ],
}


def preview(*arguments, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "tlo", "revenue", "preview", *arguments],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def income_file(tmp_path, income):
    path = tmp_path / "income.json"
    path.write_text(json.dumps(income))
    return str(path)


def test_the_policy_in_force_on_the_received_date_shares_the_income(tmp_path):
    result = preview("--income", income_file(tmp_path, INCOME))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    printed = json.loads(result.stdout)
    assert {
        key: printed[key] for key in ("amount", "costs_recovered", "costs_carried_forward")
    } == {
        "amount": "200000.00",
        "costs_recovered": "20000.00",
        "costs_carried_forward": "0.00",
    }
    # Stanford, in force since 2020-09-01: office 15 %, costs, then net 150,000 in tier 1
    assert [(line["to"], line["class"], line["amount"]) for line in printed["lines"]] == [
        ("office", "pool", "30000.00"),
        ("patent costs", "costs", "20000.00"),
        ("Alice Chen", "inventor", "25005.00"),
        ("Bob Lee", "inventor", "25005.00"),
        ("Electrical Engineering", "department", "18495.00"),
        ("Bioengineering", "department", "18495.00"),
        ("School of Engineering", "school", "15750.00"),
        ("School of Medicine", "school", "15750.00"),
        ("university", "pool", "31500.00"),
    ]
    assert printed["lines"][0]["rule"] == "office fee: 15% of gross"


def test_the_income_can_come_from_standard_input_with_a_named_policy():
    # UC's 1997 policy applies by the disclosure date: the income says when it was disclosed.
    income = INCOME | {"disclosed": "2019-03-01"}
    result = preview("--policy", "policies/uc_1997.toml", "--income", "-", stdin=json.dumps(income))
    assert result.returncode == 0, result.stderr
    lines = json.loads(result.stdout)["lines"]
    assert {line["to"]: line["amount"] for line in lines} == {
        "patent costs": "20000.00",
        "Alice Chen": "31500.00",  # 180,000 x .35, half each
        "Bob Lee": "31500.00",
        "campus_research": "27000.00",
        "university": "90000.00",
    }


def test_bad_input_exits_2_with_a_message_and_prints_no_json(tmp_path):
    lopsided = INCOME | {
        "inventors": [
            dict(INCOME["inventors"][0], share="50"),
            dict(INCOME["inventors"][1], share="40"),
        ]
    }
    result = preview("--income", income_file(tmp_path, lopsided))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Inventor shares add up to 90 %; they must add up to 100 %" in result.stderr


# The same command in this process (quicker than a subprocess) for the other messages.


def run_main(capsys, *arguments):
    code = main(["revenue", "preview", *arguments])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_policy_not_yet_in_force_is_used_with_a_warning(tmp_path, capsys):
    early = INCOME | {"received": "2019-06-30"}
    code, out, err = run_main(
        capsys,
        "--policy",
        str(ROOT / "policies/stanford.toml"),
        "--income",
        income_file(tmp_path, early),
    )
    assert code == 0
    assert "warning: Stanford University takes effect on 2020-09-01" in err
    assert json.loads(out)["lines"][0]["to"] == "office"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": "cost_reimbursement"}, "it is not shared"),
        ({"received": "1985-01-01"}, "No revenue-sharing policy is in force on 1985-01-01"),
        ({"received": "soon"}, "received date written YYYY-MM-DD"),
        ({"amount": "12.345"}, "amount: An amount has at most two decimals"),
        ({"amount": 1.5e-7}, "amount: An amount has at most two decimals"),
        ({"bonus": "1"}, "unknown key 'bonus'"),
        ({"inventors": [{"name": "Alice Chen"}]}, "Inventor 1 needs a share"),
    ],
)
def test_bad_input_is_a_message_and_exit_2(tmp_path, capsys, changes, message):
    code, out, err = run_main(capsys, "--income", income_file(tmp_path, INCOME | changes))
    assert (code, out) == (2, "")
    assert err.startswith("revenue preview: ") and message in err


def test_a_file_that_is_not_json_is_a_message(tmp_path, capsys):
    path = tmp_path / "income.json"
    path.write_text("amount: 5")
    code, out, err = run_main(capsys, "--income", str(path))
    assert (code, out) == (2, "") and err.startswith("revenue preview: Expecting value")
