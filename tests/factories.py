"""Small factories for tests: people with accounts and roles, made through the services."""

from __future__ import annotations

import itertools

from sqlalchemy.engine import Engine

from tlo.auth import services as accounts
from tlo.auth.models import Role
from tlo.auth.permissions import Actor, system_actor
from tlo.db import unit_of_work
from tlo.people import services as people

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_department(engine: Engine, *, school_code: str | None = None) -> int:
    n = next(_counter)
    actor = system_actor("tests")
    with unit_of_work(engine) as session:
        school = people.create_school(
            session, actor=actor, name=f"School {n}", code=school_code or f"S{n}"
        )
        return people.create_department(
            session, actor=actor, name=f"Department {n}", code=f"D{n}", school_id=school.id
        ).id


def make_actor(
    engine: Engine, *roles: Role, name: str | None = None, password: str | None = None
) -> Actor:
    """A person with an active account holding `roles`, signed in.

    No password unless asked for: argon2 is slow on purpose, and most tests never sign in.
    """
    n = next(_counter)
    actor = system_actor("tests")
    with unit_of_work(engine) as session:
        person = people.create_person(
            session, actor=actor, full_name=name or f"Person {n}", email=f"person{n}@test.example"
        )
        account = accounts.create_account(
            session,
            actor=actor,
            person_id=person.id,
            username=f"user{n}",
            roles=set(roles),
            password=password,
        )
        return accounts.load_actor(session, account.id)


def complete_form(*inventors: tuple[int, str], **overrides):
    """A disclosure form ready to submit, with the given (person_id, share) inventors."""
    from tlo.disclosures.intake import DisclosureForm, InventorEntry

    fields = {
        "title": "Low-power neural accelerator for edge devices",
        "abstract": "A sparse systolic array that cuts inference energy tenfold.",
        "description": "The array skips zero activations using a compressed index.",
        "problem_and_advantages": "Edge inference drains batteries; this saves 90 % of energy.",
        "stage": "prototype",
        "keywords": "accelerator, sparsity, edge AI",
        "inventors": [InventorEntry(person_id, share) for person_id, share in inventors],
    }
    return DisclosureForm(**(fields | overrides))


def submitted_case(engine: Engine, submitter: Actor, *inventors: tuple[int, str], **overrides):
    """A disclosure saved and submitted by `submitter`; returns its id."""
    from tlo.disclosures import intake

    inventors = inventors or ((submitter.person_id, "100"),)
    with unit_of_work(engine) as session:
        draft = intake.save_draft(
            session, actor=submitter, form=complete_form(*inventors, **overrides)
        )
    with unit_of_work(engine) as session:
        intake.submit(session, actor=submitter, disclosure_id=draft.id)
    return draft.id


EVERY_SCORE_4 = dict.fromkeys(
    ["novelty", "patentability", "market_size", "licensing_interest", "stage_of_development"], 4
)


def case_approved_for_filing(engine: Engine, office, *inventors: tuple[int, str], **form) -> int:
    """A case submitted by office.inventor (with the given (person_id, share) inventors, else
    alone), assigned to office.officer, scored and approved for a provisional filing."""
    from tlo.disclosures import casework
    from tlo.disclosures.casework import Scorecard
    from tlo.disclosures.workflow import Action

    case_id = submitted_case(engine, office.inventor, *inventors, **form)
    with unit_of_work(engine) as session:
        casework.assign_officer(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            officer_person_id=office.officer.person_id,
        )
        casework.record_evaluation(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            scorecard=Scorecard(EVERY_SCORE_4, {}),
        )
        casework.record_filing_decision(
            session,
            actor=office.officer,
            disclosure_id=case_id,
            decision=Action.FILE_PROVISIONAL,
            rationale="Strong",
        )
    return case_id
