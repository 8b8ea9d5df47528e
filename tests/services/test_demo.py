from decimal import Decimal

from sqlmodel import func, select

from tlo import audit, demo
from tlo.audit import AuditEntry
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.auth.permissions import system_actor
from tlo.db import unit_of_work
from tlo.equity import services as equity
from tlo.equity.models import EquityEvent
from tlo.licensing import drafts
from tlo.licensing.agreement_models import (
    Agreement,
    AgreementDraft,
    AgreementStatus,
    AgreementType,
)
from tlo.people.models import Department, Person, School
from tlo.revenue.models import Distribution, DistributionLine, Income


def test_the_demo_office_loads_once_and_every_demo_account_signs_in(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    with unit_of_work(engine) as session:
        assert demo.is_empty(session)
        demo.seed(session)
    with unit_of_work(engine) as session:
        assert not demo.is_empty(session)
        assert session.exec(select(func.count()).select_from(School)).one() == 3
        assert session.exec(select(func.count()).select_from(Department)).one() >= 10
        assert session.exec(select(func.count()).select_from(Person)).one() >= 35
        roles_seen = set()
        for username in demo.ACCOUNTS:
            result = accounts.sign_in(
                session, username=username, password=demo.DEMO_PASSWORD, client=None
            )
            assert result.actor is not None, username
            roles_seen |= result.actor.roles
    assert roles_seen == set(Role)
    assert "officer" in demo.sign_in_help() and demo.DEMO_PASSWORD in demo.sign_in_help()

    with unit_of_work(engine) as session:
        agreements = session.exec(select(Agreement)).all()
        drafted = set(session.exec(select(AgreementDraft.agreement_id)).all())
        some_draft = session.exec(select(AgreementDraft)).first()
        content = drafts.read_draft(session, actor=system_actor("test"), draft_id=some_draft.id)
    assert 18 <= len(agreements) <= 25
    assert {a.agreement_type for a in agreements} == {t.value for t in AgreementType}
    assert {a.status for a in agreements} == {s.value for s in AgreementStatus}
    with_template = {
        a.id for a in agreements if AgreementType(a.agreement_type) in drafts.TEMPLATES
    }
    assert drafted == with_template
    assert content.startswith(b"PK")  # a Word file
    with unit_of_work(engine) as session:
        incomes = session.exec(select(func.count()).select_from(Income)).one()
        unbalanced = session.exec(
            select(Distribution.id)
            .join(DistributionLine, DistributionLine.distribution_id == Distribution.id)
            .group_by(Distribution.id, Distribution.amount_cents)
            .having(func.sum(DistributionLine.amount_cents) != Distribution.amount_cents)
        ).all()
        posted = session.exec(select(func.count()).select_from(Distribution)).one()
    assert incomes > 20 and posted > 20
    assert unbalanced == []  # every distribution's lines add up to its amount, to the cent
    with unit_of_work(engine) as session:
        kinds = set(session.exec(select(AuditEntry.object_type).distinct()).all())
    assert kinds and kinds <= set(audit.CONTENT_PERMISSIONS)  # each kind's content has a reader
    # The start-up's shares: issued at par, priced by a round, sold on its acquisition; the
    # sale is the demo's equity income ($250,000.00, of the start-up license).
    with unit_of_work(engine) as session:
        [holding] = equity.holdings(session, actor=system_actor("test")).holdings
        sale = session.exec(select(EquityEvent).where(EquityEvent.kind == "sale")).one()
        income = session.get(Income, sale.income_id)
        startup = session.get(Agreement, holding.holding.agreement_id)
    assert (holding.totals.shares, holding.totals.proceeds) == (0, Decimal("250000.00"))
    assert (income.income_type, income.amount_cents) == ("equity", 25_000_000)
    assert startup.agreement_type == AgreementType.STARTUP.value == "startup_license"
    assert income.agreement_id == startup.id and startup.company_id == holding.holding.company_id
