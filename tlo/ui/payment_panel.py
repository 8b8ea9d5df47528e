"""The Income page's first way to record money: a licensee's payment against its open invoices
(tlo/licensing/payments.py), each part paid becoming the income distributed below; and the
licensee's credit applied to a later invoice."""

from __future__ import annotations

import streamlit as st

from tlo import ui
from tlo.licensing import payments
from tlo.licensing.payments import PaymentForm
from tlo.money import dollars, from_cents


def show() -> None:
    actor = ui.actor()
    with ui.reading() as session:
        owing = payments.companies_owing(session, actor=actor)
    if not owing:
        st.caption("No licensee has an open invoice: record income without one below.")
        return
    labels = {
        f"{name} · {dollars(from_cents(total))} open": company_id
        for company_id, name, total in owing
    }
    picked = st.selectbox(
        "Licensee", list(labels), index=None, placeholder="Who paid?", key="pay_company"
    )
    if picked is None:
        return
    company_id = labels[picked]
    with ui.reading() as session:
        listed = payments.open_invoices(session, actor=actor, company_id=company_id)
        credit = payments.credit_cents(session, actor=actor, company_id=company_id)
    fresh = ui.widget_key(f"pay_{company_id}_")
    with st.form(fresh):
        left, middle, right = st.columns(3)
        received = left.date_input("Received on", value=None, key=f"{fresh}on")
        amount = middle.text_input("Amount received ($)", key=f"{fresh}amount")
        reference = right.text_input("Their reference", key=f"{fresh}reference")
        st.caption(
            "Applied to the oldest invoices first unless you give the amounts; anything left "
            "over is kept as the licensee's credit."
        )
        given = {}
        for item in listed:
            given[item.invoice.id] = st.text_input(
                f"{item.invoice.number} · {item.agreement_number} · {item.invoice.description}"
                f" · due {item.invoice.due_on} · {dollars(from_cents(item.open_cents))} to pay",
                key=f"{fresh}inv_{item.invoice.id}",
                placeholder="Amount applied",
            )
        if st.form_submit_button("Record the payment", type="primary"):
            chosen = [(i, a) for i, a in given.items() if a.strip()]
            ui.attempt(
                payments.record_payment,
                form=PaymentForm(company_id, received, amount, chosen or None, reference=reference),
                success="Payment recorded and applied: its incomes are below, to distribute.",
                clear=(f"pay_{company_id}_", "inc_pick"),  # the newest income opened below
            )
    if credit > 0:
        st.info(f"{dollars(from_cents(credit))} of this licensee's payments is credit.")
    if credit > 0 and listed:
        with st.form(f"credit_{company_id}"):
            item = st.selectbox(
                "Apply it to",
                listed,
                format_func=lambda i: f"{i.invoice.number} · {dollars(from_cents(i.open_cents))}",
            )
            amount = st.text_input(
                "Amount ($)", value=str(from_cents(min(credit, listed[0].open_cents)))
            )
            if st.form_submit_button("Apply the credit"):
                ui.attempt(
                    payments.apply_credit,
                    company_id=company_id,
                    invoice_id=item.invoice.id,
                    amount=amount,
                    success=f"Credit applied to {item.invoice.number}.",
                )
