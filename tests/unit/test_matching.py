import pytest

from tlo.licensing.matching import (
    CompanyProfile,
    PastResponse,
    build_index,
    normalise_company_name,
    rank_companies,
    rank_in_index,
    terms,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Klein Photonics GmbH", "KLEIN-PHOTONICS"),
        ("Acme, Inc.", "acme"),
        ("NovaGen Biologics Ltd.", "Novagen Biologics, Limited"),
        ("Smith & Jones LLC", "Smith and Jones"),
        ("The Gene Company", "Gene Co."),
        ("Société Générale S.A.", "Societe Generale"),
    ],
)
def test_the_same_company_is_recognised_whatever_its_spelling(a, b):
    assert normalise_company_name(a) == normalise_company_name(b)


def test_different_companies_stay_different():
    assert normalise_company_name("Gene Inc") != normalise_company_name("Genentech Inc")
    assert normalise_company_name("Co") == "co"  # a name that is only a suffix is kept


def test_terms_drop_stop_words_and_plurals():
    assert terms("The Batteries and solid-state electrolytes") == [
        "battery",
        "solid-state",
        "solid",
        "state",
        "electrolyte",
    ]


def profile(company_id, name, interests, sector="", past=()):
    return CompanyProfile(company_id, name, interests, sector, list(past))


def test_a_company_whose_interests_match_outranks_one_whose_do_not():
    technology = "Solid-state lithium battery with a sulfide electrolyte. Keywords: battery"
    ranked = rank_companies(
        technology,
        [
            profile(1, "Bakery Supplies", "bread, flour, ovens", "food"),
            profile(2, "VoltCell", "lithium battery, electrolyte, energy storage", "energy"),
            profile(3, "Photon Labs", "lasers, lithium niobate", "optics"),
        ],
    )
    assert [s.name for s in ranked] == ["VoltCell", "Photon Labs"]
    assert set(ranked[0].matched_terms) == {"battery", "electrolyte", "lithium"}
    assert ranked[0].matched_terms[0] == "battery"  # named twice in the text: weighs most
    assert "battery" in ranked[0].explanation


def test_past_positive_responses_count_and_are_named():
    technology = "CRISPR base editor with reduced off-target activity"
    ranked = rank_companies(
        technology,
        [
            profile(
                1,
                "GeneWorks",
                "antibodies",
                "biotech",
                past=[PastResponse("S24-0003", "CRISPR screening platform", "gene editing")],
            ),
            profile(2, "Other Bio", "antibodies", "biotech"),
        ],
    )
    assert [s.name for s in ranked] == ["GeneWorks"]
    assert ranked[0].matched_terms == ["crispr"]
    assert ranked[0].related_outreach == ["S24-0003 CRISPR screening platform"]
    assert "interested before in S24-0003" in ranked[0].explanation


def test_nothing_to_match_ranks_nothing():
    assert rank_companies("", [profile(1, "A", "anything")]) == []
    assert rank_companies("battery", []) == []


def test_a_company_is_matched_by_its_interests_as_they_read_now():
    """Terms are remembered by the text they come from: an edited interest is never matched
    by the terms it had before."""
    technology = "Solid-state lithium battery"
    before = rank_companies(technology, [profile(1, "VoltCell", "lithium battery")])
    after = rank_companies(technology, [profile(1, "VoltCell", "bread, flour, ovens")])
    assert [s.name for s in before] == ["VoltCell"]
    assert after == []


def test_generic_words_alone_match_no_company():
    """'point', 'care' and 'field' matched every company caring for anything (issue #16)."""
    technology = "A point-of-care assay for sepsis, useful in the field and in home care"
    ranked = rank_companies(
        technology,
        [
            profile(1, "CareHomes", "elder care, home care services", "health services"),
            profile(2, "FieldPoint", "oil field services, point solutions", "energy"),
            profile(3, "QuickDx", "point-of-care diagnostics, sepsis", "diagnostics"),
        ],
    )
    assert [s.name for s in ranked] == ["QuickDx", "CareHomes"]
    assert set(ranked[0].matched_terms) == {"point-of-care", "sepsis"}
    assert ranked[1].matched_terms == ["home"]
    assert "care" not in terms("home care") and "home" in terms("home care")


def test_companies_the_inventors_named_come_first_whatever_their_interests():
    index = build_index(
        [
            profile(1, "VoltCell Inc.", "lithium battery, electrolyte", "energy"),
            profile(2, "Genentech, Inc.", "antibodies", "biotech"),
            profile(3, "Arc", "battery", "energy"),  # too short a name to look for in prose
            profile(4, "Illumina", "sequencing", "genomics"),
        ]
    )
    named = "GENENTECH INC, VoltCell and perhaps an arc welder"
    ranked = rank_in_index("lithium battery", index, named_text=named)
    assert [s.name for s in ranked] == ["Genentech, Inc.", "VoltCell Inc.", "Arc"]
    assert [s.named_by_inventor for s in ranked] == [True, True, False]
    assert ranked[0].explanation == "named by the inventors"
    assert ranked[1].explanation.startswith("named by the inventors · matches ")
    # one already in the pipeline is not suggested again, named or not
    left = rank_in_index("lithium battery", index, named_text=named, leave_out=frozenset({2}))
    assert [s.name for s in left] == ["VoltCell Inc.", "Arc"]
    assert rank_in_index("", index, named_text="") == []
