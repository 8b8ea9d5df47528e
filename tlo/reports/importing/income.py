"""Importing income received on signed agreements, once each payment."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import col, select

from tlo import audit
from tlo.config import get_settings
from tlo.disclosures.rules import (
    fiscal_year_of,
)
from tlo.licensing.agreement_models import (
    Agreement,
)
from tlo.money import to_cents
from tlo.reports.importing.agreements import legacy_references
from tlo.reports.importing.job import BATCH, _chunks, _earlier, _Job
from tlo.reports.importing.row import _Row
from tlo.revenue import credit
from tlo.revenue.models import Income, counted
from tlo.revenue.services import SIGNED
from tlo.revenue.types import IncomeType

AGREEMENT_NUMBER = re.compile(r"^AGR-(\d+)$", re.IGNORECASE)


@dataclass
class _IncomeRow:
    agreement: str
    received_on: date | None
    kind: IncomeType | None
    amount: Decimal | None
    reference: str
    note: str
    agreement_id: int | None = None

    @property
    def payment(self) -> tuple:
        return (
            self.agreement_id,
            self.received_on,
            self.kind.value if self.kind else None,
            to_cents(self.amount) if self.amount is not None else None,
            self.reference,
        )


class _Income(_Job):
    def parse(self, row: _Row) -> _IncomeRow:
        item = _IncomeRow(
            agreement=row.text("Agreement", required=True),
            received_on=row.date("Received on", required=True),
            kind=row.choice("Type", IncomeType, required=True),
            amount=row.amount("Amount", required=True),
            reference=row.text("Licensee reference", max_length=200),
            note=row.text("Note"),
        )
        if item.amount is not None and item.amount <= 0:
            row.problem("Amount", "The amount received must be more than zero.")
        self._no_future(row, "Received on", item.received_on, "record payments once received")
        return item

    def resolve(self, parsed: list[tuple[_Row, _IncomeRow]]) -> None:
        references = legacy_references(self.session)
        for _, item in parsed:
            match = AGREEMENT_NUMBER.match(item.agreement)
            item.agreement_id = (
                int(match[1]) if match else references.get(item.agreement.casefold())
            )
        ids = {item.agreement_id for _, item in parsed} - {None}
        statuses = self.lookup(Agreement.id, Agreement.status, ids)
        recorded = self._recorded_payments(ids, [item for _, item in parsed])
        first_seen: dict[tuple, int] = {}
        for row, item in parsed:
            status = statuses.get(item.agreement_id)
            if item.agreement and status is None:
                row.problem(
                    "Agreement",
                    f"There is no agreement {item.agreement} in tlo (give its legacy reference "
                    "or its AGR number).",
                )
            elif status is not None and status not in SIGNED:
                row.problem(
                    "Agreement",
                    f"{item.agreement} is {status}; income is recorded on signed agreements.",
                )
            if not row.bad:
                if item.payment in recorded:
                    row.problem("", "This payment is already recorded in tlo.")
                else:
                    _earlier(first_seen, item.payment, row, "", "The same payment")
            if not row.bad:
                self.plan.append(item)

    def _recorded_payments(self, agreement_ids: set[int], items: list[_IncomeRow]) -> set[tuple]:
        days = [item.received_on for item in items if item.received_on]
        if not agreement_ids or not days:
            return set()
        recorded = set()
        for chunk in _chunks(sorted(agreement_ids), BATCH):
            recorded.update(
                tuple(payment)
                for payment in self.session.exec(
                    select(
                        Income.agreement_id,
                        Income.received_on,
                        Income.income_type,
                        Income.amount_cents,
                        Income.licensee_reference,
                    ).where(
                        col(Income.agreement_id).in_(chunk),
                        col(Income.received_on).between(min(days), max(days)),
                        counted(),  # a payment voided as a mistake is not "already recorded"
                    )
                ).all()
            )
        return recorded

    def write(self, tick: Callable[[int], None]) -> int:
        # Not revenue.services.record_income: it needs "income.record", which an administrator
        # importing data does not hold; the rules it applies are checked above. Bulk INSERTs:
        # an income file may hold a hundred thousand payments.
        start_month = get_settings().fiscal_year_start_month
        done = 0
        for batch in _chunks(self.plan, BATCH):
            ids = self.session.scalars(
                sa.insert(Income).returning(Income.id, sort_by_parameter_order=True),
                [
                    {
                        "agreement_id": item.agreement_id,
                        "received_on": item.received_on,
                        "fiscal_year": fiscal_year_of(item.received_on, start_month),
                        "income_type": item.kind.value,
                        "amount_cents": to_cents(item.amount),
                        "licensee_reference": item.reference,
                        "note": item.note,
                        "recorded_by_account_id": self.actor.account_id,
                        "recorded_by_name": self.actor.name,
                    }
                    for item in batch
                ],
            ).all()
            for item, income_id in zip(batch, ids, strict=True):
                audit.record(
                    self.session,
                    actor=self.actor,
                    action="income.imported",
                    object_type="income",
                    object_id=income_id,
                    after={
                        "agreement": item.agreement,
                        "type": item.kind,
                        "amount": str(item.amount),
                        "received_on": item.received_on,
                    },
                )
                done += 1
                tick(done)
            self.session.flush()
            # Written past the ORM's hooks: the batch's stored credit, in one refresh.
            credit.refresh_income_credit(
                self.session, select(Income.id).where(col(Income.id).in_(ids))
            )
        return done
