"""Single sign-on for the browser tests: a real OpenID Connect provider and a tlo server that
signs in through it.

The provider is `oidc-provider-mock` (a real OIDC server built on Authlib) in a thread of the
test process, so it lives on the test clock: the app server copies that clock when it starts
(tests/run_at.py), and the ID tokens' `iat` and `exp` agree with the app's within a second.
Its authorisation page asks for a subject; an unknown subject becomes a user whose only claim
is `email` = the subject, so a test signs in as any e-mail it types.

The tlo server reads its `[auth]` section from a secrets file of its own (`--secrets.files`),
never from the repository's .streamlit/, and is reached at http://localhost:PORT: Streamlit
accepts its auth cookie only from the origin of `redirect_uri`.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from oidc_provider_mock import run_server_in_thread

from tests.browser.conftest import ROOT, _at_test_clock, _free_port, _wait_until_healthy

CLIENT_ID = "tlo"
CLIENT_SECRET = "tlo-test-client-secret"  # the mock accepts any client that is not registered


@contextmanager
def oidc_provider() -> Iterator[str]:
    """Run the provider on a free port; yield its base URL."""
    with run_server_in_thread(port=_free_port()) as server:
        yield f"http://localhost:{server.server_port}"


def write_auth_secrets(path: Path, *, app_port: int, provider_url: str, cookie_secret: str) -> Path:
    """A secrets.toml whose [auth] section points tlo at the provider."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n'
    )
    return path


def _app_environment(database_url: str) -> dict[str, str]:
    data_dir = Path(database_url.removeprefix("sqlite:///")).parent
    return {**os.environ, "TLO_DATA_DIR": str(data_dir), "TLO_DATABASE_URL": database_url}


@dataclass
class SsoAppServer:
    """`streamlit run tlo_app.py` with single sign-on, on a fixed port so that it can be
    stopped and started again (a second process) behind the same origin."""

    database_url: str
    secrets_file: Path
    port: int
    log_file: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def start(self) -> None:
        with self.log_file.open("a") as log:
            self.process = subprocess.Popen(
                [
                    *_at_test_clock(),
                    "streamlit",
                    "run",
                    "tlo_app.py",
                    "--server.headless",
                    "true",
                    "--server.port",
                    str(self.port),
                    "--browser.gatherUsageStats",
                    "false",
                    "--server.fileWatcherType",
                    "none",
                    "--secrets.files",
                    str(self.secrets_file),
                ],
                env=_app_environment(self.database_url),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_until_healthy(self.url, self.process)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        """Another process in place of this one: same port, same secrets, no shared memory."""
        self.stop()
        self.start()


@contextmanager
def sso_app_server(
    directory: Path, *, database_url: str, provider_url: str, cookie_secret: str
) -> Iterator[SsoAppServer]:
    port = _free_port()
    server = SsoAppServer(
        database_url=database_url,
        secrets_file=write_auth_secrets(
            directory / "secrets.toml",
            app_port=port,
            provider_url=provider_url,
            cookie_secret=cookie_secret,
        ),
        port=port,
        log_file=directory / "server.log",
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
