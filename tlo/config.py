"""Settings, read from the environment once per call of `get_settings()`.

Every tunable of the office lives here so that tests and deployments change behaviour through
environment variables only (see README, "Configuration").
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """An environment variable holds a value tlo cannot use."""


def _int_env(name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}.") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum}, not {value}.")
    return value


def _flag_env(name: str) -> bool:
    """An on/off setting: 1, true, yes or on; 0, false, no, off or unset."""
    raw = (os.environ.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be on or off (1 or 0, true or false), not {raw!r}.")


_DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def _domains_env(name: str) -> tuple[str, ...]:
    """A comma-separated list of e-mail domains (`stanford.edu, slac.stanford.edu`)."""
    domains = []
    for part in (os.environ.get(name) or "").split(","):
        domain = part.strip().lower().lstrip("@")
        if not domain:
            continue
        if not _DOMAIN.fullmatch(domain):
            raise SettingsError(
                f"{name} must list e-mail domains such as stanford.edu, not {part!r}."
            )
        domains.append(domain)
    return tuple(domains)


ENVIRONMENTS = ("development", "production")


def _environment() -> str:
    raw = (os.environ.get("TLO_ENV") or "development").strip().lower()
    if raw not in ENVIRONMENTS:
        raise SettingsError(f"TLO_ENV must be development or production, not {raw!r}.")
    return raw


@dataclass(frozen=True)
class Settings:
    environment: str
    data_dir: Path
    database_url: str
    fiscal_year_start_month: int
    signin_max_failures: int
    signin_lockout_minutes: int
    signin_account_max_failures: int
    signin_client_max_failures: int
    signin_client_window_minutes: int
    session_idle_minutes: int
    office_timezone: str
    attachment_max_mb: int
    reminder_horizon_days: int
    licensee_reminder_days: int  # at most one reminder of an overdue item this often
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    mail_from: str
    # The university's own e-mail domains (subdomains included): a message to any other
    # address carries no confidential content unless it goes to an inventor of the case.
    university_email_domains: tuple[str, ...]
    # The app's public address (https://tlo.example.edu): links in e-mails start with it.
    app_url: str
    # TLO_FOUR_EYES: a distribution is posted by another account than the one that computed it
    # (the draft of one income, or the preview of an annual run).
    four_eyes: bool

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("TLO_DATA_DIR") or PROJECT_ROOT / "data")
        database_url = os.environ.get("TLO_DATABASE_URL") or f"sqlite:///{data_dir / 'tlo.db'}"
        signin_max_failures = _int_env("TLO_SIGNIN_MAX_FAILURES", 5, minimum=1, maximum=100)
        signin_account_max_failures = _int_env(
            "TLO_SIGNIN_ACCOUNT_MAX_FAILURES", 50, minimum=2, maximum=100_000
        )
        if signin_account_max_failures <= signin_max_failures:
            # Otherwise one client's failures would lock the account for every client.
            raise SettingsError(
                f"TLO_SIGNIN_ACCOUNT_MAX_FAILURES ({signin_account_max_failures}) must be more "
                f"than TLO_SIGNIN_MAX_FAILURES ({signin_max_failures})."
            )
        return cls(
            environment=_environment(),
            data_dir=data_dir,
            database_url=database_url,
            fiscal_year_start_month=_int_env(
                "TLO_FISCAL_YEAR_START_MONTH", 9, minimum=1, maximum=12
            ),
            signin_max_failures=signin_max_failures,
            signin_lockout_minutes=_int_env(
                "TLO_SIGNIN_LOCKOUT_MINUTES", 15, minimum=1, maximum=24 * 60
            ),
            signin_account_max_failures=signin_account_max_failures,
            signin_client_max_failures=_int_env(
                "TLO_SIGNIN_CLIENT_MAX_FAILURES", 20, minimum=1, maximum=10_000
            ),
            signin_client_window_minutes=_int_env(
                "TLO_SIGNIN_CLIENT_WINDOW_MINUTES", 15, minimum=1, maximum=24 * 60
            ),
            # A signed-in browser stays signed in across reloads and tabs until this long
            # without a page view (and 12 hours at most: tlo/auth/sessions.py).
            session_idle_minutes=_int_env(
                "TLO_SESSION_IDLE_MINUTES", 60, minimum=1, maximum=12 * 60
            ),
            office_timezone=os.environ.get("TLO_TIMEZONE") or "America/Los_Angeles",
            attachment_max_mb=_int_env("TLO_ATTACHMENT_MAX_MB", 25, minimum=1, maximum=500),
            reminder_horizon_days=_int_env("TLO_REMINDER_HORIZON_DAYS", 14, minimum=0, maximum=365),
            licensee_reminder_days=_int_env(
                "TLO_LICENSEE_REMINDER_DAYS", 14, minimum=1, maximum=365
            ),
            smtp_host=os.environ.get("TLO_SMTP_HOST") or None,
            smtp_port=_int_env("TLO_SMTP_PORT", 25, minimum=1, maximum=65535),
            smtp_user=os.environ.get("TLO_SMTP_USER") or None,
            smtp_password=os.environ.get("TLO_SMTP_PASSWORD") or None,
            smtp_starttls=os.environ.get("TLO_SMTP_STARTTLS", "").lower() in ("1", "true", "yes"),
            mail_from=os.environ.get("TLO_MAIL_FROM") or "tlo@localhost",
            university_email_domains=_domains_env("TLO_UNIVERSITY_EMAIL_DOMAINS"),
            app_url=(os.environ.get("TLO_APP_URL") or "").strip().rstrip("/"),
            four_eyes=_flag_env("TLO_FOUR_EYES"),
        )

    @property
    def production(self) -> bool:
        """TLO_ENV=production: no demo data, and the published demo password never works."""
        return self.environment == "production"


def get_settings() -> Settings:
    return Settings.from_env()
