"""Sign in: single sign-on where configured, otherwise a username and password."""

import streamlit as st

from tlo import ui
from tlo.auth import services as accounts
from tlo.auth.passwords import DEMO_PASSWORD
from tlo.config import get_settings
from tlo.db import unit_of_work

st.title("tlo · Technology Licensing Office")
ui.show_signed_out_note()

settings = get_settings()
with unit_of_work() as session:
    demo_present = accounts.demo_accounts_present(session)
if demo_present and settings.production:
    st.warning(
        "This database holds the demo accounts. Their published password is refused because "
        "TLO_ENV is production; an administrator should deactivate them.",
        icon=":material/warning:",
    )
elif demo_present and not ui.oidc_configured():  # (no password form under SSO)
    st.warning(
        f"**This is a demo: anyone who has read the README can sign in**, as any role, with "
        f"the demo accounts (password `{DEMO_PASSWORD}`). Keep real data out of it. A real "
        "office starts from an empty database with `TLO_ENV=production` and "
        "`python -m tlo create-admin`.",
        icon=":material/warning:",
    )

if ui.oidc_configured():
    if st.user.is_logged_in:
        st.error(
            f"No active tlo account belongs to {st.user.email}. "
            "Ask the office's administrator to add you."
        )
        if st.button("Sign out"):
            ui.sign_out()  # clears Streamlit's cookie, so that someone else can sign in
    else:
        st.write("Sign in with your university account.")
        if st.button("Sign in with single sign-on", type="primary"):
            st.login()
    st.stop()

with st.form("sign_in"):
    username = st.text_input("Username", key="username")
    password = st.text_input("Password", type="password", key="password")
    submitted = st.form_submit_button("Sign in", type="primary")

st.caption(
    f"After {settings.signin_max_failures} failed sign-ins within "
    f"{settings.signin_lockout_minutes} minutes from one address an account is locked for that "
    "address for as long; an administrator's password reset lifts it."
)

if submitted:
    with unit_of_work() as session:
        result = accounts.sign_in(
            session, username=username, password=password, client=st.context.ip_address
        )
    if result.actor is None:
        st.error(result.error)
    else:  # the same address again, now signed in: a link to a page or a record opens it
        ui.signed_in(result.actor.account_id, result.started)
        st.rerun()
