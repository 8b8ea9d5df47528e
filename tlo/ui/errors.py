"""An unexpected error on a page: logged in full with an id, shown to the user as that id only.

Streamlit's own display is switched off too (`client.showErrorDetails = "none"` in
.streamlit/config.toml), so neither shows a traceback, a server path or a query to a user.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

log = logging.getLogger("tlo.errors")


def error_id() -> str:
    """A short id a user can read out over the phone: 8 characters, unambiguous."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def report_unexpected(error: BaseException, *, page: str | None = None) -> str:
    """Log `error` with its traceback under a new id, show the id; return the id."""
    ident = error_id()
    user = st.session_state.get("account_id")
    log.error(
        "Unexpected error %s on page %s (account %s)", ident, page or "?", user, exc_info=error
    )
    st.error(
        f"Something went wrong on our side. "
        f"If it happens again, tell the office's administrator the error id **{ident}**: "
        "it finds the details in the server's log.",
        icon=":material/error:",
    )
    return ident
