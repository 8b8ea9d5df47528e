"""Patent pools on a real database, SQLite and PostgreSQL (#19, item 3): a pool agreement's
rule and the patents we contributed; a statement recorded as a royalty whose parts per
technology follow the pool's rule (per essential patent per country, or as stated), fixed when
it is recorded; each part distributed under the policy like any royalty, one income or the
annual run alike; bad input refused, nothing half-saved; who may."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import func, select

from tests.clock import TODAY
from tests.services.test_revenue import distribute, signed_license, technology
from tests.services.test_revenue_annual_run import posted_both_ways
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied, ValidationError
from tlo.licensing import patent_pools
from tlo.licensing.patent_pools import StatementForm
from tlo.patents import services as patents
from tlo.patents.models import PatentApplication
from tlo.patents.services import ApplicationForm
from tlo.revenue.models import Distribution, Income, IncomePart

POOL = "MPEG LA, LLC"


def applications(engine, case_id) -> list[int]:
    with unit_of_work(engine) as session:
        return list(
            session.exec(
                select(PatentApplication.id)
                .where(PatentApplication.disclosure_id == case_id)
                .order_by(PatentApplication.id)
            )
        )


def pool_office(engine, office):
    """Two technologies in a pool: the codec (US and EP) and the decoder (US only)."""
    codec = technology(engine, office, costs="0", title="Video codec")
    decoder = technology(engine, office, costs="0", title="Fast decoder")
    [us] = applications(engine, codec)
    with unit_of_work(engine) as session:
        patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=codec,
            form=ApplicationForm("EP", "nonprovisional", TODAY - timedelta(days=60), "EP1", us),
        )
    agreement_id = signed_license(engine, office, [codec, decoder], company=POOL)
    return codec, decoder, agreement_id


def make_pool(engine, office, agreement_id, ids, rule="per_essential_patent_per_country"):
    with unit_of_work(engine) as session:
        patent_pools.save_pool(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            rule=rule,
            standard="MPEG-2 video",
            application_ids=ids,
        )


def statement(engine, office, agreement_id, total, amounts=(), period="2026 H2") -> int:
    with unit_of_work(engine) as session:
        return patent_pools.record_statement(
            session,
            actor=office.finance,
            form=StatementForm(
                agreement_id, TODAY - timedelta(days=3), total, period, list(amounts)
            ),
        ).id


def shared(engine, income_id) -> dict[int, int]:
    with unit_of_work(engine) as session:
        return dict(
            session.exec(
                select(Distribution.disclosure_id, Distribution.amount_cents).where(
                    Distribution.income_id == income_id
                )
            ).all()
        )


def test_a_statement_is_shared_per_essential_patent_per_country(engine, office):
    codec, decoder, agreement_id = pool_office(engine, office)
    make_pool(
        engine, office, agreement_id, applications(engine, codec) + applications(engine, decoder)
    )
    with unit_of_work(engine) as session:
        preview = patent_pools.preview_statement(
            session,
            actor=office.finance,
            form=StatementForm(agreement_id, TODAY, "3000.01"),
        )
    # By hand: the codec counts 2 (US, EP), the decoder 1; 3,000.01 × 2/3 = 2,000.0067 and
    # × 1/3 = 1,000.0033: the remaining cent goes to the larger remainder, the codec's.
    assert [(p.disclosure_id, p.amount, p.basis) for p in preview] == [
        (codec, Decimal("2000.01"), "2 essential patent-countries"),
        (decoder, Decimal("1000.00"), "1 essential patent-countries"),
    ]
    income_id = statement(engine, office, agreement_id, "3000.01")
    distribute(engine, office, income_id)
    assert shared(engine, income_id) == {codec: 200_001, decoder: 100_000}
    with unit_of_work(engine) as session:
        income = session.get(Income, income_id)
    assert (income.income_type, income.amount_cents, income.licensee_reference) == (
        "royalty",
        300_001,
        "Pool statement 2026 H2",
    )
    # The decoder's patent withdrawn from the pool: the next statement is the codec's alone,
    # the one recorded before stays as it was.
    make_pool(engine, office, agreement_id, applications(engine, codec))
    later = statement(engine, office, agreement_id, "500")
    distribute(engine, office, later)
    assert shared(engine, later) == {codec: 50_000}
    assert shared(engine, income_id) == {codec: 200_001, decoder: 100_000}


def test_a_statement_that_says_the_amounts_is_shared_as_stated(engine, office):
    codec, decoder, agreement_id = pool_office(engine, office)
    make_pool(engine, office, agreement_id, [], rule="as_stated")
    # The pool stated 1,200 and 300 but 1,499.95 arrived (bank charges): in proportion.
    income_id = statement(
        engine, office, agreement_id, "1499.95", [(codec, "1200"), (decoder, "300")]
    )
    distribute(engine, office, income_id)
    assert shared(engine, income_id) == {codec: 119_996, decoder: 29_999}
    with unit_of_work(engine) as session:
        bases = session.exec(select(IncomePart.basis).order_by(IncomePart.disclosure_id)).all()
    assert bases == ["as stated: $1,200.00", "as stated: $300.00"]


def test_the_annual_run_shares_a_pool_statement_as_one_income_at_a_time_does(engine, office):
    codec, decoder, agreement_id = pool_office(engine, office)
    make_pool(
        engine, office, agreement_id, applications(engine, codec) + applications(engine, decoder)
    )
    first = statement(engine, office, agreement_id, "999.99")
    statement(engine, office, agreement_id, "12.34", period="2027 H1")
    posted = posted_both_ways(engine, office, first)
    assert {(d[0], d[1], d[3]) for d in posted} >= {
        (first, codec, 66_666),
        (first, decoder, 33_333),
    }


def test_bad_pool_terms_and_statements_are_refused_and_nothing_saved(engine, office):
    codec, _, agreement_id = pool_office(engine, office)
    stranger = technology(engine, office, costs="0", title="Not in the pool")
    for ids, rule, error in [
        ([], "per_essential_patent_per_country", "choose the patents we contributed"),
        (applications(engine, stranger), "as_stated", "Contribute only applications"),
        (["1"], "as_stated", "no patent application"),
        ([], "by lottery", "rule"),
    ]:
        with unit_of_work(engine) as session, pytest.raises(Exception, match=error) as caught:
            patent_pools.save_pool(
                session,
                actor=office.officer,
                agreement_id=agreement_id,
                rule=rule,
                application_ids=ids,
            )
        assert caught.type.__module__ == "tlo.errors"
    with unit_of_work(engine) as session:
        assert (
            patent_pools.get_pool(session, actor=office.officer, agreement_id=agreement_id) is None
        )
    with pytest.raises(ValidationError, match="not a pool agreement"):
        statement(engine, office, agreement_id, "100")
    make_pool(engine, office, agreement_id, [], rule="as_stated")
    for amounts, total, error in [
        ([], "100", "list it"),
        ([(stranger, "100")], "100", "does not cover"),
        ([(codec, "100"), (codec, "5")], "100", "listed twice"),
        ([(codec, "0")], "100", "all 0"),
        ([(codec, "abc")], "100", "amount"),
        ([(codec, "100")], "-5", "total"),
    ]:
        with pytest.raises(ValidationError, match=error):
            statement(engine, office, agreement_id, total, amounts)
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(Income)).one() == 0
        assert session.exec(select(func.count()).select_from(IncomePart)).one() == 0
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.action.startswith("agreement.pool"))
        ).all()
    assert actions == ["agreement.pool_named"]


def test_officers_set_a_pools_terms_and_finance_records_its_statements(engine, office):
    codec, _, agreement_id = pool_office(engine, office)
    for actor in (office.finance, office.other_officer, office.inventor):
        with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
            patent_pools.save_pool(
                session, actor=actor, agreement_id=agreement_id, rule="as_stated"
            )
    make_pool(engine, office, agreement_id, [], rule="as_stated")
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        patent_pools.record_statement(
            session,
            actor=office.officer,
            form=StatementForm(agreement_id, TODAY, "10", amounts=[(codec, "10")]),
        )
    with unit_of_work(engine) as session:
        view = patent_pools.get_pool(session, actor=office.finance, agreement_id=agreement_id)
    assert (view.rule.value, view.standard, view.contributed) == ("as_stated", "MPEG-2 video", [])
    assert [p.jurisdiction for p in view.patents] == ["US", "EP", "US"]
