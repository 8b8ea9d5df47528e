"""The tables of inter-institutional agreements (#19, item 1, migration 0037), and the one read
that gives revenue sharing what it needs of them.

An IIA governs one technology (a disclosure) owned jointly with other institutions: the
co-owners (every party but us), each with its ownership and its share of the patent costs in
hundredths of a percent (basis points: 40 % is 4000); our part is what they leave. One party
leads (licenses and collects for all), we or a co-owner, and one manages prosecution. The
lead's fee is a term of the IIA: as the lead we take it before the net consideration; when we
are not the lead, what the lead pays us already comes after it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from fractions import Fraction

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from tlo.clock import utcnow
from tlo.db import UTCDateTime
from tlo.revenue.arrangements import CoOwner, JointOwnership

WHOLE_BP = 10_000  # 100 %
US = 0  # the position that names our office where a party is chosen (the lead, prosecution)


class Iia(SQLModel, table=True):
    __tablename__ = "iia"

    id: int | None = Field(default=None, primary_key=True)
    disclosure_id: int = Field(foreign_key="disclosure.id", unique=True)
    # Who leads and who manages prosecution: US (0) or a co-owner's position (1, 2, ...).
    lead_position: int = US
    prosecution_position: int = US
    lead_fee_bp: int = 0
    effective_on: date | None = None
    reference: str = Field(default="", max_length=100)  # the IIA's number at either office
    note: str = ""
    updated_by_account_id: int | None = Field(default=None, foreign_key="account.id")
    updated_by_name: str = Field(max_length=200)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def we_lead(self) -> bool:
        return self.lead_position == US


class IiaParty(SQLModel, table=True):
    """A co-owner under an IIA (we are not a row: our part is what the co-owners leave)."""

    __tablename__ = "iia_party"
    __table_args__ = (sa.UniqueConstraint("iia_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    iia_id: int = Field(foreign_key="iia.id", index=True)
    position: int  # 1, 2, ... in the order the IIA lists them
    name: str = Field(max_length=200)
    ownership_bp: int
    cost_share_bp: int
    contact_email: str = Field(default="", max_length=254)


def joint_ownerships(session: Session, disclosures) -> dict[int, JointOwnership]:
    """What revenue sharing needs of the IIAs of `disclosures` (ids, or a select of ids), per
    technology; a technology without an IIA is ours alone and absent. Two queries."""
    iias = {
        iia.id: iia
        for iia in session.exec(select(Iia).where(col(Iia.disclosure_id).in_(disclosures)))
    }
    owners: dict[int, list[IiaParty]] = defaultdict(list)
    if iias:
        for party in session.exec(
            select(IiaParty)
            .where(
                col(IiaParty.iia_id).in_(
                    select(Iia.id).where(col(Iia.disclosure_id).in_(disclosures))
                )
            )
            .order_by(IiaParty.iia_id, IiaParty.position)
        ):
            owners[party.iia_id].append(party)
    return {
        iia.disclosure_id: JointOwnership(
            co_owners=tuple(CoOwner(p.name, Fraction(p.ownership_bp, 100)) for p in owners[iia.id]),
            lead=iia.we_lead,
            lead_fee_percent=Fraction(iia.lead_fee_bp, 100) if iia.we_lead else Fraction(0),
        )
        for iia in iias.values()
    }
