"""Home: a welcome with what each of the user's roles can do here."""

import streamlit as st

from tlo import ui
from tlo.navigation import welcome_for

actor = ui.actor()
st.title(f"Welcome, {actor.name}")
st.caption(f"Signed in as {actor.username} · {actor.role_labels}")

for heading, abilities in welcome_for(actor):
    st.subheader(heading)
    st.markdown("\n".join(f"- {ability}" for ability in abilities))
