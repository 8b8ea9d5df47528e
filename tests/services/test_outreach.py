from datetime import date, timedelta
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa

from tests.clock import TODAY
from tests.factories import submitted_case
from tlo.db import unit_of_work
from tlo.disclosures import casework
from tlo.errors import PermissionDenied, ValidationError
from tlo.licensing import outreach
from tlo.licensing.models import Stage
from tlo.licensing.outreach import CompanyForm


def company(engine, actor, name, interests="", size="small", **extra):
    with unit_of_work(engine) as session:
        return outreach.save_company(
            session,
            actor=actor,
            form=CompanyForm(name=name, size=size, interests=interests, **extra),
        ).id


def technology(engine, office, **form):
    case_id = submitted_case(engine, office.inventor, **form)
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
    return case_id


def test_a_second_spelling_of_a_known_company_is_refused(engine, office):
    company(engine, office.officer, "Klein Photonics GmbH")
    with pytest.raises(ValidationError, match="already recorded as Klein Photonics GmbH"):
        company(engine, office.officer, "KLEIN-PHOTONICS, Inc.")


def test_stages_move_with_who_and_when_and_the_first_touch_means_contacted(engine, office):
    case_id = technology(engine, office)
    acme = company(engine, office.officer, "Acme Batteries")
    with unit_of_work(engine) as session:
        started = outreach.start_outreach(
            session, actor=office.officer, disclosure_id=case_id, company_id=acme
        )
        contact = outreach.add_contact(
            session,
            actor=office.officer,
            company_id=acme,
            name="Jane Roe",
            title="VP R&D",
            email="jane@acme.example",
        )
    with unit_of_work(engine) as session:
        outreach.log_touch(
            session,
            actor=office.officer,
            outreach_id=started.id,
            touched_on=TODAY,
            channel="call",
            note="Intro call",
            contact_id=contact.id,
            next_follow_up=TODAY + timedelta(days=7),
        )
        outreach.change_stage(
            session,
            actor=office.officer,
            outreach_id=started.id,
            stage=Stage.INTERESTED,
            note="Wants data",
        )
    with unit_of_work(engine) as session:
        rows = outreach.pipeline(session, actor=office.officer, disclosure_id=case_id)
        changes, touches = outreach.stage_history(
            session, actor=office.officer, outreach_id=started.id
        )
    assert [(r.company, r.stage, r.touches, r.next_follow_up) for r in rows] == [
        ("Acme Batteries", Stage.INTERESTED, 1, TODAY + timedelta(days=7))
    ]
    assert [(c.from_stage, c.to_stage, c.actor_name) for c in changes] == [
        (None, "identified", "Olivia Ortega"),
        ("identified", "contacted", "Olivia Ortega"),
        ("contacted", "interested", "Olivia Ortega"),
    ]
    assert touches[0].note == "Intro call" and touches[0].contact_id == contact.id
    with unit_of_work(engine) as session:
        offered = outreach.contacts_in_pipeline(
            session, actor=office.officer, disclosure_id=case_id
        )
    assert [(c.name, company_name) for c, company_name in offered] == [
        ("Jane Roe", "Acme Batteries")
    ]


def test_a_cda_moves_the_outreach_to_cda_signed(engine, office):
    case_id = technology(engine, office)
    acme = company(engine, office.officer, "Acme")
    with unit_of_work(engine) as session:
        started = outreach.start_outreach(
            session, actor=office.officer, disclosure_id=case_id, company_id=acme
        )
        with pytest.raises(ValidationError, match="Record the CDA"):
            outreach.change_stage(
                session, actor=office.officer, outreach_id=started.id, stage=Stage.CDA_SIGNED
            )
        outreach.record_cda(session, actor=office.officer, outreach_id=started.id, signed_on=TODAY)
    with unit_of_work(engine) as session:
        assert outreach.pipeline(session, actor=office.officer)[0].stage is Stage.CDA_SIGNED


def test_follow_ups_due_and_overdue_are_listed_for_their_owner(engine, office):
    case_id = technology(engine, office)
    ids = [company(engine, office.officer, name) for name in ("Alpha", "Beta", "Gamma")]
    with unit_of_work(engine) as session:
        for company_id, days in zip(ids, (-3, 2, 30), strict=True):
            started = outreach.start_outreach(
                session, actor=office.officer, disclosure_id=case_id, company_id=company_id
            )
            started.next_follow_up = TODAY + timedelta(days=days)
            session.add(started)
    with unit_of_work(engine) as session:
        due = outreach.follow_ups_due(
            session, actor=office.officer, owner_person_id=office.officer.person_id, within_days=7
        )
        theirs = outreach.follow_ups_due(
            session, actor=office.officer, owner_person_id=office.other_officer.person_id
        )
    assert [row.company for row in due] == ["Alpha", "Beta"]
    assert due[0].next_follow_up < TODAY  # overdue first
    assert theirs == []


def test_do_not_contact_and_duplicates_are_kept_out_of_the_pipeline(engine, office):
    case_id = technology(engine, office)
    banned = company(engine, office.officer, "Banned Corp", do_not_contact=True)
    acme = company(engine, office.officer, "Acme")
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationError, match="do not contact"):
            outreach.start_outreach(
                session, actor=office.officer, disclosure_id=case_id, company_id=banned
            )
        outreach.start_outreach(
            session, actor=office.officer, disclosure_id=case_id, company_id=acme
        )
        with pytest.raises(ValidationError, match="already in this technology's pipeline"):
            outreach.start_outreach(
                session, actor=office.officer, disclosure_id=case_id, company_id=acme
            )


def test_only_the_cases_officer_works_its_outreach(engine, office):
    case_id = technology(engine, office)
    acme = company(engine, office.officer, "Acme")
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        outreach.start_outreach(
            session, actor=office.other_officer, disclosure_id=case_id, company_id=acme
        )
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        outreach.list_companies(session, actor=office.inventor)


def test_suggestions_rank_by_interests_and_past_interest_and_explain(engine, office):
    battery = technology(
        engine,
        office,
        title="Solid-state lithium battery",
        abstract="A sulfide electrolyte for safer lithium cells.",
        keywords="battery, electrolyte",
    )
    earlier = technology(
        engine,
        office,
        title="Lithium metal anode coating",
        abstract="Protects anodes in lithium cells.",
        keywords="battery",
    )
    volt = company(engine, office.officer, "VoltCell", "lithium battery, energy storage")
    bakery = company(engine, office.officer, "Bakery", "bread, ovens")
    grid = company(engine, office.officer, "GridCo", "transformers")
    already = company(engine, office.officer, "In Pipeline Inc", "lithium battery")
    with unit_of_work(engine) as session:
        past = outreach.start_outreach(
            session, actor=office.officer, disclosure_id=earlier, company_id=grid
        )
        outreach.log_touch(
            session,
            actor=office.officer,
            outreach_id=past.id,
            touched_on=TODAY,
            channel="email",
            note="Sent summary",
        )
        outreach.change_stage(
            session, actor=office.officer, outreach_id=past.id, stage=Stage.INTERESTED
        )
        outreach.start_outreach(
            session, actor=office.officer, disclosure_id=battery, company_id=already
        )
    with unit_of_work(engine) as session:
        suggestions = outreach.suggest_companies(
            session, actor=office.officer, disclosure_id=battery
        )
    names = [s.name for s in suggestions]
    assert names[0] == "VoltCell"
    assert "GridCo" in names and "Bakery" not in names and "In Pipeline Inc" not in names
    grid_suggestion = next(s for s in suggestions if s.name == "GridCo")
    assert grid_suggestion.related_outreach[0].endswith("Lithium metal anode coating")
    assert {"lithium", "battery"} <= set(suggestions[0].matched_terms)
    assert volt and bakery


def test_the_pipeline_and_company_list_export_to_excel(engine, office):
    case_id = technology(engine, office)
    acme = company(engine, office.officer, "=Acme", "batteries")
    with unit_of_work(engine) as session:
        outreach.start_outreach(
            session, actor=office.officer, disclosure_id=case_id, company_id=acme
        )
    with unit_of_work(engine) as session:
        pipeline_book = outreach.export_pipeline(session, actor=office.officer)
        company_book = outreach.export_companies(session, actor=office.officer)
    pipeline_sheet = openpyxl.load_workbook(BytesIO(pipeline_book)).active
    assert [c.value for c in pipeline_sheet[1]][:5] == [
        "Docket",
        "Technology",
        "Company",
        "Size",
        "Stage",
    ]
    assert pipeline_sheet["C2"].value == "'=Acme" and pipeline_sheet["E2"].value == "Identified"
    company_sheet = openpyxl.load_workbook(BytesIO(company_book)).active
    assert company_sheet["A2"].value == "'=Acme" and company_sheet.freeze_panes == "A2"


def test_the_marketing_summary_is_generated_with_the_ip_status_and_regenerated_after_edits(
    engine, office
):
    from docx import Document

    from tlo.licensing import marketing
    from tlo.patents import services as patents
    from tlo.patents.services import ApplicationForm

    case_id = technology(engine, office, title="Graphene & gold biosensor")
    with unit_of_work(engine) as session:
        patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm("US", "provisional", date(2026, 3, 2), "63/123,456"),
        )
    with unit_of_work(engine) as session:
        first = marketing.summary_docx(session, actor=office.officer, disclosure_id=case_id)
        fields = marketing.summary_fields(session, actor=office.officer, disclosure_id=case_id)
        fields.advantages = "Five minutes instead of an hour."
        marketing.save_summary(session, actor=office.officer, disclosure_id=case_id, fields=fields)
    with unit_of_work(engine) as session:
        second = marketing.summary_docx(session, actor=office.officer, disclosure_id=case_id)

    def text(content):
        document = Document(BytesIO(content))
        return "\n".join(
            [p.text for p in document.paragraphs]
            + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        )

    assert "Graphene & gold biosensor" in text(first)
    assert "Patent pending: US Provisional filed 02 March 2026." in text(first)
    # A provisional is never published: its number stays out of a non-confidential summary.
    assert "63/123,456" not in text(first) and "not published" in text(first)
    assert "Olivia Ortega" in text(first)
    assert "Five minutes instead of an hour." in text(second)
    assert "{{" not in text(second)


# --- the office's pipeline at scale: counted, ranked and paginated in SQL ---------------------


class Statements:
    """The SQL statements an engine sends, with how many parameters each binds."""

    def __init__(self, engine):
        self.engine, self.parameters = engine, []

    def _count(self, _conn, _cursor, _statement, parameters, _context, _executemany):
        self.parameters.append(len(parameters or ()))

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)


def fill_pipeline(engine, office, technologies: int, companies: int, prefix="Firm") -> list[int]:
    """`technologies` cases each offered to `companies` new companies, every outreach touched
    once; returns the outreach ids."""
    company_ids = [company(engine, office.officer, f"{prefix} {n:02d}") for n in range(companies)]
    ids = []
    for _ in range(technologies):
        case_id = technology(engine, office)
        with unit_of_work(engine) as session:
            for company_id in company_ids:
                started = outreach.start_outreach(
                    session, actor=office.officer, disclosure_id=case_id, company_id=company_id
                )
                outreach.log_touch(
                    session,
                    actor=office.officer,
                    outreach_id=started.id,
                    touched_on=TODAY - timedelta(days=3),
                    channel="email",
                    note="Sent the summary",
                )
                ids.append(started.id)
    return ids


def statements_of(engine, office, use_case) -> list[int]:
    with unit_of_work(engine) as session, Statements(engine) as statements:
        use_case(session)
    return statements.parameters


def test_the_pipeline_issues_the_same_statements_however_many_rows_it_holds(engine, office):
    director = office.director
    use_cases = {
        "board": lambda session: outreach.pipeline_board(session, actor=director, limit=5),
        "export": lambda session: outreach.export_pipeline(session, actor=director),
        "whole": lambda session: outreach.pipeline(session, actor=director),
    }
    fill_pipeline(engine, office, technologies=1, companies=2, prefix="Small")
    small = {name: statements_of(engine, office, run) for name, run in use_cases.items()}
    fill_pipeline(engine, office, technologies=3, companies=8, prefix="Large")  # 2 -> 26 rows
    large = {name: statements_of(engine, office, run) for name, run in use_cases.items()}
    assert large == small  # as many statements, each binding as many parameters
    assert len(large["board"]) <= 3 and len(large["export"]) <= 2 and len(large["whole"]) <= 2


def test_the_board_counts_every_stage_and_pages_the_table_in_pipeline_order(engine, office):
    ids = fill_pipeline(engine, office, technologies=2, companies=7)
    with unit_of_work(engine) as session:
        outreach.change_stage(
            session, actor=office.officer, outreach_id=ids[0], stage=Stage.INTERESTED
        )
        outreach.change_stage(session, actor=office.officer, outreach_id=ids[1], stage="declined")
    with unit_of_work(engine) as session:
        every = outreach.pipeline(session, actor=office.director)
        first = outreach.pipeline_board(session, actor=office.director, limit=5, cards=3)
        third = outreach.pipeline_board(session, actor=office.director, offset=10, limit=5)
        mine = outreach.pipeline_board(
            session, actor=office.director, owner_person_id=office.other_officer.person_id
        )
    assert len(every) == 14
    assert first.counts[Stage.CONTACTED] == 12
    assert first.counts[Stage.INTERESTED] == first.counts[Stage.DECLINED] == 1
    assert first.counts[Stage.IDENTIFIED] == 0 and sum(first.counts.values()) == 14
    contacted = [row for row in every if row.stage is Stage.CONTACTED]
    assert [row.id for row in first.first[Stage.CONTACTED]] == [row.id for row in contacted[:3]]
    assert [row.id for row in first.first[Stage.INTERESTED]] == [ids[0]]
    assert Stage.DECLINED not in first.first  # a closed stage has no cards
    assert (first.page.total, first.page.page_count) == (14, 3)
    assert [row.id for row in first.page.items] == [row.id for row in every[:5]]
    assert [row.id for row in third.page.items] == [row.id for row in every[10:]]
    assert every[0].stage is Stage.CONTACTED and every[-1].stage is Stage.DECLINED
    assert {(row.touches, row.last_touch) for row in every} == {(1, TODAY - timedelta(days=3))}
    assert mine.page.total == 0 and not any(mine.counts.values())


def test_the_pipeline_export_lists_every_outreach_as_the_pipeline_shows_it(engine, office):
    fill_pipeline(engine, office, technologies=2, companies=3)
    with unit_of_work(engine) as session:
        rows = outreach.pipeline(session, actor=office.director)
        book = outreach.export_pipeline(session, actor=office.director)
    sheet = openpyxl.load_workbook(BytesIO(book))["Pipeline"]
    written = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[4], r[6], r[7].date()) for r in written] == [
        (row.docket, row.company, row.stage.label, row.touches, row.last_touch) for row in rows
    ]
    assert sheet.auto_filter.ref == "A1:J7"


def test_suggestions_follow_the_companies_as_they_change(engine, office):
    """The companies' terms are kept between case files shown, and rebuilt at once when a
    company is added, edited or marked 'do not contact'."""
    battery = technology(
        engine, office, title="Solid-state lithium battery", keywords="battery, lithium"
    )
    volt = company(engine, office.officer, "VoltCell", "lithium battery")

    def suggested() -> list[str]:
        with unit_of_work(engine) as session:
            return [
                s.name
                for s in outreach.suggest_companies(
                    session, actor=office.officer, disclosure_id=battery
                )
            ]

    assert suggested() == ["VoltCell"]
    anodes = company(engine, office.officer, "AnodeWorks", "lithium anodes")
    with unit_of_work(engine) as session:
        outreach.save_company(
            session,
            actor=office.officer,
            company_id=volt,
            form=CompanyForm(name="VoltCell", size="small", interests="bread, flour, ovens"),
        )
    assert suggested() == ["AnodeWorks"]
    with unit_of_work(engine) as session:
        outreach.save_company(
            session,
            actor=office.officer,
            company_id=anodes,
            form=CompanyForm(
                name="AnodeWorks", size="small", interests="lithium anodes", do_not_contact=True
            ),
        )
    assert suggested() == []
