"""Outside co-inventors in the policy and the engine (issue #16, item 6): their share goes to
them personally or as one line to their institution, as the policy's [outside_inventors] says,
and their department and school parts to that line or to a pool; never to a department or a
school. Worked by hand, then against the exact fractions for any policy and any inventors."""

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from math import floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_revenue_engine import (
    POLICIES,
    STANFORD,
    UC_1997,
    cents,
    cumulatives,
    paid,
    policy_of,
    random_policies,
    share,
)
from tests.unit.test_revenue_engine_exact import owed_exactly
from tlo.errors import ValidationError
from tlo.revenue.engine import InventorShare, LineClass
from tlo.revenue.policy import (
    OutsideInventors,
    OutsidePaidTo,
    Policy,
    parse_policy,
)

HUNDRED = Fraction(100)
ALICE = InventorShare(
    "Alice Chen", Decimal(60), "Electrical Engineering", "School of Engineering", 1
)
HENRIK = InventorShare("Henrik Larsen", Decimal(40), "", "", 2, institution="NovaGen Biologics")
STANFORD_TEXT = (POLICIES / "stanford.toml").read_text("utf-8")


def stanford_with(paid_to: str, units: str) -> Policy:
    return parse_policy(
        STANFORD_TEXT.replace('paid_to = "inventor"', f'paid_to = "{paid_to}"').replace(
            'departments_and_schools = "university"', f'departments_and_schools = "{units}"'
        )
    )


# --- the policy says how -------------------------------------------------------------------------


def test_the_shipped_policies_say_how_an_outside_co_inventor_is_paid():
    assert STANFORD.outside == OutsideInventors(OutsidePaidTo.INVENTOR, "university")
    assert UC_1997.outside == OutsideInventors(OutsidePaidTo.INSTITUTION, "institution")
    assert STANFORD.outside.describe() == (
        "An outside co-inventor's share is paid to the co-inventor personally; the department "
        "and school parts that follow their share stay with university."
    )
    assert "as one line to their institution" in UC_1997.outside.describe()


def test_a_policy_that_says_nothing_pays_them_personally_and_keeps_their_units_parts():
    policy = policy_of('[[steps]]\nkind = "split"\n[[steps.tiers]]\ninventors = "100"')
    assert policy.outside == OutsideInventors(OutsidePaidTo.INVENTOR, "university")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('paid_to = "lab"', 'paid_to = .lab. is not allowed; use "inventor" or "institution"'),
        ('departments_and_schools = "departments"', "would pay an outside co-inventor's parts"),
        ('departments_and_schools = "institutions"', "did you mean 'institution'"),
        ('departments_and_schools = ""', 'is "institution" or the name of the pool'),
        ("departments_and_schools = 5", 'is "institution" or the name of the pool'),
        ('paid_too = "inventor"', "unknown key 'paid_too' \\(did you mean 'paid_to'\\?\\)"),
    ],
)
def test_a_bad_outside_inventors_table_is_refused_with_the_problem_named(table, message):
    text = STANFORD_TEXT.split("[outside_inventors]")[0] + "[outside_inventors]\n" + table
    with pytest.raises(ValidationError, match=message):
        parse_policy(text)


def test_a_pool_named_only_for_outside_co_inventors_is_a_pool_of_its_own():
    result = share(stanford_with("inventor", "provost"), "100000.00", inventors=(ALICE, HENRIK))
    assert [line.to for line in result.lines][-2:] == ["university", "provost"]
    assert paid(result)["provost"] == "15524.40"  # 85,000 x (.2466 + .21) x .4
    assert paid(result)["university"] == "17850.00"


# --- the engine pays them as it says, worked by hand ---------------------------------------------


def test_stanford_pays_an_outside_co_inventor_personally_and_keeps_their_units_parts():
    result = share(STANFORD, "100000.00", inventors=(ALICE, HENRIK))
    # net 85,000: inventors x .3334 = 28,339 (60/40); Alice's department 85,000 x .2466 x .6
    # and school x .21 x .6; the university 85,000 x .21 = 17,850 plus Henrik's department
    # and school parts, 85,000 x (.2466 + .21) x .4 = 15,524.40
    assert paid(result) == {
        "office": "15000.00",
        "Alice Chen": "17003.40",
        "Henrik Larsen": "11335.60",
        "Electrical Engineering": "12576.60",
        "School of Engineering": "10710.00",
        "university": "33374.40",
    }
    classes = {line.to: line.klass for line in result.lines}
    assert classes["Henrik Larsen"] is LineClass.INVENTOR
    assert LineClass.INSTITUTION not in classes.values()
    henrik = next(line for line in result.lines if line.to == "Henrik Larsen")
    assert henrik.person_id == 2
    university = next(line for line in result.lines if line.to == "university")
    assert university.rule == (
        "split tier 1 (up to $3,000,000.00): university 21%; split tier 1 (up to "
        "$3,000,000.00): (departments 24.66% + schools 21%) × Henrik Larsen's 40% share "
        "(outside co-inventor, kept by university)"
    )


def test_a_policy_paying_their_institution_gives_it_one_line_of_their_whole_part():
    result = share(
        stanford_with("institution", "institution"), "100000.00", inventors=(ALICE, HENRIK)
    )
    # NovaGen: 85,000 x (.3334 + .2466 + .21) x .4 = 26,860
    assert paid(result) == {
        "office": "15000.00",
        "Alice Chen": "17003.40",
        "Electrical Engineering": "12576.60",
        "School of Engineering": "10710.00",
        "NovaGen Biologics": "26860.00",
        "university": "17850.00",
    }
    novagen = next(line for line in result.lines if line.to == "NovaGen Biologics")
    assert novagen.klass is LineClass.INSTITUTION and novagen.person_id is None
    assert novagen.rule == (
        "split tier 1 (up to $3,000,000.00): (inventors 33.34% + departments 24.66% + schools "
        "21%) × Henrik Larsen's 40% share (outside co-inventor)"
    )


def test_paid_personally_with_the_units_parts_to_their_institution():
    result = share(stanford_with("inventor", "institution"), "100000.00", inventors=(ALICE, HENRIK))
    assert paid(result)["Henrik Larsen"] == "11335.60"
    assert paid(result)["NovaGen Biologics"] == "15524.40"  # 85,000 x .4566 x .4
    assert paid(result)["university"] == "17850.00"


def test_two_co_inventors_of_one_institution_are_one_line_naming_both():
    priya = InventorShare("Priya Menon", Decimal(10), "", "", 3, institution="NovaGen Biologics")
    henrik = InventorShare("Henrik Larsen", Decimal(30), "", "", 2, institution="NovaGen Biologics")
    result = share(UC_1997, "1000.00", inventors=(ALICE, henrik, priya))
    assert paid(result) == {
        "Alice Chen": "210.00",  # 1,000 x .35 x .6
        "NovaGen Biologics": "140.00",  # 1,000 x .35 x .4
        "campus_research": "150.00",
        "university": "500.00",
    }
    novagen = next(line for line in result.lines if line.to == "NovaGen Biologics")
    assert novagen.rule == (
        "split: inventors 35% × 40% (Henrik Larsen's 30% + Priya Menon's 10%) "
        "(outside co-inventors)"
    )


def test_an_outside_co_inventor_needs_no_department_but_a_named_institution():
    share(STANFORD, "10.00", inventors=(ALICE, HENRIK))  # no department: fine
    nameless = InventorShare("Henrik Larsen", Decimal(40), "", "", 2, institution=" ")
    with pytest.raises(ValidationError, match="outside co-inventor: name their institution"):
        share(STANFORD, "10.00", inventors=(ALICE, nameless))


def test_an_institution_line_comes_after_the_schools_and_before_the_pools():
    # The order of lines is also the order that breaks rounding ties (see the engine's notes).
    result = share(
        stanford_with("institution", "institution"), "100000.00", inventors=(HENRIK, ALICE)
    )
    assert [line.to for line in result.lines] == [
        "office",
        "Alice Chen",
        "Electrical Engineering",
        "School of Engineering",
        "NovaGen Biologics",
        "university",
    ]


# --- properties: exact against fractions, whatever the policy and the inventors ------------------


def owed_with_outside(policy, amount, costs, cumulative, inventors, kind):
    """(class, recipient) -> exact cents: the engine's own oracle for our inventors (from
    tests/unit/test_revenue_engine_exact.py), with each outside co-inventor's parts moved where
    the policy says."""
    ours = [i for i in inventors if not i.is_outside]
    theirs = [i for i in inventors if i.is_outside]
    # Everyone as if ours, then each outside co-inventor's four parts moved.
    as_ours = [
        InventorShare(i.name, i.share, f"(dept of {i.name})", f"(school of {i.name})", i.person_id)
        if i.is_outside
        else i
        for i in inventors
    ]
    owed, split_base = owed_exactly(policy, amount, costs, cumulative, as_ours, kind)
    moved = defaultdict(Fraction, owed)
    outside = policy.outside
    for person in theirs:
        parts = {
            "inventors": moved.pop((LineClass.INVENTOR, person.name), Fraction(0)),
            "labs": moved.pop((LineClass.LAB, person.lab), Fraction(0)),
            "departments": moved.pop((LineClass.DEPARTMENT, f"(dept of {person.name})"), 0),
            "schools": moved.pop((LineClass.SCHOOL, f"(school of {person.name})"), 0),
        }
        institution = (LineClass.INSTITUTION, person.institution)
        if outside.paid_to is OutsidePaidTo.INSTITUTION:
            moved[institution] += parts["inventors"] + parts["labs"]
        else:
            moved[LineClass.INVENTOR, person.name] += parts["inventors"]
            moved[LineClass.LAB, person.lab] += parts["labs"]
        units = parts["departments"] + parts["schools"]
        if outside.units_to_institution:
            moved[institution] += units
        else:
            moved[LineClass.POOL, outside.departments_and_schools] += units
    assert ours or theirs
    return moved, split_base


@st.composite
def inventors_some_outside(draw):
    """1 to 4 inventors with shares adding up to 100; some of them outside co-inventors of one
    of two institutions."""
    count = draw(st.integers(1, 4))
    cuts = sorted(
        draw(st.lists(st.integers(1, 9999), min_size=count - 1, max_size=count - 1, unique=True))
    )
    bounds = [0, *cuts, 10_000]
    found = []
    for index, (low, high) in enumerate(pairwise(bounds)):
        share_ = Decimal(high - low) / 100
        if draw(st.booleans()):
            institution = draw(st.sampled_from(["NovaGen Biologics", "Partner University"]))
            found.append(InventorShare(f"Guest {index}", share_, "", "", index, institution))
        else:
            department = draw(st.sampled_from(["Electrical Engineering", "Chemistry"]))
            school = draw(st.sampled_from(["School of Engineering", "School of Science"]))
            found.append(InventorShare(f"Inventor {index}", share_, department, school, index))
    return tuple(found)


@st.composite
def policies_saying_how(draw):
    policy = draw(st.one_of(st.sampled_from([STANFORD, UC_1997]), random_policies(fees=True)))
    paid_to = draw(st.sampled_from(list(OutsidePaidTo)))
    units = draw(st.sampled_from(["institution", "university", "research", "provost"]))
    return Policy(
        policy.name,
        policy.effective_from,
        policy.steps,
        outside=OutsideInventors(paid_to, units),
    )


@settings(max_examples=300, deadline=None)
@given(
    policies_saying_how(),
    cents,
    cents,
    st.one_of(cumulatives, st.integers(0, 5 * 10**8).map(lambda c: Decimal(c) / 1000)),
    inventors_some_outside(),
    st.sampled_from(["royalty", "equity", "milestone"]),
)
def test_every_line_is_what_it_is_owed_with_outside_co_inventors_and_none_is_a_unit(
    policy, amount, costs, cumulative, inventors, kind
):
    result = share(
        policy, amount, costs=costs, cumulative=cumulative, inventors=inventors, kind=kind
    )
    owed, split_base = owed_with_outside(policy, amount, costs, cumulative, inventors, kind)
    got = {(line.klass, line.to): int(line.amount * 100) for line in result.lines}
    assert len(got) == len(result.lines)  # one line per recipient
    assert set(got) <= {recipient for recipient, exact in owed.items() if exact}
    rounded_up, rounded_down = [], []
    for recipient, exact in owed.items():
        line = got.get(recipient, 0)
        assert line in (floor(exact), floor(exact) + 1), (recipient, line, exact)
        (rounded_up if line > floor(exact) else rounded_down).append(exact - floor(exact))
    if rounded_up and rounded_down:
        assert max(rounded_down) <= min(rounded_up)
    assert sum(got.values()) == int(amount * 100)  # exact to the cent
    assert result.split_base * 100 == floor(split_base + Fraction(1, 2))
    # No outside co-inventor, nor their institution, is ever a department or a school.
    outside_names = {i.institution for i in inventors if i.is_outside}
    for line in result.lines:
        if line.klass in (LineClass.DEPARTMENT, LineClass.SCHOOL):
            assert line.to not in outside_names and not line.to.startswith("(")
        if line.klass is LineClass.INSTITUTION:
            assert line.to in outside_names and line.person_id is None
