"""Who a case belongs to, as the permission check and the workflow need to know it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from tlo.auth.models import Role
from tlo.auth.permissions import Actor, require
from tlo.disclosures.models import Disclosure, DisclosureInventor, DisclosureStatus
from tlo.disclosures.workflow import Party
from tlo.errors import NotFound
from tlo.text import clean_id


@dataclass(frozen=True)
class CaseAccess:
    """A disclosure with the people it belongs to: its submitter, inventors and PI (owners;
    the PI reads the case they sign off, see tlo/disclosures/signatures.py) and its
    licensing officer (assigned)."""

    disclosure: Disclosure
    inventor_person_ids: frozenset[int]

    def owner_person_ids(self) -> set[int]:
        owners = {self.disclosure.submitter_person_id, *self.inventor_person_ids}
        if self.disclosure.pi_person_id is not None:
            owners.add(self.disclosure.pi_person_id)
        return owners

    def assigned_person_ids(self) -> set[int]:
        officer = self.disclosure.officer_person_id
        return {officer} if officer is not None else set()

    @property
    def status(self) -> DisclosureStatus:
        return DisclosureStatus(self.disclosure.status)

    def parties(self, actor: Actor) -> set[Party]:
        """How `actor` stands to this case, for the workflow's "who may"."""
        parties = set()
        if actor.has_role(Role.INVENTOR) and actor.person_id in self.owner_person_ids():
            parties.add(Party.INVENTOR)
        if actor.has_role(Role.OFFICER):
            parties.add(Party.OFFICER)
            if actor.person_id in self.assigned_person_ids():
                parties.add(Party.ASSIGNED_OFFICER)
        if actor.has_role(Role.DIRECTOR):
            parties.add(Party.DIRECTOR)
        # An officer who entered a case for an inventor may submit it like the inventor.
        if actor.person_id == self.disclosure.submitter_person_id:
            parties.add(Party.INVENTOR)
        return parties


def owned_by(person_id: int | None):
    """The SQL condition of the cases a person owns (see CaseAccess.owner_person_ids): they
    submitted it, are an inventor on it, or are its PI."""
    return or_(
        Disclosure.submitter_person_id == person_id,
        Disclosure.pi_person_id == person_id,
        col(Disclosure.id).in_(
            select(DisclosureInventor.disclosure_id).where(
                DisclosureInventor.person_id == person_id
            )
        ),
    )


def load_case(
    session: Session, actor: Actor, disclosure_id: int, permission: str, *, for_update=False
) -> CaseAccess:
    """The case, after checking `actor` may read it and holds `permission` on it."""
    clean_id(disclosure_id, what="disclosure")
    query = select(Disclosure).where(Disclosure.id == disclosure_id)
    if for_update:
        query = query.with_for_update()
    disclosure = session.exec(query).first()
    if disclosure is None:
        raise NotFound(f"There is no disclosure {disclosure_id}.")
    inventors = session.exec(
        select(DisclosureInventor.person_id).where(
            DisclosureInventor.disclosure_id == disclosure_id
        )
    ).all()
    case = CaseAccess(disclosure, frozenset(inventors))
    require(actor, "disclosure.read", case)
    require(actor, permission, case)
    return case
