"""Demo arrangements that change who is paid (#19): a licensed technology owned jointly with a
partner university under an IIA (we lead, for a fee), and a non-exclusive license whose
licensee collects from others as our agent. Recorded after the demo's income, so that they
apply to the income finance records from then on."""

from __future__ import annotations

from sqlmodel import Session, select

from tlo.auth.permissions import system_actor
from tlo.iia import services as iia
from tlo.iia.services import CoOwnerForm, IiaForm
from tlo.licensing import agents
from tlo.licensing.agreement_models import Agreement, AgreementTechnology

PARTNER = "Partner University (demo)"


def _first(session: Session, kind: str, skip: int = 0) -> Agreement | None:
    found = session.exec(
        select(Agreement)
        .where(Agreement.agreement_type == kind, Agreement.status == "active")
        .order_by(Agreement.id)
        .offset(skip)
    ).first()
    return found


def seed(session: Session) -> None:
    actor = system_actor("demo data")
    joint = _first(session, "exclusive_license", skip=1)  # not the tiered one
    if joint is not None:
        disclosure_id = session.exec(
            select(AgreementTechnology.disclosure_id).where(
                AgreementTechnology.agreement_id == joint.id
            )
        ).first()
        iia.save_iia(
            session,
            actor=actor,
            disclosure_id=disclosure_id,
            form=IiaForm(
                co_owners=[CoOwnerForm(PARTNER, "30", "30", "otl@partner-university.example")],
                lead=0,
                prosecution=0,
                lead_fee_percent="10",
                effective_on=joint.effective_date,
                reference="IIA-DEMO-1",
                note="Demo: the partner's inventor co-invented; we lead and license.",
            ),
        )
    collecting = _first(session, "nonexclusive_license")
    if collecting is not None:
        agents.save_agent(
            session,
            actor=actor,
            agreement_id=collecting.id,
            share_percent="25",
            costs_borne_by=agents.CostsBorneBy.SHARED,
            note="Demo: collects from the field's other licensees and keeps a quarter.",
        )
