"""The search box in the sidebar of every staff page: what it finds per role, and where its
links lead (`?case=`, `?agreement=`, `?company=`)."""

import pytest
from sqlmodel import Session, select

from tests.app.conftest import APP
from tlo import db
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.licensing.agreement_models import Agreement
from tlo.licensing.models import Company
from tlo.navigation import PAGES
from tlo.ui import search_box

BOX = search_box.KEY


def searched(app, text: str):
    return app.text_input(key=BOX).input(text).run()


def sidebar_links(app) -> list[tuple[str, str, str]]:
    """(page, label, query) of the record links in the sidebar (not the navigation's)."""
    return [
        (link.proto.page, link.proto.label, link.proto.query_string)
        for link in app.sidebar.get("page_link")
        if link.proto.query_string
    ]


@pytest.fixture
def records(database_url):
    with Session(db.get_engine(database_url)) as session:
        docket, title = session.exec(
            select(Disclosure.docket, Disclosure.title)
            .where(Disclosure.status != DisclosureStatus.DRAFT.value)
            .order_by(Disclosure.id)
        ).first()
        agreement_id, agreement_title = session.exec(
            select(Agreement.id, Agreement.title).order_by(Agreement.id)
        ).first()
        company = session.exec(select(Company.name).order_by(Company.id)).first()
    return {
        "docket": docket,
        "title": title,
        "agreement": f"AGR-{agreement_id:05d}",
        "agreement_title": agreement_title,
        "company": company,
    }


@pytest.mark.parametrize("username", ["officer", "finance", "director", "admin"])
def test_every_staff_page_has_the_box(open_app, username):
    app = open_app(username)
    for spec in PAGES:
        if spec.path not in {"pages/home.py", "pages/my_account.py", "pages/accounts.py"}:
            continue
        if spec.path == "pages/accounts.py" and username not in ("admin", "director"):
            continue
        app.switch_page(spec.path).run()
        assert not app.exception, spec.path
        assert [box.key for box in app.sidebar.text_input] == [BOX], spec.path


def test_an_inventors_pages_have_no_box(open_app):
    app = open_app("inventor")
    for path in ("pages/home.py", "pages/my_disclosures.py"):
        app.switch_page(path).run()
        assert not app.exception
        assert BOX not in [box.key for box in app.text_input]


def test_an_officer_finds_a_case_by_docket_and_its_link_opens_it(open_app, records):
    app = searched(open_app("officer"), records["docket"].lower())
    assert not app.exception
    page, label, query = sidebar_links(app)[0]
    assert (page, query) == ("case", f"case={records['docket']}")
    assert label.startswith(f"{records['docket']} · ")
    # Following the link: the address opens that case file.
    app.query_params["case"] = records["docket"]
    app.switch_page("pages/case.py").run()
    assert app.title[0].value == f"{records['docket']} · {records['title']}"
    # The box keeps what was typed on the next page.
    assert app.text_input(key=BOX).value == records["docket"].lower()


def test_finance_finds_an_agreement_by_number_and_a_company_by_name(open_app, records):
    app = searched(open_app("finance"), records["agreement"])
    assert sidebar_links(app)[0][::2] == ("agreements", f"agreement={records['agreement']}")
    app = searched(app, records["company"])
    companies = [link for link in sidebar_links(app) if link[0] == "companies"]
    assert companies[0][1] == search_box._cut(records["company"])
    assert "company=" in companies[0][2]


def test_an_administrator_finds_people_and_no_case(open_app, records):
    app = searched(open_app("admin"), "chen")
    assert not app.exception
    assert sidebar_links(app) == []  # no case, agreement or company: not theirs to read
    shown = [m.value for m in app.sidebar.markdown] + [c.value for c in app.sidebar.caption]
    assert any("Alice Chen" in text for text in shown)
    assert not any(records["title"] in text for text in shown)
    assert any(text.startswith("**People**") for text in shown)


def test_a_search_that_finds_nothing_or_is_refused_says_so(open_app):
    app = searched(open_app("officer"), "zzqx")
    assert [c.value for c in app.sidebar.caption] == ["Nothing found for “zzqx”."]
    app = searched(app, "one two three four five six seven eight nine")
    assert not app.exception
    assert [c.value for c in app.sidebar.caption] == ["Search with at most 8 words."]
    app = searched(app, "z")
    assert [c.value for c in app.sidebar.caption] == ["Type at least two letters."]


def test_many_hits_are_listed_five_at_once_and_capped(open_app):
    app = searched(open_app("director"), "S2")
    cases = [link for link in sidebar_links(app) if link[0] == "case"]
    assert len(cases) == 20  # the first five, and fifteen in the expander
    assert "**Cases** · 20+" in [m.value for m in app.sidebar.markdown]
    assert any("add a word" in c.value for c in app.sidebar.caption)


def test_a_signed_out_visitor_has_no_box(database_url, seeded_template):
    """The router renders it only once signed in: signed out, there is no box."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=30).run()
    assert BOX not in [box.key for box in app.text_input]
