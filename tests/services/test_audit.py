"""The audit log shows an entry's content only to those who may read the object it is about,
reads as sentences that name people and records, filters in SQL and exports every match."""

from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import load_workbook
from sqlmodel import select

from tests.factories import make_actor, make_department, submitted_case
from tests.services.test_revenue import distribute, receive, signed_license, technology
from tlo import audit, documents, word_templates
from tlo.audit import AuditFilters
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.clock import office_zone
from tlo.db import unit_of_work
from tlo.disclosures import casework
from tlo.disclosures.models import Disclosure
from tlo.errors import ValidationError

TITLE = "Confidential: a room-temperature superconductor"


def test_an_administrator_sees_who_changed_a_case_but_not_what_it_holds(engine, office):
    admin = make_actor(engine, Role.ADMIN)
    case_id = submitted_case(engine, office.inventor, title=TITLE)
    with unit_of_work(engine) as session:
        for_admin = audit.list_entries(session, actor=admin, object_type="disclosure").items
        for_director = audit.list_entries(
            session, actor=office.director, object_type="disclosure"
        ).items

    assert [e.action for e in for_admin] == [e.action for e in for_director]
    assert {e.object_id for e in for_admin} == {str(case_id)}
    assert all(e.actor_name == office.inventor.name for e in for_admin)
    assert all(e.before is None and e.after is None for e in for_admin)
    assert any(e.withheld for e in for_admin)
    assert TITLE not in repr(for_admin)
    assert TITLE in repr(for_director)  # the director may read every case
    assert not any(e.withheld for e in for_director)


def test_an_administrator_still_reads_the_content_of_what_they_administer(engine):
    from tlo.people import services as people

    admin = make_actor(engine, Role.ADMIN)
    with unit_of_work(engine) as session:
        people.create_school(session, actor=admin, name="School of Audits", code="AUD")
    with unit_of_work(engine) as session:
        (entry,) = audit.list_entries(session, actor=admin, object_type="school").items
    assert entry.after["name"] == "School of Audits" and not entry.withheld


def test_an_object_kind_without_a_reading_permission_shows_no_content(engine, office):
    with unit_of_work(engine) as session:
        audit.record(
            session,
            actor=office.director,
            action="secret.changed",
            object_type="a_kind_nobody_listed",
            object_id=1,
            after={"secret": "value"},
        )
    with unit_of_work(engine) as session:
        (entry,) = audit.list_entries(
            session, actor=office.director, object_type="a_kind_nobody_listed"
        ).items
    assert entry.withheld and entry.after is None


# --- sentences ------------------------------------------------------------------------------


def docket_of(engine, case_id: int) -> str:
    with unit_of_work(engine) as session:
        return session.get(Disclosure, case_id).docket


def sentences(engine, actor, **filters) -> list[str]:
    with unit_of_work(engine) as session:
        page = audit.list_entries(session, actor=actor, filters=AuditFilters(**filters), limit=500)
    return [entry.sentence for entry in page.items]


def upload_a_template(engine, actor) -> None:
    document = Document(documents.template_path("marketing_summary"))
    buffer = BytesIO()
    document.save(buffer)
    with unit_of_work(engine) as session:
        word_templates.upload_version(
            session, actor=actor, name="marketing_summary", content=buffer.getvalue()
        )


@pytest.fixture
def casework_done(engine, office, tmp_path, monkeypatch):
    """A licensed technology with a posted payment, reassigned and noted; an account's roles
    changed; a Word template uploaded."""
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    make_actor(engine, Role.ADMIN)  # an office keeps an administrator
    case_id = technology(engine, office, title=TITLE)
    agreement_id = signed_license(engine, office, [case_id])
    income_id = receive(engine, office, agreement_id, "1000")
    distribute(engine, office, income_id)
    with unit_of_work(engine) as session:
        casework.reassign_officer(
            session,
            actor=office.director,
            disclosure_id=case_id,
            officer_person_id=office.other_officer.person_id,
            reason="Marcus knows the licensee",
        )
        casework.add_note(
            session, actor=office.other_officer, disclosure_id=case_id, text="Call the CTO."
        )
        accounts.set_roles(
            session,
            actor=office.director,
            account_id=office.finance.account_id,
            roles={Role.FINANCE, Role.OFFICER},
        )
    upload_a_template(engine, office.director)
    return case_id, agreement_id, income_id


def test_entries_read_as_sentences_that_name_people_and_records(engine, office, casework_done):
    case_id, agreement_id, income_id = casework_done
    docket = docket_of(engine, case_id)
    shown = sentences(engine, office.director)

    assert f"Olivia Ortega assigned {docket} to Olivia Ortega" in shown
    assert (
        f"Diane Whitfield reassigned {docket} from Olivia Ortega to Marcus Lee: "
        "“Marcus knows the licensee”" in shown
    )
    assert (
        f"Olivia Ortega decided to file a provisional for {docket} "
        "(Under evaluation → Patent filing approved)"
    ) in shown
    assert f"Marcus Lee added a note to {docket}" in shown
    number = f"AGR-{agreement_id:05d}"
    assert f"Fiona Nakamura recorded income {income_id} ({number}, $1,000.00)" in shown
    posted = f"Fiona Nakamura posted the distribution of income {income_id} ({number}, $1,000.00)"
    assert posted in shown
    assert f"Olivia Ortega marked {number} executed, signed on " in "\n".join(shown)
    username = office.finance.username
    assert (
        f"Diane Whitfield changed the roles of {username} (Fiona Nakamura) "
        "from Finance to Licensing officer, Finance"
    ) in shown
    assert "Diane Whitfield uploaded version 2 of the template marketing_summary" in shown
    with unit_of_work(engine) as session:
        (case_entry, *_) = audit.list_entries(
            session, actor=office.director, object_type="disclosure", object_id=case_id
        ).items
    assert case_entry.record == f"{docket} · {TITLE}"  # the title, for those who read cases
    with unit_of_work(engine) as session:  # an action the table of phrases does not know
        audit.record(
            session,
            actor=office.officer,
            action="disclosure.something_new",
            object_type="disclosure",
            object_id=case_id,
            after={"title": TITLE},
        )
    assert sentences(engine, office.director, action_contains="something_new") == [
        f"Olivia Ortega: disclosure.something_new on {docket}"
    ]


def test_an_administrator_reads_who_did_what_to_which_record_and_nothing_it_holds(
    engine, office, casework_done
):
    admin = make_actor(engine, Role.ADMIN, name="Ada Admin")
    case_id, _, income_id = casework_done
    docket = docket_of(engine, case_id)
    with unit_of_work(engine) as session:
        entries = audit.list_entries(session, actor=admin, limit=500).items
    shown = [entry.sentence for entry in entries]

    assert f"Diane Whitfield assigned an officer to {docket}" in shown
    assert f"Olivia Ortega decided to file a provisional for {docket}" in shown
    assert f"Fiona Nakamura posted the distribution of income {income_id}" in shown
    about_the_case = [e for e in entries if e.object_type == "disclosure"]
    assert {e.record for e in about_the_case} == {docket}
    # (the test's co-inventor is named after the title: the directory is the admin's to read)
    everything_shown = repr(
        [(e.sentence, e.record, e.before, e.after) for e in entries if e.object_type != "person"]
    )
    assert TITLE not in everything_shown
    # the officers a case was assigned to are its content
    assigned = [e.sentence for e in about_the_case if e.action == "disclosure.officer_assigned"]
    assert assigned and not any("Marcus Lee" in text or "to Olivia" in text for text in assigned)
    assert "$1,000.00" not in everything_shown
    assert "VoltCell" not in everything_shown  # the licensee: company content
    # What an administrator administers still reads in full.
    assert (
        f"Diane Whitfield changed the roles of {office.finance.username} (Fiona Nakamura) "
        "from Finance to Licensing officer, Finance"
    ) in shown


class StatementCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_):
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.count += 1


def test_a_page_of_fifty_entries_of_five_kinds_names_them_in_a_bounded_number_of_queries(
    engine, office, tmp_path, monkeypatch
):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    cases = [submitted_case(engine, office.inventor, title=f"{TITLE} {n}") for n in range(3)]
    department_id = make_department(engine)
    upload_a_template(engine, office.director)
    with unit_of_work(engine) as session:
        template_id = session.exec(select(word_templates.TemplateVersion.id)).first()
        people = [office.officer.person_id, office.other_officer.person_id]
        accounts_ = [office.officer.account_id, office.finance.account_id]
        for n in range(50):
            kind, object_id, after = [
                ("disclosure", cases[n % 3], {"officer_person_id": people[n % 2]}),
                ("person", people[n % 2], {"active": True}),
                ("account", accounts_[n % 2], {"roles": ["officer"]}),
                ("template", template_id, {"version": 2}),
                ("department", department_id, {"active": False}),
            ][n % 5]
            audit.record(
                session,
                actor=office.director,
                action="test.changed",
                object_type=kind,
                object_id=object_id,
                after=after,
            )
    for limit in (10, 50):
        with unit_of_work(engine) as session, StatementCounter(engine) as statements:
            page = audit.list_entries(
                session, actor=office.director, action_contains="test.", limit=limit
            )
        assert len(page.items) == limit
        # the actions (1), the count (1), the page (1), one per kind (5): whatever the page size
        assert statements.count <= 8, statements.count
    named = {entry.record for entry in page.items}
    assert {
        "Olivia Ortega",
        "Marcus Lee",
        f"{office.officer.username} · Olivia Ortega",
        "marketing_summary · version 2",
    } <= named
    assert any(name.startswith("Department ") for name in named)


# --- filters --------------------------------------------------------------------------------


def test_the_log_filters_by_who_acted(engine, office):
    case_id = submitted_case(engine, office.inventor, title=TITLE)
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.director,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
    with unit_of_work(engine) as session:
        [choice] = audit.find_actors(session, actor=office.director, search="whitf")
        by_director = audit.list_entries(
            session, actor=office.director, filters=AuditFilters(actor_account_id=choice.account_id)
        )
        by_tlo = audit.list_entries(
            session, actor=office.director, filters=AuditFilters(by_system=True), limit=500
        )
        system = audit.find_actors(session, actor=office.director, search="system")
    assert choice.label == f"Diane Whitfield ({office.director.username})"
    assert {e.action for e in by_director.items} == {
        "disclosure.assign",
        "disclosure.officer_assigned",
    }
    assert by_tlo.total > 0 and {e.actor_name for e in by_tlo.items} == {"system (tests)"}
    assert system == [audit.ActorChoice(None, audit.SYSTEM_LABEL)]


def test_the_log_finds_a_record_by_its_number_or_name(engine, office):
    first = submitted_case(engine, office.inventor, title=TITLE)
    second = submitted_case(engine, office.inventor, title="Another invention")
    docket = docket_of(engine, first)
    with unit_of_work(engine) as session:
        found = audit.list_entries(
            session,
            actor=office.director,
            filters=AuditFilters(object_type="disclosure", record=docket.lower()),
        )
        by_name = audit.list_entries(
            session,
            actor=office.director,
            filters=AuditFilters(object_type="person", record="nakamu"),
        )
        none = audit.list_entries(
            session,
            actor=office.director,
            filters=AuditFilters(object_type="agreement", record="AGR-00001"),
        )
        with pytest.raises(ValidationError, match="kind of record"):
            audit.list_entries(session, actor=office.director, filters=AuditFilters(record="S2"))
    assert found.total > 0 and {e.object_id for e in found.items} == {str(first)}
    assert str(second) not in {e.object_id for e in found.items}
    assert [e.sentence for e in by_name.items] == [
        "system (tests) added Fiona Nakamura to the directory"
    ]
    assert none.total == 0


def test_a_day_is_the_offices_day_an_entry_at_half_past_eleven_at_night_belongs_to_it(
    engine, office
):
    day = date(2026, 3, 10)
    late = datetime.combine(day, time(23, 30), tzinfo=office_zone()).astimezone(UTC)
    with unit_of_work(engine) as session:
        audit.record(
            session, actor=office.director, action="test.late", object_type="school", object_id=1
        ).at = late

    def shown(**days) -> int:
        return len(sentences(engine, office.director, action_contains="test.late", **days))

    assert shown(from_day=day, to_day=day) == 1
    assert shown(from_day=day) == 1 and shown(to_day=day) == 1
    assert shown(to_day=day - timedelta(days=1)) == 0
    assert shown(from_day=day + timedelta(days=1)) == 0  # already the 11th in UTC, not here
    with pytest.raises(ValidationError, match="after the last day"):
        shown(from_day=day, to_day=day - timedelta(days=1))


# --- the export -----------------------------------------------------------------------------


def read_back(content: bytes) -> list[tuple]:
    sheet = load_workbook(BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def test_the_export_holds_every_matching_entry_up_to_its_limit(engine, office, monkeypatch):
    same_moment = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)  # ties are broken by id
    with unit_of_work(engine) as session:
        for n in range(1_200):
            audit.record(
                session,
                actor=office.director,
                action="test.bulk",
                object_type="school",
                object_id=1,
                after={"n": n},
            ).at = same_moment
    told = []
    with unit_of_work(engine) as session:
        content = audit.export_entries(
            session,
            actor=office.director,
            filters=AuditFilters(action_contains="test.bulk"),
            progress=lambda done, total: told.append((done, total)),
        )
    header, *rows = read_back(content)
    assert header == ("When", "Who", "What", "Record", "Action", "Before", "After")
    assert len(rows) == 1_200
    assert [row[6] for row in rows] == [f'{{"n": {n}}}' for n in reversed(range(1_200))]
    assert rows[0][0] == same_moment.astimezone(office_zone()).replace(tzinfo=None)
    assert rows[0][1] == "Diane Whitfield" and rows[0][4] == "test.bulk"
    assert told == [(1_000, 1_200), (1_200, 1_200)]

    monkeypatch.setattr(audit, "EXPORT_MAX_ROWS", 1_199)
    with unit_of_work(engine) as session, pytest.raises(ValidationError) as refused:
        audit.export_entries(
            session, actor=office.director, filters=AuditFilters(action_contains="test.bulk")
        )
    assert str(refused.value).startswith("1,200 entries match; an export holds at most 1,199.")
    assert "Narrow the filters" in str(refused.value)


def test_the_administrators_export_holds_no_confidential_content(engine, office):
    admin = make_actor(engine, Role.ADMIN)
    case_id = submitted_case(engine, office.inventor, title=TITLE)
    filters = AuditFilters(object_type="disclosure")
    with unit_of_work(engine) as session:
        for_admin = read_back(audit.export_entries(session, actor=admin, filters=filters))
        for_director = read_back(
            audit.export_entries(session, actor=office.director, filters=filters)
        )
    docket = docket_of(engine, case_id)
    assert len(for_admin) == len(for_director) > 1
    assert TITLE not in repr(for_admin)
    assert {row[3] for row in for_admin[1:]} == {docket}
    assert audit.WITHHELD in {row[6] for row in for_admin[1:]}
    assert TITLE in repr(for_director)
