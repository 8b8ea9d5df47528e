"""Use cases of inter-institutional agreements (#19, item 1): record or change a technology's
IIA, read it with the patent costs each owner bears, remove one recorded by mistake, and the
IIA as a Word file.

Revenue sharing reads the IIA itself (`tlo.iia.models.joint_ownerships`, in the same pure
engine step for a single income and the annual run): as the lead we pay each co-owner its
ownership share of the net consideration before our policy shares our part; when a co-owner
leads, what it pays us is shared as received. A change to an IIA applies to the incomes
distributed after it; posted distributions stay as they were (reverse one to share it again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from sqlmodel import Session, select

from tlo import audit, clock, documents, office_settings, word_templates
from tlo.auth.permissions import Actor, require
from tlo.disclosures.access import load_case
from tlo.disclosures.models import Disclosure
from tlo.errors import NotFound, ValidationError
from tlo.iia.models import US, WHOLE_BP, Iia, IiaParty
from tlo.licensing.drafts import written_date
from tlo.money import bp_to_percent, dollars, percent_to_bp
from tlo.patents.models import PatentApplication
from tlo.revenue.engine import round_largest_remainder
from tlo.text import clean_date, clean_email, clean_int, clean_percent, clean_text

MAX_CO_OWNERS = 10
TEMPLATE = "iia"


# --- what users type ---------------------------------------------------------------------------


@dataclass
class CoOwnerForm:
    name: str = ""
    ownership_percent: str | Decimal = ""
    cost_share_percent: str | Decimal = ""  # blank: the same as the ownership
    contact_email: str = ""

    @property
    def blank(self) -> bool:
        return not any(
            str(v).strip()
            for v in (
                self.name,
                self.ownership_percent,
                self.cost_share_percent,
                self.contact_email,
            )
        )


@dataclass
class IiaForm:
    co_owners: list[CoOwnerForm] = field(default_factory=list)
    lead: int = US  # US (0), or the position of the co-owner who leads (1, 2, ...)
    prosecution: int = US  # who manages prosecution, the same way
    lead_fee_percent: str | Decimal = "0"
    effective_on: date | None = None
    reference: str = ""
    note: str = ""


@dataclass(frozen=True)
class _Clean:
    parties: list[dict]
    lead: int
    prosecution: int
    lead_fee_bp: int
    effective_on: date | None
    reference: str
    note: str


def _percent_bp(value: object, *, what: str) -> int:
    if isinstance(value, str) and not value.strip():
        raise ValidationError(f"Give {what}.")
    return percent_to_bp(clean_percent(value, what=what))


def _clean(form: object, our_name: str) -> _Clean:
    if not isinstance(form, IiaForm):
        raise ValidationError("The inter-institutional agreement form is not one tlo made.")
    if not isinstance(form.co_owners, list) or not all(
        isinstance(owner, CoOwnerForm) for owner in form.co_owners
    ):
        raise ValidationError("List the co-owners on the form.")
    owners = [owner for owner in form.co_owners if not owner.blank]
    if not owners:
        raise ValidationError(
            "Name at least one co-owner: an IIA is with another institution that owns part of "
            "the invention."
        )
    if len(owners) > MAX_CO_OWNERS:
        raise ValidationError(f"An IIA lists at most {MAX_CO_OWNERS} co-owners.")
    parties, names = [], {our_name.strip().casefold()}
    for position, owner in enumerate(owners, start=1):
        where = f"co-owner {position}"
        name = clean_text(
            owner.name, what=f"name of {where}", max_length=200, required=True, multiline=False
        )
        if name.casefold() in names:
            raise ValidationError(
                f"{name} is listed twice (or is our own university); list each co-owner once."
            )
        names.add(name.casefold())
        ownership = _percent_bp(owner.ownership_percent, what=f"{name}'s ownership")
        if not 0 < ownership < WHOLE_BP:
            raise ValidationError(f"{name}'s ownership must be above 0 % and below 100 %.")
        blank_cost = isinstance(owner.cost_share_percent, str) and not owner.cost_share_percent
        cost_share = (
            ownership
            if blank_cost
            else _percent_bp(owner.cost_share_percent, what=f"{name}'s share of the costs")
        )
        email = clean_email(owner.contact_email, what=f"{name}'s e-mail address", required=False)
        parties.append(
            {
                "position": position,
                "name": name,
                "ownership_bp": ownership,
                "cost_share_bp": cost_share,
                "contact_email": email,
            }
        )
    ours = WHOLE_BP - sum(p["ownership_bp"] for p in parties)
    if ours <= 0:
        raise ValidationError(
            f"The co-owners' ownership adds up to {bp_to_percent(WHOLE_BP - ours)} %; it must "
            "leave us a part (below 100 %)."
        )
    if sum(p["cost_share_bp"] for p in parties) > WHOLE_BP:
        raise ValidationError(
            "The co-owners' shares of the patent costs add up to more than 100 %."
        )
    lead = clean_int(form.lead, what="lead institution", minimum=0, maximum=len(parties))
    prosecution = clean_int(
        form.prosecution, what="party managing prosecution", minimum=0, maximum=len(parties)
    )
    return _Clean(
        parties=parties,
        lead=lead,
        prosecution=prosecution,
        lead_fee_bp=_percent_bp(form.lead_fee_percent or "0", what="The lead's fee"),
        effective_on=clean_date(form.effective_on, what="effective date", required=False),
        reference=clean_text(form.reference, what="reference", max_length=100, multiline=False),
        note=clean_text(form.note, what="note", max_length=2000),
    )


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyView:
    position: int  # US (0) for our office
    name: str
    ownership_percent: Decimal
    cost_share_percent: Decimal
    contact_email: str
    lead: bool
    prosecution: bool
    costs_invoiced: Decimal  # its share of the technology's patent costs to date
    costs_outstanding: Decimal  # its share of those not yet recovered from income


@dataclass(frozen=True)
class IiaView:
    disclosure_id: int
    docket: str
    title: str
    parties: list[PartyView]  # ours first, then the co-owners in order
    we_lead: bool
    lead_name: str
    prosecution_name: str
    lead_fee_percent: Decimal
    effective_on: date | None
    reference: str
    note: str
    updated_by: str
    costs_invoiced: Decimal
    costs_outstanding: Decimal

    def form(self) -> IiaForm:
        """The form as it stands, to change it."""
        return IiaForm(
            co_owners=[
                CoOwnerForm(
                    p.name,
                    _percent_text(p.ownership_percent),
                    _percent_text(p.cost_share_percent),
                    p.contact_email,
                )
                for p in self.parties
                if p.position != US
            ],
            lead=next(p.position for p in self.parties if p.lead),
            prosecution=next(p.position for p in self.parties if p.prosecution),
            lead_fee_percent=_percent_text(self.lead_fee_percent),
            effective_on=self.effective_on,
            reference=self.reference,
            note=self.note,
        )


def _iia(session: Session, disclosure_id: int) -> Iia | None:
    return session.exec(select(Iia).where(Iia.disclosure_id == disclosure_id)).first()


def _parties(session: Session, iia_id: int) -> list[IiaParty]:
    return list(
        session.exec(select(IiaParty).where(IiaParty.iia_id == iia_id).order_by(IiaParty.position))
    )


def _cents(value: int) -> Decimal:
    return Decimal(value) / 100


def _shared(cents: int, shares_bp: list[int]) -> list[int]:
    """`cents` shared by `shares_bp` (which add up to 100 %), exact to the cent."""
    return round_largest_remainder([Fraction(cents * bp, WHOLE_BP) for bp in shares_bp], cents)


def get_iia(session: Session, *, actor: Actor, disclosure_id: int) -> IiaView | None:
    """The technology's IIA with each party's share of the patent costs (None: ours alone)."""
    from tlo.revenue.services import costs_outstanding_cents, invoiced_costs_cents

    case = load_case(session, actor, disclosure_id, "iia.read")
    iia = _iia(session, disclosure_id)
    if iia is None:
        return None
    our_name = office_settings.parties(session).university_name
    rows = _parties(session, iia.id)
    invoiced = invoiced_costs_cents(session, disclosure_id)
    outstanding = max(0, costs_outstanding_cents(session, disclosure_id))
    ownership = [WHOLE_BP - sum(r.ownership_bp for r in rows), *(r.ownership_bp for r in rows)]
    costs = [WHOLE_BP - sum(r.cost_share_bp for r in rows), *(r.cost_share_bp for r in rows)]
    invoiced_by, outstanding_by = _shared(invoiced, costs), _shared(outstanding, costs)
    names = [our_name, *(r.name for r in rows)]
    emails = ["", *(r.contact_email for r in rows)]
    parties = [
        PartyView(
            position=position,
            name=names[position],
            ownership_percent=bp_to_percent(ownership[position]),
            cost_share_percent=bp_to_percent(costs[position]),
            contact_email=emails[position],
            lead=iia.lead_position == position,
            prosecution=iia.prosecution_position == position,
            costs_invoiced=_cents(invoiced_by[position]),
            costs_outstanding=_cents(outstanding_by[position]),
        )
        for position in range(len(names))
    ]
    return IiaView(
        disclosure_id=disclosure_id,
        docket=case.disclosure.docket or "",
        title=case.disclosure.title,
        parties=parties,
        we_lead=iia.we_lead,
        lead_name=names[iia.lead_position],
        prosecution_name=names[iia.prosecution_position],
        lead_fee_percent=bp_to_percent(iia.lead_fee_bp),
        effective_on=iia.effective_on,
        reference=iia.reference,
        note=iia.note,
        updated_by=iia.updated_by_name,
        costs_invoiced=_cents(invoiced),
        costs_outstanding=_cents(outstanding),
    )


# --- changing ----------------------------------------------------------------------------------


def _summary(iia: Iia, parties: list[dict]) -> dict:
    return {
        "co_owners": "; ".join(
            f"{p['name']} {bp_to_percent(p['ownership_bp'])} % (costs "
            f"{bp_to_percent(p['cost_share_bp'])} %)"
            for p in parties
        ),
        "lead": "us" if iia.lead_position == US else parties[iia.lead_position - 1]["name"],
        "lead_fee": f"{bp_to_percent(iia.lead_fee_bp)} %",
    }


def _party_rows(session: Session, iia_id: int) -> list[dict]:
    return [
        {
            "position": p.position,
            "name": p.name,
            "ownership_bp": p.ownership_bp,
            "cost_share_bp": p.cost_share_bp,
            "contact_email": p.contact_email,
        }
        for p in _parties(session, iia_id)
    ]


def save_iia(session: Session, *, actor: Actor, disclosure_id: int, form: IiaForm) -> Iia:
    """Record the technology's IIA, or replace what it says, in one transaction (audited
    with what it said before)."""
    case = load_case(session, actor, disclosure_id, "iia.manage", for_update=True)
    clean = _clean(form, office_settings.parties(session).university_name)
    iia = _iia(session, disclosure_id)
    before = None
    if iia is None:
        iia = Iia(disclosure_id=case.disclosure.id, updated_by_name=actor.name)
    else:
        before = _summary(iia, _party_rows(session, iia.id))
        session.exec(sa.delete(IiaParty).where(IiaParty.iia_id == iia.id))
    iia.lead_position = clean.lead
    iia.prosecution_position = clean.prosecution
    iia.lead_fee_bp = clean.lead_fee_bp
    iia.effective_on = clean.effective_on
    iia.reference = clean.reference
    iia.note = clean.note
    iia.updated_by_account_id = actor.account_id
    iia.updated_by_name = actor.name
    iia.updated_at = clock.utcnow()
    session.add(iia)
    session.flush()
    for party in clean.parties:
        session.add(IiaParty(iia_id=iia.id, **party))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="iia.changed" if before else "iia.recorded",
        object_type="disclosure",
        object_id=disclosure_id,
        before=before,
        after=_summary(iia, clean.parties),
    )
    return iia


def remove_iia(session: Session, *, actor: Actor, disclosure_id: int, reason: str) -> None:
    """Remove an IIA recorded by mistake (the technology is then ours alone), with a reason
    kept in the audit log with what it said."""
    load_case(session, actor, disclosure_id, "iia.manage", for_update=True)
    why = clean_text(reason, what="reason", max_length=500, required=True)
    iia = _iia(session, disclosure_id)
    if iia is None:
        raise NotFound("This technology has no inter-institutional agreement to remove.")
    before = _summary(iia, _party_rows(session, iia.id))
    session.exec(sa.delete(IiaParty).where(IiaParty.iia_id == iia.id))
    session.delete(iia)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="iia.removed",
        object_type="disclosure",
        object_id=disclosure_id,
        before=before,
        after={"reason": why},
    )


# --- the Word file -----------------------------------------------------------------------------


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


def _percent_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def iia_context(session: Session, *, actor: Actor, disclosure_id: int) -> dict:
    view = get_iia(session, actor=actor, disclosure_id=disclosure_id)
    if view is None:
        raise NotFound("This technology has no inter-institutional agreement.")
    parties = office_settings.parties(session)
    disclosure = session.get(Disclosure, disclosure_id)
    applications = session.exec(
        select(PatentApplication)
        .where(PatentApplication.disclosure_id == disclosure_id)
        .order_by(PatentApplication.id)
    ).all()
    return {
        "docket": view.docket,
        "title": view.title,
        "prepared_on": written_date(clock.today()),
        "owners": [
            {
                "name": p.name,
                "ownership": _percent_text(p.ownership_percent),
                "cost_share": _percent_text(p.cost_share_percent),
                "contact": p.contact_email,
            }
            for p in view.parties
        ],
        "co_owners": ", ".join(p.name for p in view.parties if p.position != US),
        "lead": view.lead_name,
        "we_lead": view.we_lead,
        "lead_fee": _percent_text(view.lead_fee_percent),
        "prosecution": view.prosecution_name,
        "effective_date": written_date(view.effective_on),
        "reference": view.reference,
        "patents": [
            {
                "jurisdiction": a.jurisdiction,
                "number": a.application_number or "not yet filed",
                "filed": a.filing_date.isoformat(),
            }
            for a in applications
        ],
        "costs_to_date": dollars(view.costs_invoiced),
        "disclosed": _day(clock.office_date_or_none(disclosure.submitted_at)),
        **parties.agreement_context(),
    }


def iia_docx(session: Session, *, actor: Actor, disclosure_id: int) -> bytes:
    require(actor, "iia.read")
    template = word_templates.current_template(session, TEMPLATE)
    return documents.render(
        TEMPLATE,
        iia_context(session, actor=actor, disclosure_id=disclosure_id),
        template=template.content,
    )
