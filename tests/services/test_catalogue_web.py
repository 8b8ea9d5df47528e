"""The public catalogue's pages (#20), served by the real Starlette app on a real database of
each kind, without signing in: the list and search, a technology's page, the inquiry form, the
sitemap and the feed (exactly the published technologies), a page taken down."""

from xml.etree import ElementTree as ET

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from tests.services.test_catalogue import PNG, publish, summarised
from tlo.catalogue import publishing
from tlo.catalogue import web as catalogue_web
from tlo.catalogue.models import CatalogueInquiry, CatalogueVisit
from tlo.db import unit_of_work
from tlo.licensing.models import Outreach

BROWSER = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


@pytest.fixture
def client(engine, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("TLO_DATABASE_URL", database_url)
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    site = Starlette(routes=[Mount("/catalogue", app=catalogue_web.application())])
    with TestClient(site, base_url="http://tlo.example", headers=BROWSER) as client:
        yield client


def test_anyone_searches_opens_a_technology_and_sends_an_inquiry(engine, office, client):
    case_id = summarised(engine, office)
    slug = publish(engine, office.officer, case_id, image=PNG, image_type="image/png")
    listed = client.get("/catalogue/", params={"q": "sepsis"})
    assert listed.status_code == 200
    assert "Graphene biosensor for sepsis" in listed.text and f"/catalogue/t/{slug}" in listed.text
    assert "default-src 'none'" in listed.headers["content-security-policy"]
    assert "set-cookie" not in listed.headers
    page = client.get(f"/catalogue/t/{slug}")
    assert page.status_code == 200
    assert "<title>Graphene biosensor for sepsis |" in page.text
    assert '<meta name="description" content="Sepsis found in a minute.">' in page.text
    assert f'<link rel="canonical" href="http://tlo.example/catalogue/t/{slug}">' in page.text
    image = client.get(f"/catalogue/t/{slug}/image")
    assert image.status_code == 200 and image.content == PNG
    assert image.headers["content-type"] == "image/png"
    sent = client.post(
        f"/catalogue/t/{slug}/inquiry",
        data={
            "name": "Jane Roe",
            "company": "Acme Diagnostics",
            "company_size": "large",
            "email": "jane@acme.example",
            "message": "Can we evaluate it?",
            "website": "",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("?sent=1#inquiry")
    assert "Thank you" in client.get(sent.headers["location"]).text
    with unit_of_work(engine) as session:
        assert session.exec(select(CatalogueInquiry.name)).all() == ["Jane Roe"]
        assert session.exec(select(Outreach.stage)).all() == ["contacted"]
        views = session.exec(select(CatalogueVisit.disclosure_id, CatalogueVisit.views)).all()
    assert sorted(views) == [(0, 1), (case_id, 2)]  # the list once, the page twice


def test_a_bad_inquiry_keeps_what_was_typed_and_says_what_to_fix(engine, office, client):
    slug = publish(engine, office.officer, summarised(engine, office))
    answer = client.post(
        f"/catalogue/t/{slug}/inquiry",
        data={
            "name": "Jane <b>Roe</b>",
            "company": "Acme",
            "company_size": "small",
            "email": "nope",
            "message": "Hello",
        },
    )
    assert answer.status_code == 400
    assert "e-mail" in answer.text and "Jane &lt;b&gt;Roe&lt;/b&gt;" in answer.text
    with unit_of_work(engine) as session:
        assert session.exec(select(CatalogueInquiry)).all() == []


def test_too_many_inquiries_are_refused_with_429(engine, office, client):
    slug = publish(engine, office.officer, summarised(engine, office))
    form = {
        "name": "Jo",
        "company": "Acme",
        "company_size": "small",
        "email": "jo@acme.example",
        "message": "Hi",
    }
    codes = [
        client.post(f"/catalogue/t/{slug}/inquiry", data=form, follow_redirects=False).status_code
        for _ in range(4)
    ]
    assert codes == [303, 303, 303, 429]


def test_the_sitemap_and_the_feed_list_exactly_the_published_technologies(engine, office, client):
    published = [
        publish(engine, office.officer, summarised(engine, office, title=f"Case {n}"))
        for n in range(3)
    ]
    hidden = summarised(engine, office, title="Never published")
    taken_down = summarised(engine, office, title="Taken down")
    publish(engine, office.officer, taken_down)
    with unit_of_work(engine) as session:
        publishing.unpublish(session, actor=office.officer, disclosure_id=taken_down)
    assert hidden
    sitemap = ET.fromstring(client.get("/catalogue/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in sitemap.findall("s:url/s:loc", ns)]
    pages = sorted(f"http://tlo.example/catalogue/t/{slug}" for slug in published)
    assert locations == ["http://tlo.example/catalogue/", *pages]
    feed = ET.fromstring(client.get("/catalogue/feed.xml").content)
    atom = {"a": "http://www.w3.org/2005/Atom"}
    ids = [entry.find("a:id", atom).text for entry in feed.findall("a:entry", atom)]
    assert sorted(ids) == sorted(f"http://tlo.example/catalogue/t/{slug}" for slug in published)


def test_a_page_taken_down_is_gone_at_once(engine, office, client):
    case_id = summarised(engine, office)
    slug = publish(engine, office.officer, case_id)
    assert client.get(f"/catalogue/t/{slug}").status_code == 200
    with unit_of_work(engine) as session:
        publishing.unpublish(session, actor=office.officer, disclosure_id=case_id)
    gone = client.get(f"/catalogue/t/{slug}")
    assert gone.status_code == 404 and "not in the catalogue" in gone.text
    assert slug not in client.get("/catalogue/").text
    assert client.get(f"/catalogue/t/{slug}/image").status_code == 404


def test_crawlers_are_served_but_not_counted(engine, office, client):
    case_id = summarised(engine, office)
    slug = publish(engine, office.officer, case_id)
    crawled = client.get(f"/catalogue/t/{slug}", headers={"user-agent": "Googlebot/2.1"})
    assert crawled.status_code == 200
    with unit_of_work(engine) as session:
        assert session.exec(select(CatalogueVisit)).all() == []
