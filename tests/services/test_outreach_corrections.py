"""Correcting outreach mistakes (issue #16, item 2) and a company's legal description (item 10):
each correction audited with its reason, nothing half-saved, on SQLite and PostgreSQL."""

from datetime import timedelta
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import make_actor, submitted_case
from tlo import audit
from tlo.auth.models import Role
from tlo.auth.permissions import can, system_actor
from tlo.db import unit_of_work
from tlo.disclosures import casework
from tlo.disclosures.models import Disclosure
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.licensing import agreements, outreach
from tlo.licensing import outreach_corrections as corrections
from tlo.licensing.agreement_models import AgreementStatus
from tlo.licensing.agreements import AgreementForm
from tlo.licensing.models import Company, Contact, OutreachTouch, Stage
from tlo.licensing.outreach import CompanyForm, legal_description

# --- a small office ---------------------------------------------------------------------------


def company(engine, actor, name, **extra):
    extra.setdefault("size", "small")
    with unit_of_work(engine) as session:
        return outreach.save_company(session, actor=actor, form=CompanyForm(name=name, **extra)).id


def contact(engine, actor, company_id, name, **extra):
    with unit_of_work(engine) as session:
        return outreach.add_contact(
            session, actor=actor, company_id=company_id, name=name, **extra
        ).id


def technology(engine, office, title="Solid-state battery electrolyte"):
    case_id = submitted_case(engine, office.inventor, title=title, keywords="battery, lithium")
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
    return case_id


def start(engine, office, case_id, company_id):
    with unit_of_work(engine) as session:
        return outreach.start_outreach(
            session, actor=office.officer, disclosure_id=case_id, company_id=company_id
        ).id


def touch(engine, office, outreach_id, *, days_ago=3, contact_id=None, note="Sent the summary."):
    with unit_of_work(engine) as session:
        return outreach.log_touch(
            session,
            actor=office.officer,
            outreach_id=outreach_id,
            touched_on=TODAY - timedelta(days=days_ago),
            channel="email",
            note=note,
            contact_id=contact_id,
            next_follow_up=TODAY + timedelta(days=5),
            today=TODAY,
        ).id


def entries(engine, action):
    """The audit entries of one action, oldest first, as the director reads them."""
    with unit_of_work(engine) as session:
        director = system_actor("tests")
        page = audit.list_entries(session, actor=director, action_contains=action, limit=100)
    return [view for view in reversed(page.items) if view.action == action]


def count(engine, model):
    with unit_of_work(engine) as session:
        return session.exec(select(sa.func.count()).select_from(model)).one()


@pytest.fixture
def pipeline(engine, office):
    """A battery technology offered to Acme (two touches, one naming Jane Roe) and to Zeta."""

    class Pipeline:
        case = technology(engine, office)
        acme = company(engine, office.officer, "Acme Batteries", interests="battery, lithium")
        zeta = company(engine, office.officer, "Zeta Foods", interests="bread")
        jane = contact(engine, office.officer, acme, "Jane Roe", title="VP R&D")
        bo = contact(engine, office.officer, acme, "Bo Typo")
        zed = contact(engine, office.officer, zeta, "Zed Baker")
        to_acme = start(engine, office, case, acme)
        to_zeta = start(engine, office, case, zeta)
        first = touch(engine, office, to_acme, days_ago=10, contact_id=jane, note="Intro call")
        second = touch(engine, office, to_acme, days_ago=2, note="Sent data")
        wrong = touch(engine, office, to_zeta, days_ago=1, note="Meant for Acme")

    return Pipeline


# --- a company's legal description (item 10) ----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "jurisdiction", "described"),
    [
        ("corporation", "Delaware", "HarborBio Inc., a Delaware corporation"),
        ("corporation", "Ohio", "HarborBio Inc., an Ohio corporation"),
        (
            "limited liability company",
            "New York",
            "HarborBio Inc., a New York limited liability company",
        ),
        (
            "limited liability company",
            "Germany",
            "HarborBio Inc., a limited liability company organized under the laws of Germany",
        ),
        ("corporation", "", "HarborBio Inc., a corporation"),
        ("LLC", "", "HarborBio Inc., an LLC"),
        ("unincorporated association", "", "HarborBio Inc., an unincorporated association"),
        (
            "unlimited company",
            "Ireland",
            "HarborBio Inc., an unlimited company organized under the laws of Ireland",
        ),
        ("corporation", "Utah", "HarborBio Inc., a Utah corporation"),
        ("", "Delaware", "HarborBio Inc., organized under the laws of Delaware"),
        ("", "", "HarborBio Inc."),
    ],
)
def test_a_company_is_described_by_its_kind_and_jurisdiction_never_its_size(
    kind, jurisdiction, described
):
    harbor = Company(
        name="HarborBio Inc.",
        normalized_name="harborbio",
        size="small",
        entity_kind=kind,
        jurisdiction=jurisdiction,
    )
    assert legal_description(harbor) == described
    assert "small" not in legal_description(harbor).lower()


def test_the_legal_fields_are_saved_and_checked_like_every_field(engine, office):
    harbor = company(
        engine,
        office.officer,
        "HarborBio Inc.",
        entity_kind=" corporation ",
        jurisdiction="Delaware",
    )
    with unit_of_work(engine) as session:
        saved = session.get(Company, harbor)
        assert (saved.entity_kind, saved.jurisdiction) == ("corporation", "Delaware")
        assert legal_description(saved) == "HarborBio Inc., a Delaware corporation"
    with pytest.raises(ValidationError, match="jurisdiction is 101 characters"):
        company(engine, office.officer, "Longway LLC", jurisdiction="x" * 101)
    with pytest.raises(ValidationError, match="kind of entity is one line"):
        company(engine, office.officer, "Tabbed LLC", entity_kind="limited\tliability")
    assert count(engine, Company) == 1
    with unit_of_work(engine) as session:
        book = outreach.export_companies(session, actor=office.officer)
    sheet = openpyxl.load_workbook(BytesIO(book)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert (row["Kind of entity"], row["Jurisdiction"]) == ("corporation", "Delaware")


def test_every_demo_company_has_a_legal_description(engine):
    from tlo.licensing import demo

    with unit_of_work(engine) as session:
        demo.seed(session, today=TODAY, officer_names={})
    with unit_of_work(engine) as session:
        companies = session.exec(select(Company)).all()
    assert len(companies) == 80
    assert all(c.entity_kind and c.jurisdiction for c in companies)
    described = {legal_description(c).split(", ", 1)[1] for c in companies}
    assert "a Delaware corporation" in described
    assert any("organized under the laws of Germany" in d for d in described)


# --- correcting a company -------------------------------------------------------------------


def test_a_companys_facts_are_corrected_only_with_a_reason_and_the_log_keeps_both(engine, office):
    harbor = company(engine, office.officer, "Harbour Bio", website="harbour.example")
    fixed = CompanyForm(
        name="HarborBio Inc.",
        size="startup",
        website="harborbio.example",
        entity_kind="corporation",
        jurisdiction="Delaware",
    )
    with (
        pytest.raises(
            ValidationError,
            match="Say why the company's name, size, website, kind of entity and jurisdiction "
            "change",
        ),
        unit_of_work(engine) as session,
    ):
        outreach.save_company(session, actor=office.officer, company_id=harbor, form=fixed)
    with unit_of_work(engine) as session:
        assert session.get(Company, harbor).name == "Harbour Bio"  # nothing half-saved
        outreach.save_company(
            session,
            actor=office.officer,
            company_id=harbor,
            form=fixed,
            reason="Spelled as on its certificate of incorporation",
        )
    with unit_of_work(engine) as session:
        assert legal_description(session.get(Company, harbor)) == (
            "HarborBio Inc., a Delaware corporation"
        )
    [entry] = entries(engine, "company.corrected")
    assert entry.before["name"] == "Harbour Bio" and entry.before["size"] == "small"
    assert entry.after["name"] == "HarborBio Inc." and entry.after["jurisdiction"] == "Delaware"
    assert entry.sentence == (
        "Olivia Ortega corrected the company HarborBio Inc.: "
        "“Spelled as on its certificate of incorporation”"
    )


def test_what_the_office_notes_about_a_company_is_upkeep_without_a_reason(engine, office):
    acme = company(engine, office.officer, "Acme", interests="batteries")
    with unit_of_work(engine) as session:
        outreach.save_company(
            session,
            actor=office.officer,
            company_id=acme,
            form=CompanyForm(
                name="Acme",
                size="small",
                interests="anodes",
                notes="Met at AABC",
                do_not_contact=True,
            ),
        )
    assert [e.after["interests"] for e in entries(engine, "company.saved")] == [
        "batteries",
        "anodes",
    ]
    assert entries(engine, "company.corrected") == []


# --- correcting and removing contacts ---------------------------------------------------------


def test_a_contact_is_corrected_with_a_reason_and_the_log_keeps_what_it_said(engine, office):
    acme = company(engine, office.officer, "Acme")
    jane = contact(engine, office.officer, acme, "Jane Rowe", email="jane@acme.example")
    with unit_of_work(engine) as session:
        for wrong, message in [
            ({"reason": " "}, "Say why this contact is corrected"),
            ({"email": "jane@"}, "e-mail address is not valid"),
            ({"name": ""}, "Give the contact's name"),
            ({"name": "Jane Rowe", "title": ""}, "already recorded so"),
        ]:
            fields = {"name": "Jane Roe", "title": "CTO", "email": "jane@acme.example"}
            with pytest.raises(ValidationError, match=message):
                corrections.correct_contact(
                    session,
                    actor=office.officer,
                    contact_id=jane,
                    **({**fields, "reason": "Misspelt"} | wrong),
                )
        with pytest.raises(NotFound):
            corrections.correct_contact(
                session, actor=office.officer, contact_id=10**6, name="X", reason="r"
            )
    with unit_of_work(engine) as session:
        assert session.get(Contact, jane).name == "Jane Rowe"
        corrections.correct_contact(
            session,
            actor=office.officer,
            contact_id=jane,
            name="Jane Roe",
            title="CTO",
            email="Jane@Acme.example",
            reason="Misspelt on her business card",
        )
    with unit_of_work(engine) as session:
        saved = session.get(Contact, jane)
    assert (saved.name, saved.title, saved.email) == ("Jane Roe", "CTO", "jane@acme.example")
    [entry] = entries(engine, "company.contact_corrected")
    assert entry.before["name"] == "Jane Rowe" and entry.after["name"] == "Jane Roe"
    assert entry.sentence.endswith(
        "corrected the contact Jane Roe of Acme: “Misspelt on her business card”"
    )


def test_a_contact_entered_by_mistake_is_removed_unless_a_touch_names_them(
    engine, office, pipeline
):
    with unit_of_work(engine) as session, pytest.raises(ValidationError) as refused:
        corrections.remove_contact(
            session, actor=office.officer, contact_id=pipeline.jane, reason="Duplicate"
        )
    with unit_of_work(engine) as session:
        docket = session.get(Disclosure, pipeline.case).docket
    assert f"Jane Roe is named by 1 touch (on {docket}); " in str(refused.value)
    assert "correct them first" in str(refused.value)
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationError, match="Say why this contact is removed"):
            corrections.remove_contact(
                session, actor=office.officer, contact_id=pipeline.bo, reason=""
            )
        corrections.remove_contact(
            session, actor=office.officer, contact_id=pipeline.bo, reason="Entered by mistake"
        )
    with unit_of_work(engine) as session:
        names = [
            c.name
            for c in outreach.contacts_of(session, actor=office.officer, company_id=pipeline.acme)
        ]
    assert names == ["Jane Roe"]
    [entry] = entries(engine, "company.contact_removed")
    assert entry.before["name"] == "Bo Typo" and entry.after == {"reason": "Entered by mistake"}
    assert entry.sentence.endswith(
        "removed Bo Typo from the contacts of Acme Batteries: “Entered by mistake”"
    )


def test_a_contact_an_agreement_names_as_signatory_stays(engine, office, pipeline):
    if "licensee_signatory_contact_id" not in AgreementForm.__dataclass_fields__:
        pytest.skip("agreements do not name a signatory yet")
    with unit_of_work(engine) as session:
        agreements.save_agreement(
            session,
            actor=office.officer,
            form=AgreementForm(
                agreement_type="option",
                company_id=pipeline.acme,
                title="Option: battery",
                technologies=[pipeline.case],
                licensee_signatory_contact_id=pipeline.bo,
            ),
        )
    with (
        pytest.raises(ValidationError, match="Bo Typo is named by 1 agreement; they stay"),
        unit_of_work(engine) as session,
    ):
        corrections.remove_contact(
            session, actor=office.officer, contact_id=pipeline.bo, reason="Mistake"
        )


def test_what_points_at_a_record_is_counted_per_table(engine, office, pipeline):
    with unit_of_work(engine) as session:
        found = corrections._rows_naming(session, "company", pipeline.acme)
    assert found == {"contact": 2, "outreach": 1}


# --- withdrawing an outreach entry ------------------------------------------------------------


def test_an_outreach_opened_by_mistake_leaves_the_pipeline_its_counts_and_exports(
    engine, office, pipeline
):
    with unit_of_work(engine) as session:
        board = outreach.pipeline_board(session, actor=office.officer)
    assert board.counts[Stage.CONTACTED] == 2
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationError, match="Say why this outreach entry is withdrawn"):
            corrections.withdraw_outreach(
                session, actor=office.officer, outreach_id=pipeline.to_zeta, reason="\n"
            )
        corrections.withdraw_outreach(
            session,
            actor=office.officer,
            outreach_id=pipeline.to_zeta,
            reason="Opened for the wrong company",
        )
    with unit_of_work(engine) as session:
        rows = outreach.pipeline(session, actor=office.officer, disclosure_id=pipeline.case)
        board = outreach.pipeline_board(session, actor=office.officer)
        due = outreach.follow_ups_due(
            session, actor=office.officer, owner_person_id=office.officer.person_id, today=TODAY
        )
        book = outreach.export_pipeline(session, actor=office.officer)
        suggested = outreach.suggest_companies(
            session, actor=office.officer, disclosure_id=pipeline.case
        )
    assert [r.company for r in rows] == ["Acme Batteries"]
    assert board.counts[Stage.CONTACTED] == 1 and board.page.total == 1
    assert [r.company for r in due] == ["Acme Batteries"]
    sheet = openpyxl.load_workbook(BytesIO(book)).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Acme Batteries"]
    assert "Acme Batteries" not in [s.name for s in suggested]  # still in the pipeline
    assert count(engine, OutreachTouch) == 2  # the wrong entry's touch went with it
    [entry] = entries(engine, "outreach.withdrawn")
    assert entry.before["company"] == "Zeta Foods"
    assert [t["note"] for t in entry.before["touches"]] == ["Meant for Acme"]
    assert [c["to_stage"] for c in entry.before["stage_changes"]] == ["identified", "contacted"]
    assert entry.sentence.endswith(
        "withdrew the outreach to Zeta Foods from "
        f"{entry.record.split(' · ')[0]}: “Opened for the wrong company”"
    )
    # The pair is free again: the right entry can be opened.
    assert start(engine, office, pipeline.case, pipeline.zeta)


def test_an_outreach_that_led_to_a_signed_agreement_stays(engine, office, pipeline):
    with unit_of_work(engine) as session:
        agreement = agreements.save_agreement(
            session,
            actor=office.officer,
            form=AgreementForm(
                agreement_type="option",
                company_id=pipeline.acme,
                title="Option: battery",
                technologies=[pipeline.case],
            ),
        )
    with unit_of_work(engine) as session:  # a draft may still be the mistake
        corrections.withdraw_outreach(
            session, actor=office.officer, outreach_id=pipeline.to_acme, reason="Check"
        )
        session.rollback()
    with unit_of_work(engine) as session:
        agreements.change_agreement_status(
            session,
            actor=office.officer,
            agreement_id=agreement.id,
            status=AgreementStatus.EXECUTED,
            signed_on=TODAY - timedelta(days=1),
        )
    with (
        pytest.raises(ValidationError, match=rf"{agreement.number}, signed with Acme Batteries"),
        unit_of_work(engine) as session,
    ):
        corrections.withdraw_outreach(
            session, actor=office.officer, outreach_id=pipeline.to_acme, reason="Mistake"
        )
    assert count(engine, OutreachTouch) == 3


# --- correcting and striking out touches ------------------------------------------------------


def test_a_wrong_touch_is_corrected_and_the_log_keeps_what_it_said(engine, office, pipeline):
    valid = dict(
        touch_id=pipeline.first,
        touched_on=TODAY - timedelta(days=9),
        channel="meeting",
        note="Intro meeting at their lab",
        outcome="Wants data",
        contact_id=pipeline.jane,
        reason="It was a meeting, the day after",
        today=TODAY,
    )
    with unit_of_work(engine) as session:
        for wrong, message in [
            ({"reason": ""}, "Say why this touch is corrected"),
            ({"touched_on": TODAY + timedelta(days=1)}, "once it has happened"),
            ({"contact_id": pipeline.zed}, "Choose a contact of this company"),
            ({"channel": "pigeon"}, "not a channel"),
            ({"note": "x\x00"}, "control character"),
            (
                {
                    "touched_on": TODAY - timedelta(days=10),
                    "channel": "email",
                    "note": "Intro call",
                    "outcome": "",
                },
                "already says this",
            ),
        ]:
            with pytest.raises(ValidationError, match=message):
                corrections.correct_touch(session, actor=office.officer, **(valid | wrong))
    with unit_of_work(engine) as session:
        corrections.correct_touch(session, actor=office.officer, **valid)
    with unit_of_work(engine) as session:
        [shown_second, shown_first] = corrections.touches_of(
            session, actor=office.officer, outreach_id=pipeline.to_acme
        )
    assert shown_second.note == "Sent data"  # newest first
    assert (shown_first.channel.value, shown_first.note, shown_first.contact) == (
        "meeting",
        "Intro meeting at their lab",
        "Jane Roe",
    )
    assert shown_first.touched_on == TODAY - timedelta(days=9)
    [entry] = entries(engine, "outreach.touch_corrected")
    assert (entry.before["channel"], entry.before["note"]) == ("email", "Intro call")
    assert entry.before["touched_on"] == (TODAY - timedelta(days=10)).isoformat()
    assert entry.after["reason"] == "It was a meeting, the day after"
    assert f"corrected a touch (meeting, {(TODAY - timedelta(days=9)).isoformat()}) with Acme " in (
        entry.sentence
    )


def test_a_touch_that_never_happened_is_struck_out_of_the_counts(engine, office, pipeline):
    with unit_of_work(engine) as session:
        corrections.strike_touch(
            session, actor=office.officer, touch_id=pipeline.second, reason="Logged twice"
        )
    with unit_of_work(engine) as session:
        [row] = [
            r
            for r in outreach.pipeline(session, actor=office.officer, disclosure_id=pipeline.case)
            if r.company == "Acme Batteries"
        ]
        with pytest.raises(NotFound):
            corrections.strike_touch(
                session, actor=office.officer, touch_id=pipeline.second, reason="Again"
            )
    assert (row.touches, row.last_touch) == (1, TODAY - timedelta(days=10))
    assert row.stage is Stage.CONTACTED  # the stage stays where it was
    [entry] = entries(engine, "outreach.touch_struck")
    assert entry.before["note"] == "Sent data" and entry.after["reason"] == "Logged twice"
    assert "struck out a touch (e-mail, " in entry.sentence


# --- who may correct ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "company", "outreach_"),
    [
        (Role.OFFICER, True, "assigned"),
        (Role.DIRECTOR, True, "all"),
        (Role.FINANCE, False, None),
        (Role.INVENTOR, False, None),
        (Role.ADMIN, False, None),
    ],
)
def test_the_permission_table_grants_corrections_to_officers_and_the_director(
    role, company, outreach_
):
    from tests.unit.test_permissions import actor_with
    from tlo.auth.permissions import scopes_of

    actor = actor_with(role)
    assert can(actor, "company.correct") is company
    assert {s.value for s in scopes_of(actor, "outreach.correct")} == (
        {outreach_} if outreach_ else set()
    )


def test_only_who_works_the_case_corrects_its_outreach_and_staff_outside_may_not(
    engine, office, pipeline
):
    calls = {
        "withdraw": lambda s, a: corrections.withdraw_outreach(
            s, actor=a, outreach_id=pipeline.to_zeta, reason="Mistake"
        ),
        "correct touch": lambda s, a: corrections.correct_touch(
            s,
            actor=a,
            touch_id=pipeline.wrong,
            touched_on=TODAY,
            channel="call",
            note="Call",
            reason="Mistake",
            today=TODAY,
        ),
        "strike": lambda s, a: corrections.strike_touch(
            s, actor=a, touch_id=pipeline.wrong, reason="Mistake"
        ),
    }
    for name, call in calls.items():
        for refused in (office.other_officer, office.finance, office.inventor):
            with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
                call(session, refused)
        for allowed in (office.officer, office.director):
            with unit_of_work(engine) as session:
                call(session, allowed)
                session.rollback()
        assert count(engine, OutreachTouch) == 3, name
    for refused in (office.finance, office.inventor):
        with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
            corrections.remove_contact(
                session, actor=refused, contact_id=pipeline.bo, reason="Mistake"
            )
        with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
            corrections.correct_contact(
                session, actor=refused, contact_id=pipeline.bo, name="Bo", reason="Mistake"
            )
        with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
            outreach.save_company(
                session,
                actor=refused,
                company_id=pipeline.acme,
                form=CompanyForm("Acme Batteries Inc.", "small"),
                reason="Legal name",
            )
    with unit_of_work(engine) as session:  # another officer keeps the directory too
        corrections.correct_contact(
            session, actor=office.other_officer, contact_id=pipeline.bo, name="Bo", reason="Typo"
        )


def test_the_migration_gives_companies_recorded_before_an_empty_legal_description(
    database_url,
):
    from alembic import command

    from tlo import db

    config = db.alembic_config(database_url)
    command.upgrade(config, "0020")
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO company (name, normalized_name, website, size, sector, "
                    "interests, notes, do_not_contact, created_at) VALUES ('Old Co', 'old', '', "
                    "'small', '', '', '', false, '2020-01-01 00:00:00+00:00')"
                )
            )
        command.upgrade(config, "0021")
        with engine.connect() as connection:
            row = connection.execute(
                sa.text("SELECT name, entity_kind, jurisdiction FROM company")
            ).one()
        assert tuple(row) == ("Old Co", "", "")
        command.downgrade(config, "0020")
        with engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("company")}
        assert "entity_kind" not in columns and "jurisdiction" not in columns
    finally:
        engine.dispose()
        db.dispose_engine(database_url)


def test_an_administrator_reads_that_a_touch_was_struck_but_not_what_it_said(
    engine, office, pipeline
):
    with unit_of_work(engine) as session:
        corrections.strike_touch(
            session, actor=office.officer, touch_id=pipeline.wrong, reason="Never sent"
        )
    admin = make_actor(engine, Role.ADMIN, name="Adam Admin")
    with unit_of_work(engine) as session:
        page = audit.list_entries(session, actor=admin, action_contains="outreach.touch_struck")
    [entry] = page.items
    assert entry.withheld and entry.before is None and "Never sent" not in entry.sentence
    assert entry.sentence == f"Olivia Ortega struck out a touch logged on {entry.record}"
