import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import complete_form, make_actor, submitted_case
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.disclosures import intake
from tlo.disclosures.intake import FundingEntry, InventorEntry, PublicDisclosureEntry
from tlo.disclosures.models import Disclosure, DisclosureInventor, ShareHistory, StatusChange
from tlo.errors import PermissionDenied, ValidationError


def test_an_inventor_saves_a_draft_and_comes_back_to_it(engine):
    alice = make_actor(engine, Role.INVENTOR)
    with unit_of_work(engine) as session:
        draft = intake.save_draft(
            session, actor=alice, form=complete_form((alice.person_id, "100"), abstract="")
        )
    with unit_of_work(engine) as session:
        form = intake.load_form(session, actor=alice, disclosure_id=draft.id)
        stored = session.get(Disclosure, draft.id)
    assert form.title == "Low-power neural accelerator for edge devices"
    assert form.abstract == ""
    assert [(i.person_id, str(i.share)) for i in form.inventors] == [(alice.person_id, "100.00")]
    assert stored.status == "draft" and stored.docket is None


def test_submitting_gives_a_docket_number_and_confirms_the_submitters_share(engine):
    alice = make_actor(engine, Role.INVENTOR)
    bob = make_actor(engine, Role.INVENTOR)
    case_id = submitted_case(engine, alice, (alice.person_id, "60"), (bob.person_id, "40"))
    with unit_of_work(engine) as session:
        disclosure = session.get(Disclosure, case_id)
        confirmed = dict(
            session.exec(
                select(DisclosureInventor.person_id, DisclosureInventor.confirmed_at)
            ).all()
        )
        timeline = session.exec(select(StatusChange.to_status)).all()
    assert disclosure.status == "submitted"
    assert disclosure.docket.startswith("S") and disclosure.docket.endswith("-0001")
    assert confirmed[alice.person_id] is not None and confirmed[bob.person_id] is None
    assert timeline == ["submitted"]


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        (["50", "40"], "add up to 90 %; they must add up to 100 %"),
        (["33.33", "33.33", "33.33"], "add up to 99.99 %"),
        (["50", "0"], "above 0 %"),
        (["50", "50.005"], "at most two decimals"),
        (["fifty", "50"], "is not a percentage"),
    ],
)
def test_shares_that_do_not_make_100_percent_are_refused_on_submit(engine, shares, message):
    people = [make_actor(engine, Role.INVENTOR) for _ in shares]
    with pytest.raises(ValidationError, match=message), unit_of_work(engine) as session:
        draft = intake.save_draft(
            session,
            actor=people[0],
            form=complete_form(
                *[(p.person_id, share) for p, share in zip(people, shares, strict=True)]
            ),
        )
        intake.submit(session, actor=people[0], disclosure_id=draft.id)


def test_decimal_thirds_add_up_exactly(engine):
    people = [make_actor(engine, Role.INVENTOR) for _ in range(3)]
    case_id = submitted_case(
        engine,
        people[0],
        *[(p.person_id, s) for p, s in zip(people, ["33.33", "33.33", "33.34"], strict=True)],
    )
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, case_id).status == "submitted"


def test_the_same_inventor_twice_is_refused(engine):
    alice = make_actor(engine, Role.INVENTOR)
    with pytest.raises(ValidationError, match="listed twice"), unit_of_work(engine) as session:
        intake.save_draft(
            session,
            actor=alice,
            form=complete_form((alice.person_id, "50"), (alice.person_id, "50")),
        )


def test_the_submitting_inventor_must_be_among_the_inventors(engine):
    alice = make_actor(engine, Role.INVENTOR)
    bob = make_actor(engine, Role.INVENTOR)
    with (
        pytest.raises(ValidationError, match="not among the inventors"),
        unit_of_work(engine) as session,
    ):
        draft = intake.save_draft(session, actor=alice, form=complete_form((bob.person_id, "100")))
        intake.submit(session, actor=alice, disclosure_id=draft.id)


def test_an_officer_may_submit_on_behalf_of_the_inventors(engine):
    officer = make_actor(engine, Role.OFFICER)
    bob = make_actor(engine, Role.INVENTOR)
    case_id = submitted_case(engine, officer, (bob.person_id, "100"))
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, case_id).status == "submitted"


def test_a_submission_names_what_is_missing(engine):
    alice = make_actor(engine, Role.INVENTOR)
    with (
        pytest.raises(ValidationError, match="add an abstract, the detailed description"),
        unit_of_work(engine) as session,
    ):
        draft = intake.save_draft(
            session,
            actor=alice,
            form=complete_form((alice.person_id, "100"), abstract="", description=" "),
        )
        intake.submit(session, actor=alice, disclosure_id=draft.id)


def test_federal_funding_needs_its_agency(engine):
    alice = make_actor(engine, Role.INVENTOR)
    with pytest.raises(ValidationError, match="federal agency"), unit_of_work(engine) as session:
        intake.save_draft(
            session,
            actor=alice,
            form=complete_form(
                (alice.person_id, "100"), funding=[FundingEntry("NIH", "R01-1", is_federal=True)]
            ),
        )


def test_a_past_public_disclosure_is_accepted(engine):
    alice = make_actor(engine, Role.INVENTOR)
    past = PublicDisclosureEntry(TODAY - timedelta(days=30), "paper", "Nature")
    case_id = submitted_case(engine, alice, public_disclosures=[past])
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, case_id).status == "submitted"


def test_a_submitted_case_is_no_longer_a_draft_to_edit(engine):
    alice = make_actor(engine, Role.INVENTOR)
    case_id = submitted_case(engine, alice)
    with (
        pytest.raises(ValidationError, match="has been submitted"),
        unit_of_work(engine) as session,
    ):
        intake.save_draft(
            session,
            actor=alice,
            disclosure_id=case_id,
            form=complete_form((alice.person_id, "100"), title="Changed"),
        )


def test_an_inventor_cannot_read_or_edit_someone_elses_disclosure(engine):
    alice = make_actor(engine, Role.INVENTOR)
    mallory = make_actor(engine, Role.INVENTOR)
    case_id = submitted_case(engine, alice)
    with unit_of_work(engine) as session:
        with pytest.raises(PermissionDenied):
            intake.load_form(session, actor=mallory, disclosure_id=case_id)
        with pytest.raises(PermissionDenied):
            intake.confirm_share(session, actor=mallory, disclosure_id=case_id)


def test_a_co_inventor_confirms_and_a_change_of_shares_resets_every_confirmation(engine):
    alice = make_actor(engine, Role.INVENTOR)
    bob = make_actor(engine, Role.INVENTOR)
    officer = make_actor(engine, Role.OFFICER)
    director = make_actor(engine, Role.DIRECTOR)
    case_id = submitted_case(engine, alice, (alice.person_id, "50"), (bob.person_id, "50"))
    with unit_of_work(engine) as session:
        intake.confirm_share(session, actor=bob, disclosure_id=case_id)
    with unit_of_work(engine) as session:
        from tlo.disclosures import casework

        casework.assign_officer(
            session, actor=director, disclosure_id=case_id, officer_person_id=officer.person_id
        )
        intake.change_shares(
            session,
            actor=officer,
            disclosure_id=case_id,
            inventors=[InventorEntry(alice.person_id, "70"), InventorEntry(bob.person_id, "30")],
        )
    with unit_of_work(engine) as session:
        rows = session.exec(select(DisclosureInventor)).all()
        history = session.exec(
            select(ShareHistory.version, ShareHistory.person_id, ShareHistory.share_bp).order_by(
                ShareHistory.version, ShareHistory.person_id
            )
        ).all()
        version = session.get(Disclosure, case_id).share_version
    assert {row.person_id: row.confirmed_at for row in rows} == {
        alice.person_id: None,
        bob.person_id: None,
    }
    assert {row.person_id: row.share_bp for row in rows} == {
        alice.person_id: 7000,
        bob.person_id: 3000,
    }
    assert version == 2
    assert history == [
        (1, alice.person_id, 5000),
        (1, bob.person_id, 5000),
        (2, alice.person_id, 7000),
        (2, bob.person_id, 3000),
    ]


def test_only_the_assigned_officer_changes_shares(engine):
    alice = make_actor(engine, Role.INVENTOR)
    other_officer = make_actor(engine, Role.OFFICER)
    case_id = submitted_case(engine, alice)
    with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
        intake.change_shares(
            session,
            actor=other_officer,
            disclosure_id=case_id,
            inventors=[InventorEntry(alice.person_id, "100")],
        )


def test_concurrent_submissions_get_distinct_docket_numbers(engine):
    inventors = [make_actor(engine, Role.INVENTOR) for _ in range(8)]
    drafts = []
    for inventor in inventors:
        with unit_of_work(engine) as session:
            drafts.append(
                intake.save_draft(
                    session, actor=inventor, form=complete_form((inventor.person_id, "100"))
                ).id
            )
    start = threading.Barrier(len(inventors))
    errors = []

    def submit(inventor, draft_id):
        try:
            with unit_of_work(engine) as session:
                start.wait()
                intake.submit(session, actor=inventor, disclosure_id=draft_id)
        except Exception as err:  # collected and asserted below
            errors.append(err)

    threads = [
        threading.Thread(target=submit, args=pair) for pair in zip(inventors, drafts, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with unit_of_work(engine) as session:
        dockets = session.exec(select(Disclosure.docket)).all()
    assert len(set(dockets)) == 8
    assert sorted(int(d.split("-")[1]) for d in dockets) == list(range(1, 9))


def test_a_draft_can_be_deleted_by_its_submitter_but_a_submitted_case_cannot(engine):
    alice = make_actor(engine, Role.INVENTOR)
    with unit_of_work(engine) as session:
        draft = intake.save_draft(
            session, actor=alice, form=complete_form((alice.person_id, "100"))
        )
    with unit_of_work(engine) as session:
        intake.delete_draft(session, actor=alice, disclosure_id=draft.id)
    case_id = submitted_case(engine, alice)
    with pytest.raises(ValidationError, match="Only a draft"), unit_of_work(engine) as session:
        intake.delete_draft(session, actor=alice, disclosure_id=case_id)
    with unit_of_work(engine) as session:
        assert [d.id for d in session.exec(select(Disclosure)).all()] == [case_id]


def test_a_disclosure_with_a_public_disclosure_can_be_submitted_on_a_leap_day(engine, office):
    """Five years after 29 February 2028 is 28 February 2033, not an error."""
    with time_machine.travel(datetime(2028, 2, 29, 21, 30, tzinfo=UTC), tick=False):
        published = PublicDisclosureEntry(date(2028, 1, 30), "paper", "Nature")
        case_id = submitted_case(engine, office.inventor, public_disclosures=[published])
    assert case_id
