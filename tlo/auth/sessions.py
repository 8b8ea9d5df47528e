"""Signed-in sessions that survive a reload, a second tab and a followed link.

Streamlit keeps `st.session_state` in the server's memory for one browser tab, so a reload
would ask for the password again. A password sign-in therefore also starts a session here,
which the browser carries in a cookie:

1. `start` (a successful `sign_in`) adds a row with a one-time hand-off code, valid for a
   minute, and no token yet. The page hands the code to the browser, whose script sends it
   at once to tlo's endpoint (tlo/web.py) in a same-origin POST.
2. `redeem` (the endpoint) swaps the code, once, for a fresh random token: the row keeps its
   SHA-256, the browser gets the token in an HttpOnly, SameSite=Strict cookie (Secure, and
   named `__Host-...`, over https) that no page script can read.
3. Each later page load sends the cookie with Streamlit's websocket; `resume` finds the row
   by the token's SHA-256 and signs that tab in while the session is live: not ended, used
   within TLO_SESSION_IDLE_MINUTES, and at most `LIFETIME` old.
4. `check`, on every page view (tlo_app.py), keeps an open tab honest: a session ended in
   another tab, by an administrator, or idle too long, signs the tab out on its next click.
5. `end` (sign-out) and `end_all_for` (deactivation, password reset or change) end sessions;
   an ended session's token no longer works anywhere, replayed or not.

Only digests are stored and looked up, so neither a copy of the database nor the timing of
a lookup reveals a token; the token's 256 random bits stand where a signature would, as the
server checks each one against its row anyway. Single sign-on (st.login) needs none of this:
Streamlit's own signed cookie carries it.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, select

from tlo import audit
from tlo.auth.models import SignInSession
from tlo.auth.permissions import Actor
from tlo.clock import utcnow
from tlo.config import get_settings

HANDOFF_LIFETIME = timedelta(minutes=1)
LIFETIME = timedelta(hours=12)  # a working day, however busy: then the password again
TOUCH_EVERY = timedelta(minutes=1)  # how finely the last use is kept (one write a minute)
_SECRET_BYTES = 32
_SECRET_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")


class Ended(StrEnum):
    """Why a session ended."""

    SIGNED_OUT = "signed out"
    IDLE = "idle"
    EXPIRED = "expired"
    DEACTIVATED = "account deactivated"
    PASSWORD_RESET = "password reset"
    PASSWORD_CHANGED = "password changed"


@dataclass(frozen=True)
class Started:
    """A session begun by a sign-in; `handoff` goes to the browser once, to collect its
    cookie with."""

    session_id: int
    handoff: str


@dataclass(frozen=True)
class Issued:
    """The token for the browser's cookie, and when the session ends at the latest."""

    token: str
    expires_at: datetime


@dataclass(frozen=True)
class Standing:
    """What a look at a session found."""

    live: bool
    session_id: int | None = None
    account_id: int | None = None
    ended: Ended | None = None  # why it is no longer live (None: never was, or unknown)
    cookie_issued: bool = False  # the browser has collected its token


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _plausible(secret: object) -> bool:
    """Whether `secret` could be one of ours at all (a cookie or a request body may hold
    anything); anything else is refused before it is hashed or looked up."""
    return isinstance(secret, str) and 20 <= len(secret) <= 100 and set(secret) <= _SECRET_ALPHABET


def start(
    session: Session, *, account_id: int, client: str, now: datetime | None = None
) -> Started:
    """Begin a session for an account that has just signed in from `client`."""
    now = now or utcnow()
    session.execute(sa.delete(SignInSession).where(SignInSession.expires_at < now))
    handoff = secrets.token_urlsafe(_SECRET_BYTES)
    row = SignInSession(
        account_id=account_id,
        handoff_hash=_digest(handoff),
        handoff_expires_at=now + HANDOFF_LIFETIME,
        client=client[:100],
        created_at=now,
        last_seen_at=now,
        expires_at=now + LIFETIME,
    )
    session.add(row)
    session.flush()
    return Started(session_id=row.id, handoff=handoff)


def redeem(session: Session, *, handoff: str, now: datetime | None = None) -> Issued | None:
    """Swap a hand-off code for the session's token, once, within its minute; None when the
    code is unknown, used, expired, or its session has ended. One atomic UPDATE, so two
    requests with the same code cannot both win."""
    if not _plausible(handoff):
        return None
    now = now or utcnow()
    token = secrets.token_urlsafe(_SECRET_BYTES)
    table = SignInSession.__table__
    swapped = session.execute(
        sa.update(table)
        .where(
            table.c.handoff_hash == _digest(handoff),
            table.c.handoff_expires_at > now,
            table.c.token_hash.is_(None),
            table.c.ended_at.is_(None),
        )
        .values(
            token_hash=_digest(token),
            handoff_hash=None,
            handoff_expires_at=None,
            last_seen_at=now,
        )
        .returning(table.c.expires_at)
    ).first()
    return None if swapped is None else Issued(token=token, expires_at=swapped[0])


def resume(session: Session, *, token: object, now: datetime | None = None) -> Standing:
    """The session a cookie's token belongs to, as it stands now (and its use noted)."""
    if not _plausible(token):
        return Standing(live=False)
    row = session.exec(
        select(SignInSession).where(SignInSession.token_hash == _digest(token))
    ).first()
    return _stand(session, row, now or utcnow())


def check(session: Session, *, session_id: int, now: datetime | None = None) -> Standing:
    """The session a tab signed in with, as it stands now (and its use noted)."""
    return _stand(session, session.get(SignInSession, session_id), now or utcnow())


def _stand(session: Session, row: SignInSession | None, now: datetime) -> Standing:
    if row is None:
        return Standing(live=False)
    if row.ended_at is None:
        idle = timedelta(minutes=get_settings().session_idle_minutes)
        if now >= row.expires_at:
            _end_row(session, row, Ended.EXPIRED, now)
        elif now - row.last_seen_at >= idle:
            _end_row(session, row, Ended.IDLE, now)
        elif now - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = now
            session.add(row)
    if row.ended_at is not None:
        return Standing(live=False, session_id=row.id, ended=Ended(row.end_reason))
    return Standing(
        live=True,
        session_id=row.id,
        account_id=row.account_id,
        cookie_issued=row.token_hash is not None,
    )


def _end_row(session: Session, row: SignInSession, reason: Ended, now: datetime) -> None:
    row.ended_at, row.end_reason = now, reason.value
    row.handoff_hash = row.handoff_expires_at = None
    session.add(row)


def end(
    session: Session,
    *,
    session_id: int | None = None,
    token: object = None,
    actor: Actor | None = None,
    now: datetime | None = None,
) -> bool:
    """Sign out: end the session named by its id or by its cookie's token. Whether a live
    session was ended (False: unknown, or ended already)."""
    table = SignInSession.__table__
    if session_id is not None:
        which = table.c.id == session_id
    elif _plausible(token):
        which = table.c.token_hash == _digest(token)
    else:
        return False
    now = now or utcnow()
    ended = session.execute(
        sa.update(table)
        .where(which, table.c.ended_at.is_(None))
        .values(
            ended_at=now,
            end_reason=Ended.SIGNED_OUT.value,
            handoff_hash=None,
            handoff_expires_at=None,
        )
        .returning(table.c.id, table.c.account_id)
    ).first()
    if ended is None:
        return False
    audit.record(
        session,
        actor=actor,
        action="account.signed_out",
        object_type="account",
        object_id=ended.account_id,
        after={"session": ended.id},
    )
    return True


def end_all_for(
    session: Session,
    *,
    account_id: int,
    reason: Ended,
    keep_session_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """End every live session of an account, in every browser, but `keep_session_id` (the
    tab a user changed their own password in); how many were ended. Part of the caller's
    audited change (deactivation, password reset or change)."""
    table = SignInSession.__table__
    kept = table.c.id != keep_session_id if keep_session_id is not None else sa.true()
    ended = session.execute(
        sa.update(table)
        .where(table.c.account_id == account_id, table.c.ended_at.is_(None), kept)
        .values(
            ended_at=now or utcnow(),
            end_reason=reason.value,
            handoff_hash=None,
            handoff_expires_at=None,
        )
    )
    return ended.rowcount
