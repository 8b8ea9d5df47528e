"""Sign in: single sign-on where configured, otherwise a username and password."""

import streamlit as st

from tlo import ui
from tlo.auth import services as accounts
from tlo.config import get_settings
from tlo.db import unit_of_work

st.title("tlo · Technology Licensing Office")

if ui.oidc_configured():
    if st.user.is_logged_in:
        st.error(
            f"No active tlo account belongs to {st.user.email}. "
            "Ask the office's administrator to add you."
        )
        if st.button("Sign out"):
            st.logout()
    else:
        st.write("Sign in with your university account.")
        if st.button("Sign in with single sign-on", type="primary"):
            st.login()
    st.stop()

with st.form("sign_in"):
    username = st.text_input("Username", key="username")
    password = st.text_input("Password", type="password", key="password")
    submitted = st.form_submit_button("Sign in", type="primary")

settings = get_settings()
st.caption(
    f"After {settings.signin_max_failures} failed sign-ins in a row an account is locked for "
    f"{settings.signin_lockout_minutes} minutes; an administrator's password reset lifts it."
)

if submitted:
    with unit_of_work() as session:
        result = accounts.sign_in(session, username=username, password=password)
    if result.actor is None:
        st.error(result.error)
    else:
        st.session_state[ui.ACCOUNT_KEY] = result.actor.account_id
        st.rerun()
