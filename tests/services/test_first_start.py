"""A real office's first start: `python -m tlo create-admin` on an empty database, and no
demo data (nor the demo password) in production."""

import os
import subprocess
import sys

import pytest
from sqlmodel import func, select

from tlo import audit, db
from tlo.__main__ import main
from tlo.auth import services as accounts
from tlo.auth.models import Account, Role
from tlo.auth.passwords import DEMO_PASSWORD
from tlo.config import PROJECT_ROOT
from tlo.people.models import Person

SECRET = "a long and private passphrase"
ADMIN = ["--username", "Ada", "--email", "ada@tlo-office.example", "--name", "Ada Byron"]


@pytest.fixture
def empty_database(database_url, monkeypatch):
    """The configured database: empty, not even migrated (create-admin migrates it)."""
    monkeypatch.setenv("TLO_DATABASE_URL", database_url)
    monkeypatch.delenv("TLO_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("TLO_ENV", raising=False)
    return database_url


@pytest.fixture
def typed(monkeypatch):
    """What the operator types at getpass's two prompts (nothing is echoed)."""
    answers = []

    def prompt(question):
        if not answers:
            raise EOFError
        return answers.pop(0)

    monkeypatch.setattr("getpass.getpass", prompt)
    return answers


def sign_in(database_url, username, password):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return accounts.sign_in(session, username=username, password=password, client=None)


def people_count(database_url):
    with db.unit_of_work(db.get_engine(database_url)) as session:
        return session.exec(select(func.count()).select_from(Person)).one()


def test_create_admin_migrates_and_makes_an_administrator_who_signs_in(
    empty_database, monkeypatch, capsys
):
    monkeypatch.setenv("TLO_ADMIN_PASSWORD", SECRET)
    assert main(["create-admin", *ADMIN]) == 0
    assert "Administrator 'ada' created" in capsys.readouterr().out
    assert db.current_revision(empty_database) == db.head_revision()
    signed_in = sign_in(empty_database, "ada", SECRET)
    assert signed_in.actor.roles == {Role.ADMIN} and signed_in.actor.name == "Ada Byron"
    with db.unit_of_work(db.get_engine(empty_database)) as session:
        [entry] = [
            entry
            for entry in audit.entries_for(
                session, object_type="account", object_id=signed_in.actor.account_id
            )
            if entry.action == "account.created"
        ]
        assert entry.actor_name == "system (create-admin)"
        assert entry.after["roles"] == ["admin"]


def test_create_admin_asks_for_the_password_twice(empty_database, typed, capsys):
    typed.extend([SECRET, SECRET])
    assert main(["create-admin", *ADMIN]) == 0
    assert sign_in(empty_database, "ada", SECRET).actor is not None


def test_two_different_passwords_create_nothing(empty_database, typed, capsys):
    typed.extend([SECRET, SECRET + "!"])
    assert main(["create-admin", *ADMIN]) == 2
    assert capsys.readouterr().err == (
        "create-admin: The two passwords differ; nothing was created.\n"
    )
    assert people_count(empty_database) == 0


def test_without_a_password_or_a_terminal_create_admin_refuses(empty_database, typed, capsys):
    assert main(["create-admin", *ADMIN]) == 2
    assert "set TLO_ADMIN_PASSWORD" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 10 characters"),
        (DEMO_PASSWORD, "the demo password, which the README publishes"),
    ],
)
def test_a_weak_or_published_password_is_refused_with_one_line(
    empty_database, monkeypatch, capsys, password, reason
):
    monkeypatch.setenv("TLO_ADMIN_PASSWORD", password)
    assert main(["create-admin", *ADMIN]) == 2
    error = capsys.readouterr().err
    assert reason in error and error.count("\n") == 1
    assert people_count(empty_database) == 0


def test_a_taken_username_is_refused_and_leaves_no_person_behind(
    empty_database, monkeypatch, capsys
):
    monkeypatch.setenv("TLO_ADMIN_PASSWORD", SECRET)
    assert main(["create-admin", *ADMIN]) == 0
    again = ["--username", "ADA", "--email", "other@tlo-office.example", "--name", "Other"]
    assert main(["create-admin", *again]) == 2
    assert capsys.readouterr().err == "create-admin: The username 'ada' is taken.\n"
    assert people_count(empty_database) == 1


def test_the_real_command_creates_the_administrator_from_the_environment(empty_database):
    """The command as an operator or a deploy script runs it, in its own process."""
    environment = os.environ | {"TLO_DATABASE_URL": empty_database, "TLO_ADMIN_PASSWORD": SECRET}
    done = subprocess.run(
        [sys.executable, "-m", "tlo", "create-admin", *ADMIN],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert sign_in(empty_database, "ada", SECRET).actor.roles == {Role.ADMIN}
    with db.unit_of_work(db.get_engine(empty_database)) as session:
        assert session.exec(select(func.count()).select_from(Account)).one() == 1


def test_in_production_seed_demo_refuses_and_touches_nothing(empty_database, monkeypatch, capsys):
    monkeypatch.setenv("TLO_ENV", "production")
    assert main(["seed-demo", "--if-empty"]) == 2
    assert "TLO_ENV is production" in capsys.readouterr().err
    assert db.current_revision(empty_database) is None


def test_in_production_the_demo_data_refuses_to_load(engine, monkeypatch):
    from tlo import demo
    from tlo.errors import ValidationError

    monkeypatch.setenv("TLO_ENV", "production")
    with (
        pytest.raises(ValidationError, match="TLO_ENV is production"),
        db.unit_of_work(engine) as session,
    ):
        demo.seed(session)


def test_in_production_create_admin_refuses_the_demo_password_too(
    empty_database, monkeypatch, capsys
):
    monkeypatch.setenv("TLO_ENV", "production")
    monkeypatch.setenv("TLO_ADMIN_PASSWORD", DEMO_PASSWORD)
    assert main(["create-admin", *ADMIN]) == 2
    assert "demo password" in capsys.readouterr().err
