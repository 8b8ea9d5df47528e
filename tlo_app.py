"""tlo's entry point: sign-in, then the pages the signed-in user's roles may see."""

import streamlit as st

from tlo import db, ui
from tlo.auth import services as accounts
from tlo.config import get_settings
from tlo.navigation import pages_for

st.set_page_config(
    page_title="tlo · Technology Licensing", page_icon=":material/lightbulb:", layout="wide"
)


@st.cache_resource(show_spinner="Preparing the database…")
def _migrated(database_url: str) -> bool:
    """Migrate each database once per process, before the first page touches it."""
    db.migrate(database_url)
    return True


def _load_signed_in_actor():
    account_id = st.session_state.get(ui.ACCOUNT_KEY)
    if account_id is None and ui.oidc_configured() and st.user.is_logged_in:
        with db.unit_of_work() as session:
            mapped = accounts.actor_for_email(session, st.user.email or "")
        if mapped is None:
            return None
        account_id = st.session_state[ui.ACCOUNT_KEY] = mapped.account_id
    if account_id is None:
        return None
    with db.unit_of_work() as session:
        actor = accounts.load_actor(session, account_id)
    if actor is None:  # deactivated since signing in
        ui.sign_out()
    return actor


_migrated(get_settings().database_url)
actor = _load_signed_in_actor()
st.session_state[ui.ACTOR_KEY] = actor

if actor is None:
    navigation = st.navigation([st.Page("pages/sign_in.py", title="Sign in")], position="hidden")
else:
    sections = {
        section: [
            st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec.default)
            for spec in specs
        ]
        for section, specs in pages_for(actor).items()
    }
    navigation = st.navigation(sections, expanded=True)  # every page in view, no "View more"
    with st.sidebar:
        st.markdown(f"**{actor.name}**  \n{actor.role_labels}")
        if st.button("Sign out", icon=":material/logout:"):
            ui.sign_out()
            st.rerun()
    ui.show_flashes()

navigation.run()
