"""Migration 0025 fills the AUTM facts of the records an office already holds from what it
knew, on SQLite and PostgreSQL, and goes down again."""

from datetime import timedelta

from alembic import command

from tests.clock import TODAY
from tests.services.test_agreements import exclusive_form, filed_technology, licensee, save
from tests.services.test_autm_facts import correct_size, move
from tlo import db
from tlo.db import unit_of_work
from tlo.licensing.agreement_models import Agreement, AgreementStatus
from tlo.licensing.models import Company
from tlo.patents import services as patents
from tlo.patents.models import PatentCost


def test_the_migration_fills_sizes_ends_formations_and_payments_from_what_was_known(engine, office):
    startup = licensee(engine, office)
    case_id, application_id = filed_technology(engine, office)
    form = exclusive_form(startup, [case_id], agreement_type="startup_license")
    startup_license = save(engine, office.officer, form)
    signed = TODAY - timedelta(days=40)
    move(engine, office, startup_license, AgreementStatus.EXECUTED, signed_on=signed)
    other_case, _ = filed_technology(engine, office, title="Another battery")
    ended = save(engine, office.officer, exclusive_form(startup, [other_case]))
    move(engine, office, ended, AgreementStatus.EXECUTED, signed_on=signed)
    move(engine, office, ended, AgreementStatus.TERMINATED, ended_on=TODAY - timedelta(days=3))
    draft = save(
        engine, office.officer, exclusive_form(licensee(engine, office, "Other"), [case_id])
    )
    correct_size(engine, office, startup, "small")  # after signing
    with unit_of_work(engine) as session:
        paid = patents.add_cost(
            session,
            actor=office.finance,
            application_id=application_id,
            invoice_date=TODAY - timedelta(days=9),
            amount="10.00",
            description="Filing",
            paid_on=TODAY - timedelta(days=1),
        ).id
        unpaid = patents.add_cost(
            session,
            actor=office.finance,
            application_id=application_id,
            invoice_date=TODAY - timedelta(days=9),
            amount="20.00",
            description="Filing",
        ).id

    url = engine.url.render_as_string(hide_password=False)
    config = db.alembic_config(url)
    command.downgrade(config, "0024")
    command.upgrade(config, "head")

    with unit_of_work(engine) as session:
        agreement = {i: session.get(Agreement, i) for i in (startup_license, ended, draft)}
        company = session.get(Company, startup)
        costs = {i: session.get(PatentCost, i) for i in (paid, unpaid)}
    # The size the company has now (tlo did not keep the size of the day), on signed ones only.
    assert agreement[startup_license].licensee_size == "small"
    assert agreement[ended].licensee_size == "small"
    assert agreement[draft].licensee_size is None
    # The day of the "terminated" entry in the audit log (the day given was not kept).
    assert agreement[ended].ended_on == TODAY
    assert agreement[startup_license].ended_on is None
    # A holder of a start-up license: formed on our technology the day it signed it.
    assert (company.formed_on, company.depends_on_our_technology) == (signed, True)
    # A paid invoice: paid on its invoice date; an unpaid one: not paid.
    assert costs[paid].paid_on == TODAY - timedelta(days=9)
    assert costs[unpaid].paid_on is None
