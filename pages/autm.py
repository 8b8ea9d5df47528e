"""AUTM annual metrics of a fiscal year: each metric, the records it counts, the workbook."""

import streamlit as st

from tlo import ui
from tlo.licensing import iedison
from tlo.reports import autm, excel

actor = ui.actor()
st.title("AUTM annual metrics")

with ui.reading() as session:
    years = autm.fiscal_years(session, actor=actor)
# The last complete fiscal year is the one usually reported; the current one is still running.
fiscal_year = st.selectbox(
    "Fiscal year",
    years,
    index=1 if len(years) > 1 else 0,
    format_func=lambda year: f"FY{year}" + (" (in progress)" if year == years[0] else ""),
    key="autm_year",
)
PREVIEW_ROWS = 200  # records shown per table; the workbook lists every one
with ui.reading() as session:
    report = autm.autm_metrics(
        session, actor=actor, fiscal_year=fiscal_year, preview_rows=PREVIEW_ROWS
    )
st.caption(
    f"FY{report.fiscal_year} runs from {report.first_day:%d %B %Y} to {report.last_day:%d %B %Y}."
)

# Three a row: the pipeline, the licenses, the money (in the order of the metrics).
headline = report.headline
for start in range(0, len(headline), 3):
    for metric, column in zip(headline[start : start + 3], st.columns(3), strict=False):
        column.metric(metric.card_label, metric.display, help=metric.rule, border=True)

# AUTM's own survey questions figures like these: read them before you export.
st.subheader("Before you submit")
findings = [check for check in report.checks if not check.passed]
if not findings:
    st.success(f"All {len(report.checks)} checks pass.")
for check in findings:
    st.warning(f"**{check.label}** ({len(check.found):,}). {check.advice}")
    with st.expander(f"What was found ({len(check.found):,})"):
        st.dataframe([{"Found": found} for found in check.found], hide_index=True, width="stretch")
st.caption(
    "Not reported: license income paid to other institutions — tlo does not record joint "
    "ownership yet. The workbook's Notes sheet says what else is left out."
)

st.download_button(
    f"Download the FY{fiscal_year} workbook",
    ui.deferred(autm.autm_workbook_file, fiscal_year=fiscal_year),
    file_name=f"autm-FY{fiscal_year}.xlsx",
    mime=ui.XLSX_MIME,
    icon=":material/download:",
    type="primary",
)

st.subheader("Every metric")
st.table(
    [
        {"Metric": metric.label, "Value": metric.display, "How it is counted": metric.rule}
        for metric in report.metrics
    ],
    hide_index=True,
)

st.subheader("What is counted")
for table in report.record_tables:
    with st.expander(f"{table.sheet} ({table.count:,})"):
        if table.rows:
            st.dataframe(table.as_dicts(), hide_index=True, width="stretch", placeholder=ui.MISSING)
            if table.is_preview:
                st.caption(
                    f"The first {len(table.rows):,} of {table.count:,}; the workbook lists "
                    "every one."
                )
        else:
            st.caption("None in this fiscal year.")

st.subheader("iEdison utilization")
st.caption(
    "For each federally funded technology, what its licensees reported in the fiscal year "
    "(approved royalty reports): products, units, gross sales and countries of manufacture, "
    "a workbook per funding agency."
)
with ui.reading() as session:
    funded_agencies = iedison.agencies(session, actor=actor, fiscal_year=fiscal_year)
if not funded_agencies:
    st.caption(f"No approved report of FY{fiscal_year} covers a federally funded technology.")
for agency in funded_agencies:
    st.download_button(
        f"{agency}: FY{fiscal_year} utilization workbook",
        ui.deferred(iedison.workbook, fiscal_year=fiscal_year, agency=agency),
        file_name=f"iedison-utilization-{excel.file_stem(agency)}-FY{fiscal_year}.xlsx",
        mime=ui.XLSX_MIME,
        icon=":material/download:",
        key=f"iedison_{agency}",
    )
