"""Schools and departments: the structure revenue shares and reports follow."""

import streamlit as st

from tlo import ui
from tlo.people import services as people

actor = ui.actor()
st.title("Schools & departments")

with ui.reading() as session:
    schools = people.list_schools(session, actor=actor, include_inactive=True)
    departments = people.list_departments(session, actor=actor, include_inactive=True)

schools_tab, departments_tab = st.tabs(["Schools", "Departments"])

with schools_tab:
    ui.table(
        [{"School": s.name, "Code": s.code, "Active": s.active} for s in schools],
        name="schools",
    )
    school_keys = ui.widget_key("school_")  # fresh keys once saved: the browser forgets the text
    with st.form("add_school"):
        st.markdown("**Add a school**")
        name = st.text_input("Name", key=f"{school_keys}name")
        code = st.text_input("Code (short, e.g. ENG)", key=f"{school_keys}code")
        if st.form_submit_button("Add school"):
            ui.attempt(
                people.create_school,
                name=name,
                code=code,
                success=f"{name} added.",
                clear="school_",
            )
    if schools:
        school = st.selectbox("School", schools, format_func=lambda s: s.name, key="toggle_school")
        if st.button("Reactivate" if not school.active else "Deactivate", key="toggle_school_b"):
            ui.attempt(
                people.set_school_active,
                school_id=school.id,
                active=not school.active,
                success=f"{school.name} updated.",
            )

with departments_tab:
    ui.table(
        [
            {"Department": d.name, "Code": d.code, "School": d.school_name, "Active": d.active}
            for d in departments
        ],
        name="departments",
    )
    active_schools = [s for s in schools if s.active]
    department_keys = ui.widget_key("department_")  # fresh keys once saved
    with st.form("add_department"):
        st.markdown("**Add a department**")
        name = st.text_input("Name", key=f"{department_keys}name")
        code = st.text_input("Code (short, e.g. EE)", key=f"{department_keys}code")
        school = st.selectbox(
            "School",
            active_schools,
            index=None,
            format_func=lambda s: s.name,
            key=f"{department_keys}school",
        )
        if st.form_submit_button("Add department"):
            ui.attempt(
                people.create_department,
                name=name,
                code=code,
                school_id=school.id if school else 0,
                success=f"{name} added.",
                clear="department_",
            )
    if departments:
        department = st.selectbox(
            "Department",
            departments,
            format_func=lambda d: f"{d.name} · {d.school_name}",
            key="toggle_department",
        )
        if st.button(
            "Reactivate" if not department.active else "Deactivate", key="toggle_department_b"
        ):
            ui.attempt(
                people.set_department_active,
                department_id=department.id,
                active=not department.active,
                success=f"{department.name} updated.",
            )
