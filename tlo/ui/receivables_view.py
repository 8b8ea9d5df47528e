"""What the royalty-report, receivables and licensee pages show alike: a license chosen from a
list, a reporting period chosen, and invoices as rows."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from tlo.licensing.invoices import InvoiceRow
from tlo.licensing.receivable_models import InvoiceKind
from tlo.licensing.royalty_reports import Period
from tlo.money import from_cents


def agreement_choice(
    licenses: Sequence[tuple[int, str, str]], *, key: str, placeholder: str
) -> int | None:
    """The id of the agreement chosen among (id, number, licensee), or None."""
    by_label = {f"{number} · {company}": agreement_id for agreement_id, number, company in licenses}
    chosen = st.selectbox("Agreement", list(by_label), index=None, placeholder=placeholder, key=key)
    return by_label.get(chosen)


def period_choice(periods: Sequence[Period], *, key: str) -> Period:
    return st.selectbox(
        "Period",
        periods,
        format_func=lambda p: f"{p.start} to {p.end} (due {p.due_on})",
        key=key,
    )


def invoice_rows(rows: Sequence[InvoiceRow], *, with_licensee: bool) -> list[dict]:
    return [
        {
            "Invoice": row.invoice.number,
            **(
                {"Agreement": row.agreement_number, "Licensee": row.company}
                if with_licensee
                else {}
            ),
            "For": InvoiceKind(row.invoice.kind).label,
            "Description": row.invoice.description,
            "Issued": row.invoice.issued_on,
            "Due": row.invoice.due_on,
            "Amount": from_cents(row.invoice.amount_cents),
            "Paid": from_cents(row.paid_cents),
            "Status": row.state,
        }
        for row in rows
    ]
