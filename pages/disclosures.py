"""All disclosures: search and filter every case, open one, export the list to Excel."""

import streamlit as st

from tlo import ui
from tlo.disclosures import casework, queries
from tlo.disclosures.models import DisclosureStatus
from tlo.disclosures.queries import DisclosureFilters
from tlo.people import services as people
from tlo.ui import case_view

actor = ui.actor()
st.title("All disclosures")

with ui.reading() as session:
    years = queries.fiscal_years(session, actor=actor)
    schools = people.list_schools(session, actor=actor)
    departments = people.list_departments(session, actor=actor)
    officers = casework.list_officers(session, actor=actor) if ui.can("disclosure.triage") else []


def reset():
    ui.reset_offset("all")


text_col, docket_col, inventor_col, keyword_col = st.columns(4)
filters = DisclosureFilters(
    text=text_col.text_input("Title, abstract or description", key="f_text", on_change=reset),
    docket=docket_col.text_input("Docket", key="f_docket", on_change=reset),
    inventor=inventor_col.text_input("Inventor", key="f_inventor", on_change=reset),
    keyword=keyword_col.text_input("Keyword", key="f_keyword", on_change=reset),
)
status_col, officer_col, school_col, department_col, year_col = st.columns(5)
filters.statuses = status_col.multiselect(
    "Status", list(DisclosureStatus), format_func=lambda s: s.label, key="f_status", on_change=reset
)
officer = officer_col.selectbox(
    "Officer", officers, index=None, key="f_officer", format_func=lambda o: o.name, on_change=reset
)
school = school_col.selectbox(
    "School", schools, index=None, key="f_school", format_func=lambda s: s.name, on_change=reset
)
department = department_col.selectbox(
    "Department",
    departments,
    index=None,
    key="f_department",
    format_func=lambda d: d.name,
    on_change=reset,
)
filters.fiscal_year = year_col.selectbox(
    "Fiscal year", years, index=None, key="f_year", on_change=reset
)
filters.officer_person_id = officer.person_id if officer else None
filters.school_id = school.id if school else None
filters.department_id = department.id if department else None

with ui.reading() as session:
    page = queries.search_disclosures(
        session, actor=actor, filters=filters, offset=ui.offset_for("all")
    )

case_view.rows_table(page.items)
ui.pager(page, key="all")

open_col, export_col = st.columns([3, 1], vertical_alignment="bottom")
with open_col:
    chosen = case_view.pick_case(page.items, key="all_case")
    if chosen is not None and st.button("Open the case file", icon=":material/folder_open:"):
        ui.open_case(chosen.id)
if ui.can("disclosure.export"):
    export_col.download_button(
        "Export to Excel",
        ui.deferred(queries.export_disclosures, filters=filters),
        file_name="disclosures.xlsx",
        mime=ui.XLSX_MIME,
        icon=":material/download:",
    )
