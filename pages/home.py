"""Home: a welcome with what each of the user's roles can do, and an officer's next deadlines."""

from datetime import date

import streamlit as st

from tlo import ui
from tlo.auth.models import Role
from tlo.licensing import outreach
from tlo.navigation import welcome_for
from tlo.patents import services as patents
from tlo.patents.services import DocketFilters

actor = ui.actor()
st.title(f"Welcome, {actor.name}")
st.caption(f"Signed in as {actor.username} · {actor.role_labels}")

if actor.has_role(Role.OFFICER):
    with ui.reading() as session:
        mine = patents.docket(
            session,
            actor=actor,
            filters=DocketFilters(officer_person_id=actor.person_id, within_days=30),
        )
    st.subheader("My deadlines: overdue and the next 30 days")
    if not mine.entries:
        st.caption("Nothing due in the next 30 days.")
    for entry in mine.entries:
        item = entry.item
        line = (
            f"**{item.docket}** · {item.label} · {item.subject} · act by "
            f"{item.act_by} ({entry.days_left} days)"
        )
        st.markdown(f":red[**Overdue**] · {line}" if entry.overdue else line)
    st.page_link("pages/docket.py", label="Open the docket", icon=":material/event_upcoming:")
    with ui.reading() as session:
        follow_ups = outreach.follow_ups_due(session, actor=actor, owner_person_id=actor.person_id)
    st.subheader("Follow-ups due")
    if not follow_ups:
        st.caption("No follow-up due this week.")
    for row in follow_ups:
        late = row.next_follow_up < date.today()
        line = (
            f"**{row.docket}** · {row.company} ({row.stage.label}) · follow up {row.next_follow_up}"
        )
        st.markdown(f":red[**Overdue**] · {line}" if late else line)

for heading, abilities in welcome_for(actor):
    st.subheader(heading)
    st.markdown("\n".join(f"- {ability}" for ability in abilities))
