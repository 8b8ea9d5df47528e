"""Every Word template renders with its sample context and reads back complete."""

from io import BytesIO

import pytest
from docx import Document

from tlo import documents
from tlo.licensing.drafts import TEMPLATES, template_sample

AGREEMENT_TEMPLATES = [
    "cda",
    "exclusive_license",
    "nonexclusive_license",
    "option_agreement",
    "startup_license",
]
# Licenses and options carry patents, milestones and the federal recital; a CDA does not.
LICENSE_TEMPLATES = [name for name in AGREEMENT_TEMPLATES if name != "cda"]
# An exclusive licensee of federally funded technology must make in the US (35 U.S.C. § 204).
EXCLUSIVE_LICENSES = ["exclusive_license", "startup_license"]


def text_of(content: bytes) -> str:
    document = Document(BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_there_are_templates():
    assert "marketing_summary" in documents.template_names()


@pytest.mark.parametrize("name", documents.template_names())
def test_every_template_renders_its_sample_with_nothing_left_unfilled(name):
    context = documents.sample_context(name)
    assert documents.placeholders(name) <= set(context)
    text = text_of(documents.render(name, context))
    assert "{{" not in text and "{%" not in text and "}}" not in text


def test_the_marketing_summary_keeps_ampersands_and_repeats_patent_rows():
    context = documents.sample_context("marketing_summary")
    content = documents.render("marketing_summary", context)
    text = text_of(content)
    assert "catch fire & degrade" in text and "Stanford & Partners University" in text
    assert "<5 %" in text
    table = Document(BytesIO(content)).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["Jurisdiction", "Type", "Number", "Status"],
        ["US", "Provisional", "63/123,456", "Pending"],
        ["WO", "PCT", "PCT/US2027/012345", "Pending"],
    ]


def milestone_rows(content: bytes) -> list[list[str]]:
    for table in Document(BytesIO(content)).tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0] == ["Milestone", "Payment", "Due date"]:
            return rows[1:]
    raise AssertionError("The draft has no milestones table.")


@pytest.mark.parametrize("name", documents.template_names())
def test_every_sample_gives_exactly_the_placeholders_its_template_uses(name):
    assert set(documents.sample_context(name)) == documents.placeholders(name)


def test_every_agreement_type_with_a_template_has_one_listed_here():
    assert sorted(set(TEMPLATES.values())) == AGREEMENT_TEMPLATES


@pytest.mark.parametrize("name", AGREEMENT_TEMPLATES)
def test_an_agreement_draft_names_the_licensee_with_its_ampersand_intact(name):
    context = documents.sample_context(name)
    assert "&" in context["licensee"]
    text = text_of(documents.render(name, context))
    assert text.count(context["licensee"]) >= 2  # the parties and the signature block
    assert "&amp;" not in text
    assert "{{" not in text and "{%" not in text and "}}" not in text and "%}" not in text


@pytest.mark.parametrize("name", LICENSE_TEMPLATES)
def test_a_license_draft_lists_every_patent_and_repeats_a_row_per_milestone(name):
    context = documents.sample_context(name)
    content = documents.render(name, context)
    text = text_of(content)
    for patent in context["patents"]:
        assert patent["number"] in text
    assert len(context["milestones"]) == 2
    assert milestone_rows(content) == [
        [m["event"], m["amount"], m["due"]] for m in context["milestones"]
    ]


def test_the_option_milestone_rows_read_exactly_as_the_sample_gives_them():
    content = documents.render("option_agreement", documents.sample_context("option_agreement"))
    assert milestone_rows(content) == [
        ["Evaluation report on prototype cells", "none (diligence)", "31 March 2027"],
        ["Business plan for Licensed Products", "none (diligence)", "31 May 2027"],
    ]


def federal_and_not(name: str) -> tuple[str, str]:
    """The template's sample as Word shows it, federally funded and not (clauses and all)."""
    return tuple(
        text_of(documents.render(name, template_sample(name, {"federal": federal})))
        for federal in (True, False)
    )


@pytest.mark.parametrize("name", LICENSE_TEMPLATES)
def test_the_federal_recital_appears_only_for_federally_funded_technology(name):
    context = documents.sample_context(name)
    funded, unfunded = federal_and_not(name)
    assert context["agencies"] in funded and context["agencies"] not in unfunded
    for citation in ("35 U.S.C. §§ 200-212", "37 C.F.R. Part 401"):  # Bayh-Dole
        assert citation in funded and citation not in unfunded
    # Without federal funding the recital is left out: a draft affirms nothing about funding.
    assert "federal funding" not in unfunded.lower()
    assert "\nB. Licensee " in unfunded or "\nB. Optionee " in unfunded  # C becomes B
    assert "\nC. " not in unfunded and "\nC. " in funded


@pytest.mark.parametrize("name", EXCLUSIVE_LICENSES)
def test_an_exclusive_license_cites_bayh_dole_and_us_manufacture_only_when_federally_funded(name):
    funded, unfunded = federal_and_not(name)
    for citation in ("35 U.S.C. §§ 200-212", "37 C.F.R. Part 401", "§ 204"):
        assert citation in funded
        assert citation not in unfunded
    assert "substantially in the United States" in funded


def headings(content: bytes) -> list[str]:
    document = Document(BytesIO(content))
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


@pytest.mark.parametrize("name", LICENSE_TEMPLATES)
def test_a_license_defines_licensed_product_and_has_separate_indemnity_and_insurance(name):
    content = documents.render(name, documents.sample_context(name))
    assert '"Licensed Product" means' in text_of(content)
    titles = headings(content)
    assert any(title.endswith("Indemnity") for title in titles)
    assert any(title.endswith("Insurance") for title in titles)
    assert not any("Indemn" in title and "Insurance" in title for title in titles)


@pytest.mark.parametrize("name", EXCLUSIVE_LICENSES)
def test_an_exclusive_license_without_equity_asks_for_no_shares(name):
    context = documents.sample_context(name) | {"equity": "none"}
    text = text_of(documents.render(name, context))
    assert "Equity: none" not in text
    assert "issue this equity" not in text and "further shares" not in text
    assert "University's shares" not in text


def test_a_startup_license_without_equity_says_so_and_drops_the_anti_dilution_terms():
    context = documents.sample_context("startup_license") | {"equity": "none"}
    text = text_of(documents.render("startup_license", context))
    assert "in return for fees and royalties." in text
    assert "No equity in Licensee is part of the consideration for this license." in text
    assert "Qualified Financing" not in text and "Fully Diluted Capital" not in text


def test_the_startup_license_issues_equity_protected_until_a_qualified_financing():
    text = text_of(documents.render("startup_license", documents.sample_context("startup_license")))
    assert "Equity: 250,000 shares (5 % of the fully diluted capital)." in text
    assert "Until a Qualified Financing closes" in text


def test_the_option_agreement_states_its_fee_period_and_the_license_it_leads_to():
    text = text_of(
        documents.render("option_agreement", documents.sample_context("option_agreement"))
    )
    assert "Option fee: $15,000.00" in text
    assert '"Option Period" means 6 months from the Effective Date.' in text
    assert "negotiate an exclusive or non-exclusive license" in text


def test_the_cda_lists_the_technologies_disclosed_and_grants_no_license():
    content = documents.render("cda", documents.sample_context("cda"))
    text = text_of(content)
    rows = [[cell.text for cell in row.cells] for row in Document(BytesIO(content)).tables[0].rows]
    assert rows == [
        ["Docket", "Technology"],
        ["S26-0042", "Solid-state lithium battery with a sulfide electrolyte"],
        ["S26-0057", "Fast charging protocol for solid-state cells"],
    ]
    assert '"Disclosure Period" means 24 months from the Effective Date.' in text
    assert "No license or other right" in text and "return or destroy" in text


def test_a_context_missing_a_placeholder_is_refused_by_name():
    context = documents.sample_context("marketing_summary")
    del context["headline"]
    with pytest.raises(KeyError, match="needs headline"):
        documents.render("marketing_summary", context)


@pytest.mark.parametrize("name", LICENSE_TEMPLATES)
def test_a_license_draft_lists_each_patent_with_its_title_and_names_the_whole_family_if_licensed(
    name,
):
    context = documents.sample_context(name)
    whole = documents.render(name, context | {"whole_family": True})
    chosen = documents.render(name, context | {"whole_family": False})
    rows = [[cell.text for cell in row.cells] for row in Document(BytesIO(chosen)).tables[0].rows]
    assert rows == [["Jurisdiction", "Type", "Number", "Filed", "Title"]] + [
        [p["jurisdiction"], p["kind"], p["number"], p["filed"], p["title"]]
        for p in context["patents"]
    ]
    assert "&" in context["patents"][0]["title"]  # escaped in Word, printed as it is
    later = "every other application of their families, filed before or after the Effective Date"
    assert later in text_of(whole)
    assert later not in text_of(chosen)
    # Either way the definition reaches what grows from the listed ones, and abroad.
    for reach in (
        "every continuation and divisional of them",
        "the other claims of a continuation-in-part are not Licensed Patents",
        "every reissue, re-examination certificate and extension",
        "every foreign counterpart of any of them",
    ):
        assert reach in text_of(chosen)
