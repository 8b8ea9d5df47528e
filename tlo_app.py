"""tlo's entry point: sign-in, then the pages the signed-in user's roles may see."""

import streamlit as st

from tlo import db, ui
from tlo.auth import services as accounts
from tlo.config import get_settings
from tlo.navigation import pages_for
from tlo.ui.errors import report_unexpected

st.set_page_config(
    page_title="tlo · Technology Licensing", page_icon=":material/lightbulb:", layout="wide"
)


class _SchemaNotCurrent(Exception):
    """The database is not at the revision this code was written for."""


@st.cache_resource(show_spinner=False)
def _schema_checked(database_url: str) -> bool:
    """Check, once per process and database, that the schema is the one this code needs.

    The app never migrates: with several app processes on one database, each would race to
    upgrade it. `python -m tlo migrate` runs once before they start (`make run`, `make serve`,
    deploy/start.sh). A failed check raises, and Streamlit does not cache an exception, so the
    next rerun after a migration finds the database ready."""
    current, head = db.current_revision(database_url), db.head_revision()
    if current != head:
        raise _SchemaNotCurrent(current, head)
    return True


def _require_current_schema(database_url: str) -> None:
    try:
        _schema_checked(database_url)
    except _SchemaNotCurrent as mismatch:
        current, head = mismatch.args
        st.title("The database is not ready")
        if _is_known_revision(current):
            st.error(
                f"The database is at revision {current or 'none (empty)'}, this code needs "
                f"{head}: run `python -m tlo migrate` once before starting the app."
            )
        else:  # migrated by newer code than this process runs (a half-finished upgrade)
            st.error(
                f"The database is at revision {current}, which this code does not know (it "
                f"needs {head}): this server runs older code than the database; update it."
            )
        st.stop()


def _is_known_revision(revision: str | None) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision is None:
        return True
    try:
        ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_revision(revision)
    except CommandError:
        return False
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


_require_current_schema(get_settings().database_url)
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

try:
    navigation.run()
except Exception as error:  # st.stop and st.rerun are not Exceptions: they pass through
    report_unexpected(error, page=getattr(navigation, "url_path", None))
