"""Answers to a share other than confirming it oneself (issue #16, item 6), on a real database:
an inventor disputes their share; the case's officer records an outside co-inventor's
confirmation or dispute with the evidence, and resolves disputes (shares changed, or the
dispute withdrawn); the officer's home and the inventor's count follow."""

from dataclasses import dataclass

import pytest
from sqlmodel import select

from tests.factories import case_approved_for_filing, make_actor, submitted_case
from tlo.audit import AuditEntry
from tlo.auth.models import Role
from tlo.auth.permissions import system_actor
from tlo.db import unit_of_work
from tlo.disclosures import attachments, intake, shares
from tlo.disclosures.intake import InventorEntry
from tlo.disclosures.models import Attachment, Disclosure, DisclosureInventor, ShareResponse
from tlo.disclosures.shares import ShareState
from tlo.errors import PermissionDenied, ValidationError
from tlo.people import services as people
from tlo.reports import home

PDF = b"%PDF-1.4 Henrik Larsen confirms his 20 % share."


@dataclass
class Case:
    id: int
    bob: object  # a co-inventor who signs in
    henrik: int  # an outside co-inventor (NovaGen Biologics)


@pytest.fixture
def case(engine, office) -> Case:
    """Alice 50 % (submitted it), Bob 30 %, Henrik 20 % (outside); Olivia is its officer."""
    bob = make_actor(engine, Role.INVENTOR, name="Bob Okafor")
    with unit_of_work(engine) as session:
        henrik = people.add_external_person(
            session,
            actor=system_actor("tests"),
            full_name="Henrik Larsen",
            email="henrik@novagen.example",
            organisation="NovaGen Biologics",
        ).id
    case_id = case_approved_for_filing(
        engine,
        office,
        (office.inventor.person_id, "50"),
        (bob.person_id, "30"),
        (henrik, "20"),
    )
    return Case(case_id, bob, henrik)


def standings(engine, actor, case_id) -> dict[str, shares.ShareStanding]:
    with unit_of_work(engine) as session:
        return {
            s.name: s for s in shares.share_standings(session, actor=actor, disclosure_id=case_id)
        }


def waiting_for(engine, officer) -> list[tuple[str, str]]:
    with unit_of_work(engine) as session:
        return [(w.reason.value, w.title) for w in home.disclosures_waiting(session, actor=officer)]


def actions(engine, case_id) -> list[str]:
    with unit_of_work(engine) as session:
        return list(
            session.exec(
                select(AuditEntry.action)
                .where(AuditEntry.object_type == "disclosure", AuditEntry.object_id == str(case_id))
                .order_by(AuditEntry.id)
            ).all()
        )


def test_an_inventor_disputes_their_share_and_it_waits_for_the_officer(engine, office, case):
    with unit_of_work(engine) as session:
        assert home.shares_to_confirm(session, actor=case.bob) == 1
        shares.dispute_share(
            session, actor=case.bob, disclosure_id=case.id, reason="I wrote half the code: 40 %."
        )
    with unit_of_work(engine) as session:
        assert home.shares_to_confirm(session, actor=case.bob) == 0  # waits for the office now
        assert shares.disputed_by_me(session, actor=case.bob) == {case.id}
        assert shares.disputed_by_me(session, actor=office.inventor) == set()
    seen_by_officer = standings(engine, office.officer, case.id)
    assert seen_by_officer["Bob Okafor"].state is ShareState.DISPUTED
    assert seen_by_officer["Bob Okafor"].note == "I wrote half the code: 40 %."
    assert seen_by_officer["Alice Chen"].state is ShareState.CONFIRMED  # she submitted it
    assert seen_by_officer["Henrik Larsen"].state is ShareState.AWAITING
    assert seen_by_officer["Henrik Larsen"].answers_through_office
    assert not seen_by_officer["Bob Okafor"].answers_through_office
    # A co-inventor sees that the share is disputed, not why; Bob sees his own reason.
    seen_by_alice = standings(engine, office.inventor, case.id)
    assert seen_by_alice["Bob Okafor"].state is ShareState.DISPUTED
    assert seen_by_alice["Bob Okafor"].note is None
    assert standings(engine, case.bob, case.id)["Bob Okafor"].note.startswith("I wrote half")
    assert ("dispute", "Low-power neural accelerator for edge devices") in waiting_for(
        engine, office.officer
    )
    assert not [w for w in waiting_for(engine, office.other_officer) if w[0] == "dispute"]
    assert actions(engine, case.id)[-1] == "disclosure.share_disputed"


def test_a_dispute_is_refused_without_a_reason_or_once_the_share_is_answered(engine, office, case):
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationError, match="Give the reason you dispute your share"):
            shares.dispute_share(session, actor=case.bob, disclosure_id=case.id, reason="  ")
        with pytest.raises(ValidationError, match="Your share is confirmed already"):
            shares.dispute_share(session, actor=office.inventor, disclosure_id=case.id, reason="x")
        with pytest.raises(PermissionDenied):  # the officer answers only for outside people
            shares.dispute_share(session, actor=office.officer, disclosure_id=case.id, reason="x")
        shares.dispute_share(session, actor=case.bob, disclosure_id=case.id, reason="Too low")
    with (
        unit_of_work(engine) as session,
        pytest.raises(ValidationError, match="Your share is disputed already"),
    ):
        shares.dispute_share(session, actor=case.bob, disclosure_id=case.id, reason="Again")
    stranger = make_actor(engine, Role.INVENTOR)
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        shares.dispute_share(session, actor=stranger, disclosure_id=case.id, reason="Mine!")


def test_a_draft_share_is_not_disputed(engine, office):
    bob = make_actor(engine, Role.INVENTOR)
    with unit_of_work(engine) as session:
        draft = intake.save_draft(
            session,
            actor=office.inventor,
            form=intake.DisclosureForm(
                title="A draft",
                inventors=[
                    InventorEntry(office.inventor.person_id, "50"),
                    InventorEntry(bob.person_id, "50"),
                ],
            ),
        )
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="once the"):
        shares.dispute_share(session, actor=bob, disclosure_id=draft.id, reason="Too low")


def test_confirming_after_all_closes_the_inventors_own_dispute(engine, office, case):
    with unit_of_work(engine) as session:
        shares.dispute_share(session, actor=case.bob, disclosure_id=case.id, reason="Too low")
    with unit_of_work(engine) as session:
        intake.confirm_share(session, actor=case.bob, disclosure_id=case.id)
    assert standings(engine, office.officer, case.id)["Bob Okafor"].state is ShareState.CONFIRMED
    assert not [w for w in waiting_for(engine, office.officer) if w[0] == "dispute"]
    with unit_of_work(engine) as session:
        dispute = session.exec(select(ShareResponse)).one()
    assert (dispute.resolution, dispute.resolved_by_name) == ("confirmed", "Bob Okafor")
    assert actions(engine, case.id)[-2:] == [
        "disclosure.share_dispute_closed",
        "disclosure.share_confirmed",
    ]


def test_the_officer_resolves_a_dispute_by_changing_the_shares_and_all_confirm_again(
    engine, office, case
):
    with unit_of_work(engine) as session:
        shares.dispute_share(session, actor=case.bob, disclosure_id=case.id, reason="40 %")
    same = [
        InventorEntry(office.inventor.person_id, "50"),
        InventorEntry(case.bob.person_id, "30"),
        InventorEntry(case.henrik, "20"),
    ]
    with unit_of_work(engine) as session:  # the same shares again change nothing
        assert (
            intake.change_shares(
                session, actor=office.officer, disclosure_id=case.id, inventors=same
            )
            is False
        )
    assert standings(engine, office.officer, case.id)["Bob Okafor"].state is ShareState.DISPUTED
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        intake.change_shares(
            session, actor=office.other_officer, disclosure_id=case.id, inventors=same
        )
    changed = [
        InventorEntry(office.inventor.person_id, "40"),
        InventorEntry(case.bob.person_id, "40"),
        InventorEntry(case.henrik, "20"),
    ]
    with unit_of_work(engine) as session:
        assert intake.change_shares(
            session, actor=office.officer, disclosure_id=case.id, inventors=changed
        )
    now = standings(engine, office.officer, case.id)
    assert {name: s.state for name, s in now.items()} == dict.fromkeys(
        ["Alice Chen", "Bob Okafor", "Henrik Larsen"], ShareState.AWAITING
    )
    assert now["Bob Okafor"].share == 40
    assert not [w for w in waiting_for(engine, office.officer) if w[0] == "dispute"]
    with unit_of_work(engine) as session:
        dispute = session.exec(select(ShareResponse)).one()
        version = session.get(Disclosure, case.id).share_version
        assert home.shares_to_confirm(session, actor=case.bob) == 1
    assert (dispute.resolution, dispute.share_version, version) == ("shares_changed", 1, 2)
    # Bob may dispute the new share again: an answer is to one share version.
    with unit_of_work(engine) as session:
        shares.dispute_share(session, actor=case.bob, disclosure_id=case.id, reason="Still")
    assert standings(engine, office.officer, case.id)["Bob Okafor"].state is ShareState.DISPUTED


def test_the_officer_records_a_dispute_withdrawn_with_a_note(engine, office, case):
    with unit_of_work(engine) as session:
        shares.dispute_share(session, actor=case.bob, disclosure_id=case.id, reason="Too low")
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationError, match="Give the note of how the dispute was settled"):
            shares.withdraw_dispute(
                session,
                actor=office.officer,
                disclosure_id=case.id,
                person_id=case.bob.person_id,
                note="",
            )
        for someone in (office.other_officer, case.bob, office.inventor):
            with pytest.raises(PermissionDenied):
                shares.withdraw_dispute(
                    session,
                    actor=someone,
                    disclosure_id=case.id,
                    person_id=case.bob.person_id,
                    note="Agreed",
                )
        with pytest.raises(ValidationError, match="not disputed"):
            shares.withdraw_dispute(
                session,
                actor=office.officer,
                disclosure_id=case.id,
                person_id=case.henrik,
                note="Agreed",
            )
        shares.withdraw_dispute(
            session,
            actor=office.officer,
            disclosure_id=case.id,
            person_id=case.bob.person_id,
            note="Bob agreed to 30 % at the meeting of 3 December.",
        )
    # The share stands, and waits for Bob to confirm it.
    assert standings(engine, office.officer, case.id)["Bob Okafor"].state is ShareState.AWAITING
    with unit_of_work(engine) as session:
        dispute = session.exec(select(ShareResponse)).one()
        assert home.shares_to_confirm(session, actor=case.bob) == 1
    assert (dispute.resolution, dispute.resolved_by_name) == ("withdrawn", "Olivia Ortega")
    assert dispute.resolution_note.startswith("Bob agreed")
    assert actions(engine, case.id)[-1] == "disclosure.share_dispute_closed"


def test_the_officer_records_an_outside_co_inventors_confirmation_with_a_note(engine, office, case):
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationError, match="Record the evidence"):
            shares.confirm_share_for(
                session, actor=office.officer, disclosure_id=case.id, person_id=case.henrik
            )
        with pytest.raises(PermissionDenied):
            shares.confirm_share_for(
                session,
                actor=office.other_officer,
                disclosure_id=case.id,
                person_id=case.henrik,
                note="By phone",
            )
        with pytest.raises(PermissionDenied):
            shares.confirm_share_for(
                session,
                actor=case.bob,
                disclosure_id=case.id,
                person_id=case.henrik,
                note="He told me",
            )
        with pytest.raises(ValidationError, match="Bob Okafor signs in to tlo"):
            shares.confirm_share_for(
                session,
                actor=office.officer,
                disclosure_id=case.id,
                person_id=case.bob.person_id,
                note="He said so",
            )
        shares.confirm_share_for(
            session,
            actor=office.officer,
            disclosure_id=case.id,
            person_id=case.henrik,
            note="Confirmed by phone on 2 December.",
        )
    henrik = standings(engine, office.officer, case.id)["Henrik Larsen"]
    assert henrik.state is ShareState.CONFIRMED_FOR and henrik.confirmed_at is not None
    assert (henrik.recorded_by, henrik.note, henrik.attachment_id) == (
        "Olivia Ortega",
        "Confirmed by phone on 2 December.",
        None,
    )
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="confirmed already"):
        shares.confirm_share_for(
            session, actor=office.officer, disclosure_id=case.id, person_id=case.henrik, note="x"
        )
    assert actions(engine, case.id)[-1] == "disclosure.share_confirmed_for"


def test_a_file_as_evidence_is_attached_to_the_case(engine, office, case, tmp_path, monkeypatch):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    with unit_of_work(engine) as session:
        with pytest.raises(ValidationError, match=r"is not really a \.pdf file"):
            shares.confirm_share_for(
                session,
                actor=office.officer,
                disclosure_id=case.id,
                person_id=case.henrik,
                evidence_name="email.pdf",
                evidence=b"MZ not a pdf",
            )
        assert session.exec(select(Attachment)).all() == []  # refused: nothing written
        shares.confirm_share_for(
            session,
            actor=office.director,  # the director may answer for anyone's case
            disclosure_id=case.id,
            person_id=case.henrik,
            evidence_name="henrik-email.pdf",
            evidence=PDF,
        )
    henrik = standings(engine, office.officer, case.id)["Henrik Larsen"]
    assert henrik.state is ShareState.CONFIRMED_FOR
    assert (henrik.attachment_name, henrik.note, henrik.recorded_by) == (
        "henrik-email.pdf",
        "",
        "Diane Whitfield",
    )
    with unit_of_work(engine) as session:
        stored = attachments.read_attachment(
            session, actor=office.officer, attachment_id=henrik.attachment_id
        )
    assert stored.content == PDF
    # Alice, his co-inventor, sees that it is confirmed, not the evidence.
    seen_by_alice = standings(engine, office.inventor, case.id)["Henrik Larsen"]
    assert seen_by_alice.state is ShareState.CONFIRMED_FOR and seen_by_alice.attachment_id is None


def test_the_officer_records_an_outside_co_inventors_dispute_then_their_confirmation(
    engine, office, case
):
    with unit_of_work(engine) as session:
        shares.dispute_share_for(
            session,
            actor=office.officer,
            disclosure_id=case.id,
            person_id=case.henrik,
            reason="E-mail of 1 December: he asks for 30 %.",
        )
    assert standings(engine, office.officer, case.id)["Henrik Larsen"].state is ShareState.DISPUTED
    assert ("dispute", "Low-power neural accelerator for edge devices") in waiting_for(
        engine, office.officer
    )
    with unit_of_work(engine) as session:
        shares.confirm_share_for(
            session,
            actor=office.officer,
            disclosure_id=case.id,
            person_id=case.henrik,
            note="He accepted 20 % by e-mail of 4 December.",
        )
    assert (
        standings(engine, office.officer, case.id)["Henrik Larsen"].state
        is ShareState.CONFIRMED_FOR
    )
    assert not [w for w in waiting_for(engine, office.officer) if w[0] == "dispute"]
    with unit_of_work(engine) as session:
        kinds = [
            (r.kind, r.resolution, r.on_behalf)
            for r in session.exec(select(ShareResponse).order_by(ShareResponse.id)).all()
        ]
    assert kinds == [("disputed", "confirmed", True), ("confirmed_for", None, True)]


def test_an_inventor_of_ours_without_an_account_is_answered_for_by_the_officer(engine, office):
    with unit_of_work(engine) as session:
        carol = people.create_person(
            session, actor=system_actor("tests"), full_name="Carol Diaz", email="carol@u.example"
        ).id
    case_id = submitted_case(
        engine, office.inventor, (office.inventor.person_id, "70"), (carol, "30")
    )
    with unit_of_work(engine) as session:
        shares.confirm_share_for(
            session,
            actor=office.director,
            disclosure_id=case_id,
            person_id=carol,
            note="Signed the share form at the office.",
        )
        confirmed = session.exec(
            select(DisclosureInventor.confirmed_at).where(DisclosureInventor.person_id == carol)
        ).one()
    assert confirmed is not None
