"""What the royalty-report, receivables and licensee pages show alike: a license chosen from a
list, a reporting period chosen, and invoices as rows."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from tlo.licensing.invoices import BUCKETS, AgingRow, InvoiceRow
from tlo.licensing.receivable_models import InvoiceKind
from tlo.licensing.royalty_reports import Period
from tlo.money import from_cents


def agreement_choice(*, key: str) -> int | None:
    """The id of the agreement found by its number, title or licensee (a search, not a list
    of every agreement: the largest office has 10,000), or None."""
    from tlo import search
    from tlo.ui import pickers

    hit = pickers.pick_one(
        "Agreement",
        key=key,
        find=search.find_agreements,
        find_label="Find the agreement (number, title or licensee)",
        help="Type its number (AGR-00012), words of its title or its licensee's name.",
    )
    return hit.id if hit is not None else None


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


def invoice_document(rows: Sequence[InvoiceRow], *, key: str) -> None:
    """Choose one of the invoices listed and download it as a Word file."""
    from tlo import ui
    from tlo.licensing import invoices

    left, right = st.columns([3, 1], vertical_alignment="bottom")
    row = left.selectbox(
        "Invoice as a Word file",
        rows,
        format_func=lambda r: f"{r.invoice.number} · {r.invoice.description}",
        key=f"invoice_doc_{key}",
    )
    right.download_button(
        "Download",
        data=ui.deferred(invoices.invoice_docx, invoice_id=row.invoice.id),  # made when asked
        file_name=invoices.file_name(row.invoice),
        mime=ui.DOCX_MIME,
        icon=":material/download:",
        on_click="ignore",
        key=f"invoice_download_{key}",
    )


AGING_COLORS = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#6a1b1a")  # the later, the redder


def aging_chart(rows: Sequence[AgingRow], *, key: str = "aging") -> None:
    """What each licensee still owes, stacked by days past due (the 15 largest)."""
    labels = [label for label, _, _ in BUCKETS]
    shown = rows[:15]
    figure = go.Figure(
        [
            go.Bar(
                name=label,
                y=[row.company for row in shown],
                x=[str(from_cents(row.buckets[i])) for row in shown],
                orientation="h",
                marker_color=color,
            )
            for i, (label, color) in enumerate(zip(labels, AGING_COLORS, strict=True))
        ]
    )
    figure.update_layout(
        barmode="stack",
        title="Open invoices by licensee and days past due"
        + (" (the 15 largest)" if len(rows) > 15 else ""),
        xaxis_title="Amount ($)",
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "y": -0.25},
        height=max(260, 40 * len(shown) + 120),
    )
    st.plotly_chart(figure, key=f"chart_{key}", config={"displayModeBar": False})
