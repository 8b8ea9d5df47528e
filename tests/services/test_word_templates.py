"""Template versions: uploads are checked, become current, and never replace earlier ones."""

import time
from io import BytesIO

import pytest
from docx import Document

from tlo import audit, documents, word_templates
from tlo.db import unit_of_work
from tlo.errors import PermissionDenied, ValidationError

NAME = "marketing_summary"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TLO_DATA_DIR", str(tmp_path))


def edited(text_before: str, text_after: str, name: str = NAME) -> bytes:
    document = Document(documents.template_path(name))
    [run] = [r for p in document.paragraphs for r in p.runs if text_before in r.text][:1]
    run.text = run.text.replace(text_before, text_after)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_an_uploaded_version_becomes_current_and_the_shipped_one_stays(engine, office):
    content = edited("{{ headline }}", "HEADLINE: {{ headline }}")
    with unit_of_work(engine) as session:
        upload = word_templates.upload_version(
            session, actor=office.director, name=NAME, content=content, note="Bolder headline"
        )
    assert upload.version == 2
    with unit_of_work(engine) as session:
        current = word_templates.current_template(session, NAME)
        rows = word_templates.versions(session, actor=office.director, name=NAME)
        shipped = word_templates.read_version(session, actor=office.director, name=NAME, version=1)
        entries = audit.list_entries(session, actor=office.director).items
    assert (current.version, current.content) == (2, content)
    assert [(r.version, r.uploaded_by, r.note, r.current) for r in rows] == [
        (2, "Diane Whitfield", "Bolder headline", True),
        (1, "shipped with tlo", "", False),
    ]
    assert shipped == documents.template_path(NAME).read_bytes()
    assert any(e.action == "template.uploaded" for e in entries)


def test_a_template_with_an_unknown_placeholder_is_refused_and_nothing_is_kept(engine, office):
    content = edited("{{ headline }}", "{{ head_line }}")
    with unit_of_work(engine) as session, pytest.raises(ValidationError) as refused:
        word_templates.upload_version(session, actor=office.director, name=NAME, content=content)
    assert "Unknown placeholder: head_line." in str(refused.value)
    with unit_of_work(engine) as session:
        assert word_templates.current_template(session, NAME).version == 1
        assert len(word_templates.versions(session, actor=office.director, name=NAME)) == 1


def test_a_template_with_broken_jinja_is_refused_with_the_paragraph(engine, office):
    content = edited("{{ headline }}", "{{ headline }")
    with unit_of_work(engine) as session, pytest.raises(ValidationError) as refused:
        word_templates.upload_version(session, actor=office.director, name=NAME, content=content)
    assert "Malformed placeholder in paragraph" in str(refused.value)


def test_an_earlier_version_can_be_made_current_again_as_a_new_version(engine, office):
    with unit_of_work(engine) as session:
        word_templates.upload_version(
            session,
            actor=office.director,
            name=NAME,
            content=edited("{{ headline }}", "NEW {{ headline }}"),
        )
    with unit_of_work(engine) as session:
        restored = word_templates.make_current(session, actor=office.director, name=NAME, version=1)
    assert (restored.version, restored.note) == (3, "Restored version 1")
    with unit_of_work(engine) as session:
        current = word_templates.current_template(session, NAME)
    assert current.content == documents.template_path(NAME).read_bytes()


def test_only_administrators_and_the_director_manage_templates(engine, office):
    with unit_of_work(engine) as session:
        for actor in (office.officer, office.finance, office.inventor):
            with pytest.raises(PermissionDenied):
                word_templates.upload_version(
                    session, actor=actor, name=NAME, content=edited("{{ headline }}", "x")
                )
            with pytest.raises(PermissionDenied):
                word_templates.catalogue(session, actor=actor)
        names = [t.name for t in word_templates.catalogue(session, actor=office.director)]
    assert names == documents.template_names()


def test_the_next_agreement_draft_uses_the_current_version_and_records_it(engine, office):
    from tests.services.test_agreements import exclusive_form, filed_technology, licensee, save
    from tlo.licensing import drafts

    case_id, application_id = filed_technology(engine, office)
    agreement_id = save(
        engine,
        office.officer,
        exclusive_form(licensee(engine, office), [case_id], patent_ids=[application_id]),
    )
    # An agreement template may use any key the draft renderer provides, not only its own.
    content = edited(
        "{{ licensee }}", "{{ licensee }} (equity: {{ equity }})", name="exclusive_license"
    )
    with unit_of_work(engine) as session:
        first = drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
        word_templates.upload_version(
            session, actor=office.director, name="exclusive_license", content=content
        )
    with unit_of_work(engine) as session:
        second = drafts.generate_draft(session, actor=office.officer, agreement_id=agreement_id)
        text = "\n".join(
            p.text
            for p in Document(
                BytesIO(drafts.read_draft(session, actor=office.officer, draft_id=second.id))
            ).paragraphs
        )
    assert (first.template_version, second.template_version) == (1, 2)
    assert first.template_sha256 != second.template_sha256
    assert "VoltCell & Sons Inc. (equity: " in text


def attacks() -> dict[str, tuple[bytes, str]]:
    from tests.documents.test_template_attacks import with_zeros

    loops = "{% for a in range(1000) %}{% for b in range(1000) %}x{% endfor %}{% endfor %}"
    return {
        "a huge repetition": (
            edited("{{ headline }}", '{{ "x" * 10**8 }}'),
            "Raising to a power (**) is not allowed in Word templates.",
        ),
        "nested loops": (
            edited("{{ headline }}", loops),
            "The loops in the template would repeat more than 10,000 times in one document.",
        ),
        "a zip bomb": (
            with_zeros(24),
            "The part word/media/zeros.bin would unpack to 24.0 MB; at most 20.0 MB per part "
            "is accepted.",
        ),
    }


@pytest.mark.parametrize("attack", ["a huge repetition", "nested loops", "a zip bomb"])
def test_a_template_that_would_exhaust_the_server_is_refused_quickly_and_nothing_is_kept(
    engine, office, tmp_path, attack
):
    content, message = attacks()[attack]
    started = time.perf_counter()
    with unit_of_work(engine) as session, pytest.raises(ValidationError) as refused:
        word_templates.upload_version(session, actor=office.director, name=NAME, content=content)
    assert time.perf_counter() - started < 5
    assert str(refused.value).startswith("The template was not accepted:\n- ")
    assert message in str(refused.value)
    with unit_of_work(engine) as session:
        assert word_templates.current_template(session, NAME).version == 1
        assert len(word_templates.versions(session, actor=office.director, name=NAME)) == 1
        entries = audit.list_entries(session, actor=office.director).items
    assert not [e for e in entries if e.action.startswith("template.")]
    assert not (tmp_path / "templates").exists()
