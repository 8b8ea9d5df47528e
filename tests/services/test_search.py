"""Finding records (tlo/search.py): cases, agreements, companies and people, on both databases,
each actor finding only what they may read."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import complete_form, make_actor, submitted_case
from tlo import search
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.disclosures import intake
from tlo.disclosures.models import Disclosure
from tlo.errors import PermissionDenied, ValidationError
from tlo.licensing import agreements, outreach
from tlo.licensing.agreements import AgreementForm
from tlo.licensing.outreach import CompanyForm


def find(engine, finder, actor, text, **kwargs) -> search.Found:
    with unit_of_work(engine) as session:
        return finder(session, actor=actor, text=text, **kwargs)


def labels(found: search.Found) -> list[str]:
    return [hit.label for hit in found.hits]


def docket_of(engine, case_id: int) -> str:
    with unit_of_work(engine) as session:
        return session.get(Disclosure, case_id).docket


def a_company(engine, actor, name: str, size: str = "small") -> int:
    with unit_of_work(engine) as session:
        return outreach.save_company(
            session, actor=actor, form=CompanyForm(name=name, size=size)
        ).id


def an_agreement(engine, actor, company_id: int, case_id: int, title: str) -> int:
    with unit_of_work(engine) as session:
        return agreements.save_agreement(
            session,
            actor=actor,
            form=AgreementForm(
                agreement_type="exclusive_license",
                company_id=company_id,
                title=title,
                technologies=[case_id],
            ),
        ).id


@pytest.fixture
def cases(engine, office):
    """Alice Chen's three submitted cases and her draft, and Zoë Ångström's case."""
    zoe = make_actor(engine, Role.INVENTOR, name="Zoë Ångström")
    ids = {
        "catalyst": submitted_case(
            engine,
            office.inventor,
            title="Peptide catalyst for green ammonia",
            keywords="catalysis, fertiliser",
        ),
        "sensor": submitted_case(
            engine,
            office.inventor,
            title="Graphene sensor for sweat lactate",
            keywords="wearables, biosensing",
        ),
        "percent": submitted_case(
            engine, office.inventor, title="A 100% recyclable thermoset_resin", keywords="polymer"
        ),
        "zoe": submitted_case(
            engine, zoe, title="Quantum dot display backplane", keywords="optics"
        ),
    }
    with unit_of_work(engine) as session:
        ids["draft"] = intake.save_draft(
            session,
            actor=office.inventor,
            form=complete_form(
                (office.inventor.person_id, "100"), title="Secret catalyst draft", keywords="x"
            ),
        ).id
    ids["zoe_actor"] = zoe
    return ids


def test_a_case_is_found_by_its_docket_title_keyword_or_inventor(engine, office, cases):
    docket = docket_of(engine, cases["sensor"])
    for text in (docket, docket.lower(), "graphene", "SWEAT lactate", "biosensing", "ångström"):
        found = find(engine, search.find_cases, office.officer, text)
        assert found.hits, text
    assert labels(find(engine, search.find_cases, office.officer, "ångström")) == [
        f"{docket_of(engine, cases['zoe'])} · Quantum dot display backplane"
    ]
    by_inventor = find(engine, search.find_cases, office.officer, "alice chen")
    assert {hit.id for hit in by_inventor.hits} == {
        cases["catalyst"],
        cases["sensor"],
        cases["percent"],
    }


def test_every_word_must_match_somewhere_in_the_case(engine, office, cases):
    found = find(engine, search.find_cases, office.officer, "chen catalyst")
    assert [hit.id for hit in found.hits] == [cases["catalyst"]]
    assert not find(engine, search.find_cases, office.officer, "catalyst lactate").hits


def test_the_exact_docket_comes_first_then_the_newest(engine, office, cases):
    first = docket_of(engine, cases["catalyst"])
    newer = submitted_case(engine, office.inventor, title=f"Follow-up of {first} at scale")
    found = find(engine, search.find_cases, office.officer, first)
    assert [hit.id for hit in found.hits] == [cases["catalyst"], newer]
    assert found.hits[0].exact and not found.hits[1].exact
    # Without an exact docket, the newest case comes first.
    found = find(engine, search.find_cases, office.officer, "chen")
    assert found.hits[0].id == newer


def test_percent_and_underscore_are_taken_literally(engine, office, cases):
    assert [h.id for h in find(engine, search.find_cases, office.officer, "100%").hits] == [
        cases["percent"]
    ]
    assert [h.id for h in find(engine, search.find_cases, office.officer, "t_r").hits] == [
        cases["percent"]
    ]
    assert not find(engine, search.find_cases, office.officer, "e_t").hits  # not "e, any, t"
    assert not find(engine, search.find_cases, office.officer, "%%").hits
    assert not find(engine, search.find_cases, office.officer, "\\%").hits


def test_results_are_limited_and_say_that_more_matched(engine, office, cases):
    found = find(engine, search.find_cases, office.officer, "chen", limit=2)
    assert found.count == 2 and found.more
    found = find(engine, search.find_cases, office.officer, "chen", limit=3)
    assert found.count == 3 and not found.more


def test_nobody_finds_a_draft_not_even_its_inventor(engine, office, cases):
    for actor in (office.officer, office.director, office.finance, office.inventor):
        assert not find(engine, search.find_cases, actor, "secret catalyst").hits


def test_an_inventor_finds_only_their_own_cases_and_themselves(engine, office, cases):
    zoe = cases["zoe_actor"]
    assert [h.id for h in find(engine, search.find_cases, zoe, "backplane").hits] == [cases["zoe"]]
    assert not find(engine, search.find_cases, zoe, "graphene").hits  # Alice's
    assert not find(engine, search.find_cases, zoe, docket_of(engine, cases["sensor"])).hits
    assert labels(find(engine, search.find_people, zoe, "a")) == []  # too short
    assert labels(find(engine, search.find_people, zoe, "ångström")) == ["Zoë Ångström"]
    assert labels(find(engine, search.find_people, zoe, "alice")) == []
    for finder in (search.find_companies, search.find_agreements):
        with pytest.raises(PermissionDenied):
            find(engine, finder, zoe, "acme")
    with pytest.raises(PermissionDenied):  # no search box on an inventor's pages
        find(engine, search.search, zoe, "backplane")


def test_finance_finds_what_finance_reads_and_an_admin_only_people(engine, office, cases):
    acme = a_company(engine, office.officer, "Acme Biocatalysts")
    an_agreement(engine, office.officer, acme, cases["catalyst"], "Exclusive license: catalyst")
    results = find(engine, search.search, office.finance, "catalys")
    assert [kind for kind, _ in results.groups] == list(search.Kind)
    assert {hit.id for hit in results.cases.hits} == {cases["catalyst"]}  # not the draft
    assert labels(results.agreements) == ["AGR-00001 · Exclusive license: catalyst"]
    assert labels(results.companies) == ["Acme Biocatalysts"]
    admin = make_actor(engine, Role.ADMIN, name="Adam Kowalski")
    results = find(engine, search.search, admin, "chen")
    assert [kind for kind, _ in results.groups] == [search.Kind.PERSON]
    assert results.cases is None and results.agreements is None and results.companies is None
    assert labels(results.people) == ["Alice Chen"]
    # An admin reads no case: who is an inventor on how many is not said.
    assert "case" not in results.people.hits[0].detail
    officer_view = find(engine, search.search, office.officer, "alice chen").people.hits[0]
    assert "inventor on 3 cases" in officer_view.detail


def test_an_agreement_is_found_by_number_licensee_or_title(engine, office, cases):
    acme = a_company(engine, office.officer, "Acme Robotics")
    other = a_company(engine, office.officer, "Borealis Sensors")
    first = an_agreement(engine, office.officer, acme, cases["sensor"], "Option: lactate sensor")
    second = an_agreement(engine, office.officer, other, cases["catalyst"], "CDA with AGR-00001")
    for text in ("AGR-00001", "agr-1", "AGR 1", "00001"):
        found = find(engine, search.find_agreements, office.officer, text)
        assert found.hits[0].id == first and found.hits[0].exact, text
    # The exact number before an agreement whose title names it.
    assert [
        h.id for h in find(engine, search.find_agreements, office.finance, "AGR-00001").hits
    ] == [
        first,
        second,
    ]
    assert [h.id for h in find(engine, search.find_agreements, office.officer, "acme").hits] == [
        first
    ]
    assert [
        h.id for h in find(engine, search.find_agreements, office.officer, "lactate option").hits
    ] == [first]
    assert (
        find(engine, search.find_agreements, office.officer, "acme").hits[0].detail
    ) == "Acme Robotics · Exclusive license · Draft"


def test_a_company_is_found_by_its_name_the_exact_name_first(engine, office):
    for name in ("Acme Robotics", "Acme", "Zenith Acme Labs", "ACME-Photonics, Inc."):
        a_company(engine, office.officer, name)
    found = find(engine, search.find_companies, office.finance, "acme")
    assert labels(found) == ["Acme", "Acme Robotics", "ACME-Photonics, Inc.", "Zenith Acme Labs"]
    # As the duplicate check compares names: without punctuation and legal suffixes.
    assert labels(find(engine, search.find_companies, office.officer, "acme photonics")) == [
        "ACME-Photonics, Inc."
    ]


def test_who_manages_accounts_finds_the_company_to_link_a_licensee_to(engine, office):
    a_company(engine, office.officer, "Acme Robotics")
    admin = make_actor(engine, Role.ADMIN)
    assert labels(find(engine, search.find_licensee_companies, admin, "acme")) == ["Acme Robotics"]
    with pytest.raises(PermissionDenied):
        find(engine, search.find_companies, admin, "acme")  # nothing else of companies
    with pytest.raises(PermissionDenied):
        find(engine, search.find_licensee_companies, office.officer, "acme")


def test_people_are_found_by_name_or_email(engine, office):
    assert labels(find(engine, search.find_people, office.director, "ortega")) == ["Olivia Ortega"]
    email = find(engine, search.find_people, office.director, "ortega").hits[0].key
    assert labels(find(engine, search.find_people, office.director, email)) == ["Olivia Ortega"]
    assert labels(find(engine, search.find_people, office.director, "olivia  ORTEGA")) == [
        "Olivia Ortega"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cata\x00lyst", "control character"),
        ("line\nbreak", "one line"),
        ("x" * 201, "at most 200"),
        ("one two three four five six seven eight nine", "at most 8 words"),
        (42, "must be text"),
    ],
)
def test_bad_input_is_refused_with_a_message(engine, office, text, message):
    with pytest.raises(ValidationError, match=message):
        find(engine, search.search, office.officer, text)


@pytest.mark.parametrize("limit", [0, 51, True, "20", None])
def test_a_limit_outside_one_to_fifty_is_refused(engine, office, limit):
    with pytest.raises(ValidationError):
        find(engine, search.find_cases, office.officer, "chen", limit=limit)


def test_a_search_too_short_finds_nothing_and_asks_nothing_of_the_database(engine, office):
    statements = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    results = find(engine, search.search, office.officer, " c ")
    assert results.total == 0 and [kind for kind, _ in results.groups] == list(search.Kind)
    assert not [s for s in statements if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]


def test_a_search_is_a_few_queries_however_many_records_match(engine, office, cases):
    for n in range(6):
        submitted_case(engine, office.inventor, title=f"Chen catalyst number {n}")
    statements = []

    def count(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        few = find(engine, search.search, office.officer, "chen", limit=2)
        before = len(statements)
        many = find(engine, search.search, office.officer, "chen", limit=20)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert few.cases.count == 2 and many.cases.count == 9
    # One query per kind, and one that counts the cases of the people found.
    assert len(statements) - before == before == 5
