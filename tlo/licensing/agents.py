"""Collection and assertion agents (#19, item 4): an agreement by which a third party (the
agreement's company) licenses or enforces our patents for a share of what it collects.

The agent's terms are a record of that agreement (table `agent_terms`, migration 0038): the
agent's share of what it collects, who bears the costs of licensing and enforcing, and a note.
Every income recorded on the agreement is then what the agent collected, shown gross:
revenue sharing takes the agent's share first as its own line (class `agent`,
`tlo.revenue.arrangements`), and the policy shares the rest, one income or the annual run
alike. A change applies to incomes distributed after it; posted distributions stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from sqlmodel import Field, Session, SQLModel, col, select

from tlo import audit, clock
from tlo.auth.permissions import Actor
from tlo.clock import utcnow
from tlo.db import UTCDateTime
from tlo.errors import NotFound, ValidationError
from tlo.licensing.agreement_models import Agreement
from tlo.licensing.agreements import load_agreement
from tlo.licensing.models import Company
from tlo.money import bp_to_percent, percent_to_bp
from tlo.revenue.arrangements import Agent
from tlo.text import clean_choice, clean_percent, clean_text


class CostsBorneBy(StrEnum):
    AGENT = "agent"
    US = "us"
    SHARED = "shared"

    @property
    def label(self) -> str:
        return {
            "agent": "The agent (out of its share)",
            "us": "We do (recovered as patent costs under our policy)",
            "shared": "Shared, as the agreement says",
        }[self.value]


class AgentTerms(SQLModel, table=True):
    __tablename__ = "agent_terms"

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", unique=True)
    share_bp: int  # the agent's share of what it collects: 25 % is 2500
    costs_borne_by: str = Field(default=CostsBorneBy.AGENT.value, max_length=20)
    note: str = ""
    updated_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    updated_by_name: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def agents_of(session: Session, agreements) -> dict[int, Agent]:
    """The agent of each of `agreements` (ids, or a select of ids) that has one, as revenue
    sharing needs it. One query."""
    return {
        agreement_id: Agent(Fraction(share_bp, 100), name)
        for agreement_id, share_bp, name in session.exec(
            select(AgentTerms.agreement_id, AgentTerms.share_bp, Company.name)
            .join(Agreement, Agreement.id == AgentTerms.agreement_id)
            .join(Company, Company.id == Agreement.company_id)
            .where(col(AgentTerms.agreement_id).in_(agreements))
        )
    }


@dataclass(frozen=True)
class AgentView:
    agreement_id: int
    agent: str
    share_percent: Decimal
    costs_borne_by: CostsBorneBy
    note: str
    updated_by: str


def _terms(session: Session, agreement_id: int) -> AgentTerms | None:
    return session.exec(select(AgentTerms).where(AgentTerms.agreement_id == agreement_id)).first()


def get_agent(session: Session, *, actor: Actor, agreement_id: int) -> AgentView | None:
    agreement = load_agreement(session, actor, agreement_id, "agreement.read")
    terms = _terms(session, agreement.id)
    if terms is None:
        return None
    return AgentView(
        agreement_id=agreement.id,
        agent=session.get(Company, agreement.company_id).name,
        share_percent=bp_to_percent(terms.share_bp),
        costs_borne_by=CostsBorneBy(terms.costs_borne_by),
        note=terms.note,
        updated_by=terms.updated_by_name,
    )


def _summary(terms: AgentTerms) -> dict:
    return {
        "share": f"{bp_to_percent(terms.share_bp)} %",
        "costs": CostsBorneBy(terms.costs_borne_by).label,
    }


def save_agent(
    session: Session,
    *,
    actor: Actor,
    agreement_id: int,
    share_percent: object,
    costs_borne_by: object = CostsBorneBy.AGENT,
    note: object = "",
) -> AgentTerms:
    """Make the agreement's company our collection agent for it, or change its terms."""
    agreement = load_agreement(session, actor, agreement_id, "agreement.edit")
    if isinstance(share_percent, str) and not share_percent.strip():
        raise ValidationError("Give the agent's share of what it collects.")
    share = percent_to_bp(clean_percent(share_percent, what="the agent's share"))
    if not 0 < share < 10_000:
        raise ValidationError("The agent's share must be above 0 % and below 100 %.")
    costs = clean_choice(costs_borne_by, CostsBorneBy, what="who bears the costs")
    text = clean_text(note, what="note", max_length=2000)
    terms = _terms(session, agreement.id)
    before = _summary(terms) if terms else None
    if terms is None:
        terms = AgentTerms(agreement_id=agreement.id, share_bp=share, updated_by_name=actor.name)
    terms.share_bp, terms.costs_borne_by, terms.note = share, costs.value, text
    terms.updated_by_account_id, terms.updated_by_name = actor.account_id, actor.name
    terms.updated_at = clock.utcnow()
    session.add(terms)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="agreement.agent_changed" if before else "agreement.agent_named",
        object_type="agreement",
        object_id=agreement.id,
        before=before,
        after=_summary(terms),
    )
    return terms


def remove_agent(session: Session, *, actor: Actor, agreement_id: int, reason: object) -> None:
    """The agreement is no agent's after all (recorded by mistake), with a reason."""
    agreement = load_agreement(session, actor, agreement_id, "agreement.edit")
    why = clean_text(reason, what="reason", max_length=500, required=True)
    terms = _terms(session, agreement.id)
    if terms is None:
        raise NotFound("This agreement has no collection agent to remove.")
    before = _summary(terms)
    session.delete(terms)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="agreement.agent_removed",
        object_type="agreement",
        object_id=agreement.id,
        before=before,
        after={"reason": why},
    )
