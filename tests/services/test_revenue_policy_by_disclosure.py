"""A policy that applies by the disclosure date (issue #19, item 5) on a real database: each
technology of an income is shared under the policy that governs its own disclosure date, when
computed and posted one income at a time and by the annual run alike."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.clock import TODAY
from tests.services.test_revenue import receive, signed_license, technology
from tlo.config import get_settings
from tlo.db import unit_of_work
from tlo.disclosures.models import Disclosure
from tlo.disclosures.rules import fiscal_year_of
from tlo.errors import ValidationError
from tlo.revenue import services as revenue
from tlo.revenue.models import Distribution

BY_DISCLOSURE = f"""
name = "Test University (by disclosure)"
effective_from = {(TODAY - timedelta(days=200)).isoformat()}
applies_by = "disclosure"

[[steps]]
kind = "split"
  [[steps.tiers]]
  inventors = "50"
  university = "50"
"""


@pytest.fixture
def two_inventions(engine, office):
    """An agreement over two technologies, 50/50, no patent costs: the first submitted today
    (after the new policy took effect), the second reported in 2019 (before it), and the
    policy by disclosure adopted."""
    recent = technology(engine, office, costs="0", title="Recent invention")
    older = technology(engine, office, costs="0", title="Older invention")
    agreement_id = signed_license(
        engine, office, [recent, older], allocations=["50", "50"], title="Two inventions"
    )
    with unit_of_work(engine) as session:
        session.get(Disclosure, older).submitted_at = datetime(2019, 5, 1, 17, tzinfo=UTC)
        revenue.add_policy(session, actor=office.director, text=BY_DISCLOSURE)
    return agreement_id, recent, older


def policies_used(engine, income_id) -> dict[int, str]:
    with unit_of_work(engine) as session:
        return {
            d.disclosure_id: d.policy_name
            for d in session.exec(
                select(Distribution).where(Distribution.income_id == income_id)
            ).all()
        }


def test_each_technology_is_shared_under_the_policy_of_its_own_disclosure_date(
    engine, office, two_inventions
):
    agreement_id, recent, older = two_inventions
    income_id = receive(engine, office, agreement_id, "10000.00")
    with unit_of_work(engine) as session:
        made = revenue.compute_distribution(session, actor=office.finance, income_id=income_id)
        lines = {d.disclosure_id: revenue.lines_of(session, d.id) for d in made}
    # The recent invention: the new policy, 5,000 halved; Alice 60 % of the inventors' 2,500.
    assert {(line.recipient, line.amount_cents) for line in lines[recent]} >= {
        ("Alice Chen", 150_000),
        ("university", 250_000),
    }
    # The older one, reported before the new policy took effect: Stanford's, which applies by
    # the income's date (in force since 2020-09-01): the office's 15 % first.
    assert ("office", 75_000) in {(line.recipient, line.amount_cents) for line in lines[older]}
    assert policies_used(engine, income_id) == {
        recent: "Test University (by disclosure)",
        older: "Stanford University",
    }
    with unit_of_work(engine) as session:
        posted = revenue.post_income(session, actor=office.finance, income_id=income_id)
    assert {d.status for d in posted} == {"posted"}


def test_the_annual_run_chooses_each_technologys_policy_the_same_way(
    engine, office, two_inventions
):
    agreement_id, recent, older = two_inventions
    received = TODAY - timedelta(days=5)
    income_id = receive(engine, office, agreement_id, "10000.00", received_on=received)
    year = fiscal_year_of(received, get_settings().fiscal_year_start_month)
    with unit_of_work(engine) as session:
        summary = revenue.annual_run(session, actor=office.finance, fiscal_year=year)
    assert summary.total == Decimal("10000.00")
    assert policies_used(engine, income_id) == {
        recent: "Test University (by disclosure)",
        older: "Stanford University",
    }


def test_a_technology_never_submitted_is_refused_by_name_under_a_policy_by_disclosure(
    engine, office, two_inventions
):
    agreement_id, recent, _ = two_inventions
    with unit_of_work(engine) as session:
        disclosure = session.get(Disclosure, recent)
        disclosure.submitted_at = None
        docket = disclosure.docket
    income_id = receive(engine, office, agreement_id, "10000.00")
    with unit_of_work(engine) as session, pytest.raises(ValidationError) as err:
        revenue.compute_distribution(session, actor=office.finance, income_id=income_id)
    assert str(err.value).startswith(f"{docket} has no disclosure date (it was never submitted)")
    assert "Test University (by disclosure)" in str(err.value)
    assert policies_used(engine, income_id) == {}
