import pytest

from tlo.auth.passwords import hash_password, needs_rehash, verify_password
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
