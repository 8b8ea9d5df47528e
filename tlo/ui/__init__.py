"""Helpers the pages share: the signed-in actor, running a use case, flash messages, paging.

The ui package is the only part of tlo/ that imports streamlit; the domain stays testable
without it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import plotly.express as px
import streamlit as st
from sqlmodel import Session

from tlo import clock, navigation, web
from tlo.auth import permissions, sessions
from tlo.auth.permissions import Actor
from tlo.config import get_settings
from tlo.db import unit_of_work
from tlo.errors import DomainError
from tlo.money import dollars
from tlo.pagination import Page
from tlo.reports import excel

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OPEN_CASE_KEY = "open_case_id"
ACCOUNT_KEY = "account_id"
ACTOR_KEY = "_actor"
FLASH_KEY = "_flash"
GENERATIONS_KEY = "_widget_generations"
SESSION_KEY = "_signin_session"  # the id of this tab's sign-in session (tlo/auth/sessions.py)
HANDOFF_KEY = "_session_handoff"  # (code, since): the browser has yet to collect its cookie
CLEAR_COOKIE_KEY = "_clear_session_cookie"
REFUSED_TOKEN_KEY = "_refused_session_token"
SIGNED_OUT_NOTE_KEY = "_signed_out_because"
URL_RECORDS_KEY = "_records_in_url"


def _router_runs_every_page() -> None:
    """Make the router (tlo_app.py, st.navigation) run every page, from a process's first run.

    Streamlit sees the `pages/` folder beside tlo_app.py and, until some session of the
    process calls st.navigation, runs a requested page (`/intake`) as an old-style multipage
    app: the page script alone, without the router's sign-in, with every file of pages/ in
    the sidebar. A fresh process (a restart, a second process behind nginx) would show that
    to the first visitor of a page address. Switching the flag off, as st.navigation itself
    does, and running again hands the very same request to the router.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_router_runs_every_page()  # every page script imports tlo.ui first thing


def actor() -> Actor:
    """The signed-in actor; the router has loaded them before any page runs."""
    current = st.session_state.get(ACTOR_KEY)
    if current is None:
        st.error("Please sign in.")
        st.stop()
    return current


@contextmanager
def reading() -> Iterator[Session]:
    """A session for showing data; a domain error (e.g. no permission) stops the page."""
    try:
        with unit_of_work() as session:
            yield session
    except DomainError as err:
        st.error(str(err))
        st.stop()


def can(permission: str) -> bool:
    """Whether to offer a control at all; the service checks again when it is used."""
    return permissions.can(actor(), permission)


def sees_all(permission: str) -> bool:
    """Whether to offer every record (e.g. anyone's statement), not only the user's own."""
    return permissions.sees_all(actor(), permission)


def deferred(query, /, **kwargs):
    """For download buttons: the file is built (read-only) only when the user clicks."""
    current = actor()

    def build() -> bytes:
        with unit_of_work() as session:
            return query(session, actor=current, **kwargs)

    return build


MISSING = "—"  # what a table shows where a record has no value
_COLUMN_CONFIG = {  # amounts written out stay aligned like numbers
    "money": st.column_config.TextColumn(alignment="right"),
    "percent": st.column_config.TextColumn(alignment="right"),
    "datetime": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
}


def table(
    records: Sequence[Mapping[str, Any]],
    *,
    name: str,
    kinds: Mapping[str, excel.Kind] | None = None,
    key: str | None = None,
) -> None:
    """Show rows and offer exactly them as a formatted Excel file (real numbers, dates and
    currency there; money and percentages written out here). Moments are shown, as in the
    file, in the office's local time."""
    sheet = excel.records_sheet(name, records, kinds)
    timezone = ZoneInfo(get_settings().office_timezone)
    st.dataframe(
        [
            {
                column.header: _shown(value, column.kind, timezone)
                for column, value in zip(sheet.columns, row, strict=True)
            }
            for row in sheet.rows
        ],
        hide_index=True,
        width="stretch",
        placeholder=MISSING,  # never a raw "None" (issue #16)
        column_config={
            column.header: _COLUMN_CONFIG[column.kind]
            for column in sheet.columns
            if column.kind in _COLUMN_CONFIG
        },
    )
    if records:
        st.download_button(
            "Excel",
            data=lambda: excel.workbook_bytes([sheet]),
            file_name=f"{excel.file_stem(name)}.xlsx",
            mime=XLSX_MIME,
            icon=":material/download:",
            help="The rows above as an Excel file",
            key=f"xlsx_{key or name}",
            on_click="ignore",  # the page stays as it is (e.g. a summary shown after a run)
        )


def plain_percent(percent: Decimal) -> Decimal:
    """A percentage as people write it: 40.00 as 40, 12.50 as 12.5 (never 1E+2)."""
    if percent == percent.to_integral():
        return percent.quantize(Decimal(1))
    return percent.normalize()


def income_by_year_chart(by_year: Sequence[tuple[int, Decimal]]) -> None:
    """An inventor's share of license income per fiscal year (amounts exact until plotly)."""
    st.plotly_chart(
        px.bar(
            x=[f"FY{year}" for year, _ in by_year],
            y=[str(amount) for _, amount in by_year],
            labels={"x": "Fiscal year", "y": "Your share ($)"},
            title="Your share of license income by fiscal year",
            height=320,
        ),
        config={"displayModeBar": False},
    )


def _shown(value: Any, kind: str, timezone: ZoneInfo) -> Any:
    if value is None:
        return None
    if kind == "datetime" and isinstance(value, datetime) and value.tzinfo:
        return value.astimezone(timezone).replace(tzinfo=None)
    if kind == "money":
        return dollars(value)
    if kind == "percent":
        return f"{value:g} %"
    return value


def open_case(disclosure_id: int) -> None:
    st.session_state[OPEN_CASE_KEY] = disclosure_id
    st.switch_page("pages/case.py")


def attempt(
    use_case, /, *, success: str | None = None, clear: str | tuple[str, ...] = (), **kwargs
):
    """Run one use case in its own transaction; show its error or flash `success` and rerun.

    On failure the form keeps what the user typed, so they can correct it; on success the
    widgets whose keys start with `clear` (a prefix or several) are emptied, and those keyed
    with `widget_key` move to a fresh key. Returns the use case's result, or None when it
    failed (the error is already shown).
    """
    try:
        with unit_of_work() as session:
            result = use_case(session, actor=actor(), **kwargs)
    except DomainError as err:
        st.error(str(err))
        return None
    prefixes = (clear,) if isinstance(clear, str) else clear
    if prefixes:
        for key in [key for key in st.session_state if str(key).startswith(prefixes)]:
            del st.session_state[key]
        generations = st.session_state.setdefault(GENERATIONS_KEY, {})
        for prefix in prefixes:
            generations[prefix] = generations.get(prefix, 0) + 1
    if success:
        flash(success)
        st.rerun()
    return result


def widget_key(name: str) -> str:
    """The key for a widget (or a form's prefix) that `attempt(clear=name)` should reset.

    Deleting a key from session state is not enough: the browser remembers the widget's last
    value and sends it back on the next interaction. A reset therefore moves the widget to a
    new key, which the browser has never seen.
    """
    generation = st.session_state.get(GENERATIONS_KEY, {}).get(name, 0)
    return name if generation == 0 else f"{name}~{generation}"


def flash(message: str) -> None:
    """A success message that survives the rerun that follows a change."""
    st.session_state.setdefault(FLASH_KEY, []).append(message)


def show_flashes() -> None:
    for message in st.session_state.pop(FLASH_KEY, []):
        st.success(message)


def pager(page: Page, *, key: str) -> None:
    """Previous/next buttons under a paginated table; the offset lives in session state."""
    if page.total <= page.limit:
        st.caption(f"{page.total} in all.")
        return
    left, middle, right = st.columns([1, 3, 1])
    if left.button("Previous", key=f"{key}_prev", disabled=page.offset == 0):
        st.session_state[f"{key}_offset"] = max(0, page.offset - page.limit)
        st.rerun()
    middle.caption(f"Page {page.page_number} of {page.page_count} ({page.total} in all)")
    last_page = page.offset + page.limit >= page.total
    if right.button("Next", key=f"{key}_next", disabled=last_page):
        st.session_state[f"{key}_offset"] = page.offset + page.limit
        st.rerun()


def offset_for(key: str) -> int:
    return st.session_state.get(f"{key}_offset", 0)


def reset_offset(key: str) -> None:
    st.session_state[f"{key}_offset"] = 0


def oidc_configured() -> bool:
    """Whether Streamlit's secrets (.streamlit/secrets.toml, or the files that the
    `secrets.files` option names) configure single sign-on: an [auth] section."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering no
        return False


def signed_in(account_id: int, started: sessions.Started | None) -> None:
    """Remember a sign-in in this tab; with a session, have the browser collect its cookie
    (`session_cookie_script`), so that a reload or another tab finds the user signed in."""
    st.session_state[ACCOUNT_KEY] = account_id
    for key in (CLEAR_COOKIE_KEY, REFUSED_TOKEN_KEY, SIGNED_OUT_NOTE_KEY):
        st.session_state.pop(key, None)
    if started is not None:
        st.session_state[SESSION_KEY] = started.session_id
        st.session_state[HANDOFF_KEY] = (started.handoff, clock.utcnow())


def session_token() -> str | None:
    """The session token the browser sent with this tab's connection, if any."""
    return web.token_from(st.context.cookies.to_dict())


def session_cookie_script() -> None:
    """Run, in the browser, the one request this tab owes tlo's cookie endpoint (tlo/web.py):
    collect the cookie after a sign-in, or clear it after a sign-out. A script runs it because
    only an HTTP response can set an HttpOnly cookie; the hand-off code it carries works once,
    for a minute, and the token itself never reaches the page."""
    pending = st.session_state.get(HANDOFF_KEY)
    if pending is not None and clock.utcnow() - pending[1] > sessions.HANDOFF_LIFETIME:
        st.session_state.pop(HANDOFF_KEY)
        pending = None
    if pending is not None:
        method, body = "POST", pending[0]
    elif st.session_state.get(CLEAR_COOKIE_KEY):
        method, body = "DELETE", ""
    else:
        return
    endpoint = web.endpoint_path(st.get_option("server.baseUrlPath") or "")
    options = {"method": method, "body": body or None, "credentials": "same-origin"}
    options |= {"cache": "no-store", "headers": {"Content-Type": "text/plain"}}
    st.html(
        f"<script>fetch({json.dumps(endpoint)}, {json.dumps(options)})</script>",
        unsafe_allow_javascript=True,
    )


def cookie_collected() -> None:
    """The browser holds its cookie: stop sending it the hand-off."""
    st.session_state.pop(HANDOFF_KEY, None)


_SIGNED_OUT_NOTES = {
    sessions.Ended.IDLE: "You were signed out after {idle} minutes without activity.",
    sessions.Ended.EXPIRED: "Your sign-in ended after {hours} hours: please sign in again.",
    sessions.Ended.SIGNED_OUT: "You signed out in another tab or window.",
    sessions.Ended.DEACTIVATED: "Your account was deactivated. Ask the office's administrator.",
    sessions.Ended.PASSWORD_RESET: "An administrator set a new password for your account.",
    sessions.Ended.PASSWORD_CHANGED: "Your password was changed: sign in with the new one.",
}


def note_signed_out(ended: sessions.Ended) -> None:
    st.session_state[SIGNED_OUT_NOTE_KEY] = ended


def show_signed_out_note() -> None:
    """Why this tab was signed out without asking, if it was (the sign-in page shows it)."""
    ended = st.session_state.get(SIGNED_OUT_NOTE_KEY)
    if ended is not None:
        hours = int(sessions.LIFETIME.total_seconds() // 3600)
        idle = get_settings().session_idle_minutes
        st.info(_SIGNED_OUT_NOTES[ended].format(idle=idle, hours=hours), icon=":material/info:")


def sign_out() -> None:
    """Forget the signed-in account, end its session (its cookie then works nowhere) and
    have the browser drop the cookie. Under single sign-on also clear Streamlit's signed
    cookie (st.logout sends the browser to /auth/logout, and from there to the provider's
    end of session); otherwise the next page load would sign the same person in again."""
    session_id = st.session_state.pop(SESSION_KEY, None)
    if session_id is not None:
        with unit_of_work() as session:
            sessions.end(session, session_id=session_id, actor=st.session_state.get(ACTOR_KEY))
    for key in (ACCOUNT_KEY, ACTOR_KEY, HANDOFF_KEY):
        st.session_state.pop(key, None)
    st.session_state[CLEAR_COOKIE_KEY] = True
    if oidc_configured() and st.user.is_logged_in:
        st.logout()
        # The redirect is a message queued for the browser: a rerun (the caller's st.rerun)
        # clears the queue and, unless it was already sent, the redirect with it.
        st.stop()


# Every record has an address: `?case=S26-0142`, `?agreement=AGR-00022`, `?company=Acme`
# open that record's page (after signing in, if need be), so that it can be bookmarked,
# shared in an e-mail and linked from exports and reminders. The router (tlo_app.py) sends
# an address naming a record to its page; the page opens it (`record_from_url`) and keeps
# the address naming what it shows (`show_record_in_url`), so a reload shows it again.
# RECORD_PAGES and the addresses (link_to, ...) live in tlo.navigation: e-mails link to them
# too, from services that never import streamlit.
RECORD_PAGES = navigation.RECORD_PAGES
link_to = navigation.link_to
link_to_case = navigation.link_to_case
link_to_agreement = navigation.link_to_agreement
link_to_company = navigation.link_to_company


def record_link(kind: str, key: str, label: str | None = None) -> None:
    """A link, inside the app, to one record's page."""
    st.page_link(RECORD_PAGES[kind], label=label or key, query_params={kind: key})


def record_from_url(kind: str) -> str | None:
    """The record the address names (`?case=S26-0142`) when this tab is not showing it yet:
    a followed link, a bookmark, a reload. None when the address names none of this kind, or
    the one already shown."""
    value = (st.query_params.get(kind) or "").strip()[:200]
    if not value:
        return None
    shown = st.session_state.setdefault(URL_RECORDS_KEY, {})
    if shown.get(kind) == value:
        return None
    shown[kind] = value
    return value


def show_record_in_url(kind: str, key: str | None) -> None:
    """Keep the address naming the record shown (None: none), so that a reload, a bookmark or
    a copied address opens it again."""
    st.session_state.setdefault(URL_RECORDS_KEY, {})[kind] = key
    if key is None:
        st.query_params.pop(kind, None)
    elif st.query_params.get(kind) != key:
        st.query_params[kind] = key


def no_such_record(kind: str, key: str) -> None:
    """The one answer for a record that does not exist and for one the user may not open,
    so that a link tells no one which records exist."""
    st.warning(f"There is no {kind} {key!r} that you may open.", icon=":material/search_off:")


def case_id_for_docket(docket: str) -> int | None:
    """The case with exactly this docket number among those the user may read, or None
    (for a case that does not exist and for one they may not read alike)."""
    from tlo.disclosures.queries import DisclosureFilters, search_disclosures

    try:
        with unit_of_work() as session:
            rows = search_disclosures(
                session, actor=actor(), filters=DisclosureFilters(docket=docket), limit=20
            ).items
    except DomainError:  # e.g. not a docket number at all
        return None
    wanted = docket.strip().upper()
    return next((row.id for row in rows if (row.docket or "").upper() == wanted), None)


def agreement_id(number: str) -> int | None:
    """The agreement an address names by its number as the app shows it (`AGR-00022`) or by
    its id (`22`); None for anything else."""
    text = number.strip().upper().removeprefix("AGR-")
    return int(text) if text.isdigit() and 0 < int(text) < 2**31 else None
