"""People: everyone tlo knows (faculty, staff, external co-inventors); add and deactivate."""

import streamlit as st

from tlo import ui
from tlo.people import services as people

actor = ui.actor()
st.title("People")

search = st.text_input(
    "Search by name or e-mail", key="people_search", on_change=ui.reset_offset, args=("people",)
)
include_inactive = st.toggle(
    "Show deactivated people", key="people_inactive", on_change=ui.reset_offset, args=("people",)
)
with ui.reading() as session:
    page = people.list_people(
        session,
        actor=actor,
        search=search,
        include_inactive=include_inactive,
        offset=ui.offset_for("people"),
    )
    departments = people.list_departments(session, actor=actor)

ui.table(
    [
        {
            "Name": row.full_name,
            "E-mail": row.email,
            "Department": row.department or "",
            "School": row.school or "",
            "Organisation": row.organisation or ("" if row.is_external else "University"),
            "Account": "yes" if row.has_account else "",
            "Active": row.active,
        }
        for row in page.items
    ],
    name="people",
)
ui.pager(page, key="people")

fresh = ui.widget_key("new_person_")  # fresh keys once saved: the browser forgets the text
with st.expander("Add a person", icon=":material/person_add:"), st.form("add_person"):
    full_name = st.text_input("Full name", key=f"{fresh}name")
    email = st.text_input("E-mail", key=f"{fresh}email")
    is_external = st.checkbox("External (not employed by the university)", key=f"{fresh}external")
    department = st.selectbox(
        "Department (university people)",
        departments,
        index=None,
        format_func=lambda d: f"{d.name} · {d.school_name}",
        key=f"{fresh}department",
    )
    organisation = st.text_input("Organisation (external people)", key=f"{fresh}org")
    if st.form_submit_button("Add person"):
        ui.attempt(
            people.create_person,
            full_name=full_name,
            email=email,
            department_id=None if is_external or department is None else department.id,
            organisation=organisation if is_external else None,
            is_external=is_external,
            success=f"{full_name.strip()} added.",
            clear="new_person_",
        )

if page.items:
    with st.expander("Deactivate or reactivate", icon=":material/person_off:"):
        chosen = st.selectbox(
            "Person (from the list above)",
            page.items,
            format_func=lambda row: (
                f"{row.full_name} <{row.email}>" + ("" if row.active else " (deactivated)")
            ),
            key="toggle_person",
        )
        st.caption("Deactivating a person also deactivates their account.")
        label = "Reactivate" if not chosen.active else "Deactivate"
        if st.button(label, key="toggle_person_button"):
            ui.attempt(
                people.set_person_active,
                person_id=chosen.id,
                active=not chosen.active,
                success=f"{chosen.full_name} {label.lower()}d.",
            )
