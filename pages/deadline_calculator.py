"""Deadline calculator: enter a trigger and its date, see every deadline it sets."""

import streamlit as st

from tlo import ui
from tlo.patents.deadlines import OFFICES, ActionType, Event, EventKind, deadlines_for

st.title("Deadline calculator")
st.caption(
    "The same rules as the docket and `python -m tlo deadlines` (every rule with its legal "
    "source: *Deadline rules*). A USPTO deadline on a weekend or federal holiday may be met on "
    "the next business day: the *file by* date."
)

LABELS = {
    EventKind.PROVISIONAL_FILED: "US provisional filed",
    EventKind.NONPROVISIONAL_FILED: "US non-provisional filed",
    EventKind.PCT_FILED: "PCT application filed",
    EventKind.EP_FILED: "European application filed (or Euro-PCT)",
    EventKind.US_PATENT_GRANTED: "US patent granted",
    EventKind.OFFICE_ACTION_MAILED: "Office action mailed (USPTO)",
    EventKind.PUBLIC_DISCLOSURE: "Public disclosure (paper, talk, poster)",
    EventKind.INVENTION_DISCLOSED: "Invention disclosed to the office",
    EventKind.AGENCY_NOTIFIED: "Invention reported to the funding agency",
    EventKind.TITLE_ELECTED: "Title elected",
    EventKind.LICENSE_EXECUTED: "License executed",
    EventKind.DECIDED_NOT_TO_CONTINUE: "Decided to let an application or fee lapse",
    EventKind.NATIONAL_FILED: "National application filed in CA or AU (or national phase)",
    EventKind.NATIONAL_PATENT_GRANTED: "Patent granted in CN, JP, KR, IN, CA, AU or EP",
}
# What each trigger's earlier filing is called, where it may claim one.
PRIORITY = {
    EventKind.NONPROVISIONAL_FILED: "Priority date it claims (empty: it is the first filing)",
    EventKind.PCT_FILED: "Priority date it claims (empty: none, PCT Art. 2(xi))",
    EventKind.EP_FILED: "Priority date of a Euro-PCT (empty: a direct EP filing)",
}

kind_col, date_col = st.columns(2)
kind = kind_col.selectbox("Trigger", list(EventKind), format_func=LABELS.get, key="calc_kind")
on = date_col.date_input("Date of the trigger", value=None, key="calc_date")
federal = st.checkbox("Federally funded (apply Bayh-Dole)", key="calc_federal")
fields = {}
if kind in PRIORITY:
    fields["priority_date"] = st.date_input(PRIORITY[kind], value=None, key="calc_priority")
if kind is EventKind.OFFICE_ACTION_MAILED:
    fields["action"] = st.selectbox(
        "Kind of action", list(ActionType), format_func=lambda a: a.label, key="calc_action"
    )
if kind is EventKind.US_PATENT_GRANTED:
    left, right = st.columns(2)
    fields["filing_date"] = left.date_input(
        "Filing date the term counts from (earliest US non-provisional or PCT)",
        value=None,
        key="calc_filing",
    )
    fields["term_adjustment_days"] = int(
        right.number_input(
            "Patent term adjustment (days)", min_value=0, max_value=7300, key="calc_pta"
        )
    )
if kind in OFFICES:
    left, right = st.columns(2)
    fields["office"] = left.selectbox("Office", OFFICES[kind], key="calc_office")
    fields["filing_date"] = right.date_input(
        "Filing date the term and fees count from (a national phase: the PCT's)"
        + ("" if kind is EventKind.NATIONAL_FILED else " (required)"),
        value=None,
        key="calc_national_filing",
    )
if kind in (EventKind.AGENCY_NOTIFIED, EventKind.TITLE_ELECTED):
    fields["bar_date"] = st.date_input(
        "Statutory bar date, if any (one year after a publication)", value=None, key="calc_bar"
    )
if kind is EventKind.DECIDED_NOT_TO_CONTINUE:
    fields["response_due"] = st.date_input(
        "Last day of the response or fee being let lapse", value=None, key="calc_response_due"
    )

if on is None:
    st.stop()
if kind is EventKind.DECIDED_NOT_TO_CONTINUE and fields["response_due"] is None:
    st.info("Enter the last day of the response or fee: the agency must be told 30 days before.")
    st.stop()
if kind is EventKind.NATIONAL_PATENT_GRANTED and fields["filing_date"] is None:
    st.info("Enter the filing date: the annual fees and the 20-year term count from it.")
    st.stop()
deadlines = deadlines_for([Event(kind, on, federal=federal, **fields)])
if not deadlines:
    st.info("This trigger sets no deadline unless the case is federally funded.")
ui.table(
    [
        {
            "Deadline": deadline.label,
            "Rule": deadline.rule,
            "Due": deadline.due,
            "File by": deadline.file_by,
            "Window opens": deadline.window_opens,
            "Grace or late entry ends": deadline.grace_ends,
            "Late": "Yes" if deadline.late else "",
        }
        for deadline in deadlines
    ],
    name=f"deadlines-{on}",
    kinds={"Window opens": "date", "Grace or late entry ends": "date"},
)
