"""AppTest fixtures: the real app on a copy of a migrated, seeded SQLite database per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as app_test_module
from sqlmodel import select
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from tlo import db, demo
from tlo.auth.models import Account

APP = Path(__file__).resolve().parents[2] / "tlo_app.py"


class _NavigationOnlyPages(PagesManager):
    """AppTest resets Streamlit's "app uses a pages/ folder" flag before every run, so from
    the second run on it would run a page script without our router (st.navigation). A real
    server clears the flag once st.navigation is called; this does the same for tests."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def _router_runs_on_every_rerun(monkeypatch):
    monkeypatch.setattr(app_test_module, "PagesManager", _NavigationOnlyPages)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """One migrated database with the demo office, built once and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "tlo.db"
    url = f"sqlite:///{path}"
    db.migrate(url)
    with (
        pytest.MonkeyPatch.context() as env,
        db.unit_of_work(db.get_engine(url)) as session,
    ):
        env.setenv("TLO_DATA_DIR", str(path.parent))  # the demo's Word drafts go beside it
        demo.seed(session)
        account_ids = dict(session.exec(select(Account.username, Account.id)).all())
    db.dispose_engine(url)  # checkpoints the WAL into the file we copy
    return path, account_ids


@pytest.fixture
def database_url(seeded_template, tmp_path, monkeypatch) -> str:
    template, _ = seeded_template
    copy = tmp_path / "tlo.db"
    shutil.copyfile(template, copy)
    shutil.copytree(template.parent / "drafts", tmp_path / "drafts")
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("TLO_DATABASE_URL", url)
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    yield url
    db.dispose_engine(url)


@pytest.fixture
def open_app(database_url, seeded_template):
    """open_app("officer") -> the app run once, signed in as that demo account."""
    _, account_ids = seeded_template

    def opener(username: str | None = None) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=30)
        if username is not None:
            app.session_state["account_id"] = account_ids[username]
        return app.run()

    return opener


def navigation_paths(app: AppTest) -> set[str]:
    """The page files in the navigation the app built for the signed-in user."""
    root = APP.parent
    return {
        str(Path(info["script_path"]).resolve().relative_to(root))
        for info in app._registered_pages.values()
    }


def button(app: AppTest, label: str):
    """The button with this label (buttons without keys are found by what they say)."""
    matches = [b for b in app.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in app.button]}"
    return matches[0]


def messages(elements) -> list[str]:
    return [element.value for element in elements]
