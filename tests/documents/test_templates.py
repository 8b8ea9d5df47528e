"""Every Word template renders with its sample context and reads back complete."""

from io import BytesIO

import pytest
from docx import Document

from tlo import documents


def text_of(content: bytes) -> str:
    document = Document(BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_there_are_templates():
    assert "marketing_summary" in documents.template_names()


@pytest.mark.parametrize("name", documents.template_names())
def test_every_template_renders_its_sample_with_nothing_left_unfilled(name):
    context = documents.sample_context(name)
    assert documents.placeholders(name) <= set(context)
    text = text_of(documents.render(name, context))
    assert "{{" not in text and "{%" not in text and "}}" not in text


def test_the_marketing_summary_keeps_ampersands_and_repeats_patent_rows():
    context = documents.sample_context("marketing_summary")
    content = documents.render("marketing_summary", context)
    text = text_of(content)
    assert "catch fire & degrade" in text and "Stanford & Partners University" in text
    assert "<5 %" in text
    table = Document(BytesIO(content)).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["Jurisdiction", "Type", "Number", "Status"],
        ["US", "Provisional", "63/123,456", "Pending"],
        ["WO", "PCT", "PCT/US2027/012345", "Pending"],
    ]


def test_a_context_missing_a_placeholder_is_refused_by_name():
    context = documents.sample_context("marketing_summary")
    del context["headline"]
    with pytest.raises(KeyError, match="needs headline"):
        documents.render("marketing_summary", context)
