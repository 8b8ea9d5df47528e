"""People and the organisation: schools, departments, faculty, staff, officers, accounts."""

from __future__ import annotations

from tlo.auth.models import Role
from tlo.auth.passwords import DEMO_PASSWORD, hash_password
from tlo.bench.generate.chance import _moment
from tlo.bench.generate.words import (
    COMPANY_NOUNS,
    COMPANY_WORDS,
    FIRST_NAMES,
    LAST_NAMES,
)
from tlo.bench.generate.writing import _Writer
from tlo.config import get_settings
from tlo.demo import ACCOUNTS, DEPARTMENTS, EMAIL_DOMAIN, EXTERNAL, FACULTY, SCHOOLS, STAFF

FACULTY_AT_FULL_SIZE = 15_000
OFFICERS_AT_FULL_SIZE = 25
EXTRA_SCHOOLS = [
    ("School of Earth Sciences", "EARTH"),
    ("School of Sustainability", "SUST"),
    ("School of Business", "GSB"),
    ("School of Education", "EDU"),
]
EXTRA_DEPARTMENTS = [
    ("Chemical Engineering", "CHEME", "ENG"),
    ("Civil and Environmental Engineering", "CEE", "ENG"),
    ("Aeronautics and Astronautics", "AA", "ENG"),
    ("Management Science and Engineering", "MSANDE", "ENG"),
    ("Biochemistry", "BIOC", "MED"),
    ("Cardiology", "CARD", "MED"),
    ("Oncology", "ONC", "MED"),
    ("Dermatology", "DERM", "MED"),
    ("Immunology", "IMM", "MED"),
    ("Ophthalmology", "OPH", "MED"),
    ("Psychiatry", "PSY", "MED"),
    ("Surgery", "SURG", "MED"),
    ("Statistics", "STATS", "H&S"),
    ("Mathematics", "MATH", "H&S"),
    ("Applied Physics", "APPH", "H&S"),
    ("Psychology", "PSYCH", "H&S"),
    ("Geophysics", "GEOPHYS", "EARTH"),
    ("Energy Science and Engineering", "ESE", "SUST"),
    ("Earth System Science", "ESS", "SUST"),
    ("Operations, Information and Technology", "OIT", "GSB"),
    ("Learning Sciences", "LS", "EDU"),
]


class _People:
    """The people phase of _Office: the schools, departments, people, accounts and actors
    the later phases pick from."""

    def people(self, w: _Writer) -> None:
        rng = self.rng
        self.school_ids, self.school_names = {}, {}
        for name, code in [*SCHOOLS, *EXTRA_SCHOOLS]:
            sid = w.new_id("school")
            w.add("school", {"id": sid, "name": name, "code": code, "active": True})
            self.school_ids[code], self.school_names[sid] = sid, name
        self.departments = {}  # id -> (name, school id, school name)
        dept_ids = {}
        for name, code, school in [*DEPARTMENTS, *EXTRA_DEPARTMENTS]:
            did = w.new_id("department")
            school_id = self.school_ids[school]
            w.add(
                "department",
                {"id": did, "name": name, "code": code, "school_id": school_id, "active": True},
            )
            dept_ids[code] = did
            self.departments[did] = (name, school_id, self.school_names[school_id])
        created = _moment(self.first_day, rng)
        self.people_by_id = {}  # id -> (full name, email, department id or None, organisation)
        self.local_ids = {}

        def person(full_name, email, department_id=None, organisation=None):
            pid = w.new_id("person")
            w.add(
                "person",
                {
                    "id": pid,
                    "full_name": full_name,
                    "email": email,
                    "department_id": department_id,
                    "organisation": organisation,
                    "is_external": organisation is not None,
                    "active": True,
                    "created_at": created,
                },
            )
            self.people_by_id[pid] = (full_name, email, department_id, organisation)
            return pid

        for full_name, local, code in FACULTY:
            self.local_ids[local] = person(full_name, f"{local}@{EMAIL_DOMAIN}", dept_ids[code])
        for full_name, local in STAFF:
            self.local_ids[local] = person(full_name, f"{local}@{EMAIL_DOMAIN}")
        externals = [person(n, e, None, o) for n, e, o in EXTERNAL]
        faculty = [self.local_ids[local] for _, local, _ in FACULTY]
        dept_list = list(self.departments)
        for n in range(max(40, round(FACULTY_AT_FULL_SIZE * self.scale)) - len(FACULTY)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            faculty.append(
                person(
                    f"{first} {last}",
                    f"{first.lower()}.{last.lower()}.{n}@{EMAIL_DOMAIN}",
                    rng.choice(dept_list),
                )
            )
        for n in range(max(3, round(FACULTY_AT_FULL_SIZE * self.scale * 0.03))):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            organisation = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_NOUNS)}"
            externals.append(
                person(
                    f"{first} {last}", f"{first.lower()}{n}@partner{n}.example", None, organisation
                )
            )
        officers = [self.local_ids["oortega"], self.local_ids["mlee"]]
        for n in range(max(0, round(OFFICERS_AT_FULL_SIZE * self.scale) - 2)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            officers.append(person(f"{first} {last}", f"officer{n + 3}@{EMAIL_DOMAIN}"))
        self.faculty, self.externals, self.officers = faculty, externals, officers
        # Accounts: the demo's named ones (one per role), every officer, and a fifth of the
        # faculty (single sign-on only).
        password = None if get_settings().production else hash_password(DEMO_PASSWORD)
        self.account_ids = {}
        # The demo's licensee is not generated: the generated office has no licensee accounts.
        staff_accounts = {
            username: (local, roles)
            for username, (local, roles) in ACCOUNTS.items()
            if Role.LICENSEE not in roles
        }
        accounts = [
            (username, self.local_ids[local], roles)
            for username, (local, roles) in staff_accounts.items()
        ]
        accounts += [(f"officer{n + 3}", pid, {Role.OFFICER}) for n, pid in enumerate(officers[2:])]
        named = {self.local_ids[local] for local, _ in staff_accounts.values()}
        accounts += [
            (f"inventor.{pid}", pid, {Role.INVENTOR})
            for pid in faculty
            if pid not in named and rng.random() < 0.2
        ]
        for username, pid, roles in accounts:
            aid = w.new_id("account")
            w.add(
                "account",
                {
                    "id": aid,
                    "person_id": pid,
                    "username": username,
                    "password_hash": password if username in ACCOUNTS else None,
                    "active": True,
                    "failed_signins": 0,
                    "created_at": created,
                },
            )
            for role in roles:
                w.add("account_role", {"account_id": aid, "role": role.value})
            self.account_ids[pid] = aid
            self.account_ids[username] = aid
        self.officer_actor = {
            pid: (self.account_ids[pid], self.people_by_id[pid][0]) for pid in officers
        }
        finance = self.local_ids["fnakamura"]
        self.finance = (self.account_ids[finance], self.people_by_id[finance][0])
        director = self.local_ids["dwhitfield"]
        self.director = (self.account_ids[director], self.people_by_id[director][0])
        # Inventors: the named demo inventors are prolific; the rest by chance.
        self.inventor_pool = faculty
        self.prolific = [self.local_ids["achen"], self.local_ids["bokafor"]]
