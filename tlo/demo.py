"""Demo data: a small, realistic, deterministic office to try tlo with.

Everything goes through the services, as a user's actions would, so the demo data is valid
by the same rules and leaves the same audit trail. Later features add their records here.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from tlo import clock, office_settings
from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.auth.passwords import DEMO_PASSWORD
from tlo.auth.permissions import system_actor
from tlo.catalogue import demo as demo_catalogue
from tlo.config import get_settings
from tlo.disclosures import demo as demo_disclosures
from tlo.errors import ValidationError
from tlo.licensing import demo as demo_licensing
from tlo.licensing import demo_agreements, demo_receivables
from tlo.patents import demo as demo_patents
from tlo.people import services as people
from tlo.people.models import Person
from tlo.revenue import demo as demo_income
from tlo.revenue import demo_arrangements

PRODUCTION_REFUSAL = (
    "TLO_ENV is production: the demo data is never loaded there, since anyone who has read "
    "the README knows its password. Create the administrator with `python -m tlo create-admin`."
)

SCHOOLS = [
    ("School of Engineering", "ENG"),
    ("School of Medicine", "MED"),
    ("School of Humanities and Sciences", "H&S"),
]

DEPARTMENTS = [
    ("Electrical Engineering", "EE", "ENG"),
    ("Mechanical Engineering", "ME", "ENG"),
    ("Computer Science", "CS", "ENG"),
    ("Bioengineering", "BIOE", "ENG"),
    ("Materials Science and Engineering", "MSE", "ENG"),
    ("Genetics", "GEN", "MED"),
    ("Radiology", "RAD", "MED"),
    ("Neurology and Neurological Sciences", "NEURO", "MED"),
    ("Pathology", "PATH", "MED"),
    ("Chemistry", "CHEM", "H&S"),
    ("Physics", "PHYS", "H&S"),
    ("Biology", "BIO", "H&S"),
]

# (full name, e-mail local part, department code or None for office staff)
FACULTY = [
    ("Alice Chen", "achen", "EE"),
    ("Benjamin Okafor", "bokafor", "EE"),
    ("Carmen Alvarez", "calvarez", "ME"),
    ("David Rosenberg", "drosenberg", "ME"),
    ("Elena Petrova", "epetrova", "CS"),
    ("Farid Haddad", "fhaddad", "CS"),
    ("Grace Liu", "gliu", "CS"),
    ("Hiroshi Tanaka", "htanaka", "BIOE"),
    ("Isabel Moreno", "imoreno", "BIOE"),
    ("James O'Connor", "joconnor", "MSE"),
    ("Kavya Iyer", "kiyer", "MSE"),
    ("Liam Murphy", "lmurphy", "GEN"),
    ("Maria Santos", "msantos", "GEN"),
    ("Nikolai Ivanov", "nivanov", "RAD"),
    ("Olga Svensson", "osvensson", "RAD"),
    ("Pradeep Raman", "praman", "NEURO"),
    ("Quinn Harper", "qharper", "NEURO"),
    ("Rachel Goldberg", "rgoldberg", "PATH"),
    ("Samuel Adeyemi", "sadeyemi", "PATH"),
    ("Tomoko Sato", "tsato", "CHEM"),
    ("Umar Farouk", "ufarouk", "CHEM"),
    ("Valentina Rossi", "vrossi", "PHYS"),
    ("William Zhang", "wzhang", "PHYS"),
    ("Xin Wei", "xwei", "BIO"),
    ("Yara Nasser", "ynasser", "BIO"),
    ("Zoe Whitaker", "zwhitaker", "EE"),
    ("Ahmed Karim", "akarim", "BIOE"),
    ("Beatriz Costa", "bcosta", "GEN"),
    ("Chinedu Eze", "ceze", "CS"),
    ("Daniela Fischer", "dfischer", "MSE"),
]

STAFF = [
    ("Olivia Ortega", "oortega"),
    ("Marcus Lee", "mlee"),
    ("Fiona Nakamura", "fnakamura"),
    ("Diane Whitfield", "dwhitfield"),
    ("Adam Kowalski", "akowalski"),
]

EXTERNAL = [
    ("Henrik Larsen", "henrik.larsen@novagen-bio.example", "NovaGen Biologics"),
    ("Priya Menon", "priya.menon@ucsf-partner.example", "Partner University"),
    ("Robert Klein", "rklein@klein-photonics.example", "Klein Photonics GmbH"),
]

# username -> (e-mail local part of the person, roles); one account per role, and a second
# inventor and officer so that co-inventor and reassignment journeys can be tried. A demo
# account is recognised by its username together with its person's e-mail in EMAIL_DOMAIN
# (tlo.auth.services.demo_accounts_present).
ACCOUNTS = {
    "inventor": ("achen", {Role.INVENTOR}),
    "inventor2": ("bokafor", {Role.INVENTOR}),
    "officer": ("oortega", {Role.OFFICER}),
    "officer2": ("mlee", {Role.OFFICER}),
    "finance": ("fnakamura", {Role.FINANCE}),
    "director": ("dwhitfield", {Role.DIRECTOR}),
    "admin": ("akowalski", {Role.ADMIN}),
    # Someone at the licensee of the demo's tiered license (tlo/licensing/demo_receivables.py).
    "licensee": ("lpark", {Role.LICENSEE}),
}
LICENSEE_PERSON = ("Lena Park", "lpark")

EMAIL_DOMAIN = "university.example"


def is_empty(session: Session) -> bool:
    return session.exec(select(Person.id).limit(1)).first() is None


def seed(session: Session, *, today: date | None = None) -> None:
    """Load the demo office into an empty database (one transaction: the caller's).

    Refused in production (TLO_ENV=production): its accounts' password is published."""
    if get_settings().production:
        raise ValidationError(PRODUCTION_REFUSAL)
    actor = system_actor("demo data")
    # The parties every document names: Stanford-like, marked "(demo)" (tlo.office_settings).
    office_settings.save_settings(session, actor=actor, form=office_settings.DEMO)
    school_ids = {
        code: people.create_school(session, actor=actor, name=name, code=code).id
        for name, code in SCHOOLS
    }
    department_ids = {
        code: people.create_department(
            session, actor=actor, name=name, code=code, school_id=school_ids[school]
        ).id
        for name, code, school in DEPARTMENTS
    }
    person_ids: dict[str, int] = {}
    for full_name, local, department in FACULTY:
        person_ids[local] = people.create_person(
            session,
            actor=actor,
            full_name=full_name,
            email=f"{local}@{EMAIL_DOMAIN}",
            department_id=department_ids[department],
        ).id
    for full_name, local in STAFF:
        person_ids[local] = people.create_person(
            session, actor=actor, full_name=full_name, email=f"{local}@{EMAIL_DOMAIN}"
        ).id
    for full_name, email, organisation in EXTERNAL:
        people.create_person(
            session,
            actor=actor,
            full_name=full_name,
            email=email,
            organisation=organisation,
            is_external=True,
        )
    name, local = LICENSEE_PERSON
    person_ids[local] = people.create_person(
        session,
        actor=actor,
        full_name=name,
        email=f"{local}@{EMAIL_DOMAIN}",
        organisation="A demo licensee",
        is_external=True,
    ).id
    account_ids = {}
    for username, (local, roles) in ACCOUNTS.items():
        account_ids[username] = accounts.create_account(
            session,
            actor=actor,
            person_id=person_ids[local],
            username=username,
            roles=roles,
            password=DEMO_PASSWORD,
        ).id
    names = {local: name for name, local, _ in FACULTY} | {local: name for name, local in STAFF}
    departments = {local: department for _, local, department in FACULTY}
    demo_disclosures.seed(
        session,
        people_by_email={
            local: (person_ids[local], names[local], departments.get(local)) for local in names
        },
        today=today or clock.today(),
    )
    officer_names = {person_ids[local]: names[local] for local in ("oortega", "mlee")}
    demo_patents.seed(session, today=today or clock.today(), officer_names=officer_names)
    demo_licensing.seed(session, today=today or clock.today(), officer_names=officer_names)
    demo_agreements.seed(session, today=today or clock.today(), officer_names=officer_names)
    demo_income.seed(session, actor=actor, today=today or clock.today())
    demo_arrangements.seed(session)
    demo_receivables.seed(
        session,
        today=today or clock.today(),
        licensee_account_id=account_ids["licensee"],
        finance_account_id=account_ids["finance"],
    )
    demo_catalogue.seed(session)


def sign_in_help() -> str:
    lines = ["Demo sign-ins (password for all: " + DEMO_PASSWORD + "):"]
    for username, (_local, roles) in ACCOUNTS.items():
        lines.append(f"  {username:<10} {', '.join(sorted(role.label for role in roles))}")
    return "\n".join(lines)
