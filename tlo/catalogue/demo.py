"""Demo catalogue: a dozen of the demo's marketed and filed technologies published, each from
a non-confidential summary written for it (the demo's inventions are invented). Deterministic."""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta

from sqlmodel import Session, col, select

from tlo import clock
from tlo.auth.permissions import system_actor
from tlo.catalogue import publishing
from tlo.catalogue.models import CatalogueSearchMiss, CatalogueVisit
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.licensing import marketing

COUNT = 12
VISIT_DAYS = 60  # the demo's catalogue has been read for two months
MISSED_SEARCHES = {"quantum sensor": 4, "drone": 2, "plant genomics": 1}
ADVANTAGES = [
    "3x more sensitive than the best method on the market in a head-to-head test",
    "Cuts the cost per use by about 60 %",
    "Works at room temperature: no cold chain",
    "10x faster on standard benchmarks",
    "Uses 40 % less energy than today's designs",
    "Made from abundant materials at gram scale already",
]
APPLICATIONS = [
    "Products for established companies in the field",
    "A platform for a venture-backed start-up",
    "Research tools and services",
]


def _first_sentence(text: str) -> str:
    sentence = text.split(". ")[0].rstrip(".")
    return f"{sentence}."[:300]


def seed(session: Session) -> None:
    cases = session.exec(
        select(Disclosure)
        .where(
            col(Disclosure.status).in_(
                [DisclosureStatus.MARKETING.value, DisclosureStatus.FILED.value]
            ),
            col(Disclosure.officer_person_id).is_not(None),
        )
        .order_by(Disclosure.id)
        .limit(COUNT)
    ).all()
    actor = system_actor("demo data")  # the demo's records are all the system's
    for index, case in enumerate(cases):
        draft = marketing.summary_fields(session, actor=actor, disclosure_id=case.id)
        first = index % len(ADVANTAGES)
        marketing.save_summary(
            session,
            actor=actor,
            disclosure_id=case.id,
            fields=marketing.SummaryFields(
                headline=case.title,
                problem=draft.problem,
                solution=draft.solution.removeprefix(f"{case.title}. "),
                advantages="\n".join(
                    ADVANTAGES[(first + step) % len(ADVANTAGES)] for step in range(3)
                ),
                applications="\n".join(APPLICATIONS[: 2 + index % 2]),
                stage=draft.stage,
            ),
        )
        inventors = publishing.inventors_of(session, case.id)
        publishing.publish(
            session,
            actor=actor,
            disclosure_id=case.id,
            form=publishing.PublishForm(
                summary=_first_sentence(draft.solution.removeprefix(f"{case.title}. ")),
                keywords=case.keywords,
                named_inventor_ids=[inventors[0][0]] if index % 2 == 0 and inventors else [],
            ),
        )
    _visits(session, [case.id for case in cases])


def _visits(session: Session, case_ids: list[int]) -> None:
    """Anonymous views over the last VISIT_DAYS days (visitors named as the real ones are, by
    an opaque 32-digit name), and a few searches that found nothing, so the figures show."""
    rng = random.Random(20)
    today = clock.today()
    for position, case_id in enumerate(case_ids):
        readers = max(2, 30 - 2 * position)
        for number in range(rng.randint(readers // 2, readers)):
            day = today - timedelta(days=rng.randrange(VISIT_DAYS))
            visitor = hashlib.sha256(f"demo {case_id} {number}".encode()).hexdigest()[:32]
            session.add(
                CatalogueVisit(
                    day=day, disclosure_id=case_id, visitor=visitor, views=rng.randint(1, 3)
                )
            )
    for words, count in MISSED_SEARCHES.items():
        session.add(CatalogueSearchMiss(day=today - timedelta(days=3), query=words, count=count))
    session.flush()
