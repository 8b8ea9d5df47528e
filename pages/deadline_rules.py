"""Deadline rules: every rule the docket applies, how it counts, what meets it, its source."""

import streamlit as st

from tlo import ui
from tlo.patents import services as patents

st.title("Deadline rules")
st.caption(
    "The docket's rules are data shipped with tlo (`tlo/patents/rules/*.toml`), each citing "
    "its legal source. The *Deadline calculator* and `python -m tlo deadlines` apply the same "
    "rules to any date."
)
with ui.reading() as session:
    rows = patents.deadline_rules(session, actor=ui.actor())
if rows:
    trigger = st.selectbox(
        "Trigger", ["All", *dict.fromkeys(row.trigger for row in rows)], key="rules_trigger"
    )
    shown = [row for row in rows if trigger == "All" or row.trigger == trigger]
    st.caption(f"{len(shown)} of {len(rows)} rules.")
    ui.table(
        [
            {
                "Rule": row.name,
                "Deadline": row.label,
                "Trigger": row.trigger,
                "Office": row.office,
                "Applies when": row.applies_when,
                "Due": row.computed,
                "Met by": row.met_by,
                "Ends when": row.aborted_by,
                "Source": row.source,
            }
            for row in shown
        ],
        name="deadline-rules",
    )
