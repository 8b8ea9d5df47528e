"""Pipeline: every technology's outreach across the office, by stage."""

import streamlit as st

from tlo import clock, ui
from tlo.auth.models import Role
from tlo.disclosures import casework
from tlo.licensing import outreach, outreach_corrections
from tlo.licensing.models import Channel, Stage
from tlo.ui import marketing_tab

actor = ui.actor()
st.title("Pipeline")

with ui.reading() as session:
    officers = casework.list_officers(session, actor=actor)
me = next((i for i, o in enumerate(officers) if o.person_id == actor.person_id), None)
owner = st.selectbox(
    "Officer",
    officers,
    format_func=lambda o: o.name,
    key="pipe_owner",
    index=me if actor.has_role(Role.OFFICER) else None,
    placeholder="Every officer",
    on_change=ui.reset_offset,
    args=("pipeline",),
)
owner_person_id = owner.person_id if owner else None
with ui.reading() as session:
    board = outreach.pipeline_board(
        session,
        actor=actor,
        owner_person_id=owner_person_id,
        offset=ui.offset_for("pipeline"),
    )

open_stages = [stage for stage in Stage if stage.is_open]
for stage, column in zip(open_stages, st.columns(len(open_stages)), strict=True):
    with column:
        st.metric(stage.label, board.counts[stage])
        for row in board.first[stage]:
            st.caption(f"**{row.docket}** · {row.company} · {row.days_in_stage} d")
        if board.counts[stage] > len(board.first[stage]):
            st.caption(f"… and {board.counts[stage] - len(board.first[stage])} more")
closed = [stage for stage in Stage if not stage.is_open]
st.caption(" · ".join(f"{stage.label}: {board.counts[stage]}" for stage in closed))

marketing_tab.pipeline_table(board.page.items)
ui.pager(board.page, key="pipeline")
st.download_button(
    "Export the pipeline to Excel",
    ui.deferred(outreach.export_pipeline, owner_person_id=owner_person_id),
    file_name="pipeline.xlsx",
    mime=ui.XLSX_MIME,
    icon=":material/download:",
)


def correct_touch(row, touch, contacts) -> None:
    fix = ui.widget_key(f"fix_touch_{touch.id}_")
    with st.form(f"fix_touch_{touch.id}"):
        st.markdown("**Correct this touch**")
        when_col, channel_col, contact_col = st.columns(3)
        touched_on = when_col.date_input(
            "Date", value=touch.touched_on, max_value=clock.today(), key=f"{fix}date"
        )
        channels = list(Channel)
        channel = channel_col.selectbox(
            "Channel",
            channels,
            index=channels.index(touch.channel),
            format_func=lambda c: c.label,
            key=f"{fix}channel",
        )
        ids = [c.id for c in contacts]
        contact = contact_col.selectbox(
            "Contact",
            contacts,
            index=ids.index(touch.contact_id) if touch.contact_id in ids else None,
            format_func=lambda c: c.name,
            placeholder="No one in particular",
            key=f"{fix}contact",
        )
        note = st.text_area("Note", value=touch.note, key=f"{fix}note")
        outcome = st.text_input("Outcome", value=touch.outcome, key=f"{fix}outcome")
        reason = st.text_input("Reason for the correction", key=f"{fix}reason")
        if st.form_submit_button("Save correction"):
            ui.attempt(
                outreach_corrections.correct_touch,
                touch_id=touch.id,
                touched_on=touched_on,
                channel=channel,
                contact_id=contact.id if contact else None,
                note=note,
                outcome=outcome,
                reason=reason,
                success=f"Touch with {row.company} corrected.",
                clear=f"fix_touch_{touch.id}_",
            )
    strike = ui.widget_key(f"strike_{touch.id}_")
    with st.form(f"strike_{touch.id}"):
        st.markdown("**Strike out this touch** (it never happened, or not with this company)")
        reason = st.text_input("Why strike it out?", key=f"{strike}reason")
        sure = st.checkbox(
            f"Strike out the {touch.channel.label.lower()} of {touch.touched_on:%d %b %Y} "
            "(the audit log keeps a copy)",
            key=f"{strike}sure",
        )
        if st.form_submit_button("Strike out"):
            if not sure:
                st.error("Tick the box to confirm striking the touch out.")
            else:
                ui.attempt(
                    outreach_corrections.strike_touch,
                    touch_id=touch.id,
                    reason=reason,
                    success=f"Touch with {row.company} struck out.",
                    clear=(f"strike_{touch.id}_", f"fix_touch_pick_{row.id}"),
                )


def withdraw(row, touches) -> None:
    gone = ui.widget_key(f"withdraw_{row.id}_")
    with st.form(f"withdraw_{row.id}"):
        st.markdown("**Withdraw this entry** (opened by mistake: the wrong company or technology)")
        reason = st.text_input("Why withdraw it?", key=f"{gone}reason")
        count = len(touches)
        going = f" with its {count} touch{'es' if count > 1 else ''}" if count else ""
        sure = st.checkbox(
            f"Take {row.company} out of {row.docket}'s pipeline{going} "
            "(the audit log keeps a copy)",
            key=f"{gone}sure",
        )
        if st.form_submit_button("Withdraw from the pipeline"):
            if not sure:
                st.error(f"Tick the box to confirm withdrawing {row.company}.")
            else:
                ui.attempt(
                    outreach_corrections.withdraw_outreach,
                    outreach_id=row.id,
                    reason=reason,
                    success=f"{row.company} withdrawn from {row.docket}'s pipeline.",
                    clear=(f"withdraw_{row.id}_", "fix_row"),
                )


if board.page.items and ui.can("outreach.correct"):
    with st.expander("Correct a mistake", icon=":material/edit_note:"):
        st.caption(
            "For an entry opened or a touch logged by mistake, on the cases you work. Each "
            "correction asks why; the case's audit log keeps what it said before."
        )
        row = st.selectbox(
            "Outreach (from the table above)",
            board.page.items,
            format_func=lambda r: f"{r.docket} · {r.company} · {r.stage.label}",
            key="fix_row",
        )
        row = next((r for r in board.page.items if r.id == row.id), row)  # as it is now
        with ui.reading() as session:
            touches = outreach_corrections.touches_of(session, actor=actor, outreach_id=row.id)
            contacts = outreach.contacts_of(session, actor=actor, company_id=row.company_id)
        if not touches:
            st.caption(f"No touch logged with {row.company} on {row.docket}.")
        else:
            ui.table(
                [
                    {
                        "Date": t.touched_on,
                        "Channel": t.channel.label,
                        "Contact": t.contact,
                        "Note": t.note,
                        "Outcome": t.outcome,
                        "Logged by": t.logged_by_name,
                    }
                    for t in touches
                ],
                name=f"touches-{row.docket}-{row.company}",
                kinds={"Date": "date"},
            )
            touch = st.selectbox(
                "Touch",
                touches,
                format_func=lambda t: (
                    f"{t.touched_on:%d %b %Y} · {t.channel.label} · {t.note[:50] or '(no note)'}"
                ),
                key=f"fix_touch_pick_{row.id}",
            )
            touch = next((t for t in touches if t.id == touch.id), touch)  # as it is now
            correct_touch(row, touch, contacts)
        withdraw(row, touches)
