"""Deadline calculator: enter a trigger and its date, see every deadline it sets."""

import streamlit as st

from tlo import ui
from tlo.patents.deadlines import Event, EventKind, deadlines_for

st.title("Deadline calculator")
st.caption(
    "The same rules as the docket and `python -m tlo deadlines`. A USPTO deadline on a "
    "weekend or federal holiday may be met on the next business day: the *file by* date."
)

LABELS = {
    EventKind.PROVISIONAL_FILED: "US provisional filed",
    EventKind.PCT_FILED: "PCT application filed",
    EventKind.US_PATENT_GRANTED: "US patent granted",
    EventKind.OFFICE_ACTION_MAILED: "Office action mailed",
    EventKind.PUBLIC_DISCLOSURE: "Public disclosure (paper, talk, poster)",
    EventKind.INVENTION_DISCLOSED: "Invention disclosed to the office",
    EventKind.AGENCY_NOTIFIED: "Invention reported to the funding agency",
    EventKind.TITLE_ELECTED: "Title elected",
    EventKind.LICENSE_EXECUTED: "License executed",
}

kind_col, date_col = st.columns(2)
kind = kind_col.selectbox("Trigger", list(EventKind), format_func=LABELS.get, key="calc_kind")
on = date_col.date_input("Date of the trigger", value=None, key="calc_date")
federal = st.checkbox("Federally funded (apply Bayh-Dole)", key="calc_federal")
priority = None
if kind is EventKind.PCT_FILED:
    priority = st.date_input("Priority date of the family", value=None, key="calc_priority")

if on is None:
    st.stop()
if kind is EventKind.PCT_FILED and priority is None:
    st.info("Enter the priority date: the national phase counts from it.")
    st.stop()
deadlines = deadlines_for([Event(kind, on, federal=federal, priority_date=priority)])
if not deadlines:
    st.info("This trigger sets no deadline unless the case is federally funded.")
ui.table(
    [
        {
            "Deadline": deadline.label,
            "Due": deadline.due,
            "File by": deadline.file_by,
            "Window opens": deadline.window_opens,
            "Surcharge grace ends": deadline.grace_ends,
        }
        for deadline in deadlines
    ],
    name=f"deadlines-{on}",
    kinds={"Window opens": "date", "Surcharge grace ends": "date"},
)
