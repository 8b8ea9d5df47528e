"""Notifications: what tlo told me (newest first, marked read when I have seen it), how I
receive each kind of message, and for the administrator the messages that could not be sent."""

import streamlit as st

from tlo import clock, ui
from tlo.notify import inbox

actor = ui.actor()
st.title("Notifications")

with ui.reading() as session:
    messages = inbox.my_notifications(session, actor=actor)
    unread = inbox.unread_count(session, actor=actor)
    preferences = inbox.my_preferences(session, actor=actor)

tab_names = ["Messages", "How I receive them"]
if ui.can("notification.failures"):
    tab_names.append("Failed messages")
tabs = st.tabs(tab_names)

with tabs[0]:
    st.metric("Unread", unread)
    if unread and st.button("Mark all read", icon=":material/done_all:"):
        ui.attempt(inbox.mark_read, success="All your notifications are marked read.")
    if not messages:
        st.write("Nothing yet: tlo tells you here (and by e-mail) when one of your cases moves.")
    for message in messages:
        when = clock.office_date(message.created_at).isoformat()
        with st.container(border=True):
            title = message.subject if message.read_at else f"**{message.subject}** (new)"
            st.markdown(f"{title}  \n:gray[{when}]")
            link = message.link or ""
            st.text(message.body.removesuffix(f"\n\n{link}") if link else message.body)
            if link:
                st.markdown(f"[Open in tlo]({link})")
            if message.read_at is None and st.button(
                "Mark read", key=f"read_{message.id}", icon=":material/done:"
            ):
                ui.attempt(inbox.mark_read, message_id=message.id, success="Marked read.")

with tabs[1]:
    st.caption(
        "For each kind of message: an e-mail at once, one weekly digest, or none (you still "
        "find it here)."
    )
    with st.form("preferences"):
        chosen = {}
        for preference in preferences:
            chosen[preference.kind] = st.selectbox(
                preference.label,
                preference.modes,
                index=preference.modes.index(preference.mode),
                format_func=inbox.MODE_LABELS.get,
                key=f"mode_{preference.kind}",
                help="Legal deadlines cannot be switched off." if preference.always_on else None,
            )
            if preference.always_on:
                st.caption("Legal deadlines cannot be switched off.")
        if st.form_submit_button("Save my choices", type="primary"):
            ui.attempt(inbox.change_my_preferences, modes=chosen, success="Your choices are saved.")

if ui.can("notification.failures"):
    with tabs[2]:
        with ui.reading() as session:
            failed = inbox.failed_messages(session, actor=actor)
        if not failed:
            st.success("Every message was sent, or waits for its turn.")
        for message in failed:
            with st.container(border=True):
                state = "given up" if message.status == "failed" else "still retrying"
                st.markdown(
                    f"**{message.subject}** to {message.recipient_email} · "
                    f"{message.attempts} attempt(s), {state}"
                )
                st.caption(f"Last error: {message.last_error or '—'}")
                if st.button("Retry", key=f"retry_{message.id}", icon=":material/replay:"):
                    ui.attempt(
                        inbox.retry,
                        message_id=message.id,
                        success=f"Message {message.id} goes out with the next send-mail.",
                    )
