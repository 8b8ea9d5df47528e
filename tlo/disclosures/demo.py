"""Demo disclosures: about 60 cases over the last five fiscal years, in every status.

Made through the services (so every rule holds), then their timestamps are moved back to the
dates the story needs. Deterministic: the same database every time.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tlo import clock
from tlo.auth.models import Role
from tlo.auth.permissions import Actor
from tlo.disclosures import casework, intake
from tlo.disclosures.casework import Scorecard
from tlo.disclosures.intake import (
    DisclosureForm,
    FundingEntry,
    InventorEntry,
    PublicDisclosureEntry,
)
from tlo.disclosures.models import (
    CaseNote,
    Disclosure,
    DisclosureInventor,
    DisclosureStatus,
    Evaluation,
    FilingDecision,
    StatusChange,
)
from tlo.disclosures.rules import equal_shares
from tlo.disclosures.workflow import Action

S = DisclosureStatus

# (field, title, keywords); abstracts are composed from the field's problem and approach.
TECHNOLOGIES = [
    ("life", "CRISPR base editor with reduced off-target activity", "gene editing, CRISPR"),
    ("life", "Engineered T cells resistant to tumour exhaustion", "immunotherapy, CAR-T"),
    (
        "life",
        "Blood test for early pancreatic cancer from exosome RNA",
        "diagnostics, liquid biopsy",
    ),
    ("life", "Small-molecule inhibitors of the NLRP3 inflammasome", "drug discovery, inflammation"),
    ("life", "Organoid platform for patient-specific drug screening", "organoids, screening"),
    ("life", "mRNA vaccine stabilised at room temperature", "vaccines, mRNA, formulation"),
    ("life", "Antisense oligonucleotide therapy for ALS", "neurology, antisense"),
    ("life", "Wearable patch for continuous cortisol monitoring", "biosensor, wearable, stress"),
    ("life", "AAV capsid that crosses the blood-brain barrier", "gene therapy, AAV, CNS"),
    ("life", "Rapid sepsis assay from a finger-prick of blood", "diagnostics, sepsis"),
    ("life", "Bacteriophage cocktail against resistant Klebsiella", "antimicrobials, phage"),
    ("life", "Contrast agent for low-field MRI", "imaging, MRI, contrast"),
    ("life", "Peptide that restores insulin secretion in beta cells", "diabetes, peptide"),
    ("life", "Single-cell atlas method for rare immune cells", "genomics, single-cell"),
    ("life", "Microbiome-derived enzyme for lactose intolerance", "microbiome, enzyme"),
    ("eng", "Low-power neural accelerator for edge devices", "accelerator, sparsity, edge AI"),
    ("eng", "Solid-state lithium battery with a sulfide electrolyte", "battery, solid-state"),
    ("eng", "Silicon photonic switch for data-centre networks", "photonics, networking"),
    ("eng", "Soft robotic gripper with tactile sensing", "robotics, soft actuators"),
    ("eng", "Perovskite-silicon tandem solar cell with 30 % efficiency", "solar, perovskite"),
    ("eng", "Ultrasound neuromodulation headset", "ultrasound, neuromodulation"),
    ("eng", "Wireless power transfer for implanted devices", "wireless power, implants"),
    ("eng", "Drone navigation without GPS from visual odometry", "drones, navigation"),
    ("eng", "MEMS microphone with a 140 dB dynamic range", "MEMS, acoustics"),
    ("eng", "Desalination membrane from graphene oxide", "water, membranes"),
    ("eng", "Hydrogen electrolyser catalyst free of platinum", "hydrogen, catalysis"),
    ("eng", "LiDAR on a chip with optical phased arrays", "LiDAR, photonics"),
    ("eng", "Exoskeleton controller that learns the wearer's gait", "exoskeleton, control"),
    ("eng", "Quantum-dot display with no cadmium", "displays, quantum dots"),
    ("eng", "Thermal energy storage in molten salt bricks", "energy storage, thermal"),
    ("soft", "Privacy-preserving federated learning for hospitals", "machine learning, privacy"),
    ("soft", "Compiler that verifies smart contracts", "verification, blockchain"),
    ("soft", "Speech model for low-resource languages", "speech, NLP"),
    ("soft", "Scheduling engine for operating theatres", "optimisation, healthcare"),
    ("soft", "Graph database index for billion-edge queries", "databases, graphs"),
    ("soft", "Fraud detection from transaction graphs", "fraud, graph learning"),
    ("soft", "Robust watermarking of AI-generated images", "watermarking, generative AI"),
    ("soft", "Tutoring chatbot that adapts to misconceptions", "education, NLP"),
    ("soft", "Traffic signal control by reinforcement learning", "transportation, RL"),
    ("soft", "Code search with learned program embeddings", "software, embeddings"),
    ("soft", "Earthquake early warning from smartphone sensors", "seismology, mobile"),
    ("soft", "Differentially private census statistics toolkit", "privacy, statistics"),
    ("soft", "Anomaly detection for power-grid telemetry", "energy, anomaly detection"),
    ("soft", "Protein structure search in milliseconds", "bioinformatics, search"),
    ("soft", "Automated grading of handwritten mathematics", "education, vision"),
    ("mat", "Self-healing polymer coating for pipelines", "polymers, coatings"),
    ("mat", "Biodegradable packaging from fungal mycelium", "materials, packaging"),
    ("mat", "High-entropy alloy for turbine blades", "alloys, aerospace"),
    ("mat", "Metal-organic framework that captures CO2 from air", "MOF, carbon capture"),
    ("mat", "Transparent wood for energy-efficient windows", "wood, glazing"),
    ("mat", "Stretchable conductor for electronic skin", "flexible electronics"),
    ("mat", "Concrete that absorbs carbon while curing", "cement, carbon"),
    ("mat", "Magnetic nanoparticles for targeted hyperthermia", "nanoparticles, oncology"),
    ("mat", "Aerogel insulation made from recycled paper", "aerogel, insulation"),
    ("mat", "Ceramic 3D printing with sub-micron resolution", "additive manufacturing"),
    ("mat", "Antifouling hull coating without biocides", "coatings, marine"),
    ("mat", "Recyclable thermoset for wind-turbine blades", "polymers, recycling"),
    ("mat", "Superhydrophobic textile that repels blood", "textiles, medical"),
    ("mat", "Phase-change ink for rewritable labels", "inks, phase change"),
    ("mat", "Sodium-ion cathode from abundant minerals", "battery, sodium-ion"),
]

PROBLEMS = {
    "life": (
        "Current treatments help only a minority of patients and cause serious side effects.",
        "The approach targets the disease mechanism directly and was "
        "validated in mouse models and primary human cells.",
    ),
    "eng": (
        "Existing devices are too power-hungry, costly or bulky for wide adoption.",
        "A new architecture cuts energy and cost several-fold; a bench prototype "
        "meets the target specifications.",
    ),
    "soft": (
        "Current software does not scale to real data sets and leaks sensitive data.",
        "New algorithms run an order of magnitude faster with formal guarantees; an "
        "open benchmark shows the gain.",
    ),
    "mat": (
        "Today's materials degrade quickly and are hard to recycle or manufacture.",
        "A new composition and process give better durability at lower cost; samples "
        "were made at gram scale.",
    ),
}
FIELD_PEOPLE = {  # departments whose faculty invent in each field
    "life": ["GEN", "RAD", "NEURO", "PATH", "BIOE", "BIO"],
    "eng": ["EE", "ME", "BIOE", "PHYS"],
    "soft": ["CS", "EE"],
    "mat": ["MSE", "CHEM", "ME"],
}
AGENCIES = [
    ("National Institutes of Health", "NIH"),
    ("National Science Foundation", "NSF"),
    ("Department of Energy", "DOE"),
    ("DARPA", "DOD"),
]
INDUSTRY_SPONSORS = ["Gates Foundation", "Intel Corporation", "Chan Zuckerberg Initiative"]

# How far along each case is, by position in TECHNOLOGIES, oldest cases furthest along.
STATUS_PLAN = (
    [S.LICENSED] * 5
    + [S.MARKETING] * 6
    + [S.FILED] * 6
    + [S.CLOSED] * 3
    + [S.ABANDONED] * 4
    + [S.RELEASED] * 4
    + [S.FILING] * 8
    + [S.DEFERRED] * 4
    + [S.EVALUATING] * 7
    + [S.ASSIGNED] * 5
    + [S.SUBMITTED] * 6
    + [S.DRAFT] * 2
)
SCORES_BY_OUTCOME = {"good": (5, 4, 4, 4, 3), "weak": (2, 2, 3, 1, 2), "mid": (4, 3, 3, 3, 2)}


# A few demo disclosures of the other types (disclosure_types/), answered as an inventor would.
DEMO_TYPES: dict[str, tuple[str, dict[str, str]]] = {
    "Code search with learned program embeddings": (
        "software",
        {
            "work_kind": "Software",
            "repository": "https://git.university.example/lab/code-search",
            "third_party_code": "None copied in.",
            "open_source": "PyTorch (BSD-3-Clause), tree-sitter (MIT)",
            "released": "no",
        },
    ),
    "Differentially private census statistics toolkit": (
        "software",
        {
            "work_kind": "Software",
            "repository": "https://github.com/example-lab/dp-census",
            "third_party_code": "A vendored copy of a Laplace sampler (Apache-2.0).",
            "open_source": "NumPy (BSD-3-Clause), pandas (BSD-3-Clause)",
            "released": "yes",
            "release_details": "GitHub, Apache-2.0, March 2026 (the analysis code only).",
        },
    ),
    "Bacteriophage cocktail against resistant Klebsiella": (
        "biological_material",
        {
            "material_kind": "Organism or strain",
            "organism": "Lytic phages of Klebsiella pneumoniae from wastewater isolates",
            "deposit": "DSMZ, accession pending",
            "mta_in": "yes",
            "mta_in_details": "Host strain KP-17 from a hospital collection, MTA of 2025-04-02.",
        },
    ),
}


def _actor_for(session: Session, person_id: int, roles: set[Role], name: str) -> Actor:
    """The person acting in the story (demo inventors need no account to have acted)."""
    from tlo.auth.models import Account

    account_id = session.exec(select(Account.id).where(Account.person_id == person_id)).first()
    return Actor(
        account_id=account_id,
        person_id=person_id,
        name=name,
        username="demo",
        roles=frozenset(roles),
    )


def seed(
    session: Session, *, people_by_email: dict[str, tuple[int, str, str | None]], today: date
) -> None:
    """`people_by_email`: e-mail local part -> (person id, full name, department code)."""
    rng = random.Random(2026)
    by_department: dict[str, list[str]] = {}
    for local, (_pid, _name, department) in people_by_email.items():
        if department:
            by_department.setdefault(department, []).append(local)
    officers = [
        _actor_for(session, people_by_email[local][0], {Role.OFFICER}, people_by_email[local][1])
        for local in ("oortega", "mlee")
    ]
    for index, ((field, title, keywords), status) in enumerate(
        zip(TECHNOLOGIES, STATUS_PLAN, strict=True)
    ):
        # Spread over five years, oldest (most advanced) first, new ones in the last weeks.
        received = today - timedelta(days=3 + round((len(TECHNOLOGIES) - 1 - index) ** 2 * 0.52))
        pool = [local for code in FIELD_PEOPLE[field] for local in by_department.get(code, [])]
        inventors = rng.sample(sorted(pool), k=rng.choice([1, 2, 2, 3]))
        if index % 9 == 0:  # the demo inventor Alice Chen is on several cases
            inventors = ["achen", *[i for i in inventors if i != "achen"]][:3]
        if index in (24, 40):  # and on two with Benjamin Okafor, who has to confirm
            inventors = ["achen", "bokafor"]
        submitter_local = inventors[0]
        pid, name, _dept = people_by_email[submitter_local]
        submitter = _actor_for(session, pid, {Role.INVENTOR}, name)
        problem, solution = PROBLEMS[field]
        funding = []
        if rng.random() < 0.45:
            sponsor, agency = rng.choice(AGENCIES)
            funding.append(
                FundingEntry(sponsor, f"{agency}-{rng.randint(100000, 999999)}", True, agency)
            )
        if rng.random() < 0.2:
            funding.append(
                FundingEntry(rng.choice(INDUSTRY_SPONSORS), f"GIFT-{rng.randint(1000, 9999)}")
            )
        public = []
        if rng.random() < 0.35:
            offset = rng.randint(-60, 90)
            public.append(
                PublicDisclosureEntry(
                    received + timedelta(days=offset),
                    rng.choice(["paper", "talk", "poster"]),
                    rng.choice(["Nature", "NeurIPS", "APS March Meeting", "ASH Annual Meeting"]),
                )
            )
        shares = equal_shares(len(inventors))
        kind, answers = DEMO_TYPES.get(title, ("invention", {}))
        form = DisclosureForm(
            disclosure_type=kind,
            answers=answers,
            title=title,
            abstract=f"{title}. {solution}",
            description=f"{problem} {solution} The invention is described in the attached "
            "manuscript, with data from three independent experiments.",
            problem_and_advantages=problem,
            stage=rng.choice(["concept", "proof_of_concept", "prototype", "validated"]),
            keywords=keywords,
            applications="See the abstract; further applications in adjacent markets.",
            potential_licensees="Established companies in the field and venture-backed start-ups.",
            inventors=[
                InventorEntry(people_by_email[local][0], share)
                for local, share in zip(inventors, shares, strict=True)
            ],
            funding=funding,
            public_disclosures=public,
        )
        draft = intake.save_draft(session, actor=submitter, form=form)
        if status is not S.DRAFT:
            _advance(session, draft.id, status, submitter, officers[index % 2], received, rng)
            for local in inventors[1:]:
                if local != "bokafor":  # Benjamin Okafor's confirmations stay to be given
                    pid, name, _ = people_by_email[local]
                    intake.confirm_share(
                        session,
                        actor=_actor_for(session, pid, {Role.INVENTOR}, name),
                        disclosure_id=draft.id,
                    )
        _backdate(session, draft.id, received)


def _advance(session, case_id, status, submitter, officer, received, rng) -> None:
    intake.submit(session, actor=submitter, disclosure_id=case_id, today=received)
    if status is S.SUBMITTED:
        return
    casework.assign_officer(
        session, actor=officer, disclosure_id=case_id, officer_person_id=officer.person_id
    )
    if status is S.ASSIGNED:
        return
    outcome = (
        "weak"
        if status in (S.RELEASED, S.ABANDONED, S.CLOSED)
        else ("mid" if status is S.DEFERRED else "good")
    )
    scores = dict(
        zip(
            [
                "novelty",
                "patentability",
                "market_size",
                "licensing_interest",
                "stage_of_development",
            ],
            SCORES_BY_OUTCOME[outcome],
            strict=True,
        )
    )
    casework.record_evaluation(
        session,
        actor=officer,
        disclosure_id=case_id,
        scorecard=Scorecard(
            scores,
            {"market_size": "Sized from analyst reports."},
            prior_art_notes="Searched Google Patents and PubMed; closest art differs in mechanism.",
        ),
    )
    if status is S.EVALUATING:
        return
    decision = {
        S.DEFERRED: Action.DEFER,
        S.RELEASED: Action.RELEASE,
        S.ABANDONED: Action.ABANDON,
        S.CLOSED: Action.RELEASE,
    }.get(
        status,
        rng.choice(
            [
                Action.FILE_PROVISIONAL,
                Action.FILE_PROVISIONAL,
                Action.FILE_PCT,
                Action.FILE_NONPROVISIONAL,
            ]
        ),
    )
    rationale = {
        Action.DEFER: "Promising, but needs in-vivo data before a filing is justified.",
        Action.RELEASE: "Limited commercial interest; released to the inventors.",
        Action.ABANDON: "Prior art anticipates the main claim.",
    }.get(decision, "Novel mechanism, clear commercial interest from two companies.")
    casework.record_filing_decision(
        session,
        actor=officer,
        disclosure_id=case_id,
        decision=decision,
        rationale=rationale,
        review_on=clock.today() + timedelta(days=rng.randint(20, 200))
        if decision is Action.DEFER
        else None,
    )
    steps = {
        S.FILED: [Action.RECORD_FILING],
        S.MARKETING: [Action.RECORD_FILING, Action.START_MARKETING],
        S.LICENSED: [Action.RECORD_FILING, Action.START_MARKETING, Action.LICENSE],
        S.CLOSED: [Action.CLOSE],
    }.get(status, [])
    reasons = {
        Action.RECORD_FILING: "Provisional application filed by outside counsel",
        Action.START_MARKETING: "Non-confidential summary sent to companies",
        Action.LICENSE: "Exclusive license signed",
        Action.CLOSE: "Inventors declined",
    }
    for step in steps:
        casework.take_action(
            session, actor=officer, disclosure_id=case_id, action=step, rationale=reasons[step]
        )
    if rng.random() < 0.5:
        casework.add_note(
            session,
            actor=officer,
            disclosure_id=case_id,
            text="Spoke with the lead inventor about next experiments.",
        )


def _backdate(session: Session, case_id: int, received: date) -> None:
    """Move the case's events from 'now' to its story: received on `received`, then a step
    every few weeks (never into the future)."""
    session.flush()
    start = datetime.combine(received, time(10, 0), tzinfo=UTC)
    now = clock.utcnow()

    def step(n: int) -> datetime:
        return min(start + timedelta(days=21 * n), now - timedelta(minutes=60 - n))

    disclosure = session.get(Disclosure, case_id)
    disclosure.created_at = start - timedelta(days=2)
    if disclosure.submitted_at is not None:
        disclosure.submitted_at = start
    session.add(disclosure)
    changes = session.exec(
        select(StatusChange).where(StatusChange.disclosure_id == case_id).order_by(StatusChange.id)
    ).all()
    for n, change in enumerate(changes):
        change.at = step(n)
        session.add(change)
    for model, column in (
        (Evaluation, "evaluated_at"),
        (FilingDecision, "decided_at"),
        (CaseNote, "written_at"),
    ):
        for row in session.exec(select(model).where(model.disclosure_id == case_id)).all():
            setattr(row, column, step(3 if model is not CaseNote else 4))
            session.add(row)
    session.execute(
        sa.update(DisclosureInventor)
        .where(
            DisclosureInventor.disclosure_id == case_id,
            col(DisclosureInventor.confirmed_at).is_not(None),
        )
        .values(confirmed_at=start)
    )
