from tests.services.test_outreach import technology
from tlo.catalogue import public, publishing
from tlo.db import unit_of_work


def test_publish_shows_the_snapshot_and_unpublish_takes_it_down(engine, office):
    case_id = technology(engine, office)
    with unit_of_work(engine) as session:
        preview = publishing.snapshot(session, actor=office.officer, disclosure_id=case_id)
        entry = publishing.publish(session, actor=office.officer, disclosure_id=case_id)
        slug = entry.slug
    with unit_of_work(engine) as session:
        shown = public.technology(session, slug)
        assert shown is not None and shown["title"] == preview.title
        assert [t["slug"] for t in public.technologies(session)] == [slug]
    with unit_of_work(engine) as session:
        publishing.unpublish(session, actor=office.officer, disclosure_id=case_id)
    with unit_of_work(engine) as session:
        assert public.technology(session, slug) is None
        assert public.technologies(session) == []
