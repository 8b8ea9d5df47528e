from datetime import timedelta

import pytest
from sqlmodel import select

from tests.factories import PASSWORD, make_actor
from tlo import audit
from tlo.auth import services as accounts
from tlo.auth import throttle
from tlo.auth.models import Account, Role, SignInThrottle
from tlo.auth.passwords import DEMO_PASSWORD
from tlo.clock import utcnow
from tlo.db import unit_of_work
from tlo.people import services as people

HOME = "198.51.100.7"  # the real user's address (documentation ranges, RFC 5737)
ATTACKER = "203.0.113.66"


def sign_in(engine, username, password, now=None, client=HOME):
    with unit_of_work(engine) as session:
        return accounts.sign_in(
            session, username=username, password=password, client=client, now=now
        )


def test_the_right_password_signs_in_with_the_accounts_roles(engine):
    officer = make_actor(engine, Role.OFFICER, Role.INVENTOR, password=PASSWORD)
    result = sign_in(engine, officer.username.upper(), PASSWORD)  # usernames ignore case
    assert result.error is None
    assert result.actor.roles == {Role.OFFICER, Role.INVENTOR}
    assert result.actor.person_id == officer.person_id


@pytest.mark.parametrize("username", ["user-who-does-not-exist", None])
def test_a_wrong_password_or_unknown_user_gets_the_same_message(engine, username):
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    result = sign_in(engine, username or officer.username, "wrong password!")
    assert result.actor is None
    assert result.error == "Wrong username or password."


def test_repeated_failures_lock_the_account_even_against_the_right_password(engine):
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    now = utcnow()
    for _ in range(5):
        assert sign_in(engine, officer.username, "wrong password!", now=now).actor is None
    locked = sign_in(engine, officer.username, PASSWORD, now=now + timedelta(minutes=1))
    assert locked.actor is None
    # The same answer as for a wrong password or an unknown name: it tells no one which exist.
    assert locked.error == "Wrong username or password."
    later = sign_in(engine, officer.username, PASSWORD, now=now + timedelta(minutes=16))
    assert later.actor is not None


def test_a_success_clears_the_count_of_failures(engine):
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    for _ in range(4):
        sign_in(engine, officer.username, "wrong password!")
    assert sign_in(engine, officer.username, PASSWORD).actor is not None
    for _ in range(4):
        sign_in(engine, officer.username, "wrong password!")
    assert sign_in(engine, officer.username, PASSWORD).actor is not None


def test_failed_attempts_are_saved_between_requests(engine):
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    sign_in(engine, officer.username, "wrong password!")
    sign_in(engine, officer.username, "wrong password!")
    with unit_of_work(engine) as session:
        assert session.get(Account, officer.account_id).failed_signins == 2


def test_a_deactivated_person_cannot_sign_in_and_their_session_ends(engine):
    admin = make_actor(engine, Role.ADMIN, password=PASSWORD)
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    with unit_of_work(engine) as session:
        people.set_person_active(session, actor=admin, person_id=officer.person_id, active=False)
    result = sign_in(engine, officer.username, PASSWORD)
    assert result.actor is None and "deactivated" in result.error
    with unit_of_work(engine) as session:
        assert accounts.load_actor(session, officer.account_id) is None


def test_an_sso_only_account_has_no_password_to_guess(engine):
    officer = make_actor(engine, Role.OFFICER, password=None)
    assert sign_in(engine, officer.username, "").actor is None


def test_single_sign_on_maps_the_email_to_the_persons_account(engine):
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    with unit_of_work(engine) as session:
        email = people.get_person(session, actor=officer, person_id=officer.person_id).email
        mapped = accounts.actor_for_email(session, f"  {email.upper()} ")
        assert mapped.account_id == officer.account_id
        assert accounts.actor_for_email(session, "stranger@elsewhere.example") is None


def test_single_sign_on_refuses_a_deactivated_account(engine):
    admin = make_actor(engine, Role.ADMIN, password=PASSWORD)
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    with unit_of_work(engine) as session:
        email = people.get_person(session, actor=admin, person_id=officer.person_id).email
        accounts.set_account_active(
            session, actor=admin, account_id=officer.account_id, active=False
        )
    with unit_of_work(engine) as session:
        assert accounts.actor_for_email(session, email) is None


@pytest.mark.parametrize(("threads", "guesses"), [(10, 3), (8, 12)])
def test_concurrent_guesses_cannot_outrun_the_lockout(engine, monkeypatch, threads, guesses):
    """Each attempt is counted by one UPDATE before its password is checked: however many
    guesses run at once, at most five passwords are tried before the account locks."""
    import threading

    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    tried = []
    real_verify = accounts.verify_password

    def counting_verify(stored_hash, password):
        if stored_hash is not None:
            tried.append(password)
        return real_verify(stored_hash, password)

    monkeypatch.setattr(accounts, "verify_password", counting_verify)
    start = threading.Barrier(threads)
    errors = []

    def guess(n):
        start.wait()
        for i in range(guesses):
            try:
                result = sign_in(engine, officer.username, f"guess {n}-{i}")
                assert result.actor is None
            except Exception as err:
                errors.append(err)

    workers = [threading.Thread(target=guess, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert len(tried) == 5
    with unit_of_work(engine) as session:
        pair = session.get(SignInThrottle, throttle.pair_row(officer.account_id, HOME))
        assert pair.failures == 5 and pair.window_ends_at > utcnow()
    # The right password is not even checked while the lock lasts.
    assert sign_in(engine, officer.username, PASSWORD).actor is None
    assert len(tried) == 5


# --- The throttle: per address, per account from an address, per account from everywhere ---


def wrong_guesses(engine, username, times, client, now=None):
    for _ in range(times):
        assert sign_in(engine, username, "wrong password!", now=now, client=client).actor is None


def test_an_attacker_failing_from_one_address_does_not_lock_the_admin_out_of_another(engine):
    admin = make_actor(engine, Role.ADMIN, password=PASSWORD)
    wrong_guesses(engine, admin.username, 5, client=ATTACKER)
    # Locked for the attacker's address, even with the right password...
    assert sign_in(engine, admin.username, PASSWORD, client=ATTACKER).actor is None
    # ...but not for the administrator at their own address.
    assert sign_in(engine, admin.username, PASSWORD, client=HOME).actor is not None
    with unit_of_work(engine) as session:
        assert session.get(Account, admin.account_id).locked_until is None
        locks = audit.entries_for(session, object_type="account", object_id=admin.account_id)
        locked_for = [entry.after["client"] for entry in locks if "locked" in entry.action]
        assert locked_for == [ATTACKER]


def test_an_address_is_throttled_after_its_limit_of_failures_over_any_names(engine, monkeypatch):
    monkeypatch.setenv("TLO_SIGNIN_CLIENT_MAX_FAILURES", "6")
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    other = make_actor(engine, Role.OFFICER, password=PASSWORD)
    now = utcnow()
    # Unknown names count exactly as known ones do; no name gets near its own lock of 5.
    for username in ["nobody1", officer.username, "nobody2", other.username, "nobody3", "x"]:
        result = sign_in(engine, username, "wrong password!", now=now, client=ATTACKER)
        assert result.error == accounts.WRONG_CREDENTIALS
    throttled = sign_in(engine, officer.username, PASSWORD, now=now, client=ATTACKER)
    assert throttled.actor is None
    assert throttled.error == accounts.throttled_message(15)
    assert sign_in(engine, "nobody4", "wrong", now=now, client=ATTACKER).error == throttled.error
    # Only that address: the officer signs in from home, and the attacker after the window.
    assert sign_in(engine, officer.username, PASSWORD, now=now, client=HOME).actor is not None
    later = now + timedelta(minutes=15, seconds=1)
    assert sign_in(engine, officer.username, PASSWORD, now=later, client=ATTACKER).actor
    with unit_of_work(engine) as session:
        [entry] = audit.entries_for(session, object_type="client", object_id=ATTACKER)
        assert entry.action == "signin.client_throttled"


def test_an_ipv6_attacker_cannot_escape_the_throttle_by_changing_address(engine, monkeypatch):
    monkeypatch.setenv("TLO_SIGNIN_CLIENT_MAX_FAILURES", "3")
    for host in range(1, 4):
        sign_in(engine, f"nobody{host}", "wrong password!", client=f"2001:db8:1:2::{host}")
    refused = sign_in(engine, "nobody", "wrong password!", client="2001:db8:1:2:ffff::9")
    assert refused.error.startswith("Too many failed sign-ins from your network address.")
    # The next /64 is someone else.
    assert sign_in(engine, "nobody", "wrong", client="2001:db8:1:3::1").error == (
        accounts.WRONG_CREDENTIALS
    )


@pytest.mark.parametrize(
    ("address", "key"),
    [
        (None, "local"),
        (object(), "local"),  # what AppTest's st.context gives
        ("", "local"),
        ("203.0.113.66", "203.0.113.66"),
        ("::ffff:203.0.113.66", "203.0.113.66"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_a_client_is_counted_by_its_address_and_an_ipv6_one_by_its_64_network(address, key):
    assert throttle.client_key(address) == key


def test_right_passwords_do_not_count_against_the_address(engine, monkeypatch):
    monkeypatch.setenv("TLO_SIGNIN_CLIENT_MAX_FAILURES", "3")
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    wrong_guesses(engine, "nobody", 2, client=HOME)
    for _ in range(4):  # a busy office behind one address signs in all day
        assert sign_in(engine, officer.username, PASSWORD).actor is not None
    assert sign_in(engine, "nobody", "wrong").error == accounts.WRONG_CREDENTIALS  # the 3rd
    assert sign_in(engine, officer.username, PASSWORD).error.startswith("Too many")


def test_guessers_on_many_addresses_together_lock_the_account_for_everyone(engine, monkeypatch):
    monkeypatch.setenv("TLO_SIGNIN_MAX_FAILURES", "2")
    monkeypatch.setenv("TLO_SIGNIN_ACCOUNT_MAX_FAILURES", "3")
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    now = utcnow()
    for n in range(3):  # none of them reaches the lock for its own address
        wrong_guesses(engine, officer.username, 1, now=now, client=f"192.0.2.{n}")
    assert sign_in(engine, officer.username, PASSWORD, now=now).error == accounts.WRONG_CREDENTIALS
    with unit_of_work(engine) as session:
        assert session.get(Account, officer.account_id).locked_until is not None
    later = now + timedelta(minutes=16)
    assert sign_in(engine, officer.username, PASSWORD, now=later).actor is not None


def test_a_password_reset_lifts_the_lock_of_every_address(engine):
    admin = make_actor(engine, Role.ADMIN)
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    wrong_guesses(engine, officer.username, 5, client=HOME)
    with unit_of_work(engine) as session:
        accounts.reset_password(
            session, actor=admin, account_id=officer.account_id, new_password="a brand new secret"
        )
    assert sign_in(engine, officer.username, "a brand new secret").actor is not None


def test_unknown_locked_and_wrong_names_get_the_same_answer_and_so_do_throttled_ones(
    engine, monkeypatch
):
    monkeypatch.setenv("TLO_SIGNIN_MAX_FAILURES", "2")
    monkeypatch.setenv("TLO_SIGNIN_ACCOUNT_MAX_FAILURES", "3")
    wrong, locked_here, locked_everywhere = (
        make_actor(engine, Role.OFFICER, password=PASSWORD) for _ in range(3)
    )
    wrong_guesses(engine, locked_here.username, 2, client=ATTACKER)
    for n in range(3):
        wrong_guesses(engine, locked_everywhere.username, 1, client=f"192.0.2.{n}")
    answers = {
        sign_in(engine, "nobody-at-all", PASSWORD, client=ATTACKER).error,
        sign_in(engine, wrong.username, "wrong password!", client=ATTACKER).error,
        sign_in(engine, locked_here.username, PASSWORD, client=ATTACKER).error,
        sign_in(engine, locked_everywhere.username, PASSWORD, client=ATTACKER).error,
    }
    assert answers == {accounts.WRONG_CREDENTIALS}
    monkeypatch.setenv("TLO_SIGNIN_CLIENT_MAX_FAILURES", "1")  # the attacker's address is over
    throttled = {
        sign_in(engine, "nobody-at-all", PASSWORD, client=ATTACKER).error,
        sign_in(engine, wrong.username, "wrong password!", client=ATTACKER).error,
        sign_in(engine, wrong.username, PASSWORD, client=ATTACKER).error,
        sign_in(engine, locked_here.username, PASSWORD, client=ATTACKER).error,
        sign_in(engine, locked_everywhere.username, PASSWORD, client=ATTACKER).error,
    }
    assert len(throttled) == 1 and throttled.pop().startswith("Too many failed sign-ins")


def test_concurrent_guesses_from_one_address_cannot_exceed_its_limit(engine, monkeypatch):
    """However many guesses run at once, over however many names, exactly the address's limit
    of them are answered (and counted); every other one is refused without a check."""
    import threading

    monkeypatch.setenv("TLO_SIGNIN_CLIENT_MAX_FAILURES", "7")
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    threads, guesses = 8, 4
    start = threading.Barrier(threads)
    answers, errors = [], []

    def guess(n):
        start.wait()
        for i in range(guesses):
            username = officer.username if i % 2 else f"nobody-{n}-{i}"
            try:
                answers.append(sign_in(engine, username, f"guess {n}-{i}", client=ATTACKER).error)
            except Exception as err:
                errors.append(err)

    workers = [threading.Thread(target=guess, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert answers.count(accounts.WRONG_CREDENTIALS) == 7
    assert len(answers) == threads * guesses
    with unit_of_work(engine) as session:
        assert session.get(SignInThrottle, throttle.client_row(ATTACKER)).failures == 7


def test_ended_windows_are_cleared_away_by_the_next_sign_in(engine):
    officer = make_actor(engine, Role.OFFICER, password=PASSWORD)
    now = utcnow()
    wrong_guesses(engine, officer.username, 2, now=now, client=ATTACKER)
    later = now + timedelta(hours=1)
    assert sign_in(engine, officer.username, PASSWORD, now=later).actor is not None
    with unit_of_work(engine) as session:
        assert session.exec(select(SignInThrottle)).all() == []


# --- The demo password in production ---


def test_in_production_the_demo_password_is_refused_even_where_an_account_has_it(
    engine, monkeypatch
):
    officer = make_actor(engine, Role.OFFICER, password=DEMO_PASSWORD)  # a leftover demo
    monkeypatch.setenv("TLO_ENV", "production")
    refused = sign_in(engine, officer.username, DEMO_PASSWORD)
    assert refused.actor is None and refused.error == accounts.WRONG_CREDENTIALS
    with unit_of_work(engine) as session:
        entries = audit.entries_for(session, object_type="account", object_id=officer.account_id)
        assert "account.demo_password_refused" in [entry.action for entry in entries]
    monkeypatch.setenv("TLO_ENV", "development")
    assert sign_in(engine, officer.username, DEMO_PASSWORD).actor is not None
