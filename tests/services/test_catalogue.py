"""The public catalogue (#20): publishing, the public read service, inquiries and figures, on
both databases."""

from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select

from tests.clock import TODAY
from tests.documents.test_marketing_summary import family
from tests.services.test_outreach import company, technology
from tlo import clock
from tlo.audit import AuditEntry
from tlo.catalogue import inquiries, metrics, public, publishing
from tlo.catalogue.inquiries import InquiryForm
from tlo.catalogue.models import CatalogueSalt
from tlo.catalogue.publishing import PublishForm
from tlo.db import unit_of_work
from tlo.errors import NotFound, PermissionDenied, ValidationError
from tlo.licensing import marketing, outreach
from tlo.licensing.marketing import SummaryFields
from tlo.licensing.models import Company, Contact, Outreach, OutreachTouch, Stage
from tlo.notify.models import OutboxMessage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def summarised(engine, office, make=technology, **case) -> int:
    """A case (`make`'s: an assigned one by default) with a saved marketing summary."""
    case_id = make(engine, office, **case)
    with unit_of_work(engine) as session:
        marketing.save_summary(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            fields=SummaryFields(
                "Graphene biosensor for sepsis",
                problem="Sepsis is found too late.",
                solution="A sensor reads lactate in a minute.",
                advantages="Ten times faster than a lab test",
                applications="Emergency rooms",
                stage="Prototype",
            ),
        )
    return case_id


def publish(engine, actor, case_id, **form) -> str:
    with unit_of_work(engine) as session:
        entry = publishing.publish(
            session,
            actor=actor,
            disclosure_id=case_id,
            form=PublishForm(**({"summary": "Sepsis found in a minute."} | form)),
        )
        return entry.slug


def test_the_preview_is_the_published_page_and_unpublishing_takes_it_down(engine, office):
    case_id = summarised(engine, office)
    with unit_of_work(engine) as session:
        preview = publishing.snapshot(
            session, actor=office.officer, disclosure_id=case_id, form=PublishForm(summary="One")
        )
        assert public.search(session).total == 0  # a preview publishes nothing
    slug = publish(engine, office.officer, case_id, summary="One")
    with unit_of_work(engine) as session:
        shown = public.technology(session, slug)
        assert shown is not None
        for name in publishing.COPIED:
            assert getattr(shown, name) == getattr(preview, name), name
        assert [t.slug for t in public.search(session).technologies] == [slug]
        assert public.sitemap(session)[0][0] == slug
    with unit_of_work(engine) as session:
        assert publishing.unpublish(session, actor=office.officer, disclosure_id=case_id)
    with unit_of_work(engine) as session:
        assert public.technology(session, slug) is None
        assert public.search(session).total == 0 and public.newest(session) == []
        actions = session.exec(
            select(AuditEntry.action).where(AuditEntry.action.startswith("catalogue."))
        ).all()
    assert actions == ["catalogue.published", "catalogue.unpublished"]


def test_only_a_saved_summary_is_published_never_the_disclosures_own_text(engine, office):
    case_id = technology(engine, office)
    with (
        unit_of_work(engine) as session,
        pytest.raises(ValidationError, match="Save the technology's non-confidential summary"),
    ):
        publishing.publish(
            session, actor=office.officer, disclosure_id=case_id, form=PublishForm(summary="x")
        )


def test_patent_status_gives_only_public_numbers(engine, office):
    case_id = summarised(engine, office)
    family(engine, office, case_id)
    slug = publish(engine, office.officer, case_id)
    with unit_of_work(engine) as session:
        shown = public.technology(session, slug)
    assert shown.patent_state == "issued"
    assert "WO WO 2025/177777" in shown.patent_numbers or "WO 2025/177777" in shown.patent_numbers
    assert "12,345,678" in shown.patent_numbers
    for unpublished in ("63/123,456", "19/333,444"):
        assert unpublished not in shown.patent_numbers and unpublished not in shown.ip_status


def test_only_inventors_who_agreed_are_named(engine, office):
    case_id = summarised(engine, office)
    with unit_of_work(engine) as session:
        (inventor_id, name), *_ = publishing.inventors_of(session, case_id)
    slug = publish(engine, office.officer, case_id)
    with unit_of_work(engine) as session:
        assert public.technology(session, slug).inventors == ""
    publish(engine, office.officer, case_id, named_inventor_ids=[inventor_id])
    with unit_of_work(engine) as session:
        assert public.technology(session, slug).inventors == name
    with (
        unit_of_work(engine) as session,
        pytest.raises(ValidationError, match="not an inventor"),
    ):
        publishing.snapshot(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            form=PublishForm(summary="x", named_inventor_ids=[office.director.person_id]),
        )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (PublishForm(summary=""), "one-line summary"),
        (PublishForm(summary="x" * 301), "at most 300"),
        (PublishForm(summary="a\nb"), "one-line summary"),
        (PublishForm(summary="x", image=b"GIF89a", image_type="image/gif"), "PNG or JPEG"),
        (PublishForm(summary="x", image=b"not a png", image_type="image/png"), "PNG or JPEG"),
        (PublishForm(summary="x", named_inventor_ids="1"), "inventor"),
        ("summary", "Fill in the catalogue form"),
    ],
)
def test_bad_publishing_input_is_refused_and_nothing_published(engine, office, form, message):
    case_id = summarised(engine, office)
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match=message):
        publishing.publish(session, actor=office.officer, disclosure_id=case_id, form=form)
    with unit_of_work(engine) as session:
        assert public.search(session).total == 0


def test_only_the_cases_officer_or_the_director_publishes(engine, office):
    case_id = summarised(engine, office)
    for outsider in (office.other_officer, office.inventor, office.finance):
        with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
            publishing.publish(
                session, actor=outsider, disclosure_id=case_id, form=PublishForm(summary="x")
            )
    slug = publish(engine, office.director, case_id)
    with unit_of_work(engine) as session, pytest.raises(PermissionDenied):
        publishing.unpublish(session, actor=office.other_officer, disclosure_id=case_id)
    with unit_of_work(engine) as session:
        assert public.technology(session, slug) is not None


def test_an_image_is_kept_and_can_be_removed(engine, office):
    case_id = summarised(engine, office)
    slug = publish(engine, office.officer, case_id, image=PNG, image_type="image/png")
    with unit_of_work(engine) as session:
        assert public.technology(session, slug).has_image
        assert public.image(session, slug)[1] == "image/png"
    publish(engine, office.officer, case_id, remove_image=True)
    with unit_of_work(engine) as session:
        assert public.image(session, slug) is None


def test_search_and_filters(engine, office):
    first = summarised(engine, office, title="Sepsis sensor")
    second = summarised(engine, office, title="Battery anode")
    slug_one = publish(engine, office.officer, first, keywords="diagnostics, lactate")
    slug_two = publish(engine, office.officer, second, summary="A 100% silicon anode")
    with unit_of_work(engine) as session:
        assert [t.slug for t in public.search(session, words="DIAGNOSTICS").technologies] == [
            slug_one
        ]
        assert public.search(session, words="100%").total == 1  # % is a letter, not a pattern
        assert public.search(session, words="lactate diagnostics").total == 1
        assert public.search(session, words="lactate").total == 2
        assert public.search(session, words="sensor nothing").total == 0
        assert public.search(session, patent_state="issued").total == 0
        assert public.search(session, stage="Prototype").total == 2
        assert public.search(session, words=["not", "text"]).total == 2  # ignored, not a crash
        newest = public.search(session).technologies
        assert [t.slug for t in newest] == [slug_two, slug_one]
        assert [t.slug for t in public.newest(session)] == [slug_two, slug_one]
        assert dict(public.facets(session)["stage"]) == {"Prototype": 2}


def inquiry(**fields) -> InquiryForm:
    return InquiryForm(
        **(
            dict(
                name="Jane Roe",
                company="Acme Diagnostics, Inc.",
                company_size="small",
                email="jane@acme.example",
                message="We would like to evaluate it.",
            )
            | fields
        )
    )


def test_an_inquiry_becomes_a_contacted_outreach_for_the_cases_officer_who_is_told(engine, office):
    case_id = summarised(engine, office)
    slug = publish(engine, office.officer, case_id)
    with unit_of_work(engine) as session:
        outcome = inquiries.submit(session, slug=slug, form=inquiry(), visitor_id="v1")
    assert outcome.kept
    with unit_of_work(engine) as session:
        acme = session.exec(select(Company)).one()
        entry = session.exec(select(Outreach)).one()
        touch = session.exec(select(OutreachTouch)).one()
        contact = session.exec(select(Contact)).one()
        message = session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "catalogue_inquiry")
        ).one()
    assert acme.name == "Acme Diagnostics, Inc." and acme.size == "small"
    assert (contact.name, contact.email) == ("Jane Roe", "jane@acme.example")
    assert entry.disclosure_id == case_id and entry.company_id == acme.id
    assert entry.stage == Stage.CONTACTED.value
    assert entry.owner_person_id == office.officer.person_id
    assert entry.next_follow_up == TODAY + timedelta(days=inquiries.FOLLOW_UP_DAYS)
    assert "We would like to evaluate it." in touch.note and touch.contact_id == contact.id
    assert message.recipient_person_id == office.officer.person_id
    assert "Jane Roe" in message.body and "contacted" in message.body
    # A second inquiry from the same company, spelled another way, joins the same records.
    with unit_of_work(engine) as session:
        inquiries.submit(
            session,
            slug=slug,
            form=inquiry(company="ACME DIAGNOSTICS", message="And the price?"),
            visitor_id="v2",
        )
    with unit_of_work(engine) as session:
        assert len(session.exec(select(Company)).all()) == 1
        assert len(session.exec(select(Contact)).all()) == 1
        assert len(session.exec(select(Outreach)).all()) == 1
        assert len(session.exec(select(OutreachTouch)).all()) == 2
        assert len(inquiries.of_case(session, actor=office.officer, disclosure_id=case_id)) == 2


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_kept(engine, office):
    slug = publish(engine, office.officer, summarised(engine, office))
    with unit_of_work(engine) as session:
        outcome = inquiries.submit(
            session, slug=slug, form=inquiry(website="http://spam.example"), visitor_id="bot"
        )
    assert not outcome.kept
    with unit_of_work(engine) as session:
        assert session.exec(select(Company)).all() == []
        assert (
            session.exec(
                select(OutboxMessage).where(OutboxMessage.kind == "catalogue_inquiry")
            ).all()
            == []
        )


def test_a_visitor_sends_a_few_inquiries_a_day_and_no_more(engine, office):
    slug = publish(engine, office.officer, summarised(engine, office))
    for number in range(inquiries.PER_VISITOR_PER_DAY):
        with unit_of_work(engine) as session:
            inquiries.submit(
                session, slug=slug, form=inquiry(message=f"Question {number}"), visitor_id="v"
            )
    with (
        unit_of_work(engine) as session,
        pytest.raises(inquiries.TooManyInquiries, match="write to the office"),
    ):
        inquiries.submit(session, slug=slug, form=inquiry(), visitor_id="v")
    with unit_of_work(engine) as session:  # another visitor still may
        inquiries.submit(session, slug=slug, form=inquiry(), visitor_id="w")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not an address"}, "e-mail"),
        ({"name": ""}, "Give your name"),
        ({"company": ""}, "company's name"),
        ({"message": " "}, "Write a message"),
        ({"company_size": "huge"}, "company's size"),
        ({"name": "x" * 201}, "at most 200"),
        ({"message": "bad\x00byte"}, "message"),
    ],
)
def test_bad_inquiries_are_refused_and_nothing_kept(engine, office, fields, message):
    slug = publish(engine, office.officer, summarised(engine, office))
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match=message):
        inquiries.submit(session, slug=slug, form=inquiry(**fields), visitor_id="v")
    with unit_of_work(engine) as session:
        assert session.exec(select(Company)).all() == []


def test_an_inquiry_about_a_page_taken_down_is_not_found(engine, office):
    case_id = summarised(engine, office)
    slug = publish(engine, office.officer, case_id)
    with unit_of_work(engine) as session:
        publishing.unpublish(session, actor=office.officer, disclosure_id=case_id)
    with unit_of_work(engine) as session, pytest.raises(NotFound):
        inquiries.submit(session, slug=slug, form=inquiry(), visitor_id="v")


def test_a_do_not_contact_company_is_recorded_but_not_put_in_the_pipeline(engine, office):
    slug = publish(engine, office.officer, summarised(engine, office))
    acme = company(engine, office.officer, "Acme Diagnostics")
    with unit_of_work(engine) as session:
        row = session.get(Company, acme)
        row.do_not_contact = True
        session.add(row)
    with unit_of_work(engine) as session:
        inquiries.submit(session, slug=slug, form=inquiry(), visitor_id="v")
    with unit_of_work(engine) as session:
        assert session.exec(select(Outreach)).all() == []
        body = session.exec(
            select(OutboxMessage.body).where(OutboxMessage.kind == "catalogue_inquiry")
        ).one()
    assert "do not contact" in body


def test_figures_count_views_visitors_misses_inquiries_and_what_they_became(engine, office):
    case_id = summarised(engine, office)
    slug = publish(engine, office.officer, case_id)
    with unit_of_work(engine) as session:
        one = metrics.visitor(session, address="10.0.0.1", browser="Firefox")
        assert metrics.visitor(session, address="10.0.0.1", browser="Firefox") == one
        two = metrics.visitor(session, address="10.0.0.2", browser="Firefox")
        assert len(one) == 32 and one != two and "10.0.0.1" not in one
        for visitor_id in (one, one, two):
            metrics.record_view(session, disclosure_id=case_id, visitor_id=visitor_id)
        metrics.record_view(session, disclosure_id=metrics.LIST_PAGE, visitor_id=one)
        metrics.record_search(session, words="Quantum  Widgets", found=0)
        metrics.record_search(session, words="quantum widgets", found=0)
        metrics.record_search(session, words="sepsis", found=1)
        inquiries.submit(session, slug=slug, form=inquiry(), visitor_id=one)
    with unit_of_work(engine) as session:
        entry = session.exec(select(Outreach)).one()
        outreach.record_cda(session, actor=office.officer, outreach_id=entry.id, signed_on=TODAY)
    with unit_of_work(engine) as session:
        case = metrics.figures(session, actor=office.officer, disclosure_id=case_id)
        everything = metrics.figures(session, actor=office.director)
        top = metrics.by_technology(session, actor=office.director)
        misses = metrics.searches_that_found_nothing(session, actor=office.director)
        with pytest.raises(PermissionDenied):
            metrics.figures(session, actor=office.inventor)
    assert (case.views, case.visitors, case.inquiries, case.to_cda) == (3, 2, 1, 1)
    assert (case.to_option, case.to_license) == (0, 0)
    assert (everything.views, everything.visitors) == (4, 2)
    assert [(t.slug, t.views, t.visitors, t.inquiries) for t in top] == [(slug, 3, 2, 1)]
    assert misses == [("quantum widgets", 2)]


def test_yesterdays_salt_is_forgotten(engine, office):
    with unit_of_work(engine) as session:
        today = metrics.visitor(session, address="10.0.0.1", browser="Firefox")
    with time_machine.travel(clock.utcnow() + timedelta(days=1), tick=False):
        with unit_of_work(engine) as session:
            tomorrow = metrics.visitor(session, address="10.0.0.1", browser="Firefox")
            days = session.exec(select(CatalogueSalt.day)).all()
        assert tomorrow != today and days == [clock.today()]


@pytest.mark.parametrize(
    ("terms", "taken_down"),
    [
        ({"field_of_use": ""}, True),  # exclusive in every field: nobody left to license to
        ({"field_of_use": "Electric vehicles"}, False),  # other fields are still to license
        ({"agreement_type": "nonexclusive_license", "field_of_use": ""}, False),
    ],
)
def test_an_exclusive_license_in_every_field_takes_its_technologys_page_down(
    engine, office, terms, taken_down
):
    from tests.services import test_revenue

    case_id = summarised(engine, office, make=test_revenue.technology)  # a filed one
    slug = publish(engine, office.officer, case_id)
    test_revenue.signed_license(engine, office, [case_id], **terms)
    with unit_of_work(engine) as session:
        assert (public.technology(session, slug) is None) is taken_down
        after = session.exec(
            select(AuditEntry.after).where(AuditEntry.action == "catalogue.unpublished")
        ).all()
    assert after == ([{"licensed_exclusively_by": "AGR-00001"}] if taken_down else [])
