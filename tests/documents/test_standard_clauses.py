"""Every agreement template carries the standard clauses of the clause library (issue #21):
each clause's heading is printed by every template that includes it, federal-only clauses
only for federally funded technology, and the sections stay numbered one after another."""

import json
import re
from io import BytesIO

import pytest
from docx import Document

from tlo import documents
from tlo.licensing import clauses
from tlo.licensing.drafts import TEMPLATES, template_sample

LIBRARY = clauses.shipped_clauses()
FEDERAL_ONLY = sorted(key for key, clause in LIBRARY.items() if clause.federal_only)
EVERY_CLAUSE = [(name, key) for name, keys in clauses.TEMPLATE_CLAUSES.items() for key in keys]
LICENSES = ["exclusive_license", "nonexclusive_license", "startup_license"]


def paragraphs(name: str, **changes) -> list[str]:
    content = documents.render(name, template_sample(name, changes))
    return [p.text for p in Document(BytesIO(content)).paragraphs]


def headings(name: str, **changes) -> list[str]:
    content = documents.render(name, template_sample(name, changes))
    document = Document(BytesIO(content))
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def test_the_library_ships_the_clauses_the_issue_asks_for():
    assert set(LIBRARY) == {
        "enforcement", "enforcement_nonexclusive", "patent_marking", "export_control",
        "notices", "assignment", "use_of_names", "march_in", "utilization_reports",
        "royalty_term", "late_payment_interest", "currency_and_taxes", "effect_of_termination",
        "limitation_of_liability", "entire_agreement", "severability",
    }  # fmt: skip
    assert FEDERAL_ONLY == ["march_in", "utilization_reports"]
    assert "35 U.S.C. § 203" in LIBRARY["march_in"].text
    assert sorted(TEMPLATES.values()) == sorted(clauses.TEMPLATE_CLAUSES)


@pytest.mark.parametrize("name", sorted(clauses.TEMPLATE_CLAUSES))
def test_each_template_prints_exactly_the_clauses_listed_for_it(name):
    used = clauses.referenced_keys(documents.template_path(name).read_bytes())
    assert sorted(used) == sorted(clauses.TEMPLATE_CLAUSES[name])


@pytest.mark.parametrize("name", sorted(clauses.TEMPLATE_CLAUSES))
def test_each_sample_holds_its_clauses_as_the_shipped_library_fills_them_in(name):
    sample = json.loads((documents.TEMPLATES_DIR / f"{name}.sample.json").read_text("utf-8"))
    assert sample == template_sample(name)
    assert sorted(sample["clauses"]) == sorted(clauses.TEMPLATE_CLAUSES[name])


@pytest.mark.parametrize(("name", "key"), EVERY_CLAUSE)
def test_a_template_prints_each_standard_clause_with_its_heading(name, key):
    clause = LIBRARY[key]
    funded = paragraphs(name, federal=True)
    text = "\n".join(funded)
    if key in FEDERAL_ONLY:  # printed within its section: "2.4 March-in Rights. The ..."
        assert re.search(rf"\n\d+\.\d+ {re.escape(clause.heading)}\. ", text), key
    else:
        assert any(h.endswith(f". {clause.heading}") for h in headings(name, federal=True))
        unfunded = headings(name, federal=False)
        assert any(h.endswith(f". {clause.heading}") for h in unfunded), key
    printed = template_sample(name, {"federal": True})["clauses"][key]["paragraphs"]
    assert len(printed) == len(clauses.paragraphs(clause.text))
    assert all("{{" not in p and "{%" not in p for p in printed)
    for text in printed:  # every paragraph, after its number
        assert any(p.endswith(text) for p in funded), (key, text[:60])


@pytest.mark.parametrize(("name", "key"), [(n, k) for n, k in EVERY_CLAUSE if k in FEDERAL_ONLY])
def test_a_federal_only_clause_is_left_out_without_federal_funding(name, key):
    clause = LIBRARY[key]
    text = "\n".join(paragraphs(name, federal=False))
    assert clause.heading not in text
    assert "§ 203" not in text and "§ 202(c)(5)" not in text


@pytest.mark.parametrize("name", sorted(clauses.TEMPLATE_CLAUSES))
@pytest.mark.parametrize("federal", [True, False])
def test_the_sections_and_their_paragraphs_are_numbered_one_after_another(name, federal):
    section, numbers = 0, []
    for text in paragraphs(name, federal=federal):
        heading = re.match(r"(\d+)\. ", text)
        if heading:
            section = int(heading.group(1))
            numbers.append(section)
            expected = 1
            continue
        numbered = re.match(r"(\d+)\.(\d+) ", text)
        if numbered:
            assert (int(numbered.group(1)), int(numbered.group(2))) == (section, expected), text
            expected += 1
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("name", LICENSES)
def test_a_license_never_charges_the_same_sale_twice(name):
    text = "\n".join(paragraphs(name))
    assert '"Sublicense Income" means all consideration' in text
    assert "(a) royalties on a sublicensee's sales, which are counted in Net Sales" in text
    assert "No amount is counted both as Net Sales and as Sublicense Income." in text
    assert "of all Sublicense Income" in text and "of all sublicense income" not in text
    assert "each Licensed Product is counted once" in text


@pytest.mark.parametrize("name", LICENSES)
def test_a_license_defines_valid_claim_and_ends_royalties_country_by_country(name):
    text = "\n".join(paragraphs(name))
    assert '"Valid Claim" means (a) a claim of an issued, unexpired patent' in text
    assert "infringe a Valid Claim in the country where it takes place" in text
    assert "country by country" in text and "until the last Valid Claim" in text
    for words in ("becomes a license directly from University", "one hundred and eighty days"):
        assert words in text  # sublicenses survive; the sell-off period


def test_the_notices_clause_prints_the_parties_addresses_with_their_ampersands():
    content = documents.render("exclusive_license", template_sample("exclusive_license"))
    text = "\n".join(p.text for p in Document(BytesIO(content)).paragraphs)
    assert "Notices to Licensee: VoltCell & Sons, Inc., [Licensee's address for notices]" in text
    assert "e-mail legal@voltcell.example" in text
    assert "Notices to University: Office of Technology Licensing," in text
    assert "&amp;" not in text


def test_the_option_says_its_license_terms_are_to_be_agreed_when_there_are_none():
    text = "\n".join(paragraphs("option_agreement"))
    assert "(none)" not in text and "of none" not in text
    assert (
        "No royalties are due under this Agreement. The fees and royalties of that license are "
        "to be agreed in its negotiation."
    ) in text


def test_a_clause_printed_in_a_header_counts_as_printed_too():
    document = Document(documents.template_path("cda"))
    document.sections[0].header.paragraphs[0].text = "{{ clauses.march_in.heading }}"
    buffer = BytesIO()
    document.save(buffer)
    assert "march_in" not in clauses.referenced_keys(documents.template_path("cda").read_bytes())
    assert "march_in" in clauses.referenced_keys(buffer.getvalue())
