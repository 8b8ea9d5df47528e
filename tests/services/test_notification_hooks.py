"""Each workflow step queues its messages, in the step's transaction, to the right people; a
case's title never goes to an address outside the university unless to one of its inventors."""

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import (
    EVERY_SCORE_4,
    case_approved_for_filing,
    complete_form,
    make_actor,
    submitted_case,
)
from tests.services.test_revenue import distribute, receive, signed_license, technology
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.auth.permissions import system_actor
from tlo.db import unit_of_work
from tlo.disclosures import casework, intake
from tlo.disclosures.casework import Scorecard
from tlo.disclosures.models import Disclosure
from tlo.disclosures.workflow import Action
from tlo.notify import hooks, outbox
from tlo.notify.kinds import Kind
from tlo.notify.models import OutboxMessage
from tlo.office_settings import DEMO, save_settings
from tlo.patents import services as patents
from tlo.patents.services import ApplicationForm
from tlo.people import services as people
from tlo.people.models import Person
from tlo.revenue import services as revenue
from tlo.revenue.models import Distribution, DistributionLine, Income

TITLE = "Low-power neural accelerator for edge devices"  # complete_form's
APP = "https://tlo.test.example"


@pytest.fixture(autouse=True)
def university(monkeypatch):
    """The factories' people have addresses at test.example: the university's domain here."""
    monkeypatch.setenv("TLO_UNIVERSITY_EMAIL_DOMAINS", "test.example")
    monkeypatch.setenv("TLO_APP_URL", APP + "/")


def queued(engine, kind=None, after_id=0) -> list[OutboxMessage]:
    with unit_of_work(engine) as session:
        query = select(OutboxMessage).where(OutboxMessage.id > after_id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        rows = session.exec(query.order_by(OutboxMessage.id)).all()
        session.expunge_all()
        return list(rows)


def last_id(engine) -> int:
    return max((m.id for m in queued(engine)), default=0)


def to(messages) -> dict[int, OutboxMessage]:
    by_person = {m.recipient_person_id: m for m in messages}
    assert len(by_person) == len(messages), "one message per person"
    return by_person


def person_with_account(engine, name, email, *roles):
    actor = system_actor("tests")
    with unit_of_work(engine) as session:
        person = people.create_person(session, actor=actor, full_name=name, email=email)
        account = accounts.create_account(
            session,
            actor=actor,
            person_id=person.id,
            username=email.split("@")[0],
            roles=set(roles),
            password=None,
        )
        return accounts.load_actor(session, account.id)


def docket_of(engine, case_id) -> str:
    with unit_of_work(engine) as session:
        return session.get(Disclosure, case_id).docket


def test_a_submitted_disclosure_tells_each_inventor_its_docket_and_the_intake_queue(engine, office):
    carol = make_actor(engine, Role.INVENTOR, name="Carol Diaz")
    case_id = submitted_case(
        engine, office.inventor, (office.inventor.person_id, "60"), (carol.person_id, "40")
    )
    docket = docket_of(engine, case_id)
    sent = to(queued(engine, Kind.DISCLOSURE_SUBMITTED))
    # The inventors (the submitter too: their receipt), and everyone who triages: the officers
    # and the director; not finance.
    assert set(sent) == {
        office.inventor.person_id,
        carol.person_id,
        office.officer.person_id,
        office.other_officer.person_id,
        office.director.person_id,
    }
    receipt = sent[carol.person_id]
    assert receipt.subject == f"Disclosure received: {docket}"
    assert docket in receipt.body and TITLE in receipt.body
    assert receipt.link == f"{APP}/my_disclosures" and receipt.body.endswith(receipt.link)
    assert receipt.status == "queued" and receipt.recipient_email.endswith("@test.example")
    queue = sent[office.officer.person_id]
    assert docket in queue.subject and TITLE in queue.body
    assert queue.link == f"{APP}/?case={docket}"


def test_a_rolled_back_submission_queues_nothing(engine, office):
    with unit_of_work(engine) as session:
        draft = intake.save_draft(
            session,
            actor=office.inventor,
            form=complete_form((office.inventor.person_id, "100")),
        )
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        intake.submit(session, actor=office.inventor, disclosure_id=draft.id)
        assert len(session.exec(select(OutboxMessage)).all()) == 4  # queued inside it
        raise RuntimeError("something after the submission failed")
    assert queued(engine) == []
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, draft.id).docket is None


def test_a_refused_step_queues_nothing(engine, office):
    case_id = submitted_case(engine, office.inventor)
    before = last_id(engine)
    with pytest.raises(Exception), unit_of_work(engine) as session:  # noqa: B017 any refusal
        casework.record_filing_decision(
            session,
            actor=office.director,
            disclosure_id=case_id,
            decision=Action.FILE_PROVISIONAL,
            rationale="Not evaluated yet",
        )
    assert queued(engine, after_id=before) == []


def test_an_assigned_case_tells_the_officer_and_the_inventors_who_their_officer_is(engine, office):
    case_id = submitted_case(engine, office.inventor)
    docket = docket_of(engine, case_id)
    before = last_id(engine)
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.director,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
    sent = to(queued(engine, Kind.CASE_ASSIGNED, before))
    assert set(sent) == {office.officer.person_id, office.inventor.person_id}
    assert sent[office.officer.person_id].subject == f"{docket} is assigned to you"
    told = sent[office.inventor.person_id]
    assert "Olivia Ortega" in told.body
    with unit_of_work(engine) as session:
        officer_email = people.get_person(
            session, actor=office.director, person_id=office.officer.person_id
        ).email
    assert officer_email in told.body


def test_an_officer_taking_a_case_is_not_told_of_it_but_the_inventors_are(engine, office):
    case_id = submitted_case(engine, office.inventor)
    before = last_id(engine)
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
    assert set(to(queued(engine, Kind.CASE_ASSIGNED, before))) == {office.inventor.person_id}


def test_a_filing_decision_goes_to_the_inventors_and_the_officer_without_its_rationale(
    engine, office
):
    carol = make_actor(engine, Role.INVENTOR, name="Carol Diaz")
    case_id = submitted_case(
        engine, office.inventor, (office.inventor.person_id, "50"), (carol.person_id, "50")
    )
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
        casework.record_evaluation(
            session,
            actor=office.director,
            disclosure_id=case_id,
            scorecard=Scorecard(EVERY_SCORE_4, {}),
        )
    before = last_id(engine)
    with unit_of_work(engine) as session:
        casework.record_filing_decision(
            session,
            actor=office.director,
            disclosure_id=case_id,
            decision=Action.RELEASE,
            rationale="Weak market: nobody will license this",
        )
    sent = to(queued(engine, Kind.FILING_DECISION, before))
    assert set(sent) == {office.inventor.person_id, carol.person_id, office.officer.person_id}
    for message in sent.values():
        assert "Release to inventors" in message.subject
        assert "Weak market" not in message.body
    assert sent[office.officer.person_id].link.startswith(f"{APP}/?case=")


def test_a_patent_filed_and_granted_tells_the_inventors_and_the_officer(engine, office):
    case_id = case_approved_for_filing(engine, office)
    before = last_id(engine)
    with unit_of_work(engine) as session:
        application = patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=ApplicationForm("US", "nonprovisional", TODAY - timedelta(days=400), "17/123"),
        )
    # The officer recorded it: only the inventor is told.
    filed = to(queued(engine, Kind.PATENT_FILED, before))
    assert set(filed) == {office.inventor.person_id}
    assert "US Non-provisional" in filed[office.inventor.person_id].body
    before = last_id(engine)
    with unit_of_work(engine) as session:
        patents.update_application(
            session,
            actor=office.director,
            application_id=application.id,
            status="granted",
            grant_number="12,345,678",
            grant_date=TODAY - timedelta(days=3),
        )
    granted = to(queued(engine, Kind.PATENT_FILED, before))
    assert set(granted) == {office.inventor.person_id, office.officer.person_id}
    assert all("12,345,678" in m.body for m in granted.values())
    # Recording the granted patent again (a correction of its status) tells no one again.
    before = last_id(engine)
    with unit_of_work(engine) as session:
        patents.update_application(
            session,
            actor=office.director,
            application_id=application.id,
            status="granted",
            grant_number="12,345,678",
            grant_date=TODAY - timedelta(days=2),
        )
    assert queued(engine, after_id=before) == []


def test_a_signed_license_tells_the_inventors_of_each_covered_technology_once(engine, office):
    first = technology(engine, office, costs="0", title="Solid-state battery")
    second = technology(engine, office, costs="0", title="Fast charger")
    before = last_id(engine)
    agreement_id = signed_license(engine, office, [first, second])
    sent = queued(engine, Kind.LICENSE_SIGNED, before)
    with unit_of_work(engine) as session:
        bobs = {
            p.id: p.full_name
            for p in session.exec(select(Person).where(Person.full_name.like("Bob%")))
        }
    # Alice is an inventor of both: one message naming both; each Bob of his own.
    by_person = to(sent)
    assert set(by_person) == {office.inventor.person_id, *bobs}
    alice = by_person[office.inventor.person_id].body
    assert "Solid-state battery" in alice and "Fast charger" in alice
    assert f"AGR-{agreement_id:05d}" in alice and "VoltCell" in alice
    for bob_id, name in bobs.items():
        mine = "Fast charger" if name.endswith("Fast charger") else "Solid-state battery"
        other = "Solid-state battery" if mine == "Fast charger" else "Fast charger"
        assert mine in by_person[bob_id].body and other not in by_person[bob_id].body


def test_a_posted_distribution_tells_each_inventor_their_amount_and_links_the_statement(
    engine, office
):
    case_id = technology(engine, office, costs="0")
    agreement_id = signed_license(engine, office, [case_id])
    income_id = receive(engine, office, agreement_id, "10000.00")
    made = distribute(engine, office, income_id, post=False)
    assert queued(engine, Kind.DISTRIBUTION_POSTED) == []  # a draft tells no one
    before = last_id(engine)
    with unit_of_work(engine) as session:
        revenue.post_income(session, actor=office.finance, income_id=income_id)
        paid = {
            person_id: amount
            for person_id, amount in session.exec(
                select(DistributionLine.person_id, DistributionLine.amount_cents).where(
                    DistributionLine.distribution_id.in_(made),
                    DistributionLine.recipient_class == "inventor",
                )
            )
        }
    sent = to(queued(engine, Kind.DISTRIBUTION_POSTED, before))
    assert set(sent) == set(paid) and len(paid) == 2
    for person_id, cents in paid.items():
        amount = f"${cents // 100:,}.{cents % 100:02d}"
        assert amount in sent[person_id].subject and amount in sent[person_id].body
        assert sent[person_id].link == f"{APP}/statements"
    assert sum(paid.values()) > 0


def test_an_annual_run_tells_each_inventor_once_of_the_runs_distributions_only(engine, office):
    case_id = technology(engine, office, costs="0")
    agreement_id = signed_license(engine, office, [case_id])
    earlier = receive(engine, office, agreement_id, "500.00")
    distribute(engine, office, earlier)  # posted before the run: not the run's news
    receive(engine, office, agreement_id, "1000.00")
    receive(engine, office, agreement_id, "3000.00", kind="milestone")
    with unit_of_work(engine) as session:
        year = session.get(Income, earlier).fiscal_year
    before = last_id(engine)
    with unit_of_work(engine) as session:
        revenue.annual_run(session, actor=office.finance, fiscal_year=year)
        run = session.exec(select(Distribution.id).where(Distribution.income_id != earlier)).all()
        paid: dict[int, int] = {}
        for person_id, cents in session.exec(
            select(DistributionLine.person_id, DistributionLine.amount_cents).where(
                DistributionLine.distribution_id.in_(run),
                DistributionLine.recipient_class == "inventor",
            )
        ):
            paid[person_id] = paid.get(person_id, 0) + cents
    sent = to(queued(engine, Kind.DISTRIBUTION_POSTED, before))
    assert set(sent) == set(paid)
    for person_id, cents in paid.items():
        assert f"${cents // 100:,}.{cents % 100:02d}" in sent[person_id].subject


def test_an_outside_address_that_is_no_inventor_of_the_case_gets_no_title(engine, office):
    # An officer whose address is outside the university (a consultant at home), and an
    # outside co-inventor: the inventor hears all of it, the officer only that there is news.
    outsider = person_with_account(engine, "Otto Brandt", "otto@gmail.example", Role.OFFICER)
    with unit_of_work(engine) as session:
        guest = people.add_external_person(
            session,
            actor=office.inventor,
            full_name="Grace Hopper",
            email="grace@acme.example",
            organisation="Acme Corp.",
        ).id
    case_id = submitted_case(
        engine, office.inventor, (office.inventor.person_id, "50"), (guest, "50")
    )
    docket = docket_of(engine, case_id)
    sent = to(queued(engine, Kind.DISCLOSURE_SUBMITTED))
    news = sent[outsider.person_id]
    assert TITLE not in news.subject + news.body and docket not in news.subject + news.body
    assert news.subject == hooks.NEWS_SUBJECT and news.link == f"{APP}/"
    assert TITLE in sent[guest].body and docket in sent[guest].subject  # an inventor
    assert TITLE in sent[office.officer.person_id].body  # inside the university
    # The outside officer assigned to the case hears who it is for no more than that.
    before = last_id(engine)
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.director,
            disclosure_id=case_id,
            officer_person_id=outsider.person_id,
        )
    assigned = to(queued(engine, Kind.CASE_ASSIGNED, before))
    assert TITLE not in assigned[outsider.person_id].body
    assert "Otto Brandt" in assigned[guest].body and TITLE in assigned[guest].body


def test_without_the_setting_the_offices_own_domain_is_the_universitys(engine, office, monkeypatch):
    monkeypatch.delenv("TLO_UNIVERSITY_EMAIL_DOMAINS")
    submitted_case(engine, office.inventor)
    # No domain known at all: every address but the inventors' is outside.
    first = to(queued(engine, Kind.DISCLOSURE_SUBMITTED))
    assert TITLE in first[office.inventor.person_id].body
    assert TITLE not in first[office.officer.person_id].body
    with unit_of_work(engine) as session:
        save_settings(
            session,
            actor=office.director,
            form=replace(DEMO, office_email="otl@test.example"),
        )
    before = last_id(engine)
    submitted_case(engine, office.inventor)
    second = to(queued(engine, Kind.DISCLOSURE_SUBMITTED, before))
    assert TITLE in second[office.officer.person_id].body


@pytest.mark.parametrize(
    ("email", "inside"),
    [
        ("a@test.example", True),
        ("a@cs.test.example", True),
        ("a@TEST.EXAMPLE", True),
        ("a@eviltest.example", False),
        ("a@test.example.evil", False),
        ("a@gmail.example", False),
    ],
)
def test_an_address_is_inside_the_university_under_its_domain_or_a_subdomain(email, inside):
    assert hooks.inside_university(email, ("test.example",)) is inside


def test_each_persons_choice_is_respected_and_the_message_is_kept_for_the_app(engine, office):
    with unit_of_work(engine) as session:
        outbox.set_preference(
            session,
            person_id=office.inventor.person_id,
            kind=Kind.DISCLOSURE_SUBMITTED,
            mode="off",
        )
        outbox.set_preference(
            session,
            person_id=office.officer.person_id,
            kind=Kind.DISCLOSURE_SUBMITTED,
            mode="weekly",
        )
    submitted_case(engine, office.inventor)
    sent = to(queued(engine, Kind.DISCLOSURE_SUBMITTED))
    assert sent[office.inventor.person_id].status == "off"
    assert sent[office.officer.person_id].status == "digest"
    assert sent[office.director.person_id].status == "queued"


def test_without_the_apps_address_links_start_from_its_root(engine, office, monkeypatch):
    monkeypatch.delenv("TLO_APP_URL")
    case_id = submitted_case(engine, office.inventor)
    sent = to(queued(engine, Kind.DISCLOSURE_SUBMITTED))
    assert sent[office.inventor.person_id].link == "/my_disclosures"
    assert sent[office.officer.person_id].link == f"/?case={docket_of(engine, case_id)}"
