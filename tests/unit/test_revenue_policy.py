"""Revenue-sharing policies as TOML: the shipped files, and every mistake refused by name."""

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from tlo.errors import ValidationError
from tlo.revenue.policy import (
    AppliesBy,
    CostsStep,
    DisclosureDateNeeded,
    FeeBase,
    FeeStep,
    SplitStep,
    TierBasis,
    format_percent,
    load_policy,
    parse_percentage,
    parse_policy,
    policies_in,
    policy_in_force,
)
from tlo.revenue.types import IncomeType

POLICIES = Path(__file__).resolve().parents[2] / "policies"

HEADER = 'name = "Test University"\neffective_from = 2024-07-01\n'
SPLIT = """
[[steps]]
kind = "split"
  [[steps.tiers]]
  inventors = "50"
  university = "50"
"""


def policy_text(*steps: str, header: str = HEADER) -> str:
    return header + "\n".join(steps)


def tiers(*tier_tables: str, basis: str = 'tier_basis = "technology"') -> str:
    return (
        '[[steps]]\nkind = "split"\n'
        + basis
        + "\n"
        + "\n".join("[[steps.tiers]]\n" + tier for tier in tier_tables)
    )


# --- the shipped policies --------------------------------------------------------------------


def test_the_stanford_policy_reads_as_fee_then_costs_then_two_tiers():
    policy = load_policy(POLICIES / "stanford.toml")
    assert policy.name == "Stanford University"
    assert policy.effective_from == date(2020, 9, 1)
    fee, costs, split = policy.steps
    assert fee == FeeStep(pool="office", percent=Fraction(15), of=FeeBase.GROSS)
    assert costs == CostsStep()
    assert isinstance(split, SplitStep) and split.tier_basis is TierBasis.AGREEMENT
    first, second = split.tiers
    assert first.up_to == Decimal(3_000_000) and second.up_to is None
    assert (first.inventors, first.departments, first.schools) == (
        Fraction("33.34"),
        Fraction("24.66"),
        Fraction(21),
    )
    assert first.pools == (("university", Fraction(21)),)
    assert second.departments == Fraction("14.66") and second.pools == (("university", 26),)


def test_the_uc_1997_policy_recovers_costs_then_splits_35_15_50():
    policy = load_policy(POLICIES / "uc_1997.toml")
    assert policy.effective_from == date(1997, 10, 1)
    costs, split = policy.steps
    assert costs == CostsStep()
    (tier,) = split.tiers
    assert tier.up_to is None and tier.inventors == 35
    assert tier.pools == (("campus_research", 15), ("university", 50))
    assert policy.split_for(IncomeType.ROYALTY) is split


def test_the_uc_1985_policy_takes_15_percent_then_costs_then_halves_the_net():
    policy = load_policy(POLICIES / "uc_1985.toml")
    assert (policy.effective_from, policy.applies_by) == (date(1985, 11, 18), AppliesBy.DISCLOSURE)
    fee, costs, split = policy.steps
    assert fee == FeeStep(pool="administration", percent=Fraction(15), of=FeeBase.GROSS)
    assert costs == CostsStep()
    (tier,) = split.tiers
    assert tier.inventors == 50 and tier.pools == (("university", 50),)


def test_the_uc_policies_apply_by_disclosure_and_stanfords_by_income():
    by = {policy.name: policy.applies_by for policy in policies_in(POLICIES)}
    assert by == {
        "University of California (1985)": AppliesBy.DISCLOSURE,
        "University of California (1997)": AppliesBy.DISCLOSURE,
        "Stanford University": AppliesBy.INCOME,
    }


@pytest.mark.parametrize(
    ("received", "disclosed", "name"),
    [
        (date(1997, 10, 1), date(1997, 10, 1), "University of California (1997)"),
        (date(1997, 10, 1), date(1997, 9, 30), "University of California (1985)"),
        (date(2020, 8, 31), date(1997, 10, 1), "University of California (1997)"),
        (date(2020, 8, 31), date(1997, 9, 30), "University of California (1985)"),
        (date(1997, 9, 30), date(1997, 9, 30), "University of California (1985)"),
        (date(1986, 1, 2), date(1985, 11, 18), "University of California (1985)"),
        # Stanford's applies by income: from 2020-09-01 it governs whatever the disclosure date.
        (date(2020, 9, 1), date(1990, 1, 1), "Stanford University"),
        (date(2025, 10, 1), None, "Stanford University"),
    ],
)
def test_the_policy_in_force_is_the_latest_that_governs_by_its_date(received, disclosed, name):
    assert policy_in_force(policies_in(POLICIES), received, disclosed=disclosed).name == name


def test_a_policy_by_disclosure_never_governs_income_received_before_it_took_effect():
    # An invention dated after its income (a mistake, or a re-filed disclosure): the 1997
    # policy was not in force when the money came, so the 1985 one governs.
    chosen = policy_in_force(policies_in(POLICIES), date(1997, 9, 30), disclosed=date(1998, 1, 1))
    assert chosen.name == "University of California (1985)"


def test_a_choice_that_needs_the_disclosure_date_is_refused_without_it():
    with pytest.raises(DisclosureDateNeeded, match="applies by the date the invention was") as err:
        policy_in_force(policies_in(POLICIES), date(2020, 8, 31))
    assert err.value.policy.name == "University of California (1997)"


def test_no_policy_in_force_before_the_earliest_says_when_the_earliest_starts():
    # UC's 1985 policy is now the earliest shipped: income before 1985-11-18 has no policy,
    # nor has an invention reported before that day (the 1963 policy is not shipped).
    with pytest.raises(
        ValidationError, match="No revenue-sharing policy is in force on 1985-11-17"
    ):
        policy_in_force(policies_in(POLICIES), date(1985, 11, 17))
    with pytest.raises(
        ValidationError,
        match="No revenue-sharing policy governs an invention disclosed on 1985-11-17: the "
        r"earliest, University of California \(1985\), applies to inventions disclosed from "
        "1985-11-18",
    ):
        policy_in_force(policies_in(POLICIES), date(1990, 1, 1), disclosed=date(1985, 11, 17))
    with pytest.raises(ValidationError, match="There are no revenue-sharing policies"):
        policy_in_force([], date(2025, 1, 1))


def test_applies_by_is_income_unless_said_and_a_typo_is_refused():
    assert parse_policy(policy_text(SPLIT)).applies_by is AppliesBy.INCOME
    header = HEADER + 'applies_by = "disclosure"\n'
    assert parse_policy(policy_text(SPLIT, header=header)).by_disclosure
    with pytest.raises(ValidationError, match=r"applies_by = 'disclosed' is not allowed"):
        parse_policy(policy_text(SPLIT, header=HEADER + 'applies_by = "disclosed"\n'))


def test_two_policies_taking_effect_on_one_day_are_refused(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.toml").write_text(policy_text(SPLIT))
    with pytest.raises(ValidationError, match="both take effect on 2024-07-01"):
        policies_in(tmp_path)


# --- percentages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "exact", "shown"),
    [
        ("15", Fraction(15), "15"),
        (15, Fraction(15), "15"),
        ("33.34", Fraction(3334, 100), "33.34"),
        ("100/3", Fraction(100, 3), "33 1/3"),
        ("200/3 %", Fraction(200, 3), "66 2/3"),
        ("2/3", Fraction(2, 3), "2/3"),
        ("12.5/2", Fraction(25, 4), "6.25"),
        ("0", Fraction(0), "0"),
        ("100", Fraction(100), "100"),
    ],
)
def test_percentages_are_read_exactly_and_shown_as_people_write_them(written, exact, shown):
    assert parse_percentage(written, what="percent") == exact
    assert format_percent(exact) == shown


# --- refused, with the problem named ---------------------------------------------------------

FEE = '[[steps]]\nkind = "fee"\npool = "office"\npercent = "15"\nof = "gross"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            policy_text(tiers('inventors = "50"\nuniversity = "49"', basis="")),
            "Step 1 (split), tier 1: the percentages add up to 99 %; "
            "they must add up to exactly 100 %",
            id="tier-not-100",
        ),
        pytest.param(
            policy_text(
                tiers(
                    'up_to = "1000"\ninventors = "100/3"\nuniversity = "200/3"',
                    'inventors = "100/3"\nuniversity = "66.66"',
                )
            ),
            # 100/3 + 66.66 = 33 1/3 + 66 33/50 = 99 149/150
            "tier 2: the percentages add up to 99 149/150 %",
            id="second-tier-off-by-a-fraction",
        ),
        pytest.param(
            policy_text('[[steps]]\nkind = "bonus"\n', SPLIT),
            "Step 1: unknown kind 'bonus'; use fee, costs or split",
            id="unknown-kind",
        ),
        pytest.param(
            policy_text("[[steps]]\npool = 'office'\n", SPLIT),
            "Step 1 has no kind",
            id="no-kind",
        ),
        pytest.param(
            policy_text(FEE.replace("percent =", "percentage ="), SPLIT),
            "Step 1 (fee): unknown key 'percentage' (did you mean 'percent'?)",
            id="unknown-step-key",
        ),
        pytest.param(
            policy_text(SPLIT, header=HEADER + 'version = "2"\n'),
            "The policy: unknown key 'version'",
            id="unknown-policy-key",
        ),
        pytest.param(
            policy_text(tiers('inventor = "50"\nuniversity = "50"', basis="")),
            "unknown key 'inventor'; did you mean 'inventors'?",
            id="tier-key-typo",
        ),
        pytest.param(
            policy_text(
                tiers(
                    'up_to = "3000000"\ninventors = "50"\nuniversity = "50"',
                    'up_to = "1000000"\ninventors = "40"\nuniversity = "60"',
                    'inventors = "30"\nuniversity = "70"',
                )
            ),
            "Step 1 (split), tier 2: up_to 1,000,000.00 is not above tier 1's 3,000,000.00",
            id="tiers-out-of-order",
        ),
        pytest.param(
            policy_text(tiers('inventors = "50"\nuniversity = "50"', 'inventors = "100"')),
            "Step 1 (split), tier 1 has no up_to; every tier but the last needs one",
            id="non-last-without-up-to",
        ),
        pytest.param(
            policy_text(tiers('up_to = "5000"\ninventors = "50"\nuniversity = "50"', basis="")),
            "tier 1 is the last tier and has up_to = '5000'; the last tier has no up_to",
            id="last-with-up-to",
        ),
        pytest.param(
            policy_text(tiers('inventors = "-5"\nuniversity = "105"', basis="")),
            "inventors must be between 0 % and 100 %, not -5 %",
            id="negative-percent",
        ),
        pytest.param(
            policy_text(FEE.replace('"15"', '"150"'), SPLIT),
            "Step 1 (fee): percent must be between 0 % and 100 %, not 150 %",
            id="over-100",
        ),
        pytest.param(
            policy_text(FEE.replace('"15"', '"fifteen"'), SPLIT),
            "Step 1 (fee): percent: 'fifteen' is not a percentage",
            id="not-a-number",
        ),
        pytest.param(
            policy_text(FEE.replace('"15"', '"100/3/2"'), SPLIT),
            "'100/3/2' is not a percentage",
            id="bad-fraction",
        ),
        pytest.param(
            policy_text(FEE.replace('"15"', '"1/0"'), SPLIT),
            "'1/0' divides by zero",
            id="fraction-over-zero",
        ),
        pytest.param(
            policy_text(FEE.replace('"15"', "15.5"), SPLIT),
            'write the percentage in quotes, e.g. "15.5"',
            id="float-percent",
        ),
        pytest.param(
            policy_text(SPLIT, header="effective_from = 2024-07-01\n"),
            "The policy has no name",
            id="no-name",
        ),
        pytest.param(
            policy_text(SPLIT, header='name = "X"\n'),
            "The policy has no effective_from date",
            id="no-effective-from",
        ),
        pytest.param(
            policy_text(SPLIT, header='name = "X"\neffective_from = "July 2024"\n'),
            "effective_from must be a date written YYYY-MM-DD, not 'July 2024'",
            id="bad-effective-from",
        ),
        pytest.param(
            policy_text(FEE.replace('"gross"', '"net"'), SPLIT),
            'Step 1 (fee): of = \'net\' is not allowed; use "gross" or "remaining"',
            id="fee-of-net",
        ),
        pytest.param(
            policy_text(FEE.replace('of = "gross"\n', ""), SPLIT),
            "Step 1 (fee): say what the fee is a percentage of",
            id="fee-without-of",
        ),
        pytest.param(
            policy_text(
                tiers(
                    'up_to = "1000"\ninventors = "50"\nuniversity = "50"',
                    'inventors = "40"\nuniversity = "60"',
                    basis='tier_basis = "license"',
                )
            ),
            "Step 1 (split): tier_basis = 'license' is not allowed; "
            'use "agreement" or "technology"',
            id="bad-tier-basis",
        ),
        pytest.param(
            policy_text(
                tiers(
                    'up_to = "1000"\ninventors = "50"\nuniversity = "50"',
                    'inventors = "40"\nuniversity = "60"',
                    basis="",
                )
            ),
            "with several tiers, say what the cumulative amount is counted per",
            id="tiers-without-basis",
        ),
        pytest.param(policy_text(), "The policy has no steps", id="no-steps"),
        pytest.param(
            policy_text(
                SPLIT.replace('kind = "split"', 'kind = "split"\nincome_types = ["royalty"]')
            ),
            "No split applies to upfront income",
            id="income-type-without-split",
        ),
        pytest.param(
            policy_text(SPLIT, FEE),
            "Step 2 (fee) comes after the split in step 1",
            id="step-after-split",
        ),
        pytest.param(
            policy_text(FEE + 'income_types = ["cost_reimbursement"]\n', SPLIT),
            "cost_reimbursement income is not shared",
            id="cost-reimbursement-step",
        ),
        pytest.param(
            policy_text(FEE + 'income_types = ["royalties"]\n', SPLIT),
            "Step 1 (fee): 'royalties' is not an income type; use one of upfront, annual_fee",
            id="unknown-income-type",
        ),
        pytest.param("name = ", "The policy is not valid TOML", id="not-toml"),
    ],
)
def test_a_bad_policy_is_refused_with_the_problem_named(text, message):
    with pytest.raises(ValidationError) as refused:
        parse_policy(text)
    assert message in str(refused.value)


def test_a_file_s_messages_start_with_its_name(tmp_path):
    path = tmp_path / "draft.toml"
    path.write_text(policy_text(FEE.replace('"15"', '"150"'), SPLIT))
    with pytest.raises(ValidationError, match=r"^.*draft\.toml: Step 1 \(fee\): percent must"):
        load_policy(path)


def test_steps_restricted_to_income_types_apply_to_those_only():
    policy = parse_policy(policy_text(FEE + 'income_types = ["royalty", "sublicense"]\n', SPLIT))
    assert [step.kind for step in policy.steps_for("royalty")] == ["fee", "split"]
    assert [step.kind for step in policy.steps_for(IncomeType.EQUITY)] == ["split"]
