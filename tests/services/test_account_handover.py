"""Deactivating an account says what its person still holds and hands it to another officer in
the same transaction (tlo/auth/handover.py), on both databases."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import select

from tests.clock import TODAY
from tests.factories import case_approved_for_filing, make_actor
from tlo import audit
from tlo.audit import AuditEntry
from tlo.auth import handover, sessions
from tlo.auth import services as accounts
from tlo.auth.models import Account, Role
from tlo.db import unit_of_work
from tlo.disclosures.models import Disclosure
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.licensing import agreements, outreach
from tlo.licensing.agreement_models import Agreement
from tlo.licensing.agreements import AgreementForm
from tlo.licensing.models import Outreach
from tlo.licensing.outreach import CompanyForm
from tlo.patents import services as patents
from tlo.patents.models import DocketItemRow
from tlo.patents.services import ApplicationForm

REASON = "Left the office on 30 November"


@pytest.fixture
def work(engine, office):
    """Olivia Ortega (office.officer) holds two open cases (one with a provisional, so with
    its conversion deadline), a closed case, a draft and an expired agreement, and one
    outreach; Adam Kowalski administers."""
    ids = {
        "filed": case_approved_for_filing(engine, office, title="Solid-state battery"),
        "evaluating": case_approved_for_filing(engine, office, title="Graphene sensor"),
        "closed": case_approved_for_filing(engine, office, title="Old idea"),
    }
    with unit_of_work(engine) as session:
        patents.add_application(
            session,
            actor=office.officer,
            disclosure_id=ids["filed"],
            form=ApplicationForm("US", "provisional", date(2026, 6, 1), "63/100,001"),
        )
        company = outreach.save_company(
            session, actor=office.officer, form=CompanyForm("VoltCell Inc.", "startup")
        )
        ids["company"] = company.id
        ids["outreach"] = outreach.start_outreach(
            session, actor=office.officer, disclosure_id=ids["filed"], company_id=company.id
        ).id
        for name in ("license", "expired"):
            ids[name] = agreements.save_agreement(
                session,
                actor=office.officer,
                form=AgreementForm(
                    agreement_type="exclusive_license",
                    company_id=company.id,
                    title=f"Exclusive license: battery ({name})",
                    technologies=[ids["filed"]],
                ),
            ).id
    with unit_of_work(engine) as session:  # past the services: only their status matters here
        session.exec(
            sa.update(Disclosure).where(Disclosure.id == ids["closed"]).values(status="closed")
        )
        session.exec(
            sa.update(Agreement).where(Agreement.id == ids["expired"]).values(status="expired")
        )
    ids["admin"] = make_actor(engine, Role.ADMIN, name="Adam Kowalski")
    return ids


def holdings_of(engine, actor, account_id) -> handover.Holdings:
    with unit_of_work(engine) as session:
        return handover.holdings(session, actor=actor, account_id=account_id, today=TODAY)


def officers_of(engine, model, column, ids) -> dict[int, int]:
    with unit_of_work(engine) as session:
        return dict(
            session.exec(select(model.id, getattr(model, column)).where(model.id.in_(ids))).all()
        )


def test_the_holdings_count_what_someone_still_holds_and_list_the_first(engine, office, work):
    held = holdings_of(engine, office.director, office.officer.account_id)
    assert (held.open_cases, held.agreements, held.pipeline) == (2, 1, 1)
    assert held.deadlines >= 1 and held.holds_anything
    assert held.name == "Olivia Ortega" and held.active
    assert {item.detail.split(" (")[0] for item in held.cases_held} == {
        "Solid-state battery",
        "Graphene sensor",
    }
    assert [item.detail for item in held.agreements_held] == [
        "VoltCell Inc.: Exclusive license: battery (license) (Draft)"
    ]
    assert held.pipeline_held[0].detail == "VoltCell Inc. (Identified)"
    assert held.summary.startswith("2 open cases, ")
    # Nobody else holds anything.
    other = holdings_of(engine, office.director, office.other_officer.account_id)
    assert not other.holds_anything and other.summary.startswith("0 open cases, 0 upcoming")


def test_an_administrator_reads_the_numbers_never_the_content(engine, office, work):
    held = holdings_of(engine, work["admin"], office.officer.account_id)
    assert (held.open_cases, held.agreements, held.pipeline) == (2, 1, 1)
    items = held.cases_held + held.deadlines_held + held.agreements_held + held.pipeline_held
    assert items and all(item.detail is None for item in items)
    assert all("battery" not in item.line.lower() for item in items)
    assert held.agreements_held[0].line == f"AGR-{work['license']:05d}"


def test_deactivating_with_a_handover_moves_everything_in_one_go_and_audits_each(
    engine, office, work
):
    with unit_of_work(engine) as session:
        started = sessions.start(session, account_id=office.officer.account_id, client="1.2.3.4")
    with unit_of_work(engine) as session:
        done = handover.deactivate(
            session,
            actor=work["admin"],
            account_id=office.officer.account_id,
            hand_over_to=office.other_officer.person_id,
            reason=REASON,
        )
    assert done.handed_over == handover.HandedOver("Marcus Lee", 2, 1, 1)
    assert done.message.startswith(done.username + " deactivated; 2 cases, 1 agreement and 1")
    marcus, olivia = office.other_officer.person_id, office.officer.person_id
    cases = officers_of(engine, Disclosure, "officer_person_id", list(work.values())[:3])
    assert cases == {work["filed"]: marcus, work["evaluating"]: marcus, work["closed"]: olivia}
    assert officers_of(
        engine, Agreement, "officer_person_id", [work["license"], work["expired"]]
    ) == {work["license"]: marcus, work["expired"]: olivia}
    assert officers_of(engine, Outreach, "owner_person_id", [work["outreach"]]) == {
        work["outreach"]: marcus
    }
    with unit_of_work(engine) as session:
        # The deadlines followed their cases, in the same transaction.
        officers = set(
            session.exec(
                select(DocketItemRow.officer_person_id).where(
                    DocketItemRow.case_id == work["filed"]
                )
            ).all()
        )
        assert officers == {marcus}
        assert not session.get(Account, office.officer.account_id).active
        assert not sessions.check(session, session_id=started.session_id).live
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert not holdings_of(engine, office.director, office.officer.account_id).holds_anything
    assert holdings_of(engine, office.director, office.other_officer.account_id).open_cases == 2
    mine = [e for e in entries if e.actor_name == "Adam Kowalski"]
    assert [e.action for e in mine] == [
        "disclosure.officer_assigned",
        "disclosure.officer_assigned",
        "agreement.officer_reassigned",
        "outreach.owner_reassigned",
        "account.handed_over",
        "account.deactivated",
    ]
    assert all(e.after["reason"] == REASON for e in mine[:5])
    assert mine[0].before == {"officer_person_id": olivia}
    assert mine[4].after["cases"] == 2 and mine[4].after["to_person_id"] == marcus
    # The case's history reads as a sentence naming both officers and the reason.
    with unit_of_work(engine) as session:
        page = audit.list_entries(
            session,
            actor=office.director,
            filters=audit.AuditFilters(actor_account_id=work["admin"].account_id),
        )
    sentences = {row.sentence for row in page.items}
    docket, username = _docket(engine, work["filed"]), office.officer.username
    assert {
        f"Adam Kowalski reassigned {docket} from Olivia Ortega to Marcus Lee: “{REASON}”",
        f"Adam Kowalski reassigned AGR-{work['license']:05d} from Olivia Ortega to Marcus Lee: "
        f"“{REASON}”",
        f"Adam Kowalski reassigned the outreach on {docket} to VoltCell Inc. from Olivia Ortega "
        f"to Marcus Lee: “{REASON}”",
        f"Adam Kowalski handed the work of {username} (Olivia Ortega) over to Marcus Lee (cases: "
        f"2, agreements: 1, pipeline entries: 1): “{REASON}”",
        f"Adam Kowalski deactivated the account {username} (Olivia Ortega)",
    } <= sentences


def _docket(engine, case_id: int) -> str:
    with unit_of_work(engine) as session:
        return session.get(Disclosure, case_id).docket


def test_someone_who_holds_work_is_deactivated_without_a_handover_only_when_asked(
    engine, office, work
):
    with (
        pytest.raises(ValidationError, match="Olivia Ortega still holds 2 open cases"),
        unit_of_work(engine) as session,
    ):
        handover.deactivate(session, actor=work["admin"], account_id=office.officer.account_id)
    with unit_of_work(engine) as session:
        assert session.get(Account, office.officer.account_id).active
    with unit_of_work(engine) as session:
        done = handover.deactivate(
            session,
            actor=work["admin"],
            account_id=office.officer.account_id,
            leave_with_them=True,
        )
    assert done.handed_over is None and "still theirs: 2 open cases" in done.message
    held = holdings_of(engine, office.director, office.officer.account_id)
    assert not held.active and held.open_cases == 2
    # Handed over later, from the deactivated account.
    with unit_of_work(engine) as session:
        later = handover.hand_over(
            session,
            actor=office.director,
            account_id=office.officer.account_id,
            to_person_id=office.other_officer.person_id,
            reason=REASON,
        )
    assert (later.cases, later.agreements, later.pipeline) == (2, 1, 1)
    assert not holdings_of(engine, office.director, office.officer.account_id).holds_anything


def test_someone_who_holds_nothing_is_simply_deactivated(engine, office, work):
    with unit_of_work(engine) as session:
        done = handover.deactivate(
            session, actor=office.director, account_id=office.finance.account_id
        )
    assert done.message == f"{office.finance.username} deactivated."


def test_the_work_goes_only_to_another_active_licensing_officer(engine, office, work):
    leaving = office.officer.account_id
    retired = make_actor(engine, Role.OFFICER, name="Rita Retired")
    with unit_of_work(engine) as session:
        accounts.set_account_active(
            session, actor=office.director, account_id=retired.account_id, active=False
        )
    for person_id in (
        office.officer.person_id,  # themselves
        retired.person_id,  # deactivated
        office.finance.person_id,  # not an officer
        office.director.person_id,  # nor is the director
    ):
        with (
            pytest.raises(ValidationError, match="Choose an active licensing officer other than"),
            unit_of_work(engine) as session,
        ):
            handover.deactivate(
                session,
                actor=work["admin"],
                account_id=leaving,
                hand_over_to=person_id,
                reason=REASON,
            )
    with pytest.raises(NotFound), unit_of_work(engine) as session:
        handover.deactivate(
            session, actor=work["admin"], account_id=leaving, hand_over_to=2**40, reason="x"
        )
    with unit_of_work(engine) as session:
        choices = handover.officers_to_hand_over_to(
            session, actor=work["admin"], account_id=leaving
        )
    assert [choice.name for choice in choices] == ["Marcus Lee"]
    assert holdings_of(engine, office.director, leaving).open_cases == 2


def test_a_deactivation_that_fails_hands_nothing_over(engine, office, work):
    """The last administrator is also the officer who leaves: refused, and the handover made
    before the refusal is undone with it (one transaction)."""
    with unit_of_work(engine) as session:
        accounts.set_roles(
            session,
            actor=office.director,
            account_id=office.officer.account_id,
            roles={Role.OFFICER, Role.ADMIN},
        )
        accounts.set_account_active(
            session, actor=office.director, account_id=work["admin"].account_id, active=False
        )
    with (
        pytest.raises(ValidationError, match="keep the admin role"),
        unit_of_work(engine) as session,
    ):
        handover.deactivate(
            session,
            actor=office.director,
            account_id=office.officer.account_id,
            hand_over_to=office.other_officer.person_id,
            reason=REASON,
        )
    held = holdings_of(engine, office.director, office.officer.account_id)
    assert (held.active, held.open_cases, held.agreements, held.pipeline) == (True, 2, 1, 1)
    with unit_of_work(engine) as session:
        assert not session.exec(
            select(AuditEntry).where(AuditEntry.action == "account.handed_over")
        ).all()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.FINANCE, Role.INVENTOR])
def test_only_administrators_and_the_director_see_and_hand_over_someones_work(
    engine, office, work, role
):
    someone = make_actor(engine, role)
    calls = [
        lambda s: handover.holdings(s, actor=someone, account_id=office.officer.account_id),
        lambda s: handover.officers_to_hand_over_to(
            s, actor=someone, account_id=office.officer.account_id
        ),
        lambda s: handover.hand_over(
            s,
            actor=someone,
            account_id=office.officer.account_id,
            to_person_id=office.other_officer.person_id,
            reason=REASON,
        ),
        lambda s: handover.deactivate(
            s,
            actor=someone,
            account_id=office.officer.account_id,
            hand_over_to=office.other_officer.person_id,
            reason=REASON,
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied), unit_of_work(engine) as session:
            call(session)


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give the reason for the handover"),
        ("   ", "Give the reason for the handover"),
        ("x" * 501, "at most 500"),
        ("left\x00", "control character"),
        (None, "Give the reason"),
        (12, "must be text"),
    ],
)
def test_a_handover_says_why(engine, office, work, reason, message):
    with pytest.raises(ValidationError, match=message), unit_of_work(engine) as session:
        handover.deactivate(
            session,
            actor=work["admin"],
            account_id=office.officer.account_id,
            hand_over_to=office.other_officer.person_id,
            reason=reason,
        )


@pytest.mark.parametrize("account_id", [0, -1, 2**31, "4", None, True])
def test_an_account_that_is_not_there_is_not_found(engine, office, account_id):
    with pytest.raises(NotFound), unit_of_work(engine) as session:
        handover.holdings(session, actor=office.director, account_id=account_id)


def test_an_account_is_deactivated_once_and_never_by_itself(engine, office, work):
    with pytest.raises(ValidationError, match="your own account"), unit_of_work(engine) as s:
        handover.deactivate(s, actor=office.director, account_id=office.director.account_id)
    with unit_of_work(engine) as session:
        handover.deactivate(session, actor=office.director, account_id=office.finance.account_id)
    with pytest.raises(ValidationError, match="already deactivated"), unit_of_work(engine) as s:
        handover.deactivate(s, actor=office.director, account_id=office.finance.account_id)
