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
