"""The facts the AUTM survey needs, recorded through the services (issue #21): a company's
formation and dependence on our technology, the licensee's size at signing, the day an
agreement ended, the day a counsel invoice was paid; and the licensed patents that keep a
license active."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from tests.clock import TODAY
from tests.services.test_agreements import exclusive_form, filed_technology, licensee, save
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.errors import ValidationError
from tlo.licensing import agreements, outreach
from tlo.licensing.agreement_models import Agreement, AgreementStatus
from tlo.licensing.models import Company
from tlo.licensing.outreach import CompanyForm
from tlo.patents import services as patents
from tlo.patents.models import PatentApplication, PatentCost
from tlo.reports.autm import patent_term_ends


def executed(engine, office, company_id, signed_on=TODAY - timedelta(days=30)):
    case_id, _ = filed_technology(engine, office)
    agreement_id = save(engine, office.officer, exclusive_form(company_id, [case_id]))
    move(engine, office, agreement_id, AgreementStatus.EXECUTED, signed_on=signed_on)
    return agreement_id


def move(engine, office, agreement_id, status, **more):
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session, actor=office.officer, agreement_id=agreement_id, status=status, **more
        )


def agreement_of(engine, agreement_id) -> Agreement:
    with unit_of_work(engine) as session:
        return session.get(Agreement, agreement_id)


def correct_size(engine, office, company_id, size):
    with unit_of_work(engine) as session:
        company = session.get(Company, company_id)
        outreach.save_company(
            session,
            actor=office.officer,
            company_id=company_id,
            form=CompanyForm(name=company.name, size=size),
            reason="It grew",
        )


# --- licensee size at signing -------------------------------------------------------------------


def test_executing_records_the_licensees_size_that_day_and_a_later_correction_leaves_it(
    engine, office
):
    company_id = licensee(engine, office)  # a start-up
    agreement_id = executed(engine, office, company_id)
    correct_size(engine, office, company_id, "large")
    assert agreement_of(engine, agreement_id).licensee_size == "startup"
    with unit_of_work(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "agreement.executed")
        ).one()
    assert entry.after["licensee_size"] == "startup"


# --- the day an agreement ended -----------------------------------------------------------------


def test_terminating_records_the_day_given_or_today(engine, office):
    company_id = licensee(engine, office)
    first = executed(engine, office, company_id)
    move(engine, office, first, AgreementStatus.TERMINATED, ended_on=TODAY - timedelta(days=3))
    assert agreement_of(engine, first).ended_on == TODAY - timedelta(days=3)
    second = executed(engine, office, company_id)
    move(engine, office, second, AgreementStatus.ACTIVE)
    assert agreement_of(engine, second).ended_on is None
    move(engine, office, second, AgreementStatus.EXPIRED)
    assert agreement_of(engine, second).ended_on == TODAY


@pytest.mark.parametrize(
    ("status", "ended_on", "message"),
    [
        (AgreementStatus.TERMINATED, TODAY + timedelta(days=1), "after today"),
        (AgreementStatus.TERMINATED, TODAY - timedelta(days=31), "cannot have ended before"),
        (AgreementStatus.ACTIVE, TODAY, "has not ended"),
        (AgreementStatus.TERMINATED, "yesterday", "must be a date"),
    ],
)
def test_an_end_date_after_today_before_signing_or_without_an_end_is_refused(
    engine, office, status, ended_on, message
):
    agreement_id = executed(engine, office, licensee(engine, office))
    with pytest.raises(ValidationError, match=message):
        move(engine, office, agreement_id, status, ended_on=ended_on)
    assert agreement_of(engine, agreement_id).status == "executed"


# --- a company's formation --------------------------------------------------------------------


def test_a_companys_formation_is_recorded_first_without_a_reason_and_corrected_with_one(
    engine, office
):
    company_id = licensee(engine, office)
    form = CompanyForm(
        name="VoltCell & Sons Inc.",
        size="startup",
        formed_on=date(2024, 3, 1),
        depends_on_our_technology=True,
    )
    with unit_of_work(engine) as session:
        outreach.save_company(session, actor=office.officer, company_id=company_id, form=form)
    form.formed_on = date(2024, 2, 1)
    with (
        unit_of_work(engine) as session,
        pytest.raises(ValidationError, match="formation date change"),
    ):
        outreach.save_company(session, actor=office.officer, company_id=company_id, form=form)
    with unit_of_work(engine) as session:
        outreach.save_company(
            session,
            actor=office.officer,
            company_id=company_id,
            form=form,
            reason="As on its certificate of incorporation",
        )
    with unit_of_work(engine) as session:
        company = session.get(Company, company_id)
        actions = session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "company")
            .order_by(AuditEntry.id)
        ).all()
    assert (company.formed_on, company.depends_on_our_technology) == (date(2024, 2, 1), True)
    assert actions == ["company.saved", "company.saved", "company.corrected"]


@pytest.mark.parametrize(
    ("formed_on", "depends", "message"),
    [
        (TODAY + timedelta(days=1), None, "after today"),
        ("2024-01-01", None, "must be a date"),
        (None, "yes", "Answer yes or no"),
    ],
)
def test_a_formation_in_the_future_or_not_a_date_is_refused(
    engine, office, formed_on, depends, message
):
    form = CompanyForm(
        name="Acme", size="startup", formed_on=formed_on, depends_on_our_technology=depends
    )
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match=message):
        outreach.save_company(session, actor=office.officer, form=form)


# --- the day an invoice was paid ----------------------------------------------------------------


def invoice(engine, office, application_id, **more):
    with unit_of_work(engine) as session:
        return patents.add_cost(
            session,
            actor=office.finance,
            application_id=application_id,
            invoice_date=TODAY - timedelta(days=10),
            amount="1200.00",
            description="Response to office action",
            **more,
        ).id


def cost_of(engine, cost_id) -> PatentCost:
    with unit_of_work(engine) as session:
        return session.get(PatentCost, cost_id)


def test_an_invoice_records_its_payment_day_when_recorded_or_later(engine, office):
    _, application_id = filed_technology(engine, office)
    paid_at_once = invoice(engine, office, application_id, paid_on=TODAY - timedelta(days=2))
    assert (cost_of(engine, paid_at_once).paid, cost_of(engine, paid_at_once).paid_on) == (
        True,
        TODAY - timedelta(days=2),
    )
    legacy = invoice(engine, office, application_id, paid=True)  # paid, no day given
    assert cost_of(engine, legacy).paid_on == TODAY - timedelta(days=10)
    later = invoice(engine, office, application_id)
    assert (cost_of(engine, later).paid, cost_of(engine, later).paid_on) == (False, None)
    with unit_of_work(engine) as session:
        patents.record_cost_payment(session, actor=office.finance, cost_id=later, paid_on=TODAY)
    assert (cost_of(engine, later).paid, cost_of(engine, later).paid_on) == (True, TODAY)
    with unit_of_work(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "patent.cost_paid")
        ).one()
    assert (entry.before["paid"], entry.after["paid_on"]) == (False, TODAY.isoformat())
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="paid already"):
        patents.record_cost_payment(session, actor=office.finance, cost_id=later, paid_on=TODAY)


@pytest.mark.parametrize(
    ("paid_on", "message"),
    [
        (TODAY + timedelta(days=1), "after today"),
        (TODAY - timedelta(days=11), "cannot have been paid before"),
        (None, "Give the date the invoice was paid"),
    ],
)
def test_a_payment_after_today_or_before_the_invoice_is_refused(engine, office, paid_on, message):
    _, application_id = filed_technology(engine, office)
    cost_id = invoice(engine, office, application_id)
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match=message):
        patents.record_cost_payment(session, actor=office.finance, cost_id=cost_id, paid_on=paid_on)
    assert cost_of(engine, cost_id).paid is False


def test_only_who_records_patent_costs_records_their_payment(engine, office):
    from tlo.errors import PermissionDenied

    _, application_id = filed_technology(engine, office)
    cost_id = invoice(engine, office, application_id)
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        patents.record_cost_payment(session, actor=office.inventor, cost_id=cost_id, paid_on=TODAY)


# --- how long a licensed patent runs ------------------------------------------------------------


def application(id_, kind, filed, parent=None):
    return PatentApplication(
        id=id_,
        disclosure_id=1,
        parent_id=parent,
        jurisdiction="US",
        application_type=kind,
        filing_date=date.fromisoformat(filed),
    )


@pytest.mark.parametrize(
    ("name", "ends"),
    [
        ("provisional", date(2041, 2, 28)),  # its non-provisional, at most a year later
        ("pct", date(2041, 1, 10)),
        ("national", date(2041, 1, 10)),  # from its PCT's filing
        ("continuation", date(2043, 5, 5)),  # from the non-provisional it continues
        ("cip", date(2046, 6, 6)),  # new matter: its own filing
    ],
)
def test_a_patent_runs_twenty_years_from_the_filing_that_starts_its_term(name, ends):
    family = {
        1: application(1, "provisional", "2020-02-29"),
        2: application(2, "pct", "2021-01-10", 1),
        3: application(3, "national_phase", "2023-07-10", 2),
        4: application(4, "nonprovisional", "2023-05-05"),
        5: application(5, "continuation", "2025-01-01", 4),
        6: application(6, "continuation_in_part", "2026-06-06", 4),
    }
    ids = {"provisional": 1, "pct": 2, "national": 3, "continuation": 5, "cip": 6}
    assert patent_term_ends(family[ids[name]], family) == ends
