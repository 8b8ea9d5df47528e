"""The facts the AUTM survey needs, entered on their pages (issue #21), and the survey's
pre-submission checks on the AUTM page, on the demo office."""

from datetime import timedelta

from sqlmodel import select

from tests.app.conftest import messages
from tests.clock import TODAY
from tlo import db
from tlo.auth.permissions import system_actor
from tlo.disclosures.models import Disclosure
from tlo.licensing.agreement_models import Agreement, AgreementStatus
from tlo.licensing.models import Company
from tlo.patents.models import PatentApplication, PatentCost
from tlo.reports import autm


def session_of(database_url):
    return db.unit_of_work(db.get_engine(database_url))


def submit(app, form: str, label: str):
    return app.button(key=f"FormSubmitter:{form}-{label}").click().run()


def test_an_officer_records_when_a_company_was_formed_and_that_it_depends_on_us(
    open_app, database_url
):
    with session_of(database_url) as session:
        first = session.exec(select(Company).order_by(Company.name)).first()
    assert (first.formed_on, first.depends_on_our_technology) == (None, None)
    app = open_app("officer")
    app.switch_page("pages/companies.py").run()
    form = f"co_edit_{first.id}"
    assert app.selectbox(key=f"{form}_depends").value is None  # "Not recorded"
    app.date_input(key=f"{form}_formed").set_value(TODAY - timedelta(days=100))
    app.selectbox(key=f"{form}_depends").select(True)
    submit(app, form, "Save company")  # recorded the first time: no reason asked
    assert not app.exception, app.exception
    assert messages(app.success) == [f"{first.name} saved."]
    with session_of(database_url) as session:
        company = session.get(Company, first.id)
    assert (company.formed_on, company.depends_on_our_technology) == (
        TODAY - timedelta(days=100),
        True,
    )
    app.date_input(key=f"{form}_formed").set_value(TODAY + timedelta(days=1))
    submit(app, form, "Save company")
    assert any("after today" in message for message in messages(app.error))


def test_the_director_terminates_an_agreement_on_the_day_it_ended(open_app, database_url):
    app = open_app("director")
    app.switch_page("pages/agreements.py").run()
    app.selectbox(key="agr_status").select(AgreementStatus.ACTIVE).run()
    pick = app.selectbox(key="agr_pick")
    number = pick.options[0].split(" · ")[0]
    agreement_id = int(number.removeprefix("AGR-"))
    app.selectbox(key="agr_move_to").select(AgreementStatus.TERMINATED)
    app.date_input(key="agr_ended").set_value(TODAY - timedelta(days=5))
    submit(app, "agr_move", "Move")
    assert not app.exception, app.exception
    assert messages(app.success) == [f"{number}: Terminated."]
    with session_of(database_url) as session:
        agreement = session.get(Agreement, agreement_id)
    assert (agreement.status, agreement.ended_on) == ("terminated", TODAY - timedelta(days=5))
    app.selectbox(key="agr_status").select(AgreementStatus.TERMINATED).run()
    pick = next(box for box in app.selectbox if box.label.startswith("Agreement"))
    index = next(i for i, option in enumerate(pick.options) if option.startswith(number))
    pick.select_index(index).run()
    assert any(f"ended {TODAY - timedelta(days=5)}" in caption.value for caption in app.caption)


def test_the_director_records_the_day_an_unpaid_invoice_was_paid(open_app, database_url):
    with session_of(database_url) as session:
        cost, docket = session.exec(
            select(PatentCost, Disclosure.docket)
            .join(PatentApplication, PatentApplication.id == PatentCost.application_id)
            .join(Disclosure, Disclosure.id == PatentApplication.disclosure_id)
            .where(PatentCost.paid.is_(False))
            .order_by(PatentCost.id)
        ).first()
    app = open_app("director")
    app.query_params.update(case=docket, tab="patents")
    app.switch_page("pages/case.py").run()
    assert not app.exception, app.exception
    pick = app.selectbox(key="cost_payment_pick")
    index = next(i for i, option in enumerate(pick.options) if f"{cost.invoice_date}" in option)
    pick.select_index(index)
    submit(app, "cost_payment", "Record payment")
    assert messages(app.error) == ["Give the date the invoice was paid."]
    paid_on = max(cost.invoice_date, TODAY - timedelta(days=1))
    app.selectbox(key="cost_payment_pick").select_index(index)
    app.date_input(key="cost_payment_on").set_value(paid_on)
    submit(app, "cost_payment", "Record payment")
    assert not app.exception, app.exception
    assert messages(app.success) == ["Payment recorded."]
    with session_of(database_url) as session:
        paid = session.exec(
            select(PatentCost).where(
                PatentCost.application_id == cost.application_id,
                PatentCost.invoice_date == cost.invoice_date,
                PatentCost.paid.is_(True),
                PatentCost.paid_on == paid_on,
            )
        ).all()
    assert paid


def test_an_invoice_recorded_paid_keeps_its_payment_day(open_app, database_url):
    with session_of(database_url) as session:
        docket = session.exec(
            select(Disclosure.docket)
            .join(PatentApplication, PatentApplication.disclosure_id == Disclosure.id)
            .order_by(Disclosure.docket)
        ).first()
    app = open_app("director")
    app.query_params.update(case=docket, tab="patents")
    app.switch_page("pages/case.py").run()
    app.date_input(key="cost_date").set_value(TODAY - timedelta(days=20))
    app.text_input(key="cost_amount").input("812.34")
    app.text_input(key="cost_number").input("INV-AUTM-1")
    app.text_input(key="cost_description").input("Search report")
    app.date_input(key="cost_paid_on").set_value(TODAY - timedelta(days=2))
    submit(app, "cost_add", "Record invoice")
    assert not app.exception, app.exception
    assert messages(app.success) == ["Invoice recorded."]
    with session_of(database_url) as session:
        cost = session.exec(
            select(PatentCost).where(PatentCost.invoice_number == "INV-AUTM-1")
        ).one()
    assert (cost.paid, cost.paid_on, cost.amount_cents) == (True, TODAY - timedelta(days=2), 81234)


def test_the_autm_page_lists_the_checks_before_the_export(open_app, database_url):
    app = open_app("director")
    app.switch_page("pages/autm.py").run()
    assert not app.exception, app.exception
    year = app.selectbox(key="autm_year").value
    with session_of(database_url) as session:
        report = autm.autm_metrics(session, actor=system_actor("test"), fiscal_year=year)
    failed = [check for check in report.checks if not check.passed]
    assert "Before you submit" in [header.value for header in app.subheader]
    shown = messages(app.warning)
    assert len(shown) == len(failed)
    for check, warning in zip(failed, shown, strict=True):
        assert warning.startswith(f"**{check.label}** ({len(check.found):,}).")
    if not failed:
        assert messages(app.success) == [f"All {len(report.checks)} checks pass."]
    assert any("license income paid to other institutions" in c.value for c in app.caption)
