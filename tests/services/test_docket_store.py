"""The stored docket (docket_item) always equals the docket computed from the records, whatever
service changed the facts, and it is read with a bounded number of SQL parameters."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import case_approved_for_filing, submitted_case
from tlo.auth.permissions import system_actor
from tlo.db import unit_of_work
from tlo.disclosures import casework
from tlo.disclosures.intake import FundingEntry, PublicDisclosureEntry
from tlo.disclosures.workflow import Action
from tlo.licensing import agreements, outreach
from tlo.licensing.agreement_models import AgreementStatus
from tlo.licensing.agreements import AgreementForm
from tlo.licensing.models import Company
from tlo.licensing.outreach import CompanyForm
from tlo.patents import services as patents
from tlo.patents.models import DocketItemRow
from tlo.patents.services import ApplicationForm, DocketFilters

EVERY_VIEW = [
    DocketFilters(include_closed=True),
    DocketFilters(),
    DocketFilters(within_days=90),
    DocketFilters(overdue_only=True),
    DocketFilters(kind="bayh_dole", include_closed=True),
    DocketFilters(kind="license"),
]


def assert_stored_equals_computed(engine, days=(TODAY,), views=EVERY_VIEW):
    reader = system_actor("test")
    with unit_of_work(engine) as session:
        for day in days:
            for filters in views:
                stored = patents.docket(session, actor=reader, filters=filters, today=day)
                computed = patents.computed_docket(
                    session, actor=reader, filters=filters, today=day
                )
                assert stored.entries == computed.entries, (day, filters)


def federal_case(engine, office, **form):
    return case_approved_for_filing(
        engine,
        office,
        funding=[FundingEntry("NIH", "R01-1", True, "NIH")],
        public_disclosures=[
            PublicDisclosureEntry(TODAY - timedelta(days=200), "paper", "Nature"),
            PublicDisclosureEntry(TODAY + timedelta(days=100), "talk", "A planned talk"),
        ],
        **form,
    )


def add(session, office, case_id, **fields):
    fields = {"jurisdiction": "US", "application_type": "provisional"} | fields
    form = ApplicationForm(**fields, government_support_clause=True)
    return patents.add_application(
        session, actor=office.officer, disclosure_id=case_id, form=form
    ).id


def test_every_change_to_a_case_reaches_the_stored_docket(engine, office):
    case_id = federal_case(engine, office)
    assert_stored_equals_computed(engine)
    with unit_of_work(engine) as session:
        provisional = add(session, office, case_id, filing_date=TODAY - timedelta(days=400))
        us = add(
            session,
            office,
            case_id,
            application_type="nonprovisional",
            filing_date=TODAY - timedelta(days=40),
            parent_id=provisional,
        )
    assert_stored_equals_computed(engine)
    with unit_of_work(engine) as session:
        action = patents.add_office_action(
            session,
            actor=office.officer,
            application_id=us,
            mailed_on=TODAY - timedelta(days=10),
        )
        patents.save_bayh_dole(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            agency="NIH",
            award_number="R01-1",
            iedison_number="123",
            reported_on=TODAY - timedelta(days=300),
            election="elected",
            elected_on=TODAY - timedelta(days=100),
        )
    assert_stored_equals_computed(engine)
    with unit_of_work(engine) as session:
        patents.record_response(
            session, actor=office.officer, office_action_id=action.id, responded_on=TODAY
        )
        casework.reassign_officer(
            session,
            actor=office.director,
            disclosure_id=case_id,
            officer_person_id=office.other_officer.person_id,
            reason="Marcus takes the patents",
        )
    assert_stored_equals_computed(engine)
    with unit_of_work(engine) as session:
        entry = patents.docket(
            session, actor=office.director, filters=DocketFilters(disclosure_id=case_id)
        ).entries[0]
        patents.mark_docket_item(
            session, actor=office.director, key=entry.item.key, state="waived", note="Moot"
        )
    assert_stored_equals_computed(engine)
    with unit_of_work(engine) as session:
        for action in (Action.START_MARKETING, Action.CLOSE):
            casework.take_action(
                session,
                actor=office.director,
                disclosure_id=case_id,
                action=action,
                rationale="No market",
            )
    with unit_of_work(engine) as session:
        left = session.exec(select(DocketItemRow).where(DocketItemRow.case_id == case_id))
        assert left.all() == []
    assert_stored_equals_computed(engine)


def test_the_docket_read_in_the_transaction_that_changed_a_case_shows_the_change(engine, office):
    case_id = case_approved_for_filing(engine, office)
    with unit_of_work(engine) as session:
        add(session, office, case_id, filing_date=TODAY - timedelta(days=30))
        view = patents.docket(
            session, actor=office.officer, filters=DocketFilters(disclosure_id=case_id)
        )
        assert "convert_provisional" in {e.item.rule for e in view.entries}
        session.rollback()
    with unit_of_work(engine) as session:
        view = patents.docket(
            session, actor=office.officer, filters=DocketFilters(disclosure_id=case_id)
        )
    assert view.entries == []  # rolled back with the application


def test_the_days_a_deadline_is_shown_on_follow_the_calendar(engine, office):
    """A planned talk's deadlines appear on its day; a utilization report each fiscal year,
    also years beyond those the store holds ahead; the title election moves once the first
    public disclosure starts the bar."""
    case_id = federal_case(engine, office)
    with unit_of_work(engine) as session:
        add(session, office, case_id, filing_date=TODAY - timedelta(days=100))
        patents.save_bayh_dole(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            agency="NIH",
            award_number="R01-1",
            iedison_number="1",
            reported_on=TODAY - timedelta(days=260),
            election="pending",
            elected_on=None,
        )
    days = [
        TODAY - timedelta(days=250),
        TODAY - timedelta(days=199),
        TODAY,
        TODAY + timedelta(days=100),
        date(TODAY.year + 1, 10, 1),
        date(TODAY.year + 9, 10, 2),
    ]
    assert_stored_equals_computed(engine, days=days, views=[DocketFilters(include_closed=True)])


def test_an_agreements_obligations_follow_its_terms_and_status(engine, office):
    case_id = case_approved_for_filing(engine, office)
    with unit_of_work(engine) as session:
        add(session, office, case_id, filing_date=TODAY - timedelta(days=90))
        company = outreach.save_company(
            session, actor=office.officer, form=CompanyForm(name="VoltCell", size="startup")
        ).id
    form = AgreementForm(
        agreement_type="exclusive_license",
        company_id=company,
        title="Exclusive license",
        technologies=[case_id],
        field_of_use="Cars",
        effective_date=TODAY - timedelta(days=400),
        term_months=60,
        upfront_fee="50000",
        annual_fees=["10000"],
        royalty_rates=[("Net sales", "3")],
    )
    with unit_of_work(engine) as session:
        agreement_id = agreements.save_agreement(session, actor=office.officer, form=form).id
    assert_stored_equals_computed(engine, views=[DocketFilters(kind="license")])
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY - timedelta(days=400),
        )
    with unit_of_work(engine) as session:
        assert patents.docket(
            session, actor=office.officer, filters=DocketFilters(kind="license")
        ).entries
        company_row = session.get(Company, company)
        company_row.name = "VoltCell Inc."  # the licensee's name is read, not stored
    assert_stored_equals_computed(engine)
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            status=AgreementStatus.TERMINATED,
        )
    assert_stored_equals_computed(engine, views=[DocketFilters(kind="license")])


def test_a_case_written_past_the_orm_is_computed_when_the_docket_is_read(engine, office):
    """As the importer's bulk INSERTs, or SQL typed by hand."""
    case_id = case_approved_for_filing(engine, office)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM docket_source"))
        connection.execute(sa.text("DELETE FROM docket_item"))
        connection.execute(
            sa.text(
                "INSERT INTO funding_source (disclosure_id, sponsor, award_number, is_federal, "
                "agency) VALUES (:case, 'NSF', 'X', :yes, 'NSF')"
            ),
            {"case": case_id, "yes": True},
        )
    assert_stored_equals_computed(engine, views=[DocketFilters(include_closed=True)])
    with unit_of_work(engine) as session:
        assert session.exec(select(DocketItemRow).where(DocketItemRow.case_id == case_id)).all()


def test_a_page_of_the_docket_is_a_slice_of_the_whole_with_its_counts(engine, office):
    case_id = federal_case(engine, office)
    with unit_of_work(engine) as session:
        add(session, office, case_id, filing_date=TODAY - timedelta(days=500))
        whole = patents.docket(
            session, actor=office.officer, filters=DocketFilters(include_closed=True)
        )
        assert len(whole.entries) > 3
        page = patents.docket(
            session,
            actor=office.officer,
            filters=DocketFilters(include_closed=True),
            limit=2,
            offset=2,
        )
    assert page.entries == whole.entries[2:4]
    assert (page.listed, page.overdue_count) == (len(whole.entries), len(whole.overdue))


def test_no_docket_statement_binds_a_parameter_per_item(engine, office):
    """The old docket bound every item's key in one IN (...): 527,308 at full size."""
    for n in range(3):
        case_id = federal_case(engine, office, title=f"Case {n}")
        with unit_of_work(engine) as session:
            add(session, office, case_id, filing_date=TODAY - timedelta(days=3000))
    bound = []

    def count(_connection, _cursor, _statement, parameters, _context, many):
        if not many:
            bound.append(len(parameters))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        with unit_of_work(engine) as session:
            view = patents.docket(
                session, actor=office.director, filters=DocketFilters(include_closed=True)
            )
            patents.docket_excel_file(session, actor=office.director, filters=DocketFilters())
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert max(bound) < 12 < len(view.entries)


def test_the_stored_docket_equals_the_computed_one_on_the_demo(engine):
    from tlo import demo

    with unit_of_work(engine) as session:
        demo.seed(session, today=TODAY)
    days = [TODAY, TODAY + timedelta(days=400), TODAY - timedelta(days=400)]
    assert_stored_equals_computed(engine, days=days, views=[DocketFilters(include_closed=True)])
    assert_stored_equals_computed(engine, views=[DocketFilters(), DocketFilters(kind="license")])


def test_the_stored_docket_equals_the_computed_one_on_a_generated_office(engine):
    from tlo.bench.generate import generate

    generate(engine, 0.0005, progress=lambda _line: None)
    reader = system_actor("test")
    with unit_of_work(engine) as session:
        assert session.exec(select(sa.func.count()).select_from(DocketItemRow)).one() > 0
        officers = {
            e.item.officer_person_id
            for e in patents.docket(session, actor=reader, filters=DocketFilters()).entries
        }
    views = [DocketFilters(include_closed=True), DocketFilters()]
    views += [DocketFilters(officer_person_id=officer) for officer in officers - {None}]
    assert_stored_equals_computed(engine, views=views)


def test_a_submitted_case_is_on_the_docket_once_assigned(engine, office):
    case_id = submitted_case(
        engine, office.inventor, funding=[FundingEntry("NIH", "R01-1", True, "NIH")]
    )
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
    with unit_of_work(engine) as session:
        view = patents.docket(
            session,
            actor=office.officer,
            filters=DocketFilters(officer_person_id=office.officer.person_id),
        )
    assert [e.item.rule for e in view.entries] == ["bayh_dole_report_invention"]
    assert_stored_equals_computed(engine)
