"""Royalty reports: finance reviews what each submitted report owes under its agreement and
approves it (an invoice follows) or sends it back with a reason; and enters a report that came
on paper."""

from decimal import Decimal

import streamlit as st

from tlo import ui
from tlo.licensing import royalty_reports
from tlo.licensing.receivable_models import ReportStatus
from tlo.money import dollars, from_cents
from tlo.ui import receivables_view

actor = ui.actor()
st.title("Royalty reports")
review_tab, all_tab, enter_tab = st.tabs(["To review", "All reports", "Enter a report"])


def report_rows(rows):
    return [
        {
            "Report": row.report.id,
            "Agreement": row.agreement_number,
            "Licensee": row.company,
            "Period ending": row.report.period_end,
            "Status": ReportStatus(row.report.status).label,
            "Filed": row.report.submitted_at,
            "Filed by": row.report.submitted_by_name,
            "How": row.report.source.capitalize(),
            "Total due": from_cents(row.report.total_due_cents)
            if row.report.total_due_cents is not None
            else None,
        }
        for row in rows
    ]


with review_tab:
    with ui.reading() as session:
        waiting = royalty_reports.list_reports(
            session,
            actor=actor,
            status=ReportStatus.SUBMITTED,
            offset=ui.offset_for("review"),
        )
    if not waiting.items:
        st.success("No report waits for review.")
    else:
        ui.table(
            report_rows(waiting.items),
            name="Reports to review",
            kinds={"Filed": "datetime", "Total due": "money"},
        )
        ui.pager(waiting, key="review")
        row = st.selectbox(
            "Review",
            waiting.items,
            format_func=lambda r: (
                f"{r.agreement_number} · {r.company} · period ending {r.report.period_end}"
            ),
            key="review_report",
        )
        with ui.reading() as session:
            view = royalty_reports.get_report(session, actor=actor, report_id=row.report.id)
        with st.container(border=True):
            st.markdown(
                f"**{view.agreement.number}** · {view.company.name} · "
                f"{view.report.period_start} to {view.report.period_end}  \n"
                f"Filed by {view.report.submitted_by_name} ({view.report.source})"
                + (f"  \nNote: {view.report.note}" if view.report.note else "")
            )
            if view.report.zero:
                st.info("A zero report: no sales and no sublicense income in the period.")
            owed_lines = view.owed["lines"] if view.owed else [None] * len(view.lines)
            st.dataframe(
                [
                    {
                        "Product": line.product,
                        "Gross": f"{from_cents(line.gross_sales_cents):,.2f} {line.currency}",
                        "Deductions": f"{from_cents(line.deductions_cents):,.2f}",
                        "Rate to USD": line.to_usd,
                        "Units": line.units,
                        "Made in": line.country_of_manufacture,
                        "Sold in": line.country_of_sale,
                        "Net sales (USD)": dollars(Decimal(owed["net_sales_usd"]))
                        if owed
                        else ui.MISSING,
                        "Royalty": dollars(Decimal(owed["royalty"])) if owed else ui.MISSING,
                    }
                    for line, owed in zip(view.lines, owed_lines, strict=True)
                ],
                hide_index=True,
                placeholder=ui.MISSING,
            )
            if view.owed:
                figures = st.columns(4)
                for column, (label, key) in zip(
                    figures,
                    (
                        ("Running royalty", "running_royalty"),
                        ("Sublicense fees", "sublicense_fees"),
                        ("Minimum top-up", "minimum_top_up"),
                        ("Total due", "total_due"),
                    ),
                    strict=True,
                ):
                    column.metric(label, dollars(Decimal(view.owed[key])))
            if view.report.remitted_cents is not None:
                paid = dollars(from_cents(view.report.remitted_cents))
                short = view.short_paid_cents
                if short is None:
                    st.caption(f"The licensee says it paid {paid} with the report.")
                elif short == 0:
                    st.success(f"The licensee paid {paid} with the report: what it owes.")
                elif short > 0:
                    st.warning(
                        f"The licensee paid {paid} with the report: "
                        f"{dollars(from_cents(short))} less than it owes."
                    )
                else:
                    st.info(
                        f"The licensee paid {paid} with the report: "
                        f"{dollars(from_cents(-short))} more than it owes (its credit, once "
                        "the payment is recorded)."
                    )
            else:
                st.caption("The licensee did not say what it paid with the report.")
            if view.cannot_approve:
                st.warning(view.cannot_approve)
            approve, reject = st.columns(2)
            with approve:
                if st.button(
                    "Approve and invoice",
                    type="primary",
                    disabled=view.cannot_approve is not None,
                    key=f"approve_{view.report.id}",
                    icon=":material/check:",
                ):
                    ui.attempt(
                        royalty_reports.approve_report,
                        report_id=view.report.id,
                        success=f"Approved: {view.agreement.number}, period ending "
                        f"{view.report.period_end}.",
                    )
            with reject, st.form(f"reject_{view.report.id}"):
                reason = st.text_area("Why it goes back (the licensee reads this)", max_chars=1000)
                if st.form_submit_button("Send back"):
                    ui.attempt(
                        royalty_reports.reject_report,
                        report_id=view.report.id,
                        reason=reason,
                        success="Sent back to the licensee with your reason.",
                    )

with all_tab:
    status = st.selectbox(
        "Status",
        [None, *ReportStatus],
        format_func=lambda s: "Any" if s is None else s.label,
        key="all_status",
    )
    with ui.reading() as session:
        page = royalty_reports.list_reports(
            session, actor=actor, status=status, offset=ui.offset_for("all_reports")
        )
    ui.table(
        report_rows(page.items),
        name="Royalty reports",
        kinds={"Filed": "datetime", "Total due": "money"},
    )
    ui.pager(page, key="all_reports")

with enter_tab:
    chosen = receivables_view.agreement_choice(key="enter_agreement")
    if chosen:
        with ui.reading() as session:
            periods = royalty_reports.reportable_periods(session, actor=actor, agreement_id=chosen)
        open_periods = [p for p, report in periods if report is None]
        if not open_periods:
            st.info(
                "No period of this agreement waits for a report: it is not an executed "
                "license with royalty rates, or every period that has ended is reported."
            )
        else:
            period = receivables_view.period_choice(open_periods, key=f"enter_period_{chosen}")
            st.caption(
                "One row per product category, currency and countries; amounts in the "
                "row's currency, the rate to USD for any other currency."
            )
            lines = st.data_editor(
                [
                    {
                        "product": "",
                        "gross_sales": "",
                        "deductions": "",
                        "currency": "USD",
                        "to_usd": "",
                        "units": "",
                        "country_of_manufacture": "",
                        "country_of_sale": "",
                    }
                ],
                num_rows="dynamic",
                key=ui.widget_key(f"enter_lines_{chosen}"),
                column_config={
                    "product": "Product category",
                    "gross_sales": "Gross sales",
                    "deductions": "Deductions",
                    "currency": "Currency",
                    "to_usd": "Rate to USD",
                    "units": "Units",
                    "country_of_manufacture": "Made in",
                    "country_of_sale": "Sold in",
                },
            )
            income_col, paid_col = st.columns(2)
            sublicense = income_col.text_input("Sublicense income (USD)", value="0")
            remitted = paid_col.text_input("Paid with the report (USD, if it says)")
            note = st.text_input("Note", max_chars=1000)
            left, right = st.columns(2)
            if left.button("File the report", type="primary"):
                ui.attempt(
                    royalty_reports.submit_report,
                    agreement_id=chosen,
                    period_end=period.end,
                    lines=[
                        {k: v for k, v in line.items() if v not in (None, "")}
                        for line in lines
                        if any(v not in (None, "", "USD") for v in line.values())
                    ],
                    sublicense_income=sublicense,
                    remitted=remitted,
                    note=note,
                    success=f"The report of the period ending {period.end} is filed.",
                    clear=f"enter_lines_{chosen}",
                )
            if right.button("File a zero report"):
                ui.attempt(
                    royalty_reports.submit_zero_report,
                    agreement_id=chosen,
                    period_end=period.end,
                    note=note,
                    success=f"A zero report of the period ending {period.end} is filed.",
                )
