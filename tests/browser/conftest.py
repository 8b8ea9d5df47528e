"""A real tlo server on a free port, with its own seeded database, and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tlo import clock

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "screenshots"  # pytest-playwright owns test-results/ and empties it


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's Chromium is missing: `make test` installs it (apt-get install chromium)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"The tlo server exited with code {server.returncode}.")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"The tlo server did not answer at {url} within {timeout} s.")


def _at_test_clock() -> list[str]:
    """The start of a command that runs a module in another process on this process's clock
    (the pinned test day, tests/clock.py): `python -m tests.run_at NOW MODULE ...`."""
    return [sys.executable, "-m", "tests.run_at", clock.utcnow().isoformat()]


@pytest.fixture(scope="session")
def app_database_url(tmp_path_factory) -> str:
    """The database the browser tests' server runs on (tests may read it to pick cases)."""
    return f"sqlite:///{tmp_path_factory.mktemp('browser-data') / 'tlo.db'}"


@pytest.fixture(scope="session")
def app_url(app_database_url) -> str:
    """Start `streamlit run tlo_app.py` on a seeded database; stop it after the session."""
    data_dir = Path(app_database_url.removeprefix("sqlite:///")).parent
    port = _free_port()
    env = {
        **os.environ,
        "TLO_DATA_DIR": str(data_dir),
        "TLO_DATABASE_URL": app_database_url,
        # The links e-mails carry (an outside co-inventor's share link) lead to this server.
        "TLO_APP_URL": f"http://127.0.0.1:{port}",
    }
    subprocess.run(
        [*_at_test_clock(), "tlo", "seed-demo"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    log = (data_dir / "server.log").open("w")
    server = subprocess.Popen(
        [
            *_at_test_clock(),
            "streamlit",
            "run",
            "tlo_app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",  # a source edit elsewhere must not rerun the pages
            "none",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture
def screenshot(page):
    """screenshot("name") saves what the user sees under screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path)
        return path

    return take


@pytest.fixture(autouse=True)
def patient_waits(page):
    """Two test workers share two cores with two Streamlit servers: allow the app time."""
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)
    page.set_default_timeout(30_000)
    yield
