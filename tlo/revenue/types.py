"""Kinds of income a licensee pays, shared by the policies, the engine and the services."""

from __future__ import annotations

from enum import StrEnum

from tlo.errors import ValidationError


class IncomeType(StrEnum):
    UPFRONT = "upfront"
    ANNUAL_FEE = "annual_fee"
    ROYALTY = "royalty"
    MILESTONE = "milestone"
    SUBLICENSE = "sublicense"
    EQUITY = "equity"
    COST_REIMBURSEMENT = "cost_reimbursement"

    @property
    def label(self) -> str:
        return {
            "upfront": "Upfront (issue) fee",
            "annual_fee": "Annual or maintenance fee",
            "royalty": "Running royalty",
            "milestone": "Milestone payment",
            "sublicense": "Sublicense income",
            "equity": "Equity cash-out",
            "cost_reimbursement": "Patent-cost reimbursement",
        }[self.value]

    @property
    def is_shared(self) -> bool:
        """A patent cost reimbursement pays back costs: it is not royalty and is not shared."""
        return self is not IncomeType.COST_REIMBURSEMENT

    @classmethod
    def shared(cls) -> list[IncomeType]:
        return [kind for kind in cls if kind.is_shared]


def parse_income_type(value: object) -> IncomeType:
    """An income type from its name ("royalty"), or a message listing the names."""
    try:
        return IncomeType(value)
    except (TypeError, ValueError):
        names = ", ".join(kind.value for kind in IncomeType)
        raise ValidationError(f"{value!r} is not an income type; use one of {names}.") from None
