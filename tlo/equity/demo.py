"""Demo equity: the shares a demo start-up license gave the university, priced by a round and
sold when the company was acquired; the sale is the demo's equity income."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session

from tlo.auth.permissions import Actor
from tlo.equity import services as equity
from tlo.equity.ledger import EventKind
from tlo.equity.services import EventForm, HoldingForm
from tlo.licensing.agreement_models import Agreement

PAR = Decimal("0.0001")
SERIES_A = Decimal("0.40")


def sell_on_acquisition(
    session: Session,
    *,
    actor: Actor,
    startup: Agreement,
    cash: Decimal,
    sold_on: date,
    today: date,
) -> None:
    """The license's shares issued at par on signing, a Series A halfway to the sale, and all of
    them sold for `cash` on `sold_on` (at the price per share that brings exactly that)."""
    shares = startup.equity_shares or 250_000
    holding = equity.record_holding(
        session,
        actor=actor,
        form=HoldingForm(
            company_id=startup.company_id,
            agreement_id=startup.id,
            share_class="Common",
            certificate="C-001",
            issued_on=startup.signed_on,
            shares=shares,
            price=PAR,
            note=f"Issued under {startup.number}",
        ),
        today=today,
    )
    for kind, day, count, price, note in (
        (
            EventKind.DILUTION,
            startup.signed_on + (sold_on - startup.signed_on) / 2,
            None,
            SERIES_A,
            "Series A",
        ),
        (EventKind.SALE, sold_on, shares, cash / shares, "Sold when the company was acquired"),
    ):
        equity.record_event(
            session,
            actor=actor,
            form=EventForm(holding.id, kind, day, shares=count, price=price, note=note),
            today=today,
        )
