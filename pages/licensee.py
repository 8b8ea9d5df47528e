"""A licensee's own licenses: what each asks of it, its royalty reports (download the
workbook, upload it filled in, or file a zero report) and its invoices."""

import streamlit as st

from tlo import ui
from tlo.licensing import invoices, licensee_portal, report_workbook, royalty_reports
from tlo.licensing.receivable_models import ReportStatus
from tlo.money import from_cents
from tlo.ui import receivables_view

actor = ui.actor()
st.title("My licenses")

with ui.reading() as session:
    mine = licensee_portal.my_agreements(session, actor=actor)

if not mine:
    st.info(
        "Your account is not linked to a license that reports royalties yet. The licensing "
        "office links it to your company; ask them if you expected to see one here."
    )
    st.stop()

chosen = st.selectbox(
    "License",
    mine,
    format_func=lambda a: f"{a.number} · {a.title}",
    key="licensee_agreement",
)
with st.container(border=True):
    st.markdown(f"**{chosen.title}**  \n{chosen.kind} with {chosen.company} · {chosen.status}")
    left, right = st.columns(2)
    left.markdown(
        f"Effective: {chosen.effective_date or ui.MISSING}  \n"
        f"Territory: {chosen.territory or ui.MISSING}  \n"
        f"Field of use: {chosen.field_of_use or ui.MISSING}"
    )
    right.markdown(
        f"Royalty reports: {chosen.reporting}  \n"
        f"Product categories: {', '.join(chosen.categories) or ui.MISSING}  \n"
        f"Currencies accepted: {', '.join(chosen.currencies)}"
    )

with ui.reading() as session:
    periods = royalty_reports.reportable_periods(session, actor=actor, agreement_id=chosen.id)
    rejected = licensee_portal.rejected_reports(session, actor=actor, agreement_id=chosen.id)
    filed = royalty_reports.list_reports(
        session, actor=actor, agreement_id=chosen.id, limit=200
    ).items
    billed = invoices.list_invoices(session, actor=actor, agreement_id=chosen.id, limit=200).items

with st.expander("What the license asks of you, and when"):
    with ui.reading() as session:
        asked = licensee_portal.obligations_of(session, actor=actor, agreement_id=chosen.id)
    ui.table(
        [
            {
                "Due": item.due,
                "What": item.description,
                "Amount": item.amount,
                "Status": item.state,
            }
            for item in asked
        ],
        name=f"Obligations {chosen.number}",
        kinds={"Amount": "text"},
    )

st.subheader("Report a period")
open_periods = [period for period, report in periods if report is None]
if not open_periods:
    st.success("Every period that has ended is reported.")
else:
    period = receivables_view.period_choice(open_periods, key=f"period_{chosen.id}")
    for report in rejected:
        if report.period_end == period.end:
            st.warning(
                f"Your report of this period was sent back on "
                f"{report.reviewed_at:%Y-%m-%d}: {report.reject_reason}"
            )
            break
    upload_tab, zero_tab = st.tabs(["Upload the report workbook", "No sales: a zero report"])
    with upload_tab:
        st.download_button(
            "Download the report template",
            data=ui.deferred(  # made when asked, not on every rerun of the page
                report_workbook.template_bytes, agreement_id=chosen.id, period_end=period.end
            ),
            file_name=report_workbook.template_name(chosen.number, period.end),
            mime=ui.XLSX_MIME,
            icon=":material/download:",
            on_click="ignore",
        )
        with st.form(f"upload_{chosen.id}_{period.end}"):
            workbook = st.file_uploader(
                "The filled-in workbook",
                type=["xlsx"],
                key=ui.widget_key("report_file"),
                max_upload_size=report_workbook.MAX_BYTES // (1024 * 1024),  # what is read
            )
            note = st.text_input("A note for the office (optional)", max_chars=1000)
            if st.form_submit_button("Upload the report", type="primary"):
                ui.attempt(
                    report_workbook.upload_report,
                    agreement_id=chosen.id,
                    period_end=period.end,
                    content=workbook.getvalue() if workbook else b"",
                    note=note,
                    success=(
                        f"Your report of the period ending {period.end} is filed: the office "
                        "reviews it and sends the invoice."
                    ),
                    clear="report_file",
                )
    with zero_tab, st.form(f"zero_{chosen.id}_{period.end}"):
        sure = st.checkbox(
            f"There were no sales and no sublicense income from {period.start} to {period.end}."
        )
        if st.form_submit_button("File a zero report"):
            if not sure:
                st.error("Tick the box to confirm there were no sales in the period.")
            else:
                ui.attempt(
                    royalty_reports.submit_zero_report,
                    agreement_id=chosen.id,
                    period_end=period.end,
                    success=f"Your zero report of the period ending {period.end} is filed.",
                )

st.subheader("My reports")
ui.table(
    [
        {
            "Period ending": row.report.period_end,
            "Status": ReportStatus(row.report.status).label,
            "Filed": row.report.submitted_at,
            "Filed by": row.report.submitted_by_name,
            "Zero report": "Yes" if row.report.zero else "No",
            "Total due": from_cents(row.report.total_due_cents)
            if row.report.total_due_cents is not None
            else None,
            "Reason sent back": row.report.reject_reason,
        }
        for row in filed
    ],
    name=f"Reports {chosen.number}",
    kinds={"Filed": "datetime", "Total due": "money"},
)

st.subheader("My invoices")
ui.table(
    receivables_view.invoice_rows(billed, with_licensee=False),
    name=f"Invoices {chosen.number}",
    kinds={"Amount": "money", "Paid": "money"},
)
if billed:
    receivables_view.invoice_document(billed, key="licensee")
