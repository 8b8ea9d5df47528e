"""Audit log: every change, newest first, with who, when and before/after."""

import streamlit as st

from tlo import audit, ui

actor = ui.actor()
st.title("Audit log")
st.caption(
    "Every change, newest first. An entry's content is shown only to those who may read the "
    "object it is about: an administrator sees who changed a case and when, not what it holds."
)
WITHHELD = "(not shown: confidential to those who may read it)"

left, middle, right = st.columns(3)
object_type = left.text_input(
    "Object type (e.g. person, account)",
    key="audit_type",
    on_change=ui.reset_offset,
    args=("audit",),
)
object_id = middle.text_input(
    "Object id", key="audit_id", on_change=ui.reset_offset, args=("audit",)
)
action = right.text_input(
    "Action contains", key="audit_action", on_change=ui.reset_offset, args=("audit",)
)

with ui.reading() as session:
    page = audit.list_entries(
        session,
        actor=actor,
        object_type=object_type.strip() or None,
        object_id=object_id.strip() or None,
        action_contains=action.strip() or None,
        offset=ui.offset_for("audit"),
    )

ui.table(
    [
        {
            "When": entry.at,  # shown, like every moment, in the office's local time
            "Who": entry.actor_name,
            "Action": entry.action,
            "Object": f"{entry.object_type} {entry.object_id}",
            "Before": WITHHELD if entry.withheld else audit.as_text(entry.before),
            "After": WITHHELD if entry.withheld else audit.as_text(entry.after),
        }
        for entry in page.items
    ],
    name="audit-log",
)
ui.pager(page, key="audit")
