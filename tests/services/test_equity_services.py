"""The equity ledger on a real database: holdings recorded with their issue, later events
checked by the ledger, totals at cost and at last known value, and a sale whose cash becomes
equity income shared under the policy (all in one transaction)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.clock import TODAY
from tests.services.test_revenue import by_class, distribute, lines, signed_license, technology
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.equity import services as equity
from tlo.equity.models import EquityEvent, EquityHolding
from tlo.equity.services import EventForm, HoldingForm
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.licensing.agreement_models import Agreement
from tlo.revenue import services as revenue
from tlo.revenue.models import Income

ISSUED = TODAY - timedelta(days=400)


@pytest.fixture
def startup(engine, office):
    """A licensed technology (Alice 60 %, Bob 40 %, $20,000 of patent costs) and its signed
    license with a start-up: (agreement id, company id, technology id)."""
    case_id = technology(engine, office)
    agreement_id = signed_license(engine, office, [case_id])
    with unit_of_work(engine) as session:
        company_id = session.get(Agreement, agreement_id).company_id
    return agreement_id, company_id, case_id


def hold(engine, actor, company_id, agreement_id=None, **more) -> int:
    fields = dict(
        company_id=company_id,
        share_class="Common",
        issued_on=ISSUED,
        shares=1_000_000,
        price="0.0001",
        certificate="C-1",
        agreement_id=agreement_id,
    )
    with unit_of_work(engine) as session:
        return equity.record_holding(session, actor=actor, form=HoldingForm(**(fields | more))).id


def event(engine, actor, holding_id, kind, days_ago, **more) -> EquityEvent:
    with unit_of_work(engine) as session:
        return equity.record_event(
            session,
            actor=actor,
            form=EventForm(holding_id, kind, TODAY - timedelta(days=days_ago), **more),
        )


def overview(engine, actor) -> equity.EquityOverview:
    with unit_of_work(engine) as session:
        return equity.holdings(session, actor=actor)


def test_a_holding_split_and_priced_by_a_round_shows_its_cost_and_value(engine, office, startup):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id)
    event(engine, office.officer, holding_id, "split", 300, ratio="2:1")
    event(engine, office.officer, holding_id, "dilution", 200, price="0.50", note="Series A")
    [view] = overview(engine, office.director).holdings
    # 1,000,000 at $0.0001 cost $100.00; split 2-for-1 and priced $0.50: $1,000,000.00.
    assert (view.totals.shares, view.totals.cost_basis, view.totals.value) == (
        2_000_000,
        Decimal("100.00"),
        Decimal("1000000.00"),
    )
    assert view.agreement_number == f"AGR-{agreement_id:05d}"
    assert view.label == "VoltCell & Sons Inc. · Common · certificate C-1"
    with unit_of_work(engine) as session:
        events = equity.events_of(session, actor=office.finance, holding_id=holding_id)
        actions = session.exec(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [(e.kind.value, e.ratio, e.price) for e in events] == [
        ("issue", "", Decimal("0.0001")),
        ("split", "2:1", None),
        ("dilution", "", Decimal("0.5")),
    ]
    assert events[2].event.note == "Series A"
    assert actions[-3:] == [
        "equity.holding_recorded",
        "equity.event_recorded",
        "equity.event_recorded",
    ]


def test_the_totals_add_up_every_holding(engine, office, startup):
    agreement_id, company_id, _ = startup
    first = hold(engine, office.officer, company_id, agreement_id)
    hold(
        engine,
        office.finance,
        company_id,
        share_class="Series A Preferred",
        certificate="PA-7",
        shares=3,
        price="1.005",  # $3.015: the cost is rounded half up once, $3.02
        held_for="inventors",
    )
    event(engine, office.officer, first, "ipo", 10, price="12.345678")
    totals = overview(engine, office.director)
    assert [v.holding.share_class for v in totals.holdings] == ["Common", "Series A Preferred"]
    assert totals.cost_basis == Decimal("100.00") + Decimal("3.02")
    # 1,000,000 x $12.345678 = $12,345,678.00; 3 x $1.005 = $3.015 -> $3.02.
    assert totals.value == Decimal("12345678.00") + Decimal("3.02")
    assert totals.proceeds == 0


def test_a_sale_becomes_equity_income_shared_under_the_policy(engine, office, startup):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id)
    event(engine, office.officer, holding_id, "split", 300, ratio="2:1")
    form = EventForm(holding_id, "sale", TODAY - timedelta(days=5), shares=500_000, price="0.80")
    with unit_of_work(engine) as session:
        preview = equity.preview_sale(session, actor=office.finance, form=form)
        assert session.exec(select(Income)).all() == []  # a preview writes nothing
    assert (preview.proceeds, preview.shares_left, preview.becomes_income) == (
        Decimal("400000.00"),
        1_500_000,
        True,
    )
    assert preview.agreement_number == f"AGR-{agreement_id:05d}"
    assert len(preview.technologies) == 1
    with unit_of_work(engine) as session:
        sale = equity.record_event(session, actor=office.finance, form=form)
        income = session.get(Income, sale.income_id)
    assert (income.agreement_id, income.income_type, income.amount_cents) == (
        agreement_id,
        "equity",
        40_000_000,
    )
    assert income.received_on == TODAY - timedelta(days=5)
    assert income.licensee_reference == "C-1"
    assert "500,000 Common shares of VoltCell" in income.note
    [view] = overview(engine, office.director).holdings
    assert (view.totals.shares, view.totals.cost_basis, view.totals.proceeds) == (
        1_500_000,
        Decimal("75.00"),
        Decimal("400000.00"),
    )
    # Shared as any income under the Stanford policy: the 15 % fee ($60,000.00), the
    # technology's $20,000.00 of patent costs, then $320,000.00 split 33.34/24.66/21/21.
    [distribution_id] = distribute(engine, office, income.id)
    assert by_class(engine, distribution_id) == {
        "pool": Decimal("60000.00") + Decimal("67200.00"),  # the office's fee, the university
        "costs": Decimal("20000.00"),
        "inventor": Decimal("106688.00"),
        "department": Decimal("78912.00"),
        "school": Decimal("67200.00"),
    }
    inventors = {k: v for k, v in lines(engine, distribution_id).items() if "Alice" in k}
    assert list(inventors.values()) == [Decimal("64012.80")]  # 60 % of the inventors' part


def test_a_sale_the_policy_cannot_share_is_refused_until_the_license_is_named(
    engine, office, startup
):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id)  # no license named
    with pytest.raises(ValidationError, match="names no license"):
        event(engine, office.finance, holding_id, "sale", 5, shares=10, price="1")
    with unit_of_work(engine) as session:
        assert session.exec(select(EquityEvent.kind)).all() == ["issue"]
        assert session.exec(select(Income)).all() == []
    with unit_of_work(engine) as session:
        equity.name_license(
            session, actor=office.officer, holding_id=holding_id, agreement_id=agreement_id
        )
    with pytest.raises(ValidationError, match="already names"), unit_of_work(engine) as session:
        equity.name_license(
            session, actor=office.officer, holding_id=holding_id, agreement_id=agreement_id
        )
    sale = event(engine, office.finance, holding_id, "sale", 5, shares=10, price="1")
    with unit_of_work(engine) as session:
        assert session.get(Income, sale.income_id).agreement_id == agreement_id
        actions = session.exec(select(AuditEntry.action)).all()
    assert "equity.license_named" in actions


def test_a_failing_income_leaves_no_sale_behind(engine, office, startup):
    """One transaction: the income refused (here, more than tlo takes), the sale is not kept."""
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id)
    with pytest.raises(ValidationError, match="at most"):
        event(engine, office.finance, holding_id, "sale", 5, shares=1_000_000, price="9999999")
    with unit_of_work(engine) as session:
        assert session.exec(select(EquityEvent.kind)).all() == ["issue"]
        assert session.exec(select(Income)).all() == []


def test_selling_the_inventors_shares_is_no_income_of_the_university(engine, office, startup):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id, held_for="inventors")
    sale = event(engine, office.director, holding_id, "sale", 5, shares=400_000, price="2")
    assert sale.income_id is None
    with unit_of_work(engine) as session:
        assert session.exec(select(Income)).all() == []
    [view] = overview(engine, office.director).holdings
    assert (view.totals.shares, view.totals.proceeds) == (600_000, Decimal("800000.00"))


@pytest.mark.parametrize(
    ("kind", "days_ago", "more", "message"),
    [
        ("sale", 5, {"shares": 1_000_001, "price": "1"}, "1,000,000 are held|1000000 are held"),
        ("ipo", 500, {"price": "5"}, "before the shares were issued|date order"),
        ("split", 5, {"ratio": "1:3"}, "fraction of a share"),
        ("split", 5, {}, "Give the ratio"),
        ("split", 5, {"ratio": "2:1", "shares": 7}, "leave it empty"),
        ("dilution", 5, {"price": "1", "ratio": "2"}, "has no ratio"),
        ("dilution", 5, {}, "Give the price"),
        ("dilution", 5, {"price": "0.0000001"}, "six decimals"),
        ("dilution", 5, {"price": "-1"}, "from \\$0"),
        ("dilution", 5, {"price": "ten"}, "not an amount"),
        ("dilution", 5, {"price": 1.5}, "must be an amount"),
        ("split", 5, {"ratio": "two"}, "not a ratio"),
        ("split", 5, {"ratio": "0:1"}, "above zero"),
        ("issue", 5, {"price": "1"}, "Give the number of shares"),
        ("issue", 5, {"shares": "10", "price": "1"}, "whole number"),
        ("merger", 5, {}, "not a kind of event"),
        ("ipo", -1, {"price": "5"}, "once it has happened"),
        ("ipo", 5, {"price": "5", "note": "bad\x00note"}, "control character"),
    ],
)
def test_an_event_the_ledger_cannot_take_is_refused(
    engine, office, startup, kind, days_ago, more, message
):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id)
    with pytest.raises(ValidationError, match=message):
        event(engine, office.director, holding_id, kind, days_ago, **more)
    with unit_of_work(engine) as session:
        assert len(session.exec(select(EquityEvent)).all()) == 1


@pytest.mark.parametrize(
    ("more", "error", "message"),
    [
        ({"company_id": None}, ValidationError, "Choose the company"),
        ({"company_id": 99_999}, NotFound, "no company"),
        ({"share_class": " "}, ValidationError, "Give the class"),
        ({"share_class": "x" * 101}, ValidationError, "at most 100"),
        ({"shares": 0}, ValidationError, "between 1"),
        ({"price": ""}, ValidationError, "Give the price"),
        ({"held_for": "the dean"}, ValidationError, "not a holder"),
        ({"issued_on": "2020-01-01"}, ValidationError, "must be a date"),
        ({"agreement_id": 99_999}, NotFound, "no agreement"),
    ],
)
def test_a_holding_is_checked_before_anything_is_written(
    engine, office, startup, more, error, message
):
    _, company_id, _ = startup
    more = dict(more)  # the parameters are shared by both databases
    company_id = more.pop("company_id", company_id)
    with pytest.raises(error, match=message):
        hold(engine, office.officer, company_id, **more)
    with unit_of_work(engine) as session:
        assert session.exec(select(EquityHolding)).all() == []


def test_a_holding_names_an_agreement_of_its_own_company_and_a_certificate_once(
    engine, office, startup
):
    agreement_id, company_id, _ = startup
    other = technology(engine, office, title="Another battery")
    from tests.services.test_agreements import exclusive_form, licensee, save

    other_company = licensee(engine, office, name="Other Co")
    other_agreement = save(engine, office.officer, exclusive_form(other_company, [other]))
    with pytest.raises(ValidationError, match="not an agreement with VoltCell"):
        hold(engine, office.officer, company_id, other_agreement)
    unnamed = hold(engine, office.officer, company_id, certificate="C-0")
    with (
        pytest.raises(ValidationError, match="not an agreement with VoltCell"),
        unit_of_work(engine) as session,
    ):
        equity.name_license(
            session, actor=office.officer, holding_id=unnamed, agreement_id=other_agreement
        )
    hold(engine, office.officer, company_id, agreement_id)
    with pytest.raises(ValidationError, match=r"C-1 of VoltCell & Sons Inc\. is already"):
        hold(engine, office.officer, company_id, agreement_id)


def test_who_may_read_record_and_sell(engine, office, startup):
    agreement_id, company_id, _ = startup
    with pytest.raises(PermissionDenied):
        hold(engine, office.inventor, company_id, agreement_id)
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        equity.holdings(session, actor=office.inventor)
    holding_id = hold(engine, office.officer, company_id, agreement_id)
    event(engine, office.officer, holding_id, "dilution", 5, price="1")  # a round: any officer
    with pytest.raises(PermissionDenied, match=r"equity\.sell"):
        event(engine, office.officer, holding_id, "sale", 5, shares=1, price="1")
    with pytest.raises(PermissionDenied, match=r"equity\.sell"), unit_of_work(engine) as session:
        equity.preview_sale(
            session,
            actor=office.officer,
            form=EventForm(holding_id, "sale", TODAY, shares=1, price="1"),
        )
    assert event(engine, office.finance, holding_id, "sale", 5, shares=1, price="1").income_id
    with unit_of_work(engine) as session:
        [choice] = equity.holding_choices(session, actor=office.officer)
    assert (choice.company_id, [a for a, _ in choice.agreements]) == (company_id, [agreement_id])


def test_an_acquisition_one_for_three_is_exact_when_stored(engine, office, startup):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id, shares=999_999)
    event(engine, office.officer, holding_id, "acquisition", 5, ratio="1:3", price="4.20")
    [view] = overview(engine, office.director).holdings
    assert (view.totals.shares, view.totals.value) == (333_333, Decimal("1399998.60"))
    with unit_of_work(engine) as session:
        row = session.exec(select(EquityEvent).where(EquityEvent.kind == "acquisition")).one()
    assert (row.ratio_new, row.ratio_old, row.price_micros) == (1, 3, 4_200_000)


@pytest.mark.parametrize(
    ("price", "ratio", "message"),
    [
        ("0.1000000000000000000000000000001", None, "six decimals"),  # past 28 digits too
        ("1", "1e999999999:1", "not a ratio"),
        ("1", "Infinity", "not a ratio"),
        ("1", "NaN:2", "not a ratio"),
        ("1", Decimal("sNaN"), "not a ratio"),
        ("1", "3000000000:1", "more digits"),
    ],
)
def test_prices_and_ratios_are_read_exactly_or_refused(
    engine, office, startup, price, ratio, message
):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id)
    with pytest.raises(ValidationError, match=message):
        event(engine, office.officer, holding_id, "split", 5, price=price, ratio=ratio or "2:1")
    with pytest.raises(NotFound):  # a picker's value that is no holding
        event(engine, office.officer, Decimal("sNaN"), "split", 5, ratio="2:1")


def void(engine, actor, event_id, reason="Recorded by mistake"):
    with unit_of_work(engine) as session:
        return equity.void_event(session, actor=actor, event_id=event_id, reason=reason)


def test_a_mistaken_round_is_voided_and_the_value_is_the_earlier_one(engine, office, startup):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id)
    wrong = event(engine, office.officer, holding_id, "dilution", 20, price="50")
    event(engine, office.officer, holding_id, "dilution", 10, price="0.50")
    [view] = overview(engine, office.director).holdings
    assert view.totals.value == Decimal("500000.00")
    void(engine, office.officer, wrong.id, "Typed $50 for $0.50")
    [view] = overview(engine, office.director).holdings
    assert view.totals.value == Decimal("500000.00")  # the later round still prices it
    with unit_of_work(engine) as session:
        events = equity.events_of(session, actor=office.director, holding_id=holding_id)
        last = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert [(e.kind.value, e.event.voided) for e in events] == [
        ("issue", False),
        ("dilution", True),
        ("dilution", False),
    ]
    assert events[1].event.void_reason == "Typed $50 for $0.50"
    assert (last.action, last.after["reason"]) == ("equity.event_voided", "Typed $50 for $0.50")
    with pytest.raises(ValidationError, match="already voided by Olivia Ortega"):
        void(engine, office.officer, wrong.id)


def test_voiding_a_sale_voids_its_income_and_gives_the_shares_back(engine, office, startup):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id)
    sale = event(engine, office.finance, holding_id, "sale", 5, shares=400_000, price="1")
    with (
        pytest.raises(ValidationError, match="void the sale on the Equity page"),
        unit_of_work(engine) as session,
    ):
        revenue.void_income(
            session, actor=office.finance, income_id=sale.income_id, reason="Mistake"
        )
    with pytest.raises(PermissionDenied, match=r"equity\.sell"):
        void(engine, office.officer, sale.id)
    void(engine, office.finance, sale.id, "Wrong number of shares")
    with unit_of_work(engine) as session:
        income = session.get(Income, sale.income_id)
    assert income.voided and income.void_reason == "Wrong number of shares"
    [view] = overview(engine, office.director).holdings
    assert (view.totals.shares, view.totals.proceeds) == (1_000_000, 0)
    # Recorded again as it was: a new sale and a new income.
    again = event(engine, office.finance, holding_id, "sale", 5, shares=40_000, price="1")
    assert again.income_id != sale.income_id


def test_a_sale_whose_distribution_is_posted_is_not_voided(engine, office, startup):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id)
    sale = event(engine, office.finance, holding_id, "sale", 5, shares=400_000, price="1")
    distribute(engine, office, sale.income_id)
    with pytest.raises(ValidationError, match="reverse its distribution"):
        void(engine, office.finance, sale.id)
    with unit_of_work(engine) as session:
        assert not session.get(EquityEvent, sale.id).voided  # nothing half done
        assert not session.get(Income, sale.income_id).voided


def test_an_event_the_later_ones_need_is_not_voided(engine, office, startup):
    agreement_id, company_id, _ = startup
    holding_id = hold(engine, office.officer, company_id, agreement_id, shares=10)
    split = event(engine, office.officer, holding_id, "split", 20, ratio="10:1")
    event(engine, office.director, holding_id, "sale", 10, shares=50, price="1")
    with pytest.raises(ValidationError, match="Void the later events first"):
        void(engine, office.officer, split.id)  # 50 of 10 shares could not have been sold
    with pytest.raises(ValidationError, match="Say why"):
        void(engine, office.officer, split.id, " ")
    with pytest.raises(NotFound):
        void(engine, office.officer, 99_999)
