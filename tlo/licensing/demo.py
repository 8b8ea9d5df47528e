"""Demo companies (about 80, with contacts) and outreach on the marketed demo technologies,
in every stage, with some follow-ups overdue. Deterministic."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from tlo.auth.models import Role
from tlo.auth.permissions import Actor, system_actor
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.licensing import outreach
from tlo.licensing.models import Outreach, Stage
from tlo.licensing.outreach import CompanyForm

SECTORS = {
    "biotech": [
        "gene editing",
        "CRISPR",
        "antibodies",
        "cell therapy",
        "immunotherapy",
        "gene therapy",
        "AAV",
        "mRNA",
        "vaccines",
        "antisense",
    ],
    "diagnostics": [
        "diagnostics",
        "liquid biopsy",
        "biosensor",
        "point-of-care",
        "assay",
        "sepsis",
        "imaging",
        "MRI",
        "wearable",
    ],
    "pharma": [
        "drug discovery",
        "small molecule",
        "inflammation",
        "diabetes",
        "peptide",
        "oncology",
        "neurology",
        "antimicrobials",
    ],
    "energy": [
        "battery",
        "solid-state",
        "lithium",
        "sodium-ion",
        "solar",
        "perovskite",
        "hydrogen",
        "catalysis",
        "energy storage",
        "thermal",
    ],
    "semiconductors": [
        "accelerator",
        "edge AI",
        "photonics",
        "LiDAR",
        "MEMS",
        "displays",
        "quantum dots",
        "networking",
        "chips",
    ],
    "software": [
        "machine learning",
        "privacy",
        "databases",
        "graphs",
        "NLP",
        "speech",
        "optimisation",
        "verification",
        "fraud",
        "anomaly detection",
    ],
    "materials": [
        "polymers",
        "coatings",
        "alloys",
        "composites",
        "recycling",
        "packaging",
        "aerogel",
        "additive manufacturing",
        "textiles",
        "cement",
    ],
    "robotics": [
        "robotics",
        "soft actuators",
        "drones",
        "navigation",
        "exoskeleton",
        "control",
        "vision",
    ],
}
NAME_PARTS = (
    [
        "Nova",
        "Helix",
        "Quantum",
        "Apex",
        "Blue",
        "Vertex",
        "Lumen",
        "Terra",
        "Kinetic",
        "Aurora",
        "Cobalt",
        "Summit",
        "Pioneer",
        "Arc",
        "Zenith",
        "Harbor",
        "Crest",
        "Nimbus",
        "Orbit",
        "Cedar",
    ],
    [
        "Bio",
        "Labs",
        "Systems",
        "Therapeutics",
        "Energy",
        "Devices",
        "Materials",
        "Robotics",
        "Analytics",
        "Diagnostics",
    ],
)
SUFFIXES = ["Inc.", "LLC", "Ltd.", "GmbH", "Corp.", "", "AG", "Inc."]
US_STATES = ["Delaware", "California", "Massachusetts", "New York", "Texas", "Ohio"]
# What each suffix says the company is in law, and where (None: a US state, by turns).
LEGAL_FORMS = {
    "Inc.": ("corporation", None),
    "Corp.": ("corporation", None),
    "": ("corporation", None),
    "LLC": ("limited liability company", None),
    "Ltd.": ("private limited company", "England and Wales"),
    "GmbH": ("limited liability company", "Germany"),
    "AG": ("stock corporation", "Switzerland"),
}
FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Emma",
    "Felix",
    "Gita",
    "Hugo",
    "Iris",
    "Jon",
    "Kai",
    "Lena",
    "Mateo",
    "Nora",
    "Omar",
    "Priya",
]
LAST = [
    "Keller",
    "Ng",
    "Silva",
    "Brooks",
    "Okoye",
    "Lindqvist",
    "Rao",
    "Martin",
    "Cohen",
    "Dubois",
    "Tanaka",
    "Park",
]
TITLES = [
    "VP Business Development",
    "Head of R&D",
    "Chief Technology Officer",
    "Director, External Innovation",
    "Licensing Manager",
]

STAGE_PLAN = [
    Stage.IDENTIFIED,
    Stage.CONTACTED,
    Stage.INTERESTED,
    Stage.CDA_SIGNED,
    Stage.EVALUATING,
    Stage.TERM_SHEET,
    Stage.NEGOTIATING,
    Stage.LICENSED,
    Stage.DECLINED,
    Stage.NO_RESPONSE,
]


def seed(session: Session, *, today: date, officer_names: dict[int, str]) -> None:
    rng = random.Random(80)
    admin = system_actor("demo data")
    names: set[str] = set()
    company_ids = []
    for index in range(80):
        sector = list(SECTORS)[index % len(SECTORS)]
        while True:
            name = f"{rng.choice(NAME_PARTS[0])}{rng.choice(NAME_PARTS[1])}"
            if name not in names:
                names.add(name)
                break
        interests = ", ".join(rng.sample(SECTORS[sector], k=min(4, len(SECTORS[sector]))))
        size = ["startup", "small", "large"][index % 3]
        suffix = rng.choice(SUFFIXES)
        entity_kind, jurisdiction = LEGAL_FORMS[suffix]
        company = outreach.save_company(
            session,
            actor=admin,
            form=CompanyForm(
                name=f"{name} {suffix}".strip(),
                entity_kind=entity_kind,
                jurisdiction=jurisdiction or US_STATES[index % len(US_STATES)],
                size=size,
                sector=sector,
                website=f"https://www.{name.lower()}.example",
                interests=interests,
                do_not_contact=index % 37 == 36,
            ),
        )
        company_ids.append((company.id, sector, company.do_not_contact))
        for _ in range(rng.randint(1, 2)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            outreach.add_contact(
                session,
                actor=admin,
                company_id=company.id,
                name=f"{first} {last}",
                title=rng.choice(TITLES),
                email=f"{first.lower()}.{last.lower()}@{name.lower()}.example",
            )
    marketed = session.exec(
        select(Disclosure)
        .where(
            col(Disclosure.status).in_(
                [
                    DisclosureStatus.MARKETING.value,
                    DisclosureStatus.LICENSED.value,
                    DisclosureStatus.FILED.value,
                ]
            )
        )
        .order_by(Disclosure.id)
    ).all()
    for case_index, case in enumerate(marketed):
        officer = Actor(
            None,
            case.officer_person_id,
            officer_names[case.officer_person_id],
            "demo",
            frozenset({Role.OFFICER}),
        )
        suggestions = outreach.suggest_companies(
            session, actor=officer, disclosure_id=case.id, limit=4
        )
        for position, suggestion in enumerate(suggestions[: rng.randint(2, 4)]):
            stage = STAGE_PLAN[(case_index * 3 + position) % len(STAGE_PLAN)]
            if case.status == DisclosureStatus.LICENSED.value and position == 0:
                stage = Stage.LICENSED
            _story(session, officer, case.id, suggestion.company_id, stage, today, rng)


def _story(session, officer, case_id, company_id, stage, today, rng) -> None:
    started = outreach.start_outreach(
        session, actor=officer, disclosure_id=case_id, company_id=company_id
    )
    if stage is Stage.IDENTIFIED:
        return
    contacted_on = today - timedelta(days=rng.randint(30, 300))
    follow_up = today + timedelta(days=rng.randint(-20, 25))  # some overdue, some ahead
    outreach.log_touch(
        session,
        actor=officer,
        outreach_id=started.id,
        touched_on=contacted_on,
        channel=rng.choice(["email", "call", "conference"]),
        note="Sent the non-confidential summary.",
        next_follow_up=max(follow_up, today),
        today=today,
    )
    record = session.get(Outreach, started.id)
    record.stage_since = datetime.combine(contacted_on, time(9), tzinfo=UTC)
    if follow_up < today:  # the officer missed this one: overdue on the home page
        record.next_follow_up = follow_up
    if stage is Stage.CONTACTED:
        return
    if stage in (Stage.DECLINED, Stage.NO_RESPONSE):
        outreach.change_stage(
            session,
            actor=officer,
            outreach_id=started.id,
            stage=stage,
            note="Not a fit for their roadmap."
            if stage is Stage.DECLINED
            else "Three follow-ups unanswered.",
        )
        return
    outreach.change_stage(
        session,
        actor=officer,
        outreach_id=started.id,
        stage=Stage.INTERESTED,
        note="Asked for data.",
    )
    order = list(Stage)
    if order.index(stage) >= order.index(Stage.CDA_SIGNED):
        outreach.record_cda(
            session,
            actor=officer,
            outreach_id=started.id,
            signed_on=contacted_on + timedelta(days=20),
        )
    if order.index(stage) > order.index(Stage.CDA_SIGNED):
        outreach.change_stage(session, actor=officer, outreach_id=started.id, stage=stage)
