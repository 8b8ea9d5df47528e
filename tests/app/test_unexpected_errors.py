"""An unexpected error shows the user an id to quote, never a traceback; the log has it all."""

import logging
import tomllib
from pathlib import Path

from tlo import audit

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
SECRET = "/srv/tlo/secret_path.py"


def test_an_unexpected_error_shows_an_error_id_and_logs_the_traceback(
    open_app, monkeypatch, caplog
):
    def broken(*_args, **_kwargs):
        raise RuntimeError(f"boom in {SECRET}")

    monkeypatch.setattr(audit, "list_entries", broken)
    app = open_app("admin")
    with caplog.at_level(logging.ERROR, logger="tlo.errors"):
        app.switch_page("pages/audit_log.py").run()

    assert not app.exception  # Streamlit's own error box (with its traceback) is not shown
    (message,) = [error.value for error in app.error]
    assert "error id" in message and SECRET not in message and "boom" not in message
    (record,) = [r for r in caplog.records if r.name == "tlo.errors"]
    ident = record.getMessage().split()[2]
    assert f"**{ident}**" in message
    assert record.exc_info[0] is RuntimeError and SECRET in caplog.text  # the log has it all


def test_production_settings_hide_details_and_keep_the_protections_on():
    config = tomllib.loads(CONFIG.read_text("utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["showErrorLinks"] is False
    assert config["client"]["toolbarMode"] == "minimal"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
