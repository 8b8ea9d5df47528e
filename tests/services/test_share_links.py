"""The outside co-inventor's link (#18): sent when the disclosure is submitted, it works once,
expires, confirms or disputes exactly that share, and is refused after the shares changed; on
both databases, and through the real page."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlmodel import select
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from tests.factories import submitted_case
from tlo import clock
from tlo.db import unit_of_work
from tlo.disclosures import intake, share_links, share_web, shares, signatures
from tlo.disclosures.intake import InventorEntry
from tlo.disclosures.models import DisclosureInventor, ShareResponse
from tlo.disclosures.share_links import LinkRefused, ShareLink
from tlo.errors import ValidationError
from tlo.notify.models import OutboxMessage
from tlo.people import services as people


def outsider(engine, office) -> int:
    with unit_of_work(engine) as session:
        return people.add_external_person(
            session,
            actor=office.inventor,
            full_name="Rosa Lind",
            email="rosa@other-university.example",
            organisation="Other University",
        ).id


def case_with_outsider(engine, office) -> tuple[int, int, str]:
    """A submitted case 60/40 with an outside co-inventor; returns (case, person, token)."""
    rosa = outsider(engine, office)
    case_id = submitted_case(
        engine, office.inventor, (office.inventor.person_id, "60"), (rosa, "40")
    )
    return case_id, rosa, token_sent_to(engine, "rosa@other-university.example")


def token_sent_to(engine, address: str) -> str:
    with unit_of_work(engine) as session:
        message = session.exec(
            select(OutboxMessage)
            .where(
                OutboxMessage.recipient_email == address, OutboxMessage.kind == "share_to_confirm"
            )
            .order_by(OutboxMessage.id.desc())
        ).first()
    return re.search(r"/share/([A-Za-z0-9_-]+)", message.body).group(1)


def share_row(engine, case_id, person_id) -> DisclosureInventor:
    with unit_of_work(engine) as session:
        return session.exec(
            select(DisclosureInventor).where(
                DisclosureInventor.disclosure_id == case_id,
                DisclosureInventor.person_id == person_id,
            )
        ).one()


def test_submitting_sends_the_outside_co_inventor_a_link_that_confirms_once(engine, office):
    case_id, rosa, token = case_with_outsider(engine, office)
    with unit_of_work(engine) as session:
        shown = share_links.view(session, token=token)
        stored = session.exec(select(ShareLink.token_sha256)).one()
    assert shown.name == "Rosa Lind" and str(shown.share) == "40.00"
    assert [name for name, _ in shown.co_inventors] == ["Alice Chen", "Rosa Lind"]
    assert token not in stored  # only its hash is kept
    with unit_of_work(engine) as session, pytest.raises(ValidationError, match="not your name"):
        share_links.answer(session, token=token, confirm=True, typed_name="Rose Lind")
    with unit_of_work(engine) as session:  # the refusal did not use the link up
        assert (
            share_links.answer(session, token=token, confirm=True, typed_name="rosa  LIND")
            == "confirmed"
        )
    assert share_row(engine, case_id, rosa).confirmed_at is not None
    with unit_of_work(engine) as session:
        signed = signatures.status(session, actor=office.officer, disclosure_id=case_id)
    (line,) = [line for line in signed.signatures if line.person_id == rosa]
    assert line.valid and line.typed_name == "rosa  LIND" and line.signed_by == "the e-mailed link"
    with unit_of_work(engine) as session:
        standing = {
            s.name: s.state
            for s in shares.share_standings(session, actor=office.officer, disclosure_id=case_id)
        }
    assert standing["Rosa Lind"] == shares.ShareState.CONFIRMED  # hers, not "by the office"
    with unit_of_work(engine) as session, pytest.raises(LinkRefused, match="works only once"):
        share_links.answer(session, token=token, confirm=True, typed_name="Rosa Lind")


def test_a_dispute_through_the_link_needs_a_reason_and_waits_for_the_officer(engine, office):
    case_id, rosa, token = case_with_outsider(engine, office)
    with unit_of_work(engine) as session, pytest.raises(Exception, match="reason"):
        share_links.answer(session, token=token, confirm=False, reason=" ")
    with unit_of_work(engine) as session:  # the refusal did not use the link up
        assert share_links.answer(session, token=token, confirm=False, reason="I did half") == (
            "disputed"
        )
    with unit_of_work(engine) as session:
        dispute = session.exec(select(ShareResponse)).one()
    assert (dispute.person_id, dispute.kind, dispute.note) == (rosa, "disputed", "I did half")
    assert dispute.share_bp == 4000 and not dispute.on_behalf
    assert share_row(engine, case_id, rosa).confirmed_at is None


def test_the_link_expires(engine, office):
    _, _, token = case_with_outsider(engine, office)
    later = clock.utcnow() + timedelta(days=share_links.LINK_DAYS, minutes=1)
    with (
        time_machine.travel(later, tick=False),
        unit_of_work(engine) as session,
        pytest.raises(LinkRefused, match="expired"),
    ):
        share_links.answer(session, token=token, confirm=True)


def test_after_the_shares_change_the_old_link_is_refused_and_a_new_one_sent(engine, office):
    case_id, rosa, old = case_with_outsider(engine, office)
    with unit_of_work(engine) as session:
        intake.change_shares(
            session,
            actor=office.director,
            disclosure_id=case_id,
            inventors=[
                InventorEntry(office.inventor.person_id, "50"),
                InventorEntry(rosa, "50"),
            ],
        )
    new = token_sent_to(engine, "rosa@other-university.example")
    assert new != old
    with unit_of_work(engine) as session, pytest.raises(LinkRefused):
        share_links.answer(session, token=old, confirm=True)
    with unit_of_work(engine) as session:
        assert str(share_links.view(session, token=new).share) == "50.00"
        share_links.answer(session, token=new, confirm=True, typed_name="Rosa Lind")
    assert share_row(engine, case_id, rosa).share_bp == 5000


@pytest.mark.parametrize("token", ["", "short", "x" * 300, None, 42, "A" * 43])
def test_a_made_up_link_is_refused(engine, office, token):
    case_with_outsider(engine, office)
    with unit_of_work(engine) as session, pytest.raises(LinkRefused, match="not valid"):
        share_links.view(session, token=token)


def test_a_co_inventor_who_signs_in_is_pointed_to_my_disclosures_not_sent_a_link(engine, office):
    from tests.factories import make_actor
    from tlo.auth.models import Role

    bob = make_actor(engine, Role.INVENTOR, name="Bob Stone")
    submitted_case(
        engine, office.inventor, (office.inventor.person_id, "50"), (bob.person_id, "50")
    )
    with unit_of_work(engine) as session:
        asked = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == "share_to_confirm",
                OutboxMessage.recipient_person_id == bob.person_id,
            )
        ).one()
        assert session.exec(select(ShareLink)).all() == []
    assert "/my_disclosures" in asked.body and "/share/" not in asked.body


@pytest.fixture
def client(engine, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("TLO_DATABASE_URL", database_url)
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))
    site = Starlette(routes=[Mount("/share", app=share_web.application())])
    with TestClient(site, base_url="http://tlo.example") as client:
        yield client


def test_the_page_confirms_once_without_an_account(engine, office, client):
    case_id, rosa, token = case_with_outsider(engine, office)
    page = client.get(f"/share/{token}")
    assert page.status_code == 200 and "Sign and confirm my share of 40.00 %" in page.text
    assert "A sparse systolic array" in page.text  # what she signs: the disclosure itself
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    unsigned = client.post(f"/share/{token}", data={"answer": "confirm"})
    assert unsigned.status_code == 400 and "Type your full name" in unsigned.text
    done = client.post(f"/share/{token}", data={"answer": "confirm", "typed_name": "Rosa Lind"})
    assert done.status_code == 200 and "Your share is confirmed." in done.text
    assert share_row(engine, case_id, rosa).confirmed_at is not None
    again = client.get(f"/share/{token}")
    assert again.status_code == 410 and "works only once" in again.text


def test_the_page_asks_a_reason_to_dispute(engine, office, client):
    _, _, token = case_with_outsider(engine, office)
    answer = client.post(f"/share/{token}", data={"answer": "dispute", "reason": ""})
    assert answer.status_code == 400 and "reason" in answer.text
    answer = client.post(f"/share/{token}", data={"answer": "dispute", "reason": "Half is mine"})
    assert "Your dispute is recorded" in answer.text
