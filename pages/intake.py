"""Intake queue: disclosures received and waiting for an officer, oldest first."""

import streamlit as st

from tlo import ui
from tlo.disclosures import casework, queries
from tlo.ui import case_view

actor = ui.actor()
st.title("Intake queue")
st.caption(
    "New disclosures, oldest first. Flags show public disclosures and federal funding: "
    "those cases have deadlines running."
)

with ui.reading() as session:
    page = queries.intake_queue(session, actor=actor, offset=ui.offset_for("intake"))
    officers = casework.list_officers(session, actor=actor)

if not page.items:
    st.success("The queue is empty: every disclosure has its officer.")
    st.stop()

case_view.rows_table(page.items, with_officer=False)
ui.pager(page, key="intake")

st.subheader("Assign")
chosen = case_view.pick_case(page.items, key="intake_case", label="Case")
me = next((index for index, o in enumerate(officers) if o.person_id == actor.person_id), None)
officer = st.selectbox(
    "Licensing officer",
    officers,
    index=me,
    key="intake_officer",
    format_func=lambda option: option.name,
)
if st.button("Assign", type="primary", disabled=chosen is None or officer is None):
    ui.attempt(
        casework.assign_officer,
        disclosure_id=chosen.id,
        officer_person_id=officer.person_id,
        success=f"{chosen.docket} assigned to {officer.name}.",
    )
