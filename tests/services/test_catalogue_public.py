"""Nothing confidential reaches the public catalogue (#20): over generated cases whose every
confidential field carries a secret, the public service returns exactly the published
technologies and none of the secrets; and it reads the published snapshots only (every SQL
statement it issues names the catalogue_entry table and no other)."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.clock import TODAY
from tests.services.test_catalogue import publish
from tests.services.test_outreach import technology
from tlo.catalogue import public, publishing
from tlo.db import unit_of_work
from tlo.licensing import marketing
from tlo.licensing.marketing import SummaryFields
from tlo.patents import services as patents
from tlo.patents.services import ApplicationForm

CASE = st.fixed_dictionaries(
    {
        "published": st.booleans(),
        "name_inventor": st.booleans(),
        "secret": st.integers(min_value=100_000, max_value=999_999),
        "words": st.text(alphabet="abcdefgh ", min_size=0, max_size=12),
    }
)


def everything_public(session) -> str:
    """All the public service can show, as one text."""
    parts = []
    result = public.search(session)
    for page in range(1, result.pages + 1):
        parts += [repr(t) for t in public.search(session, page=page).technologies]
    for slug, _changed in public.sitemap(session):
        parts.append(repr(public.technology(session, slug)))
    parts += [repr(t) for t in public.newest(session)]
    parts.append(repr(public.facets(session)))
    return "\n".join(parts)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cases=st.lists(CASE, min_size=1, max_size=3))
def test_the_public_service_returns_only_published_summaries(engine, office, cases):
    expected, secrets = set(), []
    made = []
    for index, case in enumerate(cases):
        secret = f"SECRET{case['secret']}x{index}"
        secrets.append(secret)
        case_id = technology(
            engine,
            office,
            title=f"{secret} title",
            abstract=f"{secret} abstract",
            description=f"{secret} description",
            problem_and_advantages=f"{secret} problem",
            keywords=f"{secret} keywords",
            potential_licensees=f"{secret} licensees",
            related_materials=f"{secret} materials",
        )
        unpublished_number = f"63/{case['secret']:,}"
        secrets.append(unpublished_number)
        with unit_of_work(engine) as session:
            patents.add_application(
                session,
                actor=office.officer,
                disclosure_id=case_id,
                form=ApplicationForm(
                    "US", "provisional", TODAY - timedelta(days=30), unpublished_number
                ),
            )
            marketing.save_summary(
                session,
                actor=office.officer,
                disclosure_id=case_id,
                fields=SummaryFields(
                    f"Public headline {index} {case['words']}",
                    problem="A public problem.",
                    solution="A public solution.",
                ),
            )
        made.append(case_id)
        if case["published"]:
            with unit_of_work(engine) as session:
                (inventor_id, _name), *_ = publishing.inventors_of(session, case_id)
            slug = publish(
                engine,
                office.officer,
                case_id,
                named_inventor_ids=[inventor_id] if case["name_inventor"] else [],
            )
            expected.add(slug)
    if not any(case["published"] and case["name_inventor"] for case in cases):
        secrets.append("Alice Chen")  # the inventor, named only where she agreed
    try:
        with unit_of_work(engine) as session:
            shown = everything_public(session)
            assert {slug for slug, _ in public.sitemap(session)} == expected
            assert {t.slug for t in public.newest(session)} == expected
            for secret in secrets:
                assert secret not in shown
            assert "Public headline" in shown or not expected
    finally:
        with unit_of_work(engine) as session:
            for case_id in made:
                publishing.unpublish(session, actor=office.officer, disclosure_id=case_id)


@pytest.fixture
def statements(engine):
    seen: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.lower())

    sa.event.listen(engine, "before_cursor_execute", remember)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", remember)


def test_the_public_service_reads_the_catalogue_table_and_no_other(engine, office, statements):
    from tests.services.test_catalogue import summarised

    slug = publish(engine, office.officer, summarised(engine, office))
    statements.clear()
    with unit_of_work(engine) as session:
        everything_public(session)
        public.search(session, words="sepsis", field="x", stage="y", patent_state="pending")
        public.image(session, slug)
        public.disclosure_of(session, slug)
    queries = [s for s in statements if s.lstrip().startswith("select")]
    tables = {
        name for query in queries for name in re.findall(r'\b(?:from|join)\s+"?(\w+)"?', query)
    }
    assert queries and tables == {"catalogue_entry"}, tables


def test_a_technology_never_published_or_taken_down_is_not_there(engine, office):
    with unit_of_work(engine) as session:
        assert public.technology(session, "s26-0001") is None
        assert public.technology(session, 42) is None
        assert public.technology(session, "x" * 500) is None
        assert public.image(session, "nothing") is None
