from datetime import timedelta

import pytest

from tests.factories import PASSWORD, make_actor
from tlo.auth import services as accounts
from tlo.auth.models import Account, Role
from tlo.clock import utcnow
from tlo.db import unit_of_work
from tlo.people import services as people


def sign_in(engine, username, password, now=None):
    with unit_of_work(engine) as session:
        return accounts.sign_in(session, username=username, password=password, now=now)


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
        account = session.get(Account, officer.account_id)
        assert account.locked_until is not None
    # The right password is not even checked while the lock lasts.
    assert sign_in(engine, officer.username, PASSWORD).actor is None
    assert len(tried) == 5
