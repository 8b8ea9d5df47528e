"""Signing a disclosure (issue #18), on a real database: each inventor signs by typing their
name, the PI signs off when not an inventor, a signature holds for the content it signed and
an edit of that content asks for signatures again."""

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from tests.factories import complete_form, make_actor, submitted_case
from tlo import audit
from tlo.audit import AuditEntry, AuditFilters
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.disclosures import intake, queries, signatures
from tlo.disclosures.intake import FundingEntry, InventorEntry, PublicDisclosureEntry
from tlo.disclosures.models import Disclosure
from tlo.disclosures.signatures import (
    STATEMENTS,
    DisclosureSignature,
    SignatureRole,
    SignedContent,
    SignerState,
)
from tlo.errors import NotFound, PermissionDenied, ValidationError


@pytest.fixture
def bob(engine):
    return make_actor(engine, Role.INVENTOR, name="Bob Okafor")


@pytest.fixture
def case_id(engine, office, bob) -> int:
    """Alice Chen 60 % (submitted it) and Bob Okafor 40 %."""
    return submitted_case(
        engine, office.inventor, (office.inventor.person_id, "60"), (bob.person_id, "40")
    )


def sign(engine, actor, case_id, typed_name=None):
    with unit_of_work(engine) as session:
        return signatures.sign(
            session, actor=actor, disclosure_id=case_id, typed_name=typed_name or actor.name
        )


def status(engine, actor, case_id):
    with unit_of_work(engine) as session:
        return signatures.status(session, actor=actor, disclosure_id=case_id)


def names(standings) -> list[str]:
    return [standing.name for standing in standings]


def stored(engine, case_id) -> list[DisclosureSignature]:
    with unit_of_work(engine) as session:
        return list(
            session.exec(
                select(DisclosureSignature)
                .where(DisclosureSignature.disclosure_id == case_id)
                .order_by(DisclosureSignature.id)
            ).all()
        )


def change_shares(engine, office, case_id, *shares):
    with unit_of_work(engine) as session:
        intake.change_shares(
            session,
            actor=office.director,
            disclosure_id=case_id,
            inventors=[InventorEntry(person_id, share) for person_id, share in shares],
        )


def test_an_inventor_signs_the_disclosure_as_it_stands(engine, office, bob, case_id):
    outcome = sign(engine, office.inventor, case_id)

    assert not outcome.already_signed
    assert outcome.message == "Thank you: your signature is recorded."
    now = status(engine, office.officer, case_id)
    assert names(now.signed) == ["Alice Chen"]
    assert names(now.to_sign) == ["Bob Okafor"]
    assert now.signed_earlier_only == []
    [row] = stored(engine, case_id)
    assert row.person_id == office.inventor.person_id
    assert row.role == "inventor"
    assert row.typed_name == "Alice Chen"
    assert row.statement == ("I have read this disclosure and my contribution is correctly stated.")
    assert row.account_id == office.inventor.account_id
    assert row.content_sha256 == now.current_sha256
    assert len(row.content_sha256) == 64
    [line] = now.signatures
    assert (line.name, line.valid, line.signed_by) == ("Alice Chen", True, office.inventor.username)
    with unit_of_work(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.action == "disclosure.signed")
        ).one()
    assert entry.object_id == str(case_id)
    assert entry.after["content_sha256"] == row.content_sha256
    assert entry.after["typed_name"] == "Alice Chen"
    with unit_of_work(engine) as session:
        page = audit.list_entries(session, actor=office.director, filters=AuditFilters())
        docket = session.get(Disclosure, case_id).docket
    assert f"Alice Chen signed {docket}, typing “Alice Chen”" in [e.sentence for e in page.items]


def test_capitals_and_spacing_of_the_typed_name_do_not_matter(engine, office, case_id):
    sign(engine, office.inventor, case_id, "  alice   CHEN ")

    [row] = stored(engine, case_id)
    assert row.typed_name == "alice   CHEN"  # kept as typed, trimmed


@pytest.mark.parametrize("typed", ["Alicia Chen", "Chen Alice", "A. Chen"])
def test_a_name_other_than_the_directorys_is_refused(engine, office, case_id, typed):
    with pytest.raises(ValidationError, match="is not your name in the directory, “Alice Chen”"):
        sign(engine, office.inventor, case_id, typed)

    assert stored(engine, case_id) == []


@pytest.mark.parametrize("typed", ["", "   ", "Alice\x00Chen", 42, "A" * 201])
def test_a_typed_name_that_is_no_name_is_refused(engine, office, case_id, typed):
    with unit_of_work(engine) as session, pytest.raises(ValidationError):
        signatures.sign(session, actor=office.inventor, disclosure_id=case_id, typed_name=typed)

    assert stored(engine, case_id) == []


def test_someone_not_an_inventor_of_the_case_may_not_sign(engine, office, case_id):
    carol = make_actor(engine, Role.INVENTOR, name="Carol Diaz")

    with pytest.raises(PermissionDenied):  # she may not even read it
        sign(engine, carol, case_id)
    with pytest.raises(PermissionDenied):  # staff read the case but sign nothing
        sign(engine, office.officer, case_id)
    with pytest.raises(PermissionDenied):
        sign(engine, office.director, case_id)
    assert stored(engine, case_id) == []


def test_an_inventor_signs_only_for_themselves(engine, office, bob, case_id):
    with pytest.raises(ValidationError, match="is not your name in the directory"):
        sign(engine, office.inventor, case_id, "Bob Okafor")

    assert names(status(engine, office.officer, case_id).to_sign) == ["Alice Chen", "Bob Okafor"]


def test_the_submitter_who_is_not_an_inventor_does_not_sign(engine, office, bob):
    """An officer entering a disclosure for inventors owns it, yet is no inventor of it."""
    entering = make_actor(engine, Role.INVENTOR, name="Erin Submitter")
    case = submitted_case(engine, entering, (entering.person_id, "50"), (bob.person_id, "50"))
    change_shares(engine, office, case, (bob.person_id, "100"))

    with pytest.raises(ValidationError, match="Only the inventors of this disclosure"):
        sign(engine, entering, case)


def test_signing_again_an_unchanged_version_changes_nothing(engine, office, case_id):
    first = sign(engine, office.inventor, case_id)
    again = sign(engine, office.inventor, case_id)

    assert again.already_signed
    assert "already signed this version" in again.message
    assert again.signature.id == first.signature.id
    assert len(stored(engine, case_id)) == 1


def test_a_draft_is_signed_only_once_submitted(engine, office):
    with unit_of_work(engine) as session:
        draft = intake.save_draft(
            session, actor=office.inventor, form=complete_form((office.inventor.person_id, "100"))
        )
    with pytest.raises(ValidationError, match="once it has been submitted"):
        sign(engine, office.inventor, draft.id)
    assert status(engine, office.inventor, draft.id).awaits(office.inventor.person_id) is None


def test_an_edit_after_signing_asks_for_signatures_again(engine, office, bob, case_id):
    sign(engine, office.inventor, case_id)
    sign(engine, bob, case_id)
    signed_before = status(engine, office.officer, case_id)
    assert names(signed_before.signed) == ["Alice Chen", "Bob Okafor"]
    rows_before = stored(engine, case_id)

    change_shares(engine, office, case_id, (office.inventor.person_id, "50"), (bob.person_id, "50"))

    after_edit = status(engine, office.officer, case_id)
    assert after_edit.current_sha256 != signed_before.current_sha256
    assert after_edit.signed == []
    assert names(after_edit.signed_earlier_only) == ["Alice Chen", "Bob Okafor"]
    assert names(after_edit.to_sign) == ["Alice Chen", "Bob Okafor"]
    assert [line.valid for line in after_edit.signatures] == [False, False]
    assert after_edit.awaits(bob.person_id).state is SignerState.SIGNED_EARLIER
    assert stored(engine, case_id) == rows_before  # no row edited: validity is computed

    resigned = sign(engine, office.inventor, case_id)

    assert not resigned.already_signed
    now = status(engine, office.officer, case_id)
    assert names(now.signed) == ["Alice Chen"]
    assert names(now.signed_earlier_only) == ["Bob Okafor"]
    assert [(line.name, line.valid) for line in now.signatures] == [
        ("Alice Chen", True),
        ("Bob Okafor", False),
        ("Alice Chen", False),
    ]
    assert len({line.version for line in now.signatures}) == 2


def test_content_changed_back_is_signed_by_the_signatures_it_had(engine, office, bob, case_id):
    sign(engine, bob, case_id)
    change_shares(engine, office, case_id, (office.inventor.person_id, "50"), (bob.person_id, "50"))
    assert status(engine, office.officer, case_id).signed == []

    change_shares(engine, office, case_id, (office.inventor.person_id, "60"), (bob.person_id, "40"))

    assert names(status(engine, office.officer, case_id).signed) == ["Bob Okafor"]


def test_the_pi_signs_off_when_not_an_inventor(engine, office, bob):
    pat = make_actor(engine, Role.INVENTOR, name="Patricia Ibsen")
    case = submitted_case(
        engine,
        office.inventor,
        (office.inventor.person_id, "60"),
        (bob.person_id, "40"),
        pi_person_id=pat.person_id,
    )
    with unit_of_work(engine) as session:  # the PI finds the case among their own
        mine = queries.list_my_disclosures(session, actor=pat)
    assert [row.id for row in mine.items] == [case]
    before = status(engine, pat, case)
    assert [(s.name, s.role) for s in before.signers] == [
        ("Alice Chen", SignatureRole.INVENTOR),
        ("Bob Okafor", SignatureRole.INVENTOR),
        ("Patricia Ibsen", SignatureRole.PI),
    ]
    assert before.awaits(pat.person_id).role is SignatureRole.PI
    assert before.pi_name == "Patricia Ibsen"

    sign(engine, pat, case, "patricia ibsen")

    [row] = stored(engine, case)
    assert (row.role, row.statement) == ("pi", STATEMENTS[SignatureRole.PI])
    assert names(status(engine, office.officer, case).signed) == ["Patricia Ibsen"]


def test_a_pi_who_is_an_inventor_signs_once_as_an_inventor(engine, office, bob):
    case = submitted_case(
        engine,
        office.inventor,
        (office.inventor.person_id, "60"),
        (bob.person_id, "40"),
        pi_person_id=bob.person_id,
    )
    before = status(engine, office.officer, case)
    assert [(s.name, s.role) for s in before.signers] == [
        ("Alice Chen", SignatureRole.INVENTOR),
        ("Bob Okafor", SignatureRole.INVENTOR),
    ]
    assert before.pi_name == "Bob Okafor"

    sign(engine, bob, case)
    again = sign(engine, bob, case)

    assert again.already_signed
    [row] = stored(engine, case)
    assert row.role == "inventor"


@pytest.mark.parametrize("pi", [999_999, "7", True, -1, 0, 2**40, 7.0])
def test_the_pi_is_a_person_of_the_directory(engine, office, pi):
    form = complete_form((office.inventor.person_id, "100"), pi_person_id=pi)
    with unit_of_work(engine) as session, pytest.raises(NotFound):
        intake.save_draft(session, actor=office.inventor, form=form)
    with unit_of_work(engine) as session:
        assert session.exec(select(Disclosure)).all() == []  # nothing half saved


def test_the_pi_is_kept_with_the_draft_and_can_be_taken_off(engine, office, bob):
    form = complete_form((office.inventor.person_id, "100"), pi_person_id=bob.person_id)
    with unit_of_work(engine) as session:
        draft_id = intake.save_draft(session, actor=office.inventor, form=form).id
    with unit_of_work(engine) as session:
        assert (
            intake.open_draft(session, actor=office.inventor, disclosure_id=draft_id).pi_person_id
            == bob.person_id
        )
        intake.save_draft(
            session,
            actor=office.inventor,
            form=replace(form, pi_person_id=None),
            disclosure_id=draft_id,
        )
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, draft_id).pi_person_id is None
        saved = session.exec(
            select(AuditEntry).where(AuditEntry.action == "disclosure.draft_saved")
        ).one()
    assert saved.before == {"pi_person_id": bob.person_id}
    assert saved.after == {"pi_person_id": None}


# --- what the hash covers ----------------------------------------------------------------------

FUNDING = FundingEntry("NIH", "R01-123", True, "NIH")
PUBLIC = PublicDisclosureEntry(date(2026, 3, 1), "paper", "Nature")


def full_form(bob_id: int, alice_id: int, **overrides):
    parts = {
        "applications": "Phones, hearing aids",
        "funding": [FUNDING],
        "public_disclosures": [PUBLIC],
        "answers": {"reduced_to_practice": "yes"},
    }
    return complete_form((alice_id, "60"), (bob_id, "40"), **(parts | overrides))


# Each part a signature covers, changed on the draft the way the form changes it.
COUNTED_CHANGES = {
    "title": {"title": "A different title"},
    "abstract": {"abstract": "Another abstract."},
    "description": {"description": "Another description."},
    "problem_and_advantages": {"problem_and_advantages": "Another advantage."},
    "stage": {"stage": "validated"},
    "keywords": {"keywords": "other, words"},
    "applications": {"applications": "Cars"},
    "funding sponsor": {"funding": [replace(FUNDING, sponsor="NSF", agency="NSF")]},
    "funding award": {"funding": [replace(FUNDING, award_number="R01-124")]},
    "funding federal": {"funding": [FundingEntry("NIH", "R01-123")]},
    "funding added": {"funding": [FUNDING, FundingEntry("Acme Corp")]},
    "public date": {"public_disclosures": [replace(PUBLIC, disclosed_on=date(2026, 3, 2))]},
    "public kind": {"public_disclosures": [replace(PUBLIC, kind="talk")]},
    "public venue": {"public_disclosures": [replace(PUBLIC, venue="Science")]},
    "public removed": {"public_disclosures": []},
    "type": {"disclosure_type": "software", "answers": {"repository": "https://example.org/x"}},
    "an answer": {"answers": {"prior_art": "Smith et al. 2019"}},
    "an answer changed": {"answers": {"reduced_to_practice": "no"}},
}


def draft_hash(engine, actor, draft_id) -> str:
    with unit_of_work(engine) as session:
        return signatures.current_sha256(session, session.get(Disclosure, draft_id))


@pytest.fixture
def draft(engine, office, bob):
    with unit_of_work(engine) as session:
        draft_id = intake.save_draft(
            session, actor=office.inventor, form=full_form(bob.person_id, office.inventor.person_id)
        ).id
    return draft_id


def save(engine, office, draft_id, form):
    with unit_of_work(engine) as session:
        intake.save_draft(session, actor=office.inventor, form=form, disclosure_id=draft_id)


@pytest.mark.parametrize("part", list(COUNTED_CHANGES))
def test_the_hash_changes_with_each_part_it_counts(engine, office, bob, draft, part):
    base = full_form(bob.person_id, office.inventor.person_id)
    before = draft_hash(engine, office.inventor, draft)

    save(engine, office, draft, replace(base, **COUNTED_CHANGES[part]))

    assert draft_hash(engine, office.inventor, draft) != before
    save(engine, office, draft, base)  # and back: the same content, the same hash
    assert draft_hash(engine, office.inventor, draft) == before


def test_the_hash_counts_the_inventors_their_shares_and_the_pi(engine, office, bob, draft):
    carol = make_actor(engine, Role.INVENTOR, name="Carol Diaz")
    alice = office.inventor.person_id
    base = full_form(bob.person_id, alice)
    before = draft_hash(engine, office.inventor, draft)
    for changed in (
        complete_form((alice, "50"), (bob.person_id, "50")),
        complete_form((alice, "60"), (carol.person_id, "40")),
        complete_form((alice, "60"), (bob.person_id, "30"), (carol.person_id, "10")),
    ):
        save(engine, office, draft, replace(base, inventors=changed.inventors))
        assert draft_hash(engine, office.inventor, draft) != before
    save(engine, office, draft, replace(base, pi_person_id=carol.person_id))
    with_pi = draft_hash(engine, office.inventor, draft)
    assert with_pi != before
    save(engine, office, draft, replace(base, pi_person_id=bob.person_id))
    assert draft_hash(engine, office.inventor, draft) not in (before, with_pi)


def test_the_hash_is_the_same_for_the_same_content(engine, office, bob, draft):
    alice = office.inventor.person_id
    base = full_form(bob.person_id, alice)
    before = draft_hash(engine, office.inventor, draft)
    with unit_of_work(engine) as session:  # another disclosure with the same content
        twin = intake.save_draft(session, actor=office.inventor, form=base).id
    assert draft_hash(engine, office.inventor, twin) == before

    # Listing the inventors in another order, or changing what the office's leads say, is
    # the same content as signed.
    save(
        engine,
        office,
        draft,
        replace(
            base,
            inventors=[InventorEntry(bob.person_id, "40"), InventorEntry(alice, "60")],
            potential_licensees="Acme",
            related_materials="Cell line HX-9",
        ),
    )
    assert draft_hash(engine, office.inventor, draft) == before


def content(**overrides) -> SignedContent:
    fields = dict.fromkeys(signatures.SIGNED_FIELDS, "text") | {"stage": "prototype"}
    values = {
        "fields": tuple(fields.items()),
        "inventors": frozenset({(1, 6000), (2, 4000)}),
        "funding": frozenset({("NIH", "R01", True, "NIH")}),
        "public_disclosures": frozenset({(date(2026, 3, 1), "paper", "Nature")}),
        "pi_person_id": None,
    }
    return SignedContent(**(values | overrides))


def test_the_canonical_serialisation_is_plain_sorted_json():
    assert signatures.canonical_content(content()) == (
        b'{"abstract":"text","answers":{},"applications":"text","description":"text",'
        b'"format":2,"funding":[["NIH","R01",true,"NIH"]],"inventors":[[1,6000],[2,4000]],'
        b'"keywords":"text","pi_person_id":null,"problem_and_advantages":"text",'
        b'"public_disclosures":[["2026-03-01","paper","Nature"]],"stage":"prototype",'
        b'"title":"text","type":"invention"}'
    )
    software = content(disclosure_type="software", answers=frozenset({("repository", "x")}))
    assert b'"answers":{"repository":"x"}' in signatures.canonical_content(software)
    assert signatures.content_sha256(software) != signatures.content_sha256(content())
    assert signatures.content_sha256(content()) == signatures.content_sha256(content())
    stage_none = content(fields=(*content().fields[:4], ("stage", None), *content().fields[5:]))
    assert signatures.content_sha256(stage_none) != signatures.content_sha256(content())
