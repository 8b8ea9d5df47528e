"""Failed sign-ins counted per client address and per (account, client) pair, in the database
so that every app process behind the load balancer shares one count.

Each key (`client_row` or `pair_row`) has one row: the failures counted in its current window
and when the window ends. `count_attempt` counts one attempt *before* its password is checked,
in one INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING statement (alike on SQLite and
PostgreSQL): concurrent attempts cannot overwrite each other's count, and once `limit`
attempts fall in the window the statement counts no more and the key is refused. The attempt
that reaches the limit starts the window again, so the refusal lasts a whole window after it;
an ended window starts the count again at one.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from tlo.auth.models import SignInThrottle
from tlo.db import upsert

LOCAL = "local"
_PURGE_BATCH = 500


@dataclass(frozen=True)
class Count:
    """One attempt, counted (`refused` False: its number in the window) or refused."""

    refused: bool
    failures: int
    window_ends_at: datetime

    def minutes_left(self, now: datetime) -> int:
        return max(1, -(-int((self.window_ends_at - now).total_seconds()) // 60))


def client_key(address: str | None) -> str:
    """The client an attempt comes from, as the throttle counts it.

    `address` is Streamlit's `st.context.ip_address`: the TCP peer, or, when the peer is a
    proxy that uvicorn trusts (FORWARDED_ALLOW_IPS, loopback by default), the last address of
    X-Forwarded-For that the proxy did not add itself. None means loopback (a local browser,
    or a proxy that sent no X-Forwarded-For). An IPv6 client counts by its /64 network: one
    host or home line holds a whole /64, so it could otherwise take a fresh address per guess.
    """
    if not isinstance(address, str) or not address.strip():  # (AppTest gives a stand-in)
        return LOCAL
    text = address.strip()
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text[:100]  # not an address (a proxy's odd header): counted as it is
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def client_row(client: str) -> str:
    return f"client {client}"


def pair_row(account_id: int, client: str) -> str:
    return f"account {account_id} client {client}"


def count_attempt(
    session: Session,
    *,
    key: str,
    limit: int,
    minutes: int,
    now: datetime,
    account_id: int | None = None,
) -> Count:
    """Count one attempt on `key`: at most `limit` in a window of `minutes`."""
    table = SignInThrottle.__table__
    ends = now + timedelta(minutes=minutes)
    ended = table.c.window_ends_at <= now
    failures = sa.case((ended, 1), else_=table.c.failures + 1)
    statement = (
        upsert(session, table)
        .values(key=key, account_id=account_id, failures=1, window_ends_at=ends)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": failures,
                "window_ends_at": sa.case(
                    (sa.or_(ended, table.c.failures + 1 >= limit), ends),
                    else_=table.c.window_ends_at,
                ),
            },
            where=sa.or_(ended, table.c.failures < limit),
        )
        .returning(table.c.failures, table.c.window_ends_at)
    )
    counted = session.execute(statement).first()
    if counted is not None:
        return Count(refused=False, failures=counted[0], window_ends_at=counted[1])
    row = session.exec(select(SignInThrottle).where(SignInThrottle.key == key)).one()
    return Count(refused=True, failures=row.failures, window_ends_at=row.window_ends_at)


def refund(session: Session, *, key: str) -> None:
    """Take back one counted attempt that turned out not to be a failure (a right password);
    a row left with no failures goes, so the table holds only addresses that failed."""
    table = SignInThrottle.__table__
    session.execute(sa.delete(table).where(table.c.key == key, table.c.failures <= 1))
    session.execute(
        sa.update(table)
        .where(table.c.key == key, table.c.failures > 1)
        .values(failures=table.c.failures - 1)
    )


def forget(session: Session, *, key: str) -> None:
    session.execute(sa.delete(SignInThrottle.__table__).where(SignInThrottle.key == key))


def forget_account(session: Session, *, account_id: int) -> None:
    """Lift every client's lock on one account (an administrator reset its password)."""
    table = SignInThrottle.__table__
    session.execute(sa.delete(table).where(table.c.account_id == account_id))


def purge_ended(session: Session, *, now: datetime) -> None:
    """Delete rows whose window has ended (they count as absent anyway), a batch at a time.

    Rows another transaction holds are skipped (PostgreSQL's SKIP LOCKED; SQLite has one
    writer at a time), so the purge never waits for, or deadlocks with, an attempt.
    """
    table = SignInThrottle.__table__
    ended = (
        sa.select(table.c.key)
        .where(table.c.window_ends_at <= now)
        .limit(_PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    session.execute(sa.delete(table).where(table.c.key.in_(ended.scalar_subquery())))
