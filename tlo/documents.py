"""Word documents from the editable templates in templates_docx/ (docxtpl over python-docx).

Templates render in a sandboxed Jinja environment with autoescaping on: an `&` or `<` in the
data reaches the Word file intact, and a template cannot reach into Python nor exhaust the
server (tlo.template_sandbox limits its loops, values and output; tlo.docx_archive refuses a
file that would unpack to too much). Each template ships a sample context (`NAME.sample.json`)
that the tests render.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from tlo import template_trial
from tlo.config import PROJECT_ROOT
from tlo.docx_archive import archive_problem
from tlo.errors import ValidationError
from tlo.template_sandbox import TemplateLimitExceeded, TemplateNotAllowed, TemplateSandbox

TEMPLATES_DIR = PROJECT_ROOT / "templates_docx"
# docxtpl's own tag forms ({%tr ...%} repeats a table row, {{r ...}} a rich-text run).
_DOCXTPL_TAG = re.compile(r"([{][{%])\s*(?:tr|tc|p|r)(?=\s)")


def jinja_environment(*, strict: bool = False) -> TemplateSandbox:
    """A fresh environment: its limits count everything rendered with it, so one per document."""
    if strict:  # checking a template: a misspelt field is an error, not an empty string
        return TemplateSandbox(autoescape=True, undefined=StrictUndefined)
    return TemplateSandbox(autoescape=True)


def template_path(name: str) -> Path:
    path = TEMPLATES_DIR / f"{name}.docx"
    if not path.exists():
        raise FileNotFoundError(f"There is no Word template {path.name} in {TEMPLATES_DIR}.")
    return path


def sample_context(name: str) -> dict[str, Any]:
    return json.loads((TEMPLATES_DIR / f"{name}.sample.json").read_text("utf-8"))


def template_names() -> list[str]:
    return sorted(path.stem for path in TEMPLATES_DIR.glob("*.docx"))


def _template(source: str | bytes) -> DocxTemplate:
    """A template by name (the shipped file) or from a file's content (an uploaded version)."""
    return DocxTemplate(BytesIO(source) if isinstance(source, bytes) else template_path(source))


def placeholders(source: str | bytes) -> set[str]:
    """The variables a template uses (for checking that a context provides them all)."""
    return _template(source).get_undeclared_template_variables(jinja_env=jinja_environment())


def render(name: str, context: dict[str, Any], *, template: bytes | None = None) -> bytes:
    """Fill in the template `name` (or the given version of it) with `context`.

    The sandbox's limits apply here as at upload, so a version stored before a limit existed
    cannot exhaust the server either: it fails with a message saying what to correct.
    """
    source = name if template is None else template
    problem = archive_problem(template) if template is not None else None
    if problem:
        raise ValidationError(
            f"The {name} template cannot be used: {problem} "
            "Correct the template on the Word templates page."
        )
    try:
        missing = placeholders(source) - set(context)
        if missing:
            raise KeyError(f"The {name} template needs {', '.join(sorted(missing))}.")
        document = _template(source)
        # strict: a field misspelt in a branch the upload check never took is an error, not blank
        document.render(context, jinja_env=jinja_environment(strict=True))
    except UndefinedError as err:
        raise ValidationError(
            f"The {name} template asks for something the data does not have ({err.message}); "
            "correct the template on the Word templates page."
        ) from None
    except (TemplateNotAllowed, SecurityError) as err:  # SecurityError: the limits too
        raise ValidationError(
            f"The {name} template cannot be used: {err.message} "
            "Correct the template on the Word templates page."
        ) from None
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def template_problems(content: bytes, sample: Mapping[str, Any]) -> list[str]:
    """What is wrong with an uploaded template, in words a Word user can act on (empty: fine).

    `sample` is the renderer's sample context: its keys are exactly the placeholders the
    renderer provides, and a trial render with it catches misspelt fields inside loops.
    The zip archive is checked here; everything that unpacks it runs in a child process with
    a time and memory limit (tlo.template_trial).
    """
    problem = archive_problem(content)
    if problem:
        return [problem]
    return template_trial.template_problems(content, sample)


def inspect_template(content: bytes, sample: Mapping[str, Any]) -> list[str]:
    """The checks of template_problems that unpack the file; run in the trial child process."""
    try:
        paragraphs = _paragraph_texts(content)
    except MemoryError:  # the trial process's memory limit: that is its own problem
        raise
    except Exception:  # any unreadable package is the same problem to a user
        return ["The file is not a Word document (.docx) that python-docx can read."]
    syntax = _syntax_problem(paragraphs)
    if syntax:
        return [syntax]
    try:
        used = placeholders(content)
    except TemplateNotAllowed as err:  # e.g. in a header, which has no paragraph number here
        return [f"Not allowed in the template: {err.message}"]
    except TemplateSyntaxError as err:  # a tag Word split in a way the plain text hides
        return [f"The placeholders are malformed: {err.message}"]
    unknown = sorted(used - set(sample))
    if unknown:
        return [
            f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"This template may use: {', '.join(sorted(sample))}."
        ]
    return _trial_render_problems(content, sample)


def _paragraph_texts(content: bytes) -> list[str]:
    """Every paragraph's text in document order, tables included, as Word shows it."""
    body = Document(BytesIO(content)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def _syntax_problem(paragraphs: list[str]) -> str | None:
    # Parse the text one paragraph per line, so an error points at the paragraph to fix.
    text = "\n".join(_DOCXTPL_TAG.sub(r"\1", paragraph) for paragraph in paragraphs)
    try:
        jinja_environment().parse(text)
    except TemplateSyntaxError as err:
        line = paragraphs[err.lineno - 1] if 0 < err.lineno <= len(paragraphs) else ""
        quoted = line.strip()[:120]
        kind = "Not allowed" if isinstance(err, TemplateNotAllowed) else "Malformed placeholder"
        return f"{kind} in paragraph {err.lineno} (“{quoted}”): {err.message}"
    return None


def _trial_render_problems(content: bytes, sample: Mapping[str, Any]) -> list[str]:
    try:
        _template(content).render(dict(sample), jinja_env=jinja_environment(strict=True))
    except UndefinedError as err:
        return [f"A placeholder asks for something the data does not have: {err.message}."]
    except TemplateLimitExceeded as err:
        return [err.message]  # a sentence that names the limit
    except SecurityError as err:
        return [f"The template tries something templates may not do: {err}."]
    except TemplateError as err:
        return [f"The template cannot be filled in: {err.message or err}."]
    return []
