"""Sessions that keep a browser signed in across reloads and tabs (tlo/auth/sessions.py)."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_actor
from tlo.audit import AuditEntry
from tlo.auth import services as accounts
from tlo.auth import sessions
from tlo.auth.models import Role, SignInSession
from tlo.auth.sessions import Ended
from tlo.clock import utcnow
from tlo.db import unit_of_work


def begin(engine, account_id, now=None) -> sessions.Started:
    with unit_of_work(engine) as session:
        return sessions.start(session, account_id=account_id, client="198.51.100.7", now=now)


def redeem(engine, handoff, now=None):
    with unit_of_work(engine) as session:
        return sessions.redeem(session, handoff=handoff, now=now)


def resume(engine, token, now=None) -> sessions.Standing:
    with unit_of_work(engine) as session:
        return sessions.resume(session, token=token, now=now)


def signed_in_browser(engine, account_id, now=None) -> tuple[int, str]:
    """A session whose browser has collected its cookie: (session id, token)."""
    started = begin(engine, account_id, now)
    return started.session_id, redeem(engine, started.handoff, now).token


def test_a_password_sign_in_starts_a_session_and_a_failed_one_does_not(engine):
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    with unit_of_work(engine) as session:
        wrong = accounts.sign_in(
            session, username=officer.username, password="wrong password!", client=None
        )
        right = accounts.sign_in(session, username=officer.username, password=PASSWORD, client=None)
    assert wrong.started is None
    assert redeem(engine, right.started.handoff) is not None
    with unit_of_work(engine) as session:
        [row] = session.exec(select(SignInSession)).all()
    assert (row.id, row.account_id) == (right.started.session_id, officer.account_id)


def test_the_cookie_token_signs_the_browser_in_again_after_a_reload_or_in_a_new_tab(engine):
    officer = make_actor(engine, Role.OFFICER)
    session_id, token = signed_in_browser(engine, officer.account_id)
    for _tab in range(2):
        standing = resume(engine, token)
        assert standing.live and standing.cookie_issued
        assert (standing.session_id, standing.account_id) == (session_id, officer.account_id)


def test_only_digests_are_stored_so_a_copy_of_the_database_signs_no_one_in(engine):
    officer = make_actor(engine, Role.OFFICER)
    started = begin(engine, officer.account_id)
    with unit_of_work(engine) as session:
        pending = session.get(SignInSession, started.session_id)
        assert pending.token_hash is None and started.handoff not in pending.handoff_hash
    token = redeem(engine, started.handoff).token
    with unit_of_work(engine) as session:
        row = session.get(SignInSession, started.session_id)
    assert row.handoff_hash is None and len(row.token_hash) == 64
    assert token not in row.token_hash
    assert not resume(engine, row.token_hash).live  # the digest itself is no token


def test_a_handoff_gives_the_token_once_and_only_within_its_minute(engine):
    officer = make_actor(engine, Role.OFFICER)
    now = utcnow()
    late = begin(engine, officer.account_id, now)
    assert redeem(engine, late.handoff, now + timedelta(seconds=61)) is None
    started = begin(engine, officer.account_id, now)
    issued = redeem(engine, started.handoff, now + timedelta(seconds=30))
    assert issued.expires_at == now + sessions.LIFETIME
    assert redeem(engine, started.handoff, now + timedelta(seconds=31)) is None  # used
    assert resume(engine, issued.token, now + timedelta(seconds=32)).live
    # Neither stands for the other.
    assert not resume(engine, started.handoff, now + timedelta(seconds=33)).live
    assert redeem(engine, issued.token, now + timedelta(seconds=34)) is None


def test_a_session_unused_for_the_idle_time_ends(engine, monkeypatch):
    monkeypatch.setenv("TLO_SESSION_IDLE_MINUTES", "30")
    officer = make_actor(engine, Role.OFFICER)
    now = utcnow()
    _, token = signed_in_browser(engine, officer.account_id, now)
    assert resume(engine, token, now + timedelta(minutes=29)).live
    # That page view counted as use: the idle time runs from it.
    assert resume(engine, token, now + timedelta(minutes=58)).live
    idle = resume(engine, token, now + timedelta(minutes=88, seconds=1))
    assert not idle.live and idle.ended is Ended.IDLE
    assert not resume(engine, token, now + timedelta(minutes=89)).live  # ended for good


def test_the_idle_time_is_an_hour_by_default(engine):
    officer = make_actor(engine, Role.OFFICER)
    now = utcnow()
    _, token = signed_in_browser(engine, officer.account_id, now)
    assert resume(engine, token, now + timedelta(minutes=59)).live
    session_id, token = signed_in_browser(engine, officer.account_id, now)
    with unit_of_work(engine) as session:
        standing = sessions.check(session, session_id=session_id, now=now + timedelta(hours=1))
    assert not standing.live and standing.ended is Ended.IDLE


def test_a_session_ends_after_twelve_hours_however_busy(engine):
    officer = make_actor(engine, Role.OFFICER)
    now = utcnow()
    _, token = signed_in_browser(engine, officer.account_id, now)
    for minutes in range(50, 12 * 60, 50):
        assert resume(engine, token, now + timedelta(minutes=minutes)).live
    ended = resume(engine, token, now + sessions.LIFETIME)
    assert not ended.live and ended.ended is Ended.EXPIRED


def test_signing_out_ends_the_session_so_its_cookie_replayed_is_refused(engine):
    officer = make_actor(engine, Role.OFFICER)
    session_id, token = signed_in_browser(engine, officer.account_id)
    other_tab_id, other_token = signed_in_browser(engine, officer.account_id)
    with unit_of_work(engine) as session:
        assert sessions.end(session, session_id=session_id, actor=officer)
        assert not sessions.end(session, session_id=session_id, actor=officer)  # once
    refused = resume(engine, token)
    assert not refused.live and refused.ended is Ended.SIGNED_OUT
    assert resume(engine, other_token).live  # another browser's sign-in is its own
    with unit_of_work(engine) as session:  # the cookie endpoint signs out by the token
        assert sessions.end(session, token=other_token)
        assert not sessions.check(session, session_id=other_tab_id).live
        signed_out = session.exec(
            select(AuditEntry.actor_name)
            .where(AuditEntry.action == "account.signed_out")
            .order_by(AuditEntry.id)
        ).all()
    assert signed_out == [officer.name, "system"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda s, officer, admin: accounts.set_account_active(
                s, actor=admin, account_id=officer.account_id, active=False
            ),
            Ended.DEACTIVATED,
        ),
        (
            lambda s, officer, admin: accounts.reset_password(
                s, actor=admin, account_id=officer.account_id, new_password="a new passphrase"
            ),
            Ended.PASSWORD_RESET,
        ),
        (
            lambda s, officer, admin: accounts.change_own_password(
                s, actor=officer, current_password=PASSWORD, new_password="a new passphrase"
            ),
            Ended.PASSWORD_CHANGED,
        ),
    ],
    ids=["deactivation", "password reset", "password change"],
)
def test_an_account_change_ends_its_sessions_in_every_browser(engine, change, reason):
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    colleague = make_actor(engine, Role.OFFICER)
    admin = make_actor(engine, Role.ADMIN)
    tab_id, token = signed_in_browser(engine, officer.account_id)
    pending = begin(engine, officer.account_id)  # a browser yet to collect its cookie
    _, colleagues_token = signed_in_browser(engine, colleague.account_id)
    with unit_of_work(engine) as session:
        change(session, officer, admin)
    refused = resume(engine, token)
    assert not refused.live and refused.ended is reason
    with unit_of_work(engine) as session:
        assert sessions.check(session, session_id=tab_id).ended is reason
    assert redeem(engine, pending.handoff) is None
    assert resume(engine, colleagues_token).live


def test_a_role_change_keeps_the_session_and_applies_at_the_next_page_view(engine):
    officer = make_actor(engine, Role.OFFICER)
    admin = make_actor(engine, Role.ADMIN)
    _, token = signed_in_browser(engine, officer.account_id)
    with unit_of_work(engine) as session:
        accounts.set_roles(
            session, actor=admin, account_id=officer.account_id, roles={Role.FINANCE}
        )
    standing = resume(engine, token)
    assert standing.live
    with unit_of_work(engine) as session:
        assert accounts.load_actor(session, standing.account_id).roles == {Role.FINANCE}


def _altered(token: str) -> str:
    return token[:10] + ("A" if token[10] != "A" else "B") + token[11:]


FORGERIES = {
    "one character changed": _altered,
    "cut short": lambda token: token[:-1],
    "lengthened": lambda token: token + "A",
    "upper case": lambda token: token.upper(),
    "made up": lambda token: "x" * 43,
    "empty": lambda token: "",
    "none": lambda token: None,
    "sql": lambda token: "' OR 1=1 --",
    "not ascii": lambda token: "é" * 43,
    "huge": lambda token: "A" * 10_000,
}


def test_a_forged_or_altered_token_is_refused(engine):
    officer = make_actor(engine, Role.OFFICER)
    _, token = signed_in_browser(engine, officer.account_id)
    for how, forge in FORGERIES.items():
        forged = forge(token)
        assert forged != token, how
        assert resume(engine, forged) == sessions.Standing(live=False), how
        assert redeem(engine, forged) is None, how
        with unit_of_work(engine) as session:
            assert not sessions.end(session, token=forged), how
    assert resume(engine, token).live


def test_sessions_past_their_end_are_deleted_at_a_later_sign_in(engine):
    officer = make_actor(engine, Role.OFFICER)
    now = utcnow()
    old, _ = signed_in_browser(engine, officer.account_id, now)
    recent, _ = signed_in_browser(engine, officer.account_id, now + timedelta(hours=1))
    begin(engine, officer.account_id, now + sessions.LIFETIME + timedelta(minutes=1))
    with unit_of_work(engine) as session:
        assert session.get(SignInSession, old) is None
        assert session.get(SignInSession, recent) is not None


def test_changing_ones_password_keeps_only_the_tab_it_was_changed_in(engine):
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    here, here_token = signed_in_browser(engine, officer.account_id)
    _, elsewhere_token = signed_in_browser(engine, officer.account_id)
    with unit_of_work(engine) as session:
        accounts.change_own_password(
            session,
            actor=officer,
            current_password=PASSWORD,
            new_password="a new passphrase",
            keep_session_id=here,
        )
    assert resume(engine, here_token).live
    assert resume(engine, elsewhere_token).ended is Ended.PASSWORD_CHANGED
