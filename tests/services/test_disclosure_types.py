"""Each disclosure type's own questions and the ones it needs before submitting (issue #18),
on both databases: a draft keeps what was answered, submission names every answer missing,
and a bad answer is refused with nothing saved."""

import pytest
from sqlmodel import func, select

from tests.factories import complete_form
from tlo.db import unit_of_work
from tlo.disclosures import intake
from tlo.disclosures.models import Disclosure, DisclosureStatus
from tlo.errors import FormErrors

SOFTWARE = {
    "work_kind": "Software",
    "repository": "https://github.com/lab/sparse-accelerator",
    "third_party_code": "None",
    "open_source": "numpy (BSD-3-Clause)",
    "released": "no",
}
BIOLOGICAL = {
    "material_kind": "Cell line",
    "organism": "Homo sapiens, HEK293 derivative",
    "mta_in": "no",
}


def draft(engine, actor, **form) -> int:
    with unit_of_work(engine) as session:
        return intake.save_draft(
            session, actor=actor, form=complete_form((actor.person_id, "100"), **form)
        ).id


def submit(engine, actor, draft_id):
    with unit_of_work(engine) as session:
        return intake.submit(session, actor=actor, disclosure_id=draft_id)


def problems(refusal) -> dict[str, str]:
    return {path: p.message for p in refusal.value.problems for path in p.fields}


def test_an_invention_needs_no_answers_of_its_own(engine, office):
    draft_id = draft(engine, office.inventor)
    submit(engine, office.inventor, draft_id)
    with unit_of_work(engine) as session:
        case = session.get(Disclosure, draft_id)
        assert (case.status, case.disclosure_type) == (DisclosureStatus.SUBMITTED, "invention")


def test_software_names_every_answer_it_still_needs_before_submitting(engine, office):
    draft_id = draft(engine, office.inventor, disclosure_type="software", answers={})
    with pytest.raises(FormErrors) as refusal:
        submit(engine, office.inventor, draft_id)
    missing = problems(refusal)
    assert set(missing) >= {f"answers.{key}" for key in SOFTWARE}
    assert missing["answers.repository"] == (
        "Before submitting, answer “Where the code or the work is kept (repository address)”."
    )
    assert "answers.release_details" not in missing  # only once released


def test_software_released_needs_where_and_under_which_licence(engine, office):
    released = SOFTWARE | {"released": "yes"}
    draft_id = draft(engine, office.inventor, disclosure_type="software", answers=released)
    with pytest.raises(FormErrors) as refusal:
        submit(engine, office.inventor, draft_id)
    assert list(problems(refusal)) == ["answers.release_details"]
    with unit_of_work(engine) as session:
        intake.save_draft(
            session,
            actor=office.inventor,
            disclosure_id=draft_id,
            form=complete_form(
                (office.inventor.person_id, "100"),
                disclosure_type="software",
                answers=released | {"release_details": "GitHub, MIT licence, May 2026"},
            ),
        )
    submit(engine, office.inventor, draft_id)
    with unit_of_work(engine) as session:
        form = intake.load_form(session, actor=office.inventor, disclosure_id=draft_id)
    assert form.disclosure_type == "software"
    assert form.answers["release_details"] == "GitHub, MIT licence, May 2026"
    assert form.answers["released"] == "yes"


def test_biological_material_received_under_an_mta_needs_the_mta(engine, office):
    answers, bio = BIOLOGICAL | {"mta_in": "Yes"}, "biological_material"  # "Yes" is "yes"
    draft_id = draft(engine, office.inventor, disclosure_type=bio, answers=answers)
    with pytest.raises(FormErrors) as refusal:
        submit(engine, office.inventor, draft_id)
    assert list(problems(refusal)) == ["answers.mta_in_details"]
    ok = draft(engine, office.inventor, disclosure_type=bio, answers=BIOLOGICAL)
    submit(engine, office.inventor, ok)
    with unit_of_work(engine) as session:
        assert session.get(Disclosure, ok).type_answers["organism"].startswith("Homo sapiens")


@pytest.mark.parametrize(
    ("kind", "answers", "path", "message"),
    [
        ("software", {"work_kind": "Poetry"}, "answers.work_kind", "choose one of Software"),
        ("software", {"released": "maybe"}, "answers.released", "answer yes or no"),
        ("software", {"repository": "x" * 501}, "answers.repository", "at most 500"),
        ("software", {"repository": "a\x00b"}, "answers.repository", "control character"),
        ("software", {"repository": 42}, "answers.repository", "must be text"),
        ("software", {"organism": "E. coli"}, "answers", "ask no question 'organism'"),
        ("plant_variety", {}, "disclosure_type", "not a type of disclosure"),
        (["software"], {}, "disclosure_type", "not a type of disclosure"),
    ],
)
def test_a_bad_answer_is_refused_and_nothing_is_saved(engine, office, kind, answers, path, message):
    with pytest.raises(FormErrors) as refusal:
        draft(engine, office.inventor, disclosure_type=kind, answers=answers)
    assert message in problems(refusal)[path]
    with unit_of_work(engine) as session:
        assert session.exec(select(func.count()).select_from(Disclosure)).one() == 0


def test_answers_that_are_not_by_question_are_refused(engine, office):
    with pytest.raises(Exception, match="given by question"):
        draft(engine, office.inventor, disclosure_type="software", answers=["repository"])
