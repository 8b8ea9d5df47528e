"""`python -m tlo revenue preview` with the fields of issue #19: the disclosure date, co-owners
under an inter-institutional agreement and a collection agent's share."""

import json
from decimal import Decimal

import pytest

from tests.unit.test_revenue_cli import INCOME, income_file, preview, run_main

UC_ERA = INCOME | {"received": "2019-06-30", "costs_outstanding": "10000.00"}
CO_OWNED = INCOME | {
    "amount": "100000.00",
    "costs_outstanding": "10000.00",
    "co_owners": [{"name": "University B", "ownership_percent": "40"}],
    "lead": True,
    "lead_fee_percent": "10",
}


def amounts(out: str) -> dict[str, str]:
    return {line["to"]: line["amount"] for line in json.loads(out)["lines"]}


@pytest.mark.parametrize(
    ("disclosed", "inventors_get"),
    [
        # 1985: 15 % of 200,000 = 30,000, costs 10,000, 160,000 halved: 80,000 to inventors.
        ("1997-09-30", "40000.00"),
        # 1997: costs 10,000, 190,000 x 35 % = 66,500 to inventors.
        ("1997-10-01", "33250.00"),
    ],
)
def test_the_disclosure_date_chooses_between_ucs_policies(
    tmp_path, capsys, disclosed, inventors_get
):
    code, out, err = run_main(
        capsys, "--income", income_file(tmp_path, UC_ERA | {"disclosed": disclosed})
    )
    assert (code, err) == (0, "")
    assert amounts(out)["Alice Chen"] == inventors_get


def test_a_policy_by_disclosure_without_the_date_is_refused_naming_the_field(tmp_path, capsys):
    code, out, err = run_main(capsys, "--income", income_file(tmp_path, UC_ERA))
    assert (code, out) == (2, "")
    assert err.startswith('revenue preview: The income needs "disclosed"')
    assert "University of California (1997) applies by it" in err


def test_a_named_policy_by_disclosure_needs_the_date_too_and_warns_when_it_is_earlier(
    tmp_path, capsys
):
    policy = ["--policy", "policies/uc_1997.toml"]
    code, out, err = run_main(capsys, *policy, "--income", income_file(tmp_path, UC_ERA))
    assert (code, out) == (2, "") and 'needs "disclosed"' in err
    early = UC_ERA | {"disclosed": "1990-01-01"}
    code, out, err = run_main(capsys, *policy, "--income", income_file(tmp_path, early))
    assert code == 0
    assert "warning: University of California (1997) applies to inventions disclosed from" in err


def test_as_the_lead_the_preview_pays_the_co_owner_before_the_policy():
    # Stanford (received 2025): 100,000, lead fee 10,000, costs 10,000, net 80,000: University
    # B 32,000; our 48,000: office 15 % = 7,200, 40,800 split: inventors 33.34 % = 13,602.72,
    # Alice and Bob half each 6,801.36.
    result = preview("--income", "-", stdin=json.dumps(CO_OWNED))
    assert result.returncode == 0, result.stderr
    shown = amounts(result.stdout)
    assert [line["class"] for line in json.loads(result.stdout)["lines"][:4]] == [
        "pool",
        "costs",
        "co_owner",
        "pool",
    ]
    assert {key: shown[key] for key in ("lead fee", "patent costs", "University B", "office")} == {
        "lead fee": "10000.00",
        "patent costs": "10000.00",
        "University B": "32000.00",
        "office": "7200.00",
    }
    assert shown["Alice Chen"] == shown["Bob Lee"] == "6801.36"
    assert sum(map(Decimal, shown.values())) == Decimal("100000.00")


def test_not_the_lead_the_preview_says_the_income_is_shared_as_received(tmp_path, capsys):
    ours = INCOME | {"amount": "48000.00", "costs_outstanding": "0", "lead": False}
    code, out, err = run_main(capsys, "--income", income_file(tmp_path, ours))
    assert (code, err) == (0, "")
    printed = json.loads(out)
    assert printed["notes"][0].startswith("We are not the lead")
    assert "co_owner" not in {line["class"] for line in printed["lines"]}
    assert amounts(out)["office"] == "7200.00"


def test_an_agents_share_is_its_own_line_of_the_gross(tmp_path, capsys):
    collected = INCOME | {"costs_outstanding": "0", "agent_share_percent": 25}
    code, out, err = run_main(capsys, "--income", income_file(tmp_path, collected))
    assert (code, err) == (0, "")
    printed = json.loads(out)
    assert printed["amount"] == "200000.00"
    assert printed["lines"][0] == {
        "to": "collection agent",
        "class": "agent",
        "amount": "50000.00",
        "rule": "agent's share: 25% of the $200,000.00 it collected",
    }
    assert amounts(out)["office"] == "22500.00"  # 15 % of the 150,000 left


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"disclosed": "yesterday"}, "disclosed date (when the invention was disclosed)"),
        ({"disclosed": 19970930}, "disclosed date"),
        ({"co_owners": {"name": "B"}}, "co_owners must be a list"),
        ({"co_owners": [{"name": "B"}]}, "Co-owner 1 needs its ownership_percent"),
        ({"co_owners": [{"name": "B", "ownership_percent": "40", "x": 1}]}, "unknown key 'x'"),
        ({"co_owners": [{"name": "B", "ownership_percent": True}]}, "Co-owner 1: ownership"),
        ({"co_owners": [{"name": "B", "ownership_percent": "100"}]}, "below 100 %"),
        ({"lead": "yes"}, "lead is true or false"),
        ({"lead_fee_percent": "10"}, "Name the co-owners"),
        ({"lead": False, "lead_fee_percent": "10"}, "we are not the lead"),
        ({"agent_share_percent": "120"}, "agent_share_percent must be between 0 % and 100 %"),
    ],
)
def test_bad_arrangement_fields_are_a_message_and_exit_2(tmp_path, capsys, changes, message):
    code, out, err = run_main(capsys, "--income", income_file(tmp_path, INCOME | changes))
    assert (code, out) == (2, "")
    assert err.startswith("revenue preview: ") and message in err
