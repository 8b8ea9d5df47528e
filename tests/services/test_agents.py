"""Collection agents on a real database, SQLite and PostgreSQL (#19, item 4): an agreement's
agent and its share, who may name one, the agent's share taken first from every income it
collected (one income and the annual run alike, with an IIA's co-owners after it), changes
applying from then on, removal with a reason, every change audited."""

from decimal import Decimal

import pytest
from sqlmodel import select

from tests.services.test_iia import NORTHBRIDGE, by_class, posted_lines, record, sixty_forty
from tests.services.test_revenue import distribute, receive, signed_license, technology
from tests.services.test_revenue_annual_run import posted_both_ways
from tlo.audit import AuditEntry
from tlo.db import unit_of_work
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.licensing import agents
from tlo.licensing.agents import CostsBorneBy

AGENT = "Acacia Assertion LLC"


def agent_agreement(engine, office, case_id, share="25") -> int:
    agreement_id = signed_license(engine, office, [case_id], company=AGENT)
    with unit_of_work(engine) as session:
        agents.save_agent(
            session,
            actor=office.officer,
            agreement_id=agreement_id,
            share_percent=share,
            costs_borne_by="agent",
            note="Enforces the battery family in the US",
        )
    return agreement_id


def test_the_agents_share_comes_first_and_the_policy_shares_the_rest(engine, office):
    case_id = technology(engine, office, costs="0")
    agreement_id = agent_agreement(engine, office, case_id)
    [distribution_id] = distribute(
        engine, office, receive(engine, office, agreement_id, "10000.01")
    )
    lines = posted_lines(engine, distribution_id)
    # By hand: 25 % of 10,000.01 is 2,500.0025, which rounds to 2,500.00; 7,500.01 is left.
    assert lines[0] == (AGENT, "agent", Decimal("2500.00"))
    assert sum(amount for *_, amount in lines) == Decimal("10000.01")
    alone = technology(engine, office, costs="0", title="Ours alone")
    plain = signed_license(engine, office, [alone], company="Ohm Works")
    [plain_id] = distribute(engine, office, receive(engine, office, plain, "7500.01"))
    assert by_class(lines[1:]) == by_class(posted_lines(engine, plain_id))
    with unit_of_work(engine) as session:
        view = agents.get_agent(session, actor=office.finance, agreement_id=agreement_id)
    assert (view.agent, view.share_percent, view.costs_borne_by) == (
        AGENT,
        Decimal("25.00"),
        CostsBorneBy.AGENT,
    )


def test_with_co_owners_the_agent_is_paid_first_and_they_share_the_rest(engine, office):
    case_id = technology(engine, office, costs="0")
    record(engine, office.officer, case_id, sixty_forty(fee="0"))
    agreement_id = agent_agreement(engine, office, case_id, share="20")
    [distribution_id] = distribute(engine, office, receive(engine, office, agreement_id, "1000"))
    lines = posted_lines(engine, distribution_id)
    assert lines[:2] == [
        (AGENT, "agent", Decimal("200.00")),
        (NORTHBRIDGE, "co_owner", Decimal("320.00")),  # 40 % of the 800 the agent left
    ]
    assert sum(amount for *_, amount in lines[2:]) == Decimal("480.00")


def test_the_annual_run_takes_the_agents_share_as_one_income_at_a_time_does(engine, office):
    case_id = technology(engine, office, costs="3000")
    agreement_id = agent_agreement(engine, office, case_id, share="33.33")
    first = receive(engine, office, agreement_id, "4000.03")
    receive(engine, office, agreement_id, "777.77")
    posted = posted_both_ways(engine, office, first)
    assert len([line for *_, lines in posted for line in lines if line[2] == "agent"]) == 2


def test_changing_and_removing_the_agent_apply_from_then_on_and_are_audited(engine, office):
    case_id = technology(engine, office, costs="0")
    agreement_id = agent_agreement(engine, office, case_id)
    [before] = distribute(engine, office, receive(engine, office, agreement_id, "1000"))
    with unit_of_work(engine) as session:
        agents.save_agent(
            session, actor=office.director, agreement_id=agreement_id, share_percent="40"
        )
    [after] = distribute(engine, office, receive(engine, office, agreement_id, "1000"))
    with unit_of_work(engine) as session:
        agents.remove_agent(
            session, actor=office.officer, agreement_id=agreement_id, reason="Not our agent"
        )
    [gone] = distribute(engine, office, receive(engine, office, agreement_id, "1000"))
    assert posted_lines(engine, before)[0] == (AGENT, "agent", Decimal("250.00"))
    assert posted_lines(engine, after)[0] == (AGENT, "agent", Decimal("400.00"))
    assert "agent" not in by_class(posted_lines(engine, gone))
    with unit_of_work(engine) as session:
        assert agents.get_agent(session, actor=office.officer, agreement_id=agreement_id) is None
        with pytest.raises(NotFound):
            agents.remove_agent(
                session, actor=office.officer, agreement_id=agreement_id, reason="Again"
            )
        actions = session.exec(
            select(AuditEntry.action)
            .where(AuditEntry.action.startswith("agreement.agent_"))
            .order_by(AuditEntry.id)
        ).all()
    assert actions == [
        "agreement.agent_named",
        "agreement.agent_changed",
        "agreement.agent_removed",
    ]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"share_percent": ""}, "Give the agent's share"),
        ({"share_percent": "0"}, "above 0 %"),
        ({"share_percent": "100"}, "below 100 %"),
        ({"share_percent": "12.345"}, "two decimals"),
        ({"share_percent": None}, "must be a percentage"),
        ({"costs_borne_by": "the moon"}, "costs"),
        ({"note": "x\x07"}, "control character"),
        ({"agreement_id": 10**6}, "no agreement"),
    ],
)
def test_bad_terms_are_refused_and_nothing_saved(engine, office, changes, error):
    case_id = technology(engine, office, costs="0")
    agreement_id = signed_license(engine, office, [case_id], company=AGENT)
    call = {"agreement_id": agreement_id, "share_percent": "25"} | changes
    with unit_of_work(engine) as session, pytest.raises((ValidationError, NotFound), match=error):
        agents.save_agent(session, actor=office.officer, **call)
    with unit_of_work(engine) as session:
        assert agents.get_agent(session, actor=office.officer, agreement_id=agreement_id) is None


def test_the_agreements_officer_and_the_director_name_an_agent(engine, office):
    case_id = technology(engine, office, costs="0")
    agreement_id = signed_license(engine, office, [case_id], company=AGENT)
    for actor in (office.other_officer, office.finance, office.inventor):
        with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
            agents.save_agent(session, actor=actor, agreement_id=agreement_id, share_percent="25")
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        agents.get_agent(session, actor=office.inventor, agreement_id=agreement_id)
