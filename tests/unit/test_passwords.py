import pytest

from tlo.auth.passwords import DEMO_PASSWORD, hash_password, needs_rehash, verify_password
from tlo.errors import ValidationError


def test_a_hashed_password_verifies_and_a_wrong_one_does_not():
    hashed = hash_password("correct horse battery")
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse batterY")


def test_the_hash_is_argon2id_salted_and_never_the_password_itself():
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.startswith("$argon2id$")
    assert "correct horse battery" not in first
    assert first != second  # a fresh salt each time
    assert not needs_rehash(first)


def test_an_account_without_a_password_never_verifies():
    assert not verify_password(None, "")
    assert not verify_password(None, "anything at all")


def test_a_garbled_hash_is_a_failed_check_not_a_crash():
    assert not verify_password("not-a-hash", "correct horse battery")


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 10 characters"), (" padded password ", "spaces")],
)
def test_weak_passwords_are_refused_with_a_reason(password, message):
    with pytest.raises(ValidationError, match=message):
        hash_password(password)


def test_in_production_the_published_demo_password_is_refused_as_a_new_password(monkeypatch):
    monkeypatch.setenv("TLO_ENV", "production")
    with pytest.raises(ValidationError, match="demo password, which the README publishes"):
        hash_password(DEMO_PASSWORD)
    assert hash_password(DEMO_PASSWORD + " not quite")


def test_in_development_the_demo_password_is_accepted_for_the_demo_accounts(monkeypatch):
    monkeypatch.setenv("TLO_ENV", "development")
    assert verify_password(hash_password(DEMO_PASSWORD), DEMO_PASSWORD)


def test_rehashing_a_password_from_an_older_policy_does_not_refuse_it():
    """A sign-in that upgrades the hash must not fail on a password the policy now refuses."""
    from tlo.auth.passwords import rehash

    assert verify_password(rehash("short"), "short")
