from pathlib import Path

import pytest

from tlo.config import PROJECT_ROOT, Settings, SettingsError

ALL_VARIABLES = [
    "TLO_DATABASE_URL",
    "TLO_DATA_DIR",
    "TLO_FISCAL_YEAR_START_MONTH",
    "TLO_SIGNIN_MAX_FAILURES",
    "TLO_SIGNIN_LOCKOUT_MINUTES",
    "TLO_TIMEZONE",
    "TLO_ENV",
    "TLO_SIGNIN_ACCOUNT_MAX_FAILURES",
    "TLO_SIGNIN_CLIENT_MAX_FAILURES",
    "TLO_SIGNIN_CLIENT_WINDOW_MINUTES",
    "TLO_UNIVERSITY_EMAIL_DOMAINS",
    "TLO_APP_URL",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ALL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_by_default_the_database_is_a_sqlite_file_in_the_ignored_data_folder():
    settings = Settings.from_env()
    assert settings.data_dir == PROJECT_ROOT / "data"
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'tlo.db'}"
    assert "data/" in (PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert settings.fiscal_year_start_month == 9
    assert settings.signin_max_failures == 5
    assert (settings.environment, settings.production) == ("development", False)


def test_sign_in_limits_default_to_a_client_throttle_and_a_far_higher_account_wide_lock():
    settings = Settings.from_env()
    assert (settings.signin_client_max_failures, settings.signin_client_window_minutes) == (20, 15)
    assert settings.signin_account_max_failures == 50


def test_production_is_named_by_tlo_env(monkeypatch):
    monkeypatch.setenv("TLO_ENV", " Production ")
    assert Settings.from_env().production
    monkeypatch.setenv("TLO_ENV", "prod")
    with pytest.raises(SettingsError, match="TLO_ENV must be development or production"):
        Settings.from_env()


def test_the_account_wide_limit_must_be_above_the_limit_for_one_address(monkeypatch):
    """Otherwise one attacker's address could lock the account for everyone again."""
    monkeypatch.setenv("TLO_SIGNIN_MAX_FAILURES", "10")
    monkeypatch.setenv("TLO_SIGNIN_ACCOUNT_MAX_FAILURES", "10")
    with pytest.raises(SettingsError, match=r"ACCOUNT_MAX_FAILURES \(10\) must be more than"):
        Settings.from_env()


@pytest.mark.parametrize(
    ("name", "value"),
    [("TLO_SIGNIN_CLIENT_MAX_FAILURES", "0"), ("TLO_SIGNIN_CLIENT_WINDOW_MINUTES", "1441")],
)
def test_the_client_throttle_is_bounded(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"{name} must be between"):
        Settings.from_env()


def test_the_data_folder_moves_the_default_database_with_it(monkeypatch, tmp_path):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    settings = Settings.from_env()
    assert settings.data_dir == Path(tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'tlo.db'}"


def test_an_explicit_database_url_wins(monkeypatch):
    monkeypatch.setenv("TLO_DATABASE_URL", "postgresql+psycopg://tlo@db/tlo")
    assert Settings.from_env().database_url == "postgresql+psycopg://tlo@db/tlo"


def test_numbers_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("TLO_FISCAL_YEAR_START_MONTH", "7")
    monkeypatch.setenv("TLO_SIGNIN_MAX_FAILURES", "3")
    settings = Settings.from_env()
    assert (settings.fiscal_year_start_month, settings.signin_max_failures) == (7, 3)


@pytest.mark.parametrize(
    ("value", "message"), [("13", "between 1 and 12"), ("july", "whole number")]
)
def test_a_bad_value_is_refused_with_the_variables_name(monkeypatch, value, message):
    monkeypatch.setenv("TLO_FISCAL_YEAR_START_MONTH", value)
    with pytest.raises(SettingsError, match=f"TLO_FISCAL_YEAR_START_MONTH must be .*{message}"):
        Settings.from_env()


def test_the_universitys_email_domains_are_a_list_and_the_app_address_has_no_trailing_slash(
    monkeypatch,
):
    assert Settings.from_env().university_email_domains == ()
    assert Settings.from_env().app_url == ""
    monkeypatch.setenv("TLO_UNIVERSITY_EMAIL_DOMAINS", " Stanford.EDU, @slac.stanford.edu ,")
    monkeypatch.setenv("TLO_APP_URL", "https://tlo.stanford.edu/")
    settings = Settings.from_env()
    assert settings.university_email_domains == ("stanford.edu", "slac.stanford.edu")
    assert settings.app_url == "https://tlo.stanford.edu"


@pytest.mark.parametrize("value", ["stanford", "*.stanford.edu", "stanford.edu/x", "a b.edu"])
def test_a_domain_that_is_no_domain_is_refused(monkeypatch, value):
    monkeypatch.setenv("TLO_UNIVERSITY_EMAIL_DOMAINS", value)
    with pytest.raises(SettingsError, match="TLO_UNIVERSITY_EMAIL_DOMAINS"):
        Settings.from_env()
