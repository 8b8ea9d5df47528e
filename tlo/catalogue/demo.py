"""Demo catalogue: a dozen of the demo's marketed and filed technologies published, each from
a non-confidential summary written for it (the demo's inventions are invented). Deterministic."""

from __future__ import annotations

from sqlmodel import Session, col, select

from tlo.auth.models import Role
from tlo.auth.permissions import Actor, system_actor
from tlo.catalogue import publishing
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.licensing import marketing

COUNT = 12
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


def _officer(case: Disclosure, officer_names: dict[int, str]) -> Actor:
    return Actor(
        None,
        case.officer_person_id,
        officer_names[case.officer_person_id],
        "demo",
        frozenset({Role.OFFICER}),
    )


def seed(session: Session, *, officer_names: dict[int, str]) -> None:
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
    for index, case in enumerate(cases):
        officer = system_actor("demo data")  # the demo's records are all the system's
        draft = marketing.summary_fields(session, actor=officer, disclosure_id=case.id)
        first = index % len(ADVANTAGES)
        marketing.save_summary(
            session,
            actor=officer,
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
            actor=officer,
            disclosure_id=case.id,
            form=publishing.PublishForm(
                summary=_first_sentence(draft.solution.removeprefix(f"{case.title}. ")),
                keywords=case.keywords,
                named_inventor_ids=[inventors[0][0]] if index % 2 == 0 and inventors else [],
            ),
        )
