"""Drafts of the disclosure form (issue #16, items 4 and 11): a draft keeps what is typed, a share
may wait, and every problem of the form is named at once."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from tests.clock import TODAY
from tests.factories import complete_form, make_actor, submitted_case
from tlo.audit import AuditEntry
from tlo.auth.models import Role
from tlo.db import unit_of_work
from tlo.disclosures import intake
from tlo.disclosures.intake import DisclosureForm, FundingEntry, InventorEntry
from tlo.disclosures.intake import PublicDisclosureEntry as Public
from tlo.disclosures.models import Disclosure, DisclosureInventor, ShareHistory
from tlo.errors import DomainError, FormErrors, PermissionDenied, ValidationError


def save(engine, actor, form, disclosure_id=None):
    with unit_of_work(engine) as session:
        return intake.save_draft(session, actor=actor, form=form, disclosure_id=disclosure_id).id


def reopen(engine, actor, disclosure_id) -> DisclosureForm:
    with unit_of_work(engine) as session:
        return intake.open_draft(session, actor=actor, disclosure_id=disclosure_id)


def refusal(engine, actor, form, disclosure_id=None) -> FormErrors:
    with pytest.raises(FormErrors) as raised:
        save(engine, actor, form, disclosure_id)
    return raised.value


def by_field(errors: FormErrors) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in errors.problems:
        for path in problem.fields or ("",):
            found.setdefault(path, []).append(problem.message)
    return found


@pytest.fixture
def pair(engine):
    return make_actor(engine, Role.INVENTOR, name="Alice Chen"), make_actor(
        engine, Role.INVENTOR, name="Benjamin Okafor"
    )


def test_a_draft_keeps_a_share_that_is_not_a_number_yet_and_everything_else(engine, pair):
    alice, ben = pair
    form = complete_form(
        (alice.person_id, "60"),
        (ben.person_id, "ask Ben"),
        abstract="Microcapsules of resin repair erosion cracks.",
        funding=[FundingEntry("NSF", "CMMI-1", True, "NSF")],
        public_disclosures=[Public(TODAY + timedelta(days=90), "talk", "Wind Europe")],
    )
    draft_id = save(engine, alice, form)
    again = reopen(engine, alice, draft_id)
    assert [(e.person_id, str(e.share)) for e in again.inventors] == [
        (alice.person_id, "60.00"),
        (ben.person_id, ""),  # open: not a number yet
    ]
    assert again.abstract == "Microcapsules of resin repair erosion cracks."
    assert again.funding == [FundingEntry("NSF", "CMMI-1", True, "NSF")]
    assert again.public_disclosures == [Public(TODAY + timedelta(days=90), "talk", "Wind Europe")]


@pytest.mark.parametrize("typed", ["", "  ", "tbd", "50,5", "NaN", "about half"])
def test_a_share_not_decided_yet_does_not_stop_a_draft(engine, pair, typed):
    alice, ben = pair
    draft_id = save(engine, alice, complete_form((alice.person_id, "50"), (ben.person_id, typed)))
    with unit_of_work(engine) as session:
        stored = dict(
            session.exec(
                select(DisclosureInventor.person_id, DisclosureInventor.share_bp).where(
                    DisclosureInventor.disclosure_id == draft_id
                )
            ).all()
        )
    assert stored == {alice.person_id: 5000, ben.person_id: 0}


def test_shares_that_do_not_add_up_yet_are_saved_and_submission_says_so(engine, pair):
    alice, ben = pair
    draft_id = save(engine, alice, complete_form((alice.person_id, "50"), (ben.person_id, "40")))
    with pytest.raises(FormErrors) as raised, unit_of_work(engine) as session:
        intake.submit(session, actor=alice, disclosure_id=draft_id)
    (problem,) = raised.value.problems
    assert problem.message == "Inventor shares add up to 90 %; they must add up to 100 %."
    assert problem.fields == ("inventors.0.share", "inventors.1.share")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "The share of Benjamin Okafor must be above 0 %"),
        ("150", "The share of Benjamin Okafor must be between 0 % and 100 %, not 150."),
        ("-5", "must be between 0 % and 100 %"),
        ("33.333", "The share of Benjamin Okafor has at most two decimals."),
        ("5" * 41, "is 41 characters long"),
    ],
)
def test_a_number_that_cannot_be_a_share_is_refused_even_in_a_draft(engine, pair, typed, message):
    alice, ben = pair
    errors = refusal(engine, alice, complete_form((alice.person_id, "50"), (ben.person_id, typed)))
    assert list(by_field(errors)) == ["inventors.1.share"]
    assert message in errors.problems[0].message


def test_every_problem_of_a_draft_is_named_at_once_and_nothing_is_written(engine, pair):
    alice, ben = pair
    draft_id = save(engine, alice, complete_form((alice.person_id, "100"), title="First title"))
    bad = complete_form(
        (alice.person_id, "100"),
        (ben.person_id, "0"),
        title="T" * 301,
        keywords="one\nline",
        funding=[FundingEntry("NSF", "1", True, ""), FundingEntry("", "2")],
        public_disclosures=[Public(TODAY, None, "Nature")],
    )
    errors = refusal(engine, alice, bad, draft_id)
    assert by_field(errors) == {
        "title": ["The title is 301 characters long; shorten it to 300 characters at most."],
        "keywords": ["The keywords is one line: remove the tab or line break."],
        "funding.0": ["Name the federal agency of the funding from NSF."],
        "funding.1": ["Each funding source needs its sponsor."],
        "public_disclosures.0": [
            "Choose the kind of public disclosure (paper, talk, poster, thesis, abstract, "
            "grant proposal, website, other)."
        ],
        "inventors.1.share": [
            "The share of Benjamin Okafor must be above 0 %; leave out who did not contribute."
        ],
    }
    assert str(errors).count("\n\n") == 5  # one paragraph each, for pages that show it whole
    assert reopen(engine, alice, draft_id).title == "First title"


def test_a_draft_needs_a_title_whatever_else_is_wrong(engine, pair):
    alice, _ = pair
    errors = refusal(engine, alice, complete_form((alice.person_id, "x"), title=" ", stage="?"))
    assert by_field(errors) == {
        "title": ["Give the disclosure a title (you can change it later)."],
        "stage": [
            "'?' is not a stage of development; choose one of: Concept, Proof of concept (lab "
            "data), Prototype, Validated in relevant setting, Ready for product development."
        ],
    }


def test_submission_names_everything_still_missing_at_once(engine, pair):
    alice, ben = pair
    draft_id = save(
        engine,
        alice,
        DisclosureForm(
            title="Just a title",
            inventors=[InventorEntry(alice.person_id, "60"), InventorEntry(ben.person_id, "")],
            public_disclosures=[Public(TODAY + timedelta(days=6 * 366), "paper", "Nature")],
        ),
    )
    with unit_of_work(engine) as session:
        waiting = intake.check_submission(session, actor=alice, disclosure_id=draft_id)
    assert [(p.fields, p.message) for p in waiting] == [
        (
            ("abstract", "description", "problem_and_advantages"),
            "Before submitting, add an abstract, the detailed description, the problem solved "
            "and its advantages.",
        ),
        (("stage",), "Before submitting, choose the stage of development."),
        (
            ("inventors.1.share",),
            "The share of Benjamin Okafor is not a percentage yet: give it in percent, "
            "e.g. 50 or 33.33.",
        ),
        (
            ("public_disclosures.0",),
            f"The public disclosure on {TODAY + timedelta(days=6 * 366)} is more than five "
            "years away; check its date.",
        ),
    ]
    assert waiting[0].note == "Needed before submitting."
    with pytest.raises(FormErrors) as raised, unit_of_work(engine) as session:
        intake.submit(session, actor=alice, disclosure_id=draft_id)
    assert raised.value.problems == waiting
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, draft_id).status == "draft"


def test_a_complete_draft_has_nothing_waiting_and_submits(engine, pair):
    alice, ben = pair
    draft_id = save(engine, alice, complete_form((alice.person_id, "50"), (ben.person_id, "")))
    save(engine, alice, complete_form((alice.person_id, "50"), (ben.person_id, "50")), draft_id)
    with unit_of_work(engine) as session:
        assert intake.check_submission(session, actor=alice, disclosure_id=draft_id) == ()
        assert intake.submit(session, actor=alice, disclosure_id=draft_id).docket
    with unit_of_work(engine) as session:
        assert intake.check_submission(session, actor=alice, disclosure_id=draft_id) == ()


def test_someone_else_cannot_open_or_check_a_draft_and_a_submitted_case_is_not_a_draft(
    engine, pair
):
    alice, ben = pair
    draft_id = save(engine, alice, complete_form((alice.person_id, "100")))
    with unit_of_work(engine) as session:
        with pytest.raises(PermissionDenied):
            intake.open_draft(session, actor=ben, disclosure_id=draft_id)
        with pytest.raises(PermissionDenied):
            intake.check_submission(session, actor=ben, disclosure_id=draft_id)
    case_id = submitted_case(engine, alice)
    with pytest.raises(ValidationError, match="has been submitted: see it in My disclosures"):
        reopen(engine, alice, case_id)


def test_a_save_that_changes_nothing_writes_nothing_and_a_change_audits_only_itself(engine, pair):
    alice, _ = pair
    form = complete_form((alice.person_id, "100"))
    draft_id = save(engine, alice, form)

    def entries():
        with unit_of_work(engine) as session:
            return session.exec(
                select(AuditEntry.action, AuditEntry.before, AuditEntry.after)
                .where(AuditEntry.object_type == "disclosure")
                .order_by(AuditEntry.id)
            ).all()

    save(engine, alice, form, draft_id)
    assert [action for action, _, _ in entries()] == ["disclosure.draft_created"]
    save(engine, alice, complete_form((alice.person_id, "100"), title="Better title"), draft_id)
    action, before, after = entries()[-1]
    assert action == "disclosure.draft_saved"
    assert before == {"title": "Low-power neural accelerator for edge devices"}
    assert after == {"title": "Better title"}


def test_a_drafts_share_edits_make_no_share_versions(engine, pair):
    alice, ben = pair
    draft_id = save(engine, alice, complete_form((alice.person_id, "100")))
    for shares in (("50", ""), ("50", "40"), ("60", "40")):
        form = complete_form((alice.person_id, shares[0]), (ben.person_id, shares[1]))
        save(engine, alice, form, draft_id)
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, draft_id).share_version == 1
        history = session.exec(
            select(ShareHistory.version, ShareHistory.person_id, ShareHistory.share_bp)
            .where(ShareHistory.disclosure_id == draft_id)
            .order_by(ShareHistory.person_id)
        ).all()
    assert history == [(1, alice.person_id, 6000), (1, ben.person_id, 4000)]


def test_public_disclosures_come_back_in_the_order_they_were_listed(engine, pair):
    alice, _ = pair
    listed = [Public(date(2026, 9, 1), "paper", "Later"), Public(date(2025, 1, 1), "talk", "Early")]
    draft_id = save(
        engine, alice, complete_form((alice.person_id, "100"), public_disclosures=listed)
    )
    assert [p.venue for p in reopen(engine, alice, draft_id).public_disclosures] == [
        "Later",
        "Early",
    ]


def test_a_public_disclosure_to_add_needs_its_kind_chosen_and_its_date(engine):
    with pytest.raises(FormErrors) as raised:
        intake.check_public_disclosure(disclosed_on=None, kind=None, venue="x" * 301)
    assert {problem.fields for problem in raised.value.problems} == {
        ("disclosed_on",),
        ("kind",),
        ("venue",),
    }
    assert raised.value.problems[1].message.startswith("Choose the kind of public disclosure")
    entry = intake.check_public_disclosure(disclosed_on=TODAY, kind="poster", venue=" ACS ")
    assert entry == Public(TODAY, "poster", "ACS")


ANYTHING = st.one_of(
    st.sampled_from(["paper", "talk", " Nature ", "33.33", "100", "0", "12 %"]),
    st.none(),
    st.text(max_size=400),
    st.integers(),
    st.dates(),
    st.datetimes(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.floats(allow_nan=True),
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(disclosed_on=ANYTHING, kind=ANYTHING, venue=ANYTHING)
def test_a_public_disclosure_to_add_is_refused_only_with_a_domain_error(disclosed_on, kind, venue):
    try:
        entry = intake.check_public_disclosure(disclosed_on=disclosed_on, kind=kind, venue=venue)
    except DomainError:
        return
    assert isinstance(entry.disclosed_on, date) and entry.kind == kind
    typed = (venue or "").replace("\r\n", "\n").replace("\r", "\n")
    assert isinstance(venue, str | None) and entry.venue == typed.strip()


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(share=ANYTHING)
def test_whatever_is_typed_as_a_share_a_draft_saves_or_refuses_with_a_domain_error(
    engine, pair, share
):
    alice, ben = pair
    with unit_of_work(engine) as session:
        before = session.exec(select(func.count()).select_from(DisclosureInventor)).one()
    try:
        save(engine, alice, complete_form((alice.person_id, "50"), (ben.person_id, share)))
    except DomainError:
        with unit_of_work(engine) as session:
            after = session.exec(select(func.count()).select_from(DisclosureInventor)).one()
        assert after == before
