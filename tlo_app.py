"""tlo's entry point: sign-in, then the pages the signed-in user's roles may see.

`streamlit run tlo_app.py` finds `app` at the end of this file (an `st.App`) and serves it
with uvicorn: Streamlit, plus the one HTTP endpoint of tlo's own that sets the HttpOnly
session cookie (tlo/web.py). uvicorn imports this file as the module `tlo_app` for that; then
Streamlit runs it, as the script `__main__`, for every page view: the router below.
"""

import streamlit as st

if __name__ == "__main__":  # a page view (the server's import needs none of this)
    from tlo import db, ui
    from tlo.auth import services as accounts
    from tlo.auth import sessions
    from tlo.config import get_settings
    from tlo.navigation import PAGES, pages_for
    from tlo.notify import inbox
    from tlo.ui import search_box
    from tlo.ui.errors import report_unexpected


NOTIFICATIONS = "pages/notifications.py"


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
    """The actor this tab is signed in as: by password in this tab, by the session cookie
    of a sign-in in another tab or before a reload, or by single sign-on; checked again on
    every page view, so a sign-out elsewhere, a deactivation or an idle hour takes effect on
    the next click."""
    account_id = st.session_state.get(ui.ACCOUNT_KEY)
    session_id = st.session_state.get(ui.SESSION_KEY)
    if account_id is not None and session_id is not None:
        with db.unit_of_work() as session:
            standing = sessions.check(session, session_id=session_id)
        if not standing.live:
            ui.sign_out()
            ui.note_signed_out(standing.ended or sessions.Ended.SIGNED_OUT)
            return None
        if standing.cookie_issued:
            ui.cookie_collected()
    if account_id is None:
        account_id = _resume_from_cookie()
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


def _resume_from_cookie() -> int | None:
    token = ui.session_token()
    if token is None or token == st.session_state.get(ui.REFUSED_TOKEN_KEY):
        return None
    with db.unit_of_work() as session:
        standing = sessions.resume(session, token=token)
    if not standing.live:
        st.session_state[ui.REFUSED_TOKEN_KEY] = token  # looked up once per tab, not per click
        if standing.ended in (sessions.Ended.IDLE, sessions.Ended.EXPIRED):
            ui.note_signed_out(standing.ended)
        return None
    st.session_state[ui.SESSION_KEY] = standing.session_id
    st.session_state[ui.ACCOUNT_KEY] = standing.account_id
    return standing.account_id


def _not_for_your_roles() -> None:
    st.title("Not one of your pages")
    st.info("This page is not among those your roles may open.", icon=":material/block:")
    st.page_link("pages/home.py", label="Home", icon=":material/home:")


def _signed_out_navigation():
    """The sign-in page, at the app's address and, hidden, at every page's: an address of a
    page (a bookmark, a link, a reload after the session ended) asks for the sign-in and then
    shows that page, its query (e.g. `?case=S26-0142`) intact."""
    sign_in = [st.Page("pages/sign_in.py", title="Sign in", default=True)]
    sign_in += [
        st.Page("pages/sign_in.py", title="Sign in", url_path=path, visibility="hidden")
        for path in _URL_PATHS.values()
    ]
    return st.navigation(sign_in, position="hidden")


def _signed_in_navigation(actor):
    """The pages of the actor's roles; the address of any other page shows a short note."""
    sections = {
        section: [
            st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec.default)
            for spec in specs
        ]
        for section, specs in pages_for(actor).items()
    }
    theirs = {spec.path for specs in pages_for(actor).values() for spec in specs}
    others = [
        st.Page(_not_for_your_roles, title="Not available", url_path=path, visibility="hidden")
        for page_path, path in _URL_PATHS.items()
        if page_path not in theirs
    ]
    if others:
        sections[""] = others
    return st.navigation(sections, expanded=True), theirs  # every page in view: no "View more"


def _follow_record_link(current, theirs: set[str]) -> None:
    """An address naming a record (`?case=S26-0142`) on another page: go to its page."""
    for kind, page_path in ui.RECORD_PAGES.items():
        key = (st.query_params.get(kind) or "").strip()
        if not key:
            continue
        if current.url_path == _URL_PATHS.get(page_path):
            return
        if page_path not in theirs:
            ui.no_such_record(kind, key)  # the same answer as for a record that is not there
            st.query_params.pop(kind, None)
            return
        params = {kind: key}
        if tab := (st.query_params.get("tab") or "").strip():
            params["tab"] = tab  # ?case=S26-0142&tab=patents opens that tab of the case
        st.switch_page(page_path, query_params=params)


def _unread_notifications(actor, theirs: set[str]) -> None:
    """The unread count in the sidebar, a link to the notifications (none when all are read)."""
    if NOTIFICATIONS not in theirs:
        return
    with db.unit_of_work() as session:
        unread = inbox.unread_count(session, actor=actor)
    if unread:
        st.page_link(
            NOTIFICATIONS,
            label=f"{unread} unread notification{'s' if unread != 1 else ''}",
            icon=":material/notifications_active:",
        )


def _route() -> None:
    st.set_page_config(
        page_title="tlo · Technology Licensing", page_icon=":material/lightbulb:", layout="wide"
    )
    _require_current_schema(get_settings().database_url)
    actor = _load_signed_in_actor()
    st.session_state[ui.ACTOR_KEY] = actor
    if actor is None:
        navigation = _signed_out_navigation()
    else:
        navigation, theirs = _signed_in_navigation(actor)
        with st.sidebar:
            search_box.render(actor)  # staff: find a case, agreement, company or person
            st.markdown(f"**{actor.name}**  \n{actor.role_labels}")
            _unread_notifications(actor, theirs)
            if st.button("Sign out", icon=":material/logout:"):
                ui.sign_out()
                st.rerun()
            ui.session_cookie_script()  # here it takes no room on the page
        _follow_record_link(navigation, theirs)
        ui.show_flashes()
    if actor is None:
        ui.session_cookie_script()
    try:
        navigation.run()
    except Exception as error:  # st.stop and st.rerun are not Exceptions: they pass through
        report_unexpected(error, page=getattr(navigation, "url_path", None))


if __name__ == "__main__":
    # Each page's address (`case` for pages/case.py), as st.navigation derives it.
    _URL_PATHS = {spec.path: st.Page(spec.path).url_path for spec in PAGES}
    _route()
else:  # uvicorn, through `streamlit run tlo_app.py`: the server
    from starlette.routing import Mount
    from streamlit.runtime.pages_manager import PagesManager

    from tlo import web
    from tlo.catalogue import web as catalogue
    from tlo.disclosures import share_web

    # Only st.navigation decides which script runs (see tlo.ui._router_runs_every_page).
    PagesManager.uses_pages_directory = False
    _base_path = st.get_option("server.baseUrlPath") or ""
    # Beside the app: the cookie endpoint, the public catalogue (tlo/catalogue/web.py) and the
    # outside co-inventors' share links (tlo/disclosures/share_web.py).
    app = st.App(
        __file__,
        routes=[
            *web.routes(_base_path),
            Mount(catalogue.mount_path(_base_path), app=catalogue.application()),
            Mount(share_web.mount_path(_base_path), app=share_web.application()),
        ],
    )
