"""Word documents from the editable templates in templates_docx/ (docxtpl over python-docx).

Templates render in a sandboxed Jinja environment with autoescaping on: an `&` or `<` in the
data reaches the Word file intact, and a template cannot reach into Python. Each template
ships a sample context (`NAME.sample.json`) that the tests render.
"""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from tlo.config import PROJECT_ROOT

TEMPLATES_DIR = PROJECT_ROOT / "templates_docx"


def jinja_environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True)


def template_path(name: str) -> Path:
    path = TEMPLATES_DIR / f"{name}.docx"
    if not path.exists():
        raise FileNotFoundError(f"There is no Word template {path.name} in {TEMPLATES_DIR}.")
    return path


def sample_context(name: str) -> dict[str, Any]:
    return json.loads((TEMPLATES_DIR / f"{name}.sample.json").read_text("utf-8"))


def template_names() -> list[str]:
    return sorted(path.stem for path in TEMPLATES_DIR.glob("*.docx"))


def placeholders(name: str) -> set[str]:
    """The variables a template uses (for checking that a context provides them all)."""
    return DocxTemplate(template_path(name)).get_undeclared_template_variables(
        jinja_env=jinja_environment()
    )


def render(name: str, context: dict[str, Any]) -> bytes:
    missing = placeholders(name) - set(context)
    if missing:
        raise KeyError(f"The {name} template needs {', '.join(sorted(missing))}.")
    document = DocxTemplate(template_path(name))
    document.render(context, jinja_env=jinja_environment())
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
