"""Income that is not ours alone (issue #19): co-owners under an inter-institutional agreement
(IIA) and collection agents. Pure, as the engine: no database, no clock.

`distribute_income(policy, ..., joint=..., agent=...)` puts one or two steps before the policy,
each paying its lines out of the income in whole cents, and lets `engine.distribute` share
what is left under the policy, so every distribution still adds up exactly to the income:

1. **A collection agent** (`agent`, an `Agent`) collected the income for us, for a share of what
   it collects. The income is shown gross; the agent's share (its percentage of the gross) is
   its own line (class `agent`); the rest goes on.
2. **Joint ownership** (`joint`, a `JointOwnership`). When we are the *lead* (we license and
   collect for all owners), the IIA's "net consideration" is what is left after the lead's fee
   (`lead_fee_percent` of it, to the pool "lead fee") and after the technology's unreimbursed
   patent costs (recovered here, as the IIA states: the lead paid them for all). Each co-owner
   is paid its ownership percentage of the net consideration (class `co_owner`), and our own
   part, the rest of it, is what our policy shares: our inventors share only our part, and the
   policy's own costs step finds nothing left to recover. When we are *not* the lead, the
   income is our share as the lead paid it (already after its fee, the patent costs and the
   other owners' shares): it is shared under the policy as it is, and the distribution's notes
   say so.

Each step's amounts are exact fractions of a cent until they are rounded together by the
largest remainder (`engine.round_largest_remainder`): they then add up exactly to what entered
the step, each within a cent of its exact amount. What a step leaves to the policy is a whole
number of cents, a real amount that is then shared exactly as any income.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction

from tlo.errors import ValidationError
from tlo.money import CENT
from tlo.revenue import engine
from tlo.revenue.engine import (
    COSTS_RECIPIENT,
    Distribution,
    InventorShare,
    Line,
    LineClass,
    format_money,
    round_largest_remainder,
)
from tlo.revenue.policy import HUNDRED, Policy, format_percent
from tlo.revenue.types import IncomeType

LEAD_FEE_POOL = "lead fee"
NOT_LEAD_NOTE = (
    "We are not the lead of the inter-institutional agreement: this income is our share as "
    "the lead paid it (after the lead's fee, the patent costs and the other owners' shares), "
    "shared under our policy as received."
)


@dataclass(frozen=True)
class CoOwner:
    """Another owner of the invention under an IIA, and its percentage of the ownership."""

    name: str
    ownership_percent: Fraction


@dataclass(frozen=True)
class JointOwnership:
    """What the engine needs of an IIA: the other owners, whether we are the lead and the
    lead's fee (a percentage of the income, before the net consideration)."""

    co_owners: tuple[CoOwner, ...]
    lead: bool = True
    lead_fee_percent: Fraction = Fraction(0)

    @property
    def our_percent(self) -> Fraction:
        return HUNDRED - sum((owner.ownership_percent for owner in self.co_owners), Fraction(0))


@dataclass(frozen=True)
class Agent:
    """A collection or assertion agent and its share of what it collects."""

    share_percent: Fraction
    name: str = "collection agent"


def _check_joint(joint: JointOwnership) -> None:
    if joint.lead and not joint.co_owners:
        raise ValidationError(
            "Name the co-owners and their ownership percentages: as the lead we pay them "
            "their share."
        )
    if not joint.lead and joint.lead_fee_percent:
        raise ValidationError(
            "lead_fee_percent is the lead's fee; we are not the lead, so the income already "
            "comes after it: leave it out."
        )
    if not 0 <= joint.lead_fee_percent <= HUNDRED:
        raise ValidationError("The lead's fee must be between 0 % and 100 %.")
    names: set[str] = set()
    for owner in joint.co_owners:
        if not owner.name.strip():
            raise ValidationError("Every co-owner needs a name.")
        if owner.name.strip() in names:
            raise ValidationError(f"{owner.name} is listed twice; list each co-owner once.")
        names.add(owner.name.strip())
        if not 0 < owner.ownership_percent < HUNDRED:
            raise ValidationError(
                f"{owner.name}'s ownership must be above 0 % and below 100 %, not "
                f"{format_percent(owner.ownership_percent)} %."
            )
    if joint.co_owners and joint.our_percent <= 0:
        raise ValidationError(
            "The co-owners' ownership adds up to "
            f"{format_percent(HUNDRED - joint.our_percent)} %; it must leave us a part "
            "(below 100 %)."
        )


def _dollars(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


def _agent_step(agent: Agent, cents: int) -> tuple[list[Line], int]:
    """The agent's line and the cents left."""
    if not 0 <= agent.share_percent <= HUNDRED:
        raise ValidationError("The agent's share must be between 0 % and 100 %.")
    if not agent.name.strip():
        raise ValidationError("Name the agent.")
    exact = Fraction(cents) * agent.share_percent / HUNDRED
    share, rest = round_largest_remainder([exact, cents - exact], cents)
    rule = (
        f"agent's share: {format_percent(agent.share_percent)}% of the "
        f"{format_money(_dollars(cents))} it collected"
    )
    lines = [Line(agent.name.strip(), LineClass.AGENT, _dollars(share), rule)] if share else []
    return lines, rest


def _lead_step(joint: JointOwnership, cents: int, costs_cents: int) -> tuple[list[Line], int, int]:
    """As the lead: the lead's fee, the patent costs recovered and each co-owner's share of
    the net consideration; (lines, the cents of our part, the cents of costs recovered)."""
    fee = Fraction(cents) * joint.lead_fee_percent / HUNDRED
    costs = min(Fraction(costs_cents), cents - fee)
    net = cents - fee - costs
    owners = [net * owner.ownership_percent / HUNDRED for owner in joint.co_owners]
    ours = net - sum(owners, Fraction(0))
    fee_c, costs_c, *owners_c, ours_c = round_largest_remainder([fee, costs, *owners, ours], cents)
    net_text = format_money(net / 100)
    lines = []
    if fee_c:
        lines.append(
            Line(
                LEAD_FEE_POOL,
                LineClass.POOL,
                _dollars(fee_c),
                f"lead's fee under the inter-institutional agreement: "
                f"{format_percent(joint.lead_fee_percent)}% of {format_money(_dollars(cents))}",
            )
        )
    if costs_c:
        lines.append(
            Line(
                COSTS_RECIPIENT,
                LineClass.COSTS,
                _dollars(costs_c),
                "patent costs recovered under the inter-institutional agreement, before the "
                f"net consideration (of {format_money(_dollars(costs_cents))} outstanding)",
            )
        )
    for owner, owed in zip(joint.co_owners, owners_c, strict=True):
        if owed:
            lines.append(
                Line(
                    owner.name.strip(),
                    LineClass.CO_OWNER,
                    _dollars(owed),
                    f"co-owner's share: {format_percent(owner.ownership_percent)}% of the net "
                    f"consideration {net_text}",
                )
            )
    return lines, ours_c, costs_c


def distribute_income(
    policy: Policy,
    *,
    amount: Decimal,
    income_type: IncomeType | str,
    costs_outstanding: Decimal,
    cumulative_before: Decimal,
    inventors: Sequence[InventorShare],
    joint: JointOwnership | None = None,
    agent: Agent | None = None,
) -> Distribution:
    """Share one income as `engine.distribute` does, after an agent's share and the
    co-owners' shares where there are any (see the module notes)."""
    if joint is None and agent is None:
        return engine.distribute(
            policy,
            amount=amount,
            income_type=income_type,
            costs_outstanding=costs_outstanding,
            cumulative_before=cumulative_before,
            inventors=inventors,
        )
    # Checked as the engine checks them, before they are cut into steps.
    amount = engine._money(amount, what="The amount")
    costs_outstanding = engine._money(costs_outstanding, what="The costs outstanding")
    if joint is not None:
        _check_joint(joint)
    cents = int(amount * 100)
    before: list[Line] = []
    notes: list[str] = []
    left = cents
    if agent is not None:
        lines, left = _agent_step(agent, left)
        before += lines
    recovered = None
    if joint is not None and joint.lead:
        costs_cents = int(costs_outstanding * 100)
        lines, left, recovered = _lead_step(joint, left, costs_cents)
        before += lines
        costs_outstanding = Decimal(0)  # recovered above, for every owner
    elif joint is not None:
        notes.append(NOT_LEAD_NOTE)
    ours = engine.distribute(
        policy,
        amount=_dollars(left),
        income_type=income_type,
        costs_outstanding=costs_outstanding,
        cumulative_before=cumulative_before,
        inventors=inventors,
    )
    if recovered is None:
        costs_recovered, carried = ours.costs_recovered, ours.costs_carried_forward
    else:
        costs_recovered = _dollars(recovered)
        carried = _dollars(costs_cents - recovered)
    return replace(
        ours,
        amount=_dollars(cents),
        costs_recovered=costs_recovered,
        costs_carried_forward=carried,
        lines=(*before, *ours.lines),
        notes=tuple(notes),
    )
