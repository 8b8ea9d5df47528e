"""Income: record what licensees paid (void one recorded by mistake), review each draft
distribution line by line, post it; reverse a posted one; distribute a whole fiscal year at
once, after a preview of what it will post."""

import streamlit as st

from tlo import clock, ui
from tlo.config import get_settings
from tlo.money import dollars, from_cents
from tlo.revenue import services as revenue
from tlo.revenue import statements
from tlo.revenue.services import IncomeForm
from tlo.revenue.types import IncomeType
from tlo.ui import payment_panel

actor = ui.actor()
st.title("Income and distributions")
ui.show_flashes()


RUN_PREVIEW = "inc_run_preview"  # the annual run previewed, waiting to be confirmed
RUN_RESULT = "inc_run_result"  # what the last confirmed run posted


def money(cents: int) -> str:
    return f"{dollars(from_cents(cents))}"


def shown_state(state: str) -> str:
    return "Voided" if state == "voided" else state


def forget_run() -> None:
    """Another year chosen: its own preview is needed."""
    st.session_state.pop(RUN_PREVIEW, None)
    st.session_state.pop(RUN_RESULT, None)


def run_totals(summary) -> None:
    """What a run posts (or will post), by recipient class and by recipient."""
    ui.table(
        [
            {"Recipient class": t.label, "Recipients": t.recipients, "Amount": t.amount}
            for t in summary.by_class
        ],
        name=f"annual-run-FY{summary.fiscal_year}-classes",
    )
    st.caption("By recipient")
    ui.table(
        [
            {"Recipient": t.recipient, "Class": t.recipient_class, "Total": t.amount}
            for t in summary.by_recipient
        ],
        name=f"annual-run-FY{summary.fiscal_year}",
    )


with ui.reading() as session:
    signed = revenue.agreements_receiving_income(session, actor=actor)
    years = revenue.fiscal_years_with_income(session, actor=actor)

if ui.can("income.record"):
    with st.expander("A payment against invoices", icon=":material/receipt_long:"):
        payment_panel.show()
    with (
        st.expander(
            "Income without an invoice (a pool or agent statement, anything unexpected)",
            icon=":material/payments:",
        ),
        st.form(ui.widget_key("inc_new")),
    ):
        agreement = st.selectbox(
            "Agreement",
            signed,
            format_func=lambda pair: f"{pair[0].number} · {pair[1]} · {pair[0].title}",
            index=None,
            placeholder="Choose a signed agreement",
        )
        left, middle, right = st.columns(3)
        received = left.date_input("Received on", value=None)
        kind = middle.selectbox("Type", list(IncomeType), format_func=lambda k: k.label)
        amount = right.text_input("Amount ($)")
        reference = st.text_input("Licensee's reference (e.g. their payment or report no.)")
        report = st.file_uploader(
            "Royalty report (optional)", max_upload_size=get_settings().attachment_max_mb
        )
        note = st.text_input("Note")
        if st.form_submit_button("Record payment", type="primary"):
            ui.attempt(
                revenue.record_income,
                form=IncomeForm(
                    agreement_id=agreement[0].id if agreement else None,
                    received_on=received,
                    income_type=kind,
                    amount=amount,
                    licensee_reference=reference,
                    note=note,
                    report_name=report.name if report else None,
                    report_content=report.getvalue() if report else None,
                ),
                success="Payment recorded. Compute its distribution below.",
                clear=("inc_new", "inc_pick"),  # an empty form; the new payment opened below
            )

year = st.selectbox(
    "Fiscal year",
    years,
    index=0 if years else None,
    key="inc_year",
    on_change=ui.reset_offset,
    args=("incomes",),
    placeholder="No income yet",
)
with ui.reading() as session:
    page = revenue.list_incomes(
        session, actor=actor, fiscal_year=year, offset=ui.offset_for("incomes")
    )
ui.table(
    [
        {
            "Received": row.income.received_on,
            "Agreement": row.agreement_number,
            "Licensee": row.licensee,
            "Type": IncomeType(row.income.income_type).label,
            "Amount": from_cents(row.income.amount_cents),
            "Reference": row.income.licensee_reference,
            "Distribution": shown_state(row.state),
        }
        for row in page.items
    ],
    name=f"income-FY{year}" if year else "income",
)
ui.pager(page, key="incomes")

if page.items:
    st.subheader("Distribution of one payment")
    chosen = st.selectbox(
        "Payment",
        page.items,
        format_func=lambda row: (
            f"{row.income.received_on} · {row.agreement_number} · "
            f"{row.licensee} · {IncomeType(row.income.income_type).label} · "
            f"{money(row.income.amount_cents)} · {shown_state(row.state)}"
        ),
        key=ui.widget_key("inc_pick"),
    )
    income = chosen.income
    if income.voided:
        st.warning(
            f"Voided by {income.voided_by_name} on {clock.office_date(income.voided_at)}: "
            f"{income.void_reason}  \nThis payment counts in no total, report, statement or "
            "annual run.",
            icon=":material/block:",
        )
    if income.report_sha256:
        st.download_button(
            f"Royalty report: {income.report_name}",
            ui.deferred(revenue.read_report, income_id=income.id),
            file_name=income.report_name,
            key=f"inc_report_{income.id}",
        )
    views = []
    if ui.can("distribution.read"):
        with ui.reading() as session:
            views = revenue.distributions_of(session, actor=actor, income_id=income.id)
    for view in views:
        d = view.distribution
        state = "reversal" if d.reverses_id else d.status
        if view.reversed_by:
            state += f" (reversed by {view.reversed_by})"
        st.markdown(
            f"**Distribution {d.id} · {view.docket} {view.title}** · {state} · "
            f"{money(d.amount_cents)} under {d.policy_name} (from {d.policy_effective_from}), "
            f"computed by {d.computed_by_name}  \n"
            f"Patent costs outstanding before: {money(d.costs_outstanding_cents)}, recovered "
            f"{money(d.costs_recovered_cents)} · cumulative before "
            f"{money(d.cumulative_before_cents)}" + (f" · reason: {d.reason}" if d.reason else "")
        )
        ui.table(
            [
                {
                    "Recipient": line.recipient,
                    "Class": line.recipient_class.replace("_", "-"),
                    "Amount": from_cents(line.amount_cents),
                    "Rule": line.rule,
                }
                for line in view.lines
            ],
            name=f"distribution-{d.id}",
        )
    if ui.can("distribution.post") and chosen.state == "posted":
        with st.form(f"inc_reverse_{income.id}"):
            reason = st.text_input("Reason for reversing", key=f"inc_reason_{income.id}")
            if st.form_submit_button("Reverse this payment's distribution"):
                ui.attempt(
                    revenue.reverse_income,
                    income_id=income.id,
                    reason=reason,
                    success="Distribution reversed. Compute the payment again.",
                )
    if ui.can("distribution.post") and chosen.state in ("undistributed", "draft"):
        if get_settings().four_eyes:
            st.caption(
                "Four eyes: a draft is posted by another finance user than the one who computed it."
            )
        left, right = st.columns(2)
        if left.button("Compute the draft distribution", icon=":material/calculate:"):
            ui.attempt(
                revenue.compute_distribution,
                income_id=income.id,
                success="Draft computed: review every line, then post it.",
            )
        drafts_shown = [v.distribution.id for v in views if v.distribution.status == "draft"]
        if chosen.state == "draft" and right.button(
            "Post the distribution", type="primary", icon=":material/done_all:"
        ):
            ui.attempt(
                revenue.post_income,
                income_id=income.id,
                reviewed=drafts_shown,
                success="Distribution posted. It can no longer change; a correction is a reversal.",
            )
    if ui.can("income.void") and chosen.state in ("undistributed", "draft"):
        with (
            st.expander("Void this payment (recorded by mistake)", icon=":material/block:"),
            st.form(f"inc_void_{income.id}"),
        ):
            st.caption(
                "The payment stays on record, marked voided with your name and reason, and "
                "counts nowhere: no total, report, statement or annual run."
                + (" Its draft distribution is discarded." if chosen.state == "draft" else "")
            )
            void_reason = st.text_input("Why is it voided?", key=f"inc_void_reason_{income.id}")
            sure = st.checkbox(
                f"Void the payment of {money(income.amount_cents)} received on "
                f"{income.received_on}: this cannot be undone",
                key=f"inc_void_sure_{income.id}",
            )
            if st.form_submit_button("Void payment"):
                if not sure:
                    st.error("Tick the box to confirm that the payment is voided.")
                else:
                    ui.attempt(
                        revenue.void_income,
                        income_id=income.id,
                        reason=void_reason,
                        success="Payment voided. It is kept on record and counts nowhere.",
                    )
    elif ui.can("income.void") and chosen.state == "posted":
        st.caption(
            "A posted payment is not voided: reverse its distribution (with the reason), then "
            "void it if it was recorded by mistake."
        )

if ui.can("distribution.post") and years:
    st.subheader("Annual run: distribute a whole fiscal year")
    run_year = st.selectbox(
        "Fiscal year to distribute", years, key="inc_run_year", on_change=forget_run
    )
    result = st.session_state.get(RUN_RESULT)
    if result is not None and result.fiscal_year == run_year:
        st.success(
            f"FY{result.fiscal_year} posted: {result.incomes} payments, "
            f"{result.distributions} distributions, {dollars(result.total)} in all.",
            icon=":material/done_all:",
        )
        run_totals(result)
    st.caption(
        "First the preview: what the run will post, payment by payment, as it will post it; "
        "nothing is written. Then confirm to post it."
    )
    if st.button(f"Preview the run of FY{run_year}", icon=":material/preview:"):
        with st.spinner(f"Sharing the payments of FY{run_year}…"):
            previewed = ui.attempt(revenue.preview_annual_run, fiscal_year=run_year)
        st.session_state.pop(RUN_RESULT, None)
        st.session_state[RUN_PREVIEW] = previewed
    preview = st.session_state.get(RUN_PREVIEW)
    if preview is not None and preview.fiscal_year == run_year and preview.incomes == 0:
        st.info(f"Nothing to distribute in FY{run_year}: every payment is distributed or voided.")
    elif preview is not None and preview.fiscal_year == run_year:
        st.markdown(f"**What the run of FY{run_year} will post**")
        counts = st.columns(3)
        counts[0].metric("Payments", preview.incomes)
        counts[1].metric("Distributions", preview.distributions)
        counts[2].metric("Total", dollars(preview.total))
        run_totals(preview)
        if preview.four_eyes and preview.previewed_by_others:
            st.info(
                f"Four eyes: {', '.join(preview.previewed_by_others)} previewed these same "
                "figures, so you may post them."
            )
        elif preview.four_eyes:
            st.warning(
                "Four eyes: only you have previewed these figures. Another finance user "
                f"previews FY{run_year} and posts it (or previews it, and then you post it)."
            )
        confirmed = st.checkbox(
            f"I have checked the figures above: post {preview.incomes} payments of "
            f"FY{run_year}, {dollars(preview.total)}. Posted distributions never change; a "
            "correction is a reversal.",
            key=f"inc_run_sure_{preview.fingerprint}",
        )
        if st.button(
            preview.confirmation,
            type="primary",
            icon=":material/done_all:",
            disabled=not confirmed,
        ):
            bar = st.progress(0.0, text="Starting…")

            def show(done: int, total: int) -> None:
                if done % 100 == 0 or done == total:  # a year can hold 100,000 payments
                    bar.progress(done / total, text=f"{done} of {total} payments distributed")

            summary = ui.attempt(
                revenue.annual_run,
                fiscal_year=run_year,
                fingerprint=preview.fingerprint,
                progress=show,
            )
            if summary is not None:
                st.session_state.pop(RUN_PREVIEW, None)
                st.session_state[RUN_RESULT] = summary
                st.rerun()

if ui.can("distribution.post"):
    st.subheader("Exports")
    left, right = st.columns(2)
    left.download_button(
        "Ledger (Excel)",
        ui.deferred(statements.ledger_xlsx, fiscal_year=year),
        file_name=f"ledger-FY{year}.xlsx" if year else "ledger.xlsx",
        mime=ui.XLSX_MIME,
    )
    right.download_button(
        "Departments and schools (Excel)",
        ui.deferred(statements.units_statement_xlsx, fiscal_year=year),
        file_name=f"departments-schools-FY{year}.xlsx" if year else "departments-schools.xlsx",
        mime=ui.XLSX_MIME,
    )
