"""My account: change one's own password."""

import streamlit as st

from tlo import ui
from tlo.auth import services as accounts

actor = ui.actor()
st.title("My account")
st.write(f"**{actor.name}** · username `{actor.username}` · {actor.role_labels}")

st.subheader("Change password")
with st.form("change_password", clear_on_submit=True):
    current = st.text_input("Current password", type="password")
    new = st.text_input("New password (at least 10 characters)", type="password")
    repeated = st.text_input("New password again", type="password")
    submitted = st.form_submit_button("Change password")

if submitted:
    if new != repeated:
        st.error("The two new passwords differ.")
    else:
        ui.attempt(
            accounts.change_own_password,
            current_password=current,
            new_password=new,
            keep_session_id=st.session_state.get(ui.SESSION_KEY),  # other browsers sign out
            success="Your password is changed.",
        )
