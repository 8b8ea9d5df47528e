"""The case's inventors' designations of the department that receives their departmental share
(tlo/revenue/designations.py), under the inventors' table: who designated which department,
and, where the policy in force lets inventors designate it, the form for one's own share (or,
for the case's officer, any inventor's)."""

from __future__ import annotations

import streamlit as st

from tlo import ui
from tlo.disclosures.queries import CaseView
from tlo.people import services as people
from tlo.revenue import designations


def render(view: CaseView) -> None:
    actor = ui.actor()
    case_id = view.disclosure.id
    with ui.reading() as session:
        rows = designations.designations(session, actor=actor, disclosure_id=case_id)
    for row in rows:
        if row.designated_department:
            st.caption(
                f"{row.inventor}'s departmental share goes to {row.designated_department} "
                f"(designated; home department {row.home_department})."
            )
    if not ui.can(designations.PERMISSION):
        return
    own = [r for r in rows if not r.outside and (r.person_id == actor.person_id or view.can_work)]
    if not own:
        return
    with ui.reading() as session:  # the policies are read only for someone who may designate
        if not designations.policy_allows(session):
            return
        departments = people.list_departments(session, actor=actor)
    prefix = f"designate_{case_id}_"
    with st.expander("Designate the department of a departmental share"), st.form(f"{prefix}form"):
        st.caption(
            "The revenue-sharing policy lets each inventor name the department that receives "
            "the departmental share following their own; without one, it is their home "
            "department's."
        )
        inventor = st.selectbox(
            "Inventor", own, format_func=lambda r: r.inventor, key=f"{prefix}inventor"
        )
        department = st.selectbox(
            "Department",
            departments,
            index=None,
            format_func=lambda d: f"{d.name} · {d.school_name}",
            placeholder="Their home department",
            key=f"{prefix}department",
        )
        if st.form_submit_button("Save the designation"):
            ui.attempt(
                designations.designate_department,
                disclosure_id=case_id,
                person_id=inventor.person_id,
                department_id=department.id if department else None,
                success=f"{inventor.inventor}'s departmental share: "
                f"{department.name if department else 'their home department'}.",
            )
