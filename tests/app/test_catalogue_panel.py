"""The case file's catalogue section (#20): the officer previews exactly what the public will
see, publishes, sees the figures and takes the page down, with a confirmation; the director's
dashboard shows the catalogue's panel."""

from __future__ import annotations

from sqlmodel import Session, select

from tests.app.conftest import messages
from tests.app.test_case_tabs import case_file, case_of  # noqa: F401  (the fixture)
from tlo import db
from tlo.catalogue.models import CatalogueEntry
from tlo.disclosures.models import Disclosure, DisclosureStatus


def entry_of(database_url, docket: str) -> CatalogueEntry | None:
    with Session(db.get_engine(database_url)) as session:
        return session.exec(
            select(CatalogueEntry)
            .join(Disclosure, Disclosure.id == CatalogueEntry.disclosure_id)
            .where(Disclosure.docket == docket)
        ).first()


def test_the_officer_previews_publishes_and_takes_down(case_file, database_url):  # noqa: F811
    docket = case_of(database_url, "officer", status=DisclosureStatus.FILED)
    entry = entry_of(database_url, docket)
    assert entry is not None  # the demo published it
    app = case_file("officer", case=docket, tab="marketing")
    shown = " ".join(m.value for m in app.markdown)
    assert "Public catalogue" in shown and f"/catalogue/t/{entry.slug}" in shown
    labels = [m.label for m in app.metric]
    assert {"Views", "Visitors", "Inquiries", "Became CDAs", "Licenses"} <= set(labels)

    app.text_input(key="cat_summary").input("A new line for the list")
    app.button(key="FormSubmitter:catalogue_publish-Preview").click().run()
    assert "Exactly what the public will see:" in messages(app.caption)
    assert entry_of(database_url, docket).summary == entry.summary  # a preview saves nothing
    app.button(key="FormSubmitter:catalogue_publish-Republish").click().run()
    assert "Published in the public catalogue." in messages(app.success)
    assert entry_of(database_url, docket).summary == "A new line for the list"

    app.button(key="FormSubmitter:catalogue_unpublish-Unpublish").click().run()
    assert messages(app.error) == ["Tick the box to confirm that the page is taken down."]
    assert entry_of(database_url, docket) is not None
    app.checkbox(key="cat_unpublish_sure").check()
    app.button(key="FormSubmitter:catalogue_unpublish-Unpublish").click().run()
    assert "Taken down from the public catalogue." in messages(app.success)
    assert entry_of(database_url, docket) is None
    assert "Not in the public catalogue." in messages(app.caption)


def test_publishing_without_a_line_says_what_to_give(case_file, database_url):  # noqa: F811
    docket = case_of(database_url, "officer", status=DisclosureStatus.FILED)
    app = case_file("officer", case=docket, tab="marketing")
    app.text_input(key="cat_summary").input("")
    app.button(key="FormSubmitter:catalogue_publish-Republish").click().run()
    assert messages(app.error) == ["Give the technology a one-line summary for the catalogue list."]


def test_the_director_sees_the_catalogue_panel_on_the_dashboard(open_app):
    app = open_app("director")
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception, app.exception
    assert any("Public catalogue: views, inquiries" in m.value for m in app.markdown), [
        m.value for m in app.markdown
    ]
