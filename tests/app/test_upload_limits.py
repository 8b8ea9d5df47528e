"""An uploader states the limit the service applies (TLO_ATTACHMENT_MAX_MB), not Streamlit's
hard ceiling (server.maxUploadSize, 50 MB)."""


def uploader_limits(app) -> list[int]:
    return [element.proto.max_upload_size_mb for element in app.get("file_uploader")]


def test_the_disclosure_form_offers_uploads_up_to_the_attachment_limit(open_app, monkeypatch):
    monkeypatch.setenv("TLO_ATTACHMENT_MAX_MB", "7")
    app = open_app("inventor")
    app.switch_page("pages/disclosure_form.py").run()
    assert uploader_limits(app) == [7]


def test_a_royalty_report_is_offered_up_to_the_attachment_limit(open_app):
    app = open_app("finance")
    app.switch_page("pages/income.py").run()
    assert uploader_limits(app) == [25]
