"""Docket: every open deadline of every live case, computed from the records."""

import streamlit as st

from tlo import ui
from tlo.auth.models import Role
from tlo.disclosures import casework
from tlo.patents import services as patents
from tlo.patents.services import DocketFilters
from tlo.ui import case_view

actor = ui.actor()
st.title("Docket")
st.caption(
    "Deadlines are computed from filings, grants, office actions, public disclosures "
    "and Bayh-Dole records. *Act by* is the last day: a USPTO deadline on a weekend or "
    "federal holiday moves to the next business day."
)

with ui.reading() as session:
    officers = casework.list_officers(session, actor=actor)
me = next((i for i, o in enumerate(officers) if o.person_id == actor.person_id), None)
officer_col, window_col, kind_col, state_col = st.columns(4)
officer = officer_col.selectbox(
    "Officer",
    officers,
    index=me if actor.has_role(Role.OFFICER) else None,
    format_func=lambda o: o.name,
    key="docket_officer",
    placeholder="Every officer",
)
window = window_col.selectbox(
    "Due", ["within 30 days", "within 90 days", "any time", "overdue only"], key="docket_window"
)
kind = kind_col.selectbox(
    "Kind",
    ["all", "patent", "bayh_dole", "license"],
    key="docket_kind",
    format_func={
        "all": "All",
        "patent": "Patent",
        "bayh_dole": "Bayh-Dole",
        "license": "License obligation",
    }.get,
)
include_closed = state_col.toggle("Show done, waived and met", key="docket_closed")
filters = DocketFilters(
    officer_person_id=officer.person_id if officer else None,
    within_days={"within 30 days": 30, "within 90 days": 90}.get(window),
    overdue_only=window == "overdue only",
    kind=None if kind == "all" else kind,
    include_closed=include_closed,
)

PAGE_ROWS = 2_000  # rows shown at once; the exports hold every row the filters list
page = max(1, int(st.session_state.get("docket_page") or 1))
with ui.reading() as session:
    view = patents.docket(
        session, actor=actor, filters=filters, limit=PAGE_ROWS, offset=(page - 1) * PAGE_ROWS
    )
    if not view.entries and page > 1:  # the filters changed: back to the first page
        st.session_state["docket_page"] = 1
        view = patents.docket(session, actor=actor, filters=filters, limit=PAGE_ROWS)

left, right = st.columns(2)
left.metric("Overdue", view.overdue_count)
# A long docket is counted up to a bound (more than 10,000 open items: "10,000+").
right.metric("Listed", f"{view.listed:,}+" if view.more else f"{view.listed:,}")
if view.listed > PAGE_ROWS or view.more:
    pages = -(-view.listed // PAGE_ROWS) + (1 if view.more else 0)
    first_row = view.offset + 1
    of = f"more than {pages - 1}" if view.more else f"{pages}"
    st.number_input(f"Page (of {of})", min_value=1, max_value=pages, key="docket_page")
    listed = f"more than {view.listed:,}" if view.more else f"{view.listed:,}"
    st.caption(
        f"Rows {first_row:,}–{view.offset + len(view.entries):,} of {listed}, "
        "soonest first; the exports below hold them all."
    )
ui.table(  # the deadlines listed; the export below adds the file-by and grace dates
    [
        {
            "Docket": e.item.docket,
            "Deadline": e.item.label,
            "Concerning": e.item.subject,
            "Due": e.item.due,
            "Act by": e.item.act_by,
            "Days left": e.days_left,
            "State": "OVERDUE" if e.overdue else e.state,
            "Officer": e.item.officer_name or "",
            "Title": e.item.title,
        }
        for e in view.entries
    ],
    name="docket-listed",
)

excel_col, ics_col = st.columns(2)
excel_col.download_button(
    "Export with every date (Excel)",
    ui.deferred(patents.docket_excel_file, filters=filters),
    file_name="docket.xlsx",
    mime=ui.XLSX_MIME,
    icon=":material/table:",
)
ics_col.download_button(
    "Export to calendar (.ics)",
    ui.deferred(patents.docket_calendar_file, filters=filters),
    file_name="tlo-docket.ics",
    mime="text/calendar",
    icon=":material/calendar_month:",
)

open_entries = [e for e in view.entries if e.state == "open"]
if open_entries:
    st.subheader("Mark a deadline")
    fresh = ui.widget_key("mark_")  # fresh keys once saved: the browser forgets the text
    with st.form("mark"):
        entry = st.selectbox(
            "Deadline",
            open_entries,
            key=f"{fresh}entry",
            format_func=lambda e: (
                f"{e.item.docket} · {e.item.label} · {e.item.subject} · due {e.item.due}"
            ),
        )
        state = st.radio("Mark as", ["done", "waived"], horizontal=True, key=f"{fresh}state")
        note = st.text_input("Note (required to waive)", key=f"{fresh}note")
        if st.form_submit_button("Save"):
            ui.attempt(
                patents.mark_docket_item,
                key=entry.item.key,
                state=state,
                note=note,
                success=f"{entry.item.label} marked {state}.",
                clear="mark_",
            )
    case = case_view.pick_case_id(open_entries, key="docket_open")
    if case is not None:
        ui.open_case(case)
