"""Clause library: the standard clauses every agreement template includes, edited once."""

import streamlit as st

from tlo import ui
from tlo.licensing import clauses

actor = ui.actor()
st.title("Clause library")
st.caption(
    "Standard clauses (export control, notices, march-in rights...) are kept here once and "
    "printed by every agreement template that includes them. Saving a clause adds its next "
    "version: the next draft of every agreement prints it, and earlier drafts keep the "
    "version they printed. A clause may use the templates' {{ placeholders }}."
)
ui.show_flashes()

with ui.reading() as session:
    library = clauses.library(session, actor=actor)
ui.table(
    [
        {
            "Clause": c.heading,
            "Key": c.key,
            "Current version": c.current_version,
            "Printed": "only for federally funded technology" if c.federal_only else "always",
            "Changed by": c.changed_by,
            "In templates": ", ".join(c.used_by) or ui.MISSING,
        }
        for c in library
    ],
    name="clause-library",
)

by_key = {c.key: c for c in library}
# Chosen by key with a label that a new version leaves alone, so the choice survives saving.
chosen = by_key[
    st.selectbox(
        "Clause",
        list(by_key),
        format_func=lambda key: f"{by_key[key].heading} ({key})",
        key="clause_pick",
    )
]
with ui.reading() as session:
    history = clauses.versions(session, actor=actor, key=chosen.key)

st.subheader("Versions")
for row in history:
    when = f" · {row.created_at:%Y-%m-%d %H:%M} UTC" if row.created_at else ""  # shipped: none
    with st.expander(
        f"Version {row.version}{' (current)' if row.version == chosen.current_version else ''}"
        f" · {row.created_by_name}{when}"
    ):
        if row.note:
            st.caption(row.note)
        st.markdown(f"**{row.heading}**")
        st.text(row.text)

st.subheader("Save a new version")
current = history[0] if history else None
with st.form(f"clause_edit_{chosen.key}"):
    heading = st.text_input(
        "Heading",
        value=current.heading if current else chosen.heading,
        max_chars=clauses.MAX_HEADING,
        key=f"clause_heading_{chosen.key}",
    )
    text = st.text_area(
        "Text (a blank line between paragraphs)",
        value=current.text if current else "",
        height=320,
        max_chars=clauses.MAX_TEXT,
        key=f"clause_text_{chosen.key}",
    )
    note = st.text_input(
        "What changed", max_chars=clauses.MAX_NOTE, key=f"clause_note_{chosen.key}"
    )
    submitted = st.form_submit_button("Check and save", type="primary")
if submitted:
    ui.attempt(
        clauses.save_version,
        key=chosen.key,
        heading=heading,
        text=text,
        note=note,
        success=f"Version {chosen.current_version + 1} of “{heading}” is current: the next "
        "drafts print it.",
    )
