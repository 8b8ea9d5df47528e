"""Audit log: every change, newest first, as a sentence that names people and records."""

from datetime import date

import streamlit as st

from tlo import audit, clock, ui

EXPORT_KEY = "_audit_export"  # (the filters, the workbook's bytes) of the last prepared export

actor = ui.actor()
st.title("Audit log")
st.caption(
    "Every change, newest first. An entry's content is shown only to those who may read the "
    "record it is about: an administrator sees who changed a case and when, by its docket "
    "number, not what it holds."
)


def reset_page() -> None:
    ui.reset_offset("audit")


kinds = audit.record_kinds()
who_column, kind_column, record_column = st.columns(3)
who = who_column.text_input("Who acted (name or username)", key="audit_who", on_change=reset_page)
object_type = kind_column.selectbox(
    "Kind of record",
    [None, *kinds],
    format_func=lambda kind: "Any kind" if kind is None else kinds[kind],
    key="audit_type",
    on_change=reset_page,
)
record = record_column.text_input(
    "Record: number or name",
    key="audit_record",
    on_change=reset_page,
    disabled=object_type is None,
    help="A docket number (S27-0013), an agreement number (AGR-00012), an income number, or "
    "a name (a person, an account, a company). Choose the kind of record first.",
)
action_column, from_column, to_column = st.columns(3)
action = action_column.text_input("Action contains", key="audit_action", on_change=reset_page)
from_day = from_column.date_input(
    "From (office day)",
    value=None,
    min_value=date(1980, 1, 1),
    key="audit_from",
    on_change=reset_page,
)
to_day = to_column.date_input(
    "To (office day)",
    value=None,
    min_value=date(1980, 1, 1),
    key="audit_to",
    on_change=reset_page,
)

chosen = None
if who.strip():
    with ui.reading() as session:
        choices = audit.find_actors(session, actor=actor, search=who)
    if not choices:
        st.info(f"No one with an account matches “{who.strip()}”.")
        st.stop()
    chosen = who_column.selectbox(
        "Who",
        choices,
        format_func=lambda choice: choice.label,
        key="audit_who_pick",
        on_change=reset_page,
    )

filters = audit.AuditFilters(
    actor_account_id=chosen.account_id if chosen else None,
    by_system=chosen is not None and chosen.account_id is None,
    object_type=object_type,
    record=(record.strip() or None) if object_type else None,
    action_contains=action.strip() or None,
    from_day=from_day,
    to_day=to_day,
)
with ui.reading() as session:
    page = audit.list_entries(session, actor=actor, filters=filters, offset=ui.offset_for("audit"))

# Not ui.table: its Excel button would offer the 50 rows shown; the export below has them all.
zone = clock.office_zone()  # moments are shown, as in the export, in the office's time
st.dataframe(
    [
        {
            "When": entry.at.astimezone(zone).replace(tzinfo=None),
            "Who": entry.actor_name,
            "What": entry.sentence,
            "Record": entry.record,
            "Action": entry.action,
            "Before": audit.WITHHELD if entry.withheld else audit.as_text(entry.before),
            "After": audit.WITHHELD if entry.withheld else audit.as_text(entry.after),
        }
        for entry in page.items
    ],
    placeholder=ui.MISSING,
    hide_index=True,
    width="stretch",
    column_config={
        "When": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        "What": st.column_config.TextColumn(width="large"),
    },
)
ui.pager(page, key="audit")

if page.total and st.button(
    f"Prepare an Excel file of all {page.total:,} matching entries",
    icon=":material/table_view:",
    key="audit_export",
    help=f"Every entry the filters choose, up to {audit.EXPORT_MAX_ROWS:,}.",
):
    bar = st.progress(0.0, text="Preparing the Excel file…")

    def show(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Written {done:,} of {total:,}")

    data = ui.attempt(audit.export_entries, filters=filters, progress=show)
    bar.empty()
    if data is not None:
        st.session_state[EXPORT_KEY] = (filters, data)
prepared = st.session_state.get(EXPORT_KEY)
if prepared is not None and prepared[0] == filters:
    st.download_button(
        "Download the Excel file",
        data=prepared[1],
        file_name="audit-log.xlsx",
        mime=ui.XLSX_MIME,
        icon=":material/download:",
        key="audit_download",
        on_click="ignore",
    )
