"""Publishing (officer side): snapshot a technology's non-confidential summary into the
catalogue, or take it down at once. Both audited."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from tlo import audit, clock
from tlo.auth.permissions import Actor
from tlo.catalogue.models import CatalogueEntry
from tlo.disclosures.access import load_case
from tlo.licensing import marketing


def _slug(docket: str, disclosure_id: int) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", (docket or "").lower()).strip("-")
    return text or f"tech-{disclosure_id}"


def snapshot(session: Session, *, actor: Actor, disclosure_id: int) -> CatalogueEntry:
    """What the public would see (not saved): the preview equals the published page."""
    context = marketing.summary_context(session, actor=actor, disclosure_id=disclosure_id)
    numbers = [
        f"{p['jurisdiction']} {p['number']}"
        for p in context["patents"]
        if p["number"] != marketing.NOT_PUBLISHED
    ]
    return CatalogueEntry(
        disclosure_id=disclosure_id,
        slug=_slug(context["docket"], disclosure_id),
        title=context["headline"],
        problem=context["problem"],
        solution=context["solution"],
        advantages=context["advantages"],
        applications=context["applications"],
        stage=context["stage"],
        ip_status=context["ip_status"],
        patent_numbers=", ".join(numbers),
        inventors="",  # TODO: per-inventor consent flag; none published until it exists
    )


def publish(session: Session, *, actor: Actor, disclosure_id: int) -> CatalogueEntry:
    load_case(session, actor, disclosure_id, "disclosure.work")
    fresh = snapshot(session, actor=actor, disclosure_id=disclosure_id)
    entry = session.exec(
        select(CatalogueEntry).where(CatalogueEntry.disclosure_id == disclosure_id)
    ).first()
    before = audit.snapshot(entry) if entry else None
    entry = entry or fresh
    for name in ("slug", "title", "problem", "solution", "advantages", "applications"):
        setattr(entry, name, getattr(fresh, name))
    for name in ("stage", "ip_status", "patent_numbers", "inventors"):
        setattr(entry, name, getattr(fresh, name))
    entry.published_at = clock.utcnow()
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="catalogue.published",
        object_type="disclosure",
        object_id=disclosure_id,
        before=before,
        after=audit.snapshot(entry),
    )
    return entry


def unpublish(session: Session, *, actor: Actor, disclosure_id: int) -> None:
    load_case(session, actor, disclosure_id, "disclosure.work")
    entry = session.exec(
        select(CatalogueEntry).where(CatalogueEntry.disclosure_id == disclosure_id)
    ).first()
    if entry is None:
        return
    before = audit.snapshot(entry)
    session.delete(entry)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="catalogue.unpublished",
        object_type="disclosure",
        object_id=disclosure_id,
        before=before,
    )
