"""Receivables: what licensees owe by how late it is, the open invoices, and billing an
agreement's fees and achieved milestones."""

import streamlit as st

from tlo import clock, ui
from tlo.config import get_settings
from tlo.licensing import dunning, invoices
from tlo.money import dollars, from_cents
from tlo.ui import receivables_view

actor = ui.actor()
st.title("Receivables")
aging_tab, overdue_tab, open_tab, bill_tab = st.tabs(
    ["Aging", "Overdue", "Invoices", "Bill an agreement"]
)

with aging_tab:
    with ui.reading() as session:
        rows = invoices.aging(session, actor=actor)
    labels = [label for label, _, _ in invoices.BUCKETS]
    if not rows:
        st.success("No invoice is open.")
    else:
        totals = [sum(row.buckets[i] for row in rows) for i in range(len(labels))]
        columns = st.columns(len(labels))
        for column, label, total in zip(columns, labels, totals, strict=True):
            column.metric(label, dollars(from_cents(total)))
        receivables_view.aging_chart(rows)
        ui.table(
            [
                {
                    "Licensee": row.company,
                    **{label: from_cents(row.buckets[i]) for i, label in enumerate(labels)},
                    "Total": from_cents(row.total_cents),
                }
                for row in rows
            ],
            name="Receivables aging",
            kinds={label: "money" for label in [*labels, "Total"]},
        )

with overdue_tab:
    st.caption(
        "Invoices past due with something still to pay, and royalty reports not received by "
        "their due date. `python -m tlo remind --licensees` (run daily) e-mails each licensee "
        "a reminder of each, at most once every "
        f"{get_settings().licensee_reminder_days} days."
    )
    # Every license's reporting periods are gone through: asked for, not on every visit.
    if st.toggle("Show what is overdue", key="show_overdue"):
        today = clock.today()
        with ui.reading() as session:
            late = dunning.overdue(session, actor=actor, today=today)
        ui.table(
            [
                {
                    "Due": item.due_on,
                    "Days late": item.days_late(today),
                    "Agreement": item.agreement_number,
                    "Licensee": item.company,
                    "What": item.what,
                    "Last reminded": item.last_reminded,
                    "Reminders go to": item.recipient[1] if item.recipient else None,
                }
                for item in late
            ],
            name="Overdue from licensees",
        )

with open_tab:
    open_only = st.toggle("Open invoices only", value=True, key="open_only")
    with ui.reading() as session:
        page = invoices.list_invoices(
            session, actor=actor, open_only=open_only, offset=ui.offset_for("invoices")
        )
    ui.table(
        receivables_view.invoice_rows(page.items, with_licensee=True),
        name="Invoices",
        kinds={"Amount": "money", "Paid": "money"},
    )
    ui.pager(page, key="invoices")
    if page.items:
        receivables_view.invoice_document(page.items, key="staff")
    if ui.can("invoice.issue") and page.items:
        with st.expander("E-mail an invoice to the licensee"):
            row = st.selectbox(
                "Invoice to send",
                [r for r in page.items if r.invoice.status == "open"],
                format_func=lambda r: (
                    f"{r.invoice.number} · {r.company}"
                    + (f" (sent to {r.invoice.sent_to})" if r.invoice.sent_to else "")
                ),
                key="send_invoice",
            )
            if row is not None:
                with ui.reading() as session:
                    contacts = invoices.billing_contacts(
                        session, actor=actor, invoice_id=row.invoice.id
                    )
                if not contacts:
                    st.info(f"{row.company} has no contact with an e-mail address yet.")
                else:
                    contact = st.selectbox(
                        "To",
                        contacts,
                        format_func=lambda c: f"{c.name} <{c.email}>",
                        key=f"send_to_{row.invoice.id}",
                    )
                    if st.button("E-mail it with its Word file", icon=":material/send:"):
                        ui.attempt(
                            invoices.send_invoice,
                            invoice_id=row.invoice.id,
                            contact_id=contact.id,
                            success=f"{row.invoice.number} goes to {contact.email} with the "
                            "next send-mail.",
                        )
    if ui.can("invoice.issue") and page.items:
        with st.expander("Void an invoice issued by mistake"), st.form("void_invoice"):
            row = st.selectbox(
                "Invoice to void",
                [r for r in page.items if r.invoice.status == "open"],
                format_func=lambda r: f"{r.invoice.number} · {r.company}",
            )
            reason = st.text_input("Why", max_chars=1000)
            sure = st.checkbox("Void it: this cannot be undone (the invoice is kept, void).")
            if st.form_submit_button("Void the invoice"):
                if not sure:
                    st.error("Tick the box to confirm.")
                elif row is not None:
                    ui.attempt(
                        invoices.void_invoice,
                        invoice_id=row.invoice.id,
                        reason=reason,
                        success=f"{row.invoice.number} is void.",
                    )

with bill_tab:
    if not ui.can("invoice.issue"):
        st.info("Finance bills the agreements.")
    else:
        chosen = receivables_view.agreement_choice(key="bill_agreement")
        if chosen:
            with ui.reading() as session:
                items = invoices.billable(session, actor=actor, agreement_id=chosen)
            if not items:
                st.info("Nothing of this agreement is billable yet.")
            for item in items:
                with st.container(border=True):
                    left, right = st.columns([3, 1])
                    left.markdown(
                        f"**{item.description}** · {dollars(from_cents(item.amount_cents))}  \n"
                        f"Due {item.due}"
                        + (f" · billed: {item.invoice_number}" if item.invoice_number else "")
                    )
                    if not item.invoice_number and right.button(
                        "Issue invoice", key=f"bill_{item.key}", icon=":material/receipt:"
                    ):
                        ui.attempt(
                            invoices.invoice_obligation,
                            agreement_id=chosen,
                            key=item.key,
                            success=f"Invoiced: {item.description}.",
                        )
