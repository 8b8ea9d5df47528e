"""An uploaded template is checked before it is accepted, with messages a Word user can act on."""

from io import BytesIO

import pytest
from docx import Document

from tlo import documents
from tlo.errors import ValidationError

SAMPLE = documents.sample_context("marketing_summary")


def word_file(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def edited_shipped(name: str, old: str, new: str) -> bytes:
    """The shipped template with one placeholder retyped, as staff would in Word."""
    document = Document(documents.template_path(name))
    runs = [run for p in document.paragraphs for run in p.runs if old in run.text]
    assert runs, f"{old!r} is not in one run of {name}"
    runs[0].text = runs[0].text.replace(old, new)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", documents.template_names())
def test_every_shipped_template_passes_the_checks(name):
    content = documents.template_path(name).read_bytes()
    assert documents.template_problems(content, documents.sample_context(name)) == []


def test_unknown_placeholders_are_listed_by_name():
    content = word_file("Dear {{ licencee }},", "The fee is {{ fee_total }}; {{ headline }}.")
    [problem] = documents.template_problems(content, SAMPLE)
    assert problem.startswith("Unknown placeholders: fee_total, licencee.")
    assert "This template may use:" in problem and "headline" in problem


def test_a_placeholder_retyped_in_a_shipped_template_is_caught():
    content = edited_shipped("marketing_summary", "{{ headline }}", "{{ head_line }}")
    [problem] = documents.template_problems(content, SAMPLE)
    assert problem.startswith("Unknown placeholder: head_line.")


def test_an_unclosed_block_names_the_missing_tag():
    content = word_file("Summary", "{% if patents %}We hold patents.", "The end.")
    [problem] = documents.template_problems(content, SAMPLE)
    assert problem.startswith("Malformed placeholder in paragraph 2 (“{% if patents %}We hold")
    assert "'endif'" in problem


def test_a_broken_placeholder_quotes_its_paragraph():
    content = word_file("Title", "Dear {{ headline }, welcome.")
    [problem] = documents.template_problems(content, SAMPLE)
    assert problem.startswith(
        "Malformed placeholder in paragraph 2 (“Dear {{ headline }, welcome.”)"
    )
    assert "unexpected '}'" in problem


def test_a_misspelt_field_inside_a_loop_is_caught_by_a_trial_render():
    content = word_file("{% for p in patents %}{{ p.numbr }}{% endfor %}")
    [problem] = documents.template_problems(content, SAMPLE)
    assert problem.startswith("A placeholder asks for something the data does not have")
    assert "numbr" in problem


def test_a_template_cannot_reach_into_python():
    content = word_file("{{ headline.__class__.__mro__ }}")
    [problem] = documents.template_problems(content, SAMPLE)
    assert "__class__" in problem


def test_a_file_that_is_not_a_word_document_is_refused():
    assert documents.template_problems(b"%PDF-1.7 not a docx", SAMPLE) == [
        "The file is not a Word document (.docx)."
    ]


def test_docxtpl_row_tags_are_understood():
    content = word_file("{%p for p in patents %}", "{{ p.number }}", "{%p endfor %}")
    assert documents.template_problems(content, SAMPLE) == []


def test_a_misspelt_field_in_a_branch_the_sample_never_takes_fails_loudly_when_it_is_taken():
    content = word_file("{% if patents %}Patents{% else %}{{ headline.numbr }}{% endif %}")
    assert documents.template_problems(content, SAMPLE) == []  # the sample has patents
    with pytest.raises(ValidationError, match="does not have"):
        documents.render("marketing_summary", SAMPLE | {"patents": []}, template=content)
