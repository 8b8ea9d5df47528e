"""Disclosure types: an invention, software or another copyright work, a biological material
... each with the questions of its own the form asks, and which of them must be answered
before submitting. The types are data, one TOML file a type in `disclosure_types/` (or the
folder TLO_DISCLOSURE_TYPES_DIR names): an office adds or rewords a question without code.

A disclosure keeps its type's key and its answers by question key (Disclosure.disclosure_type,
Disclosure.type_answers). A file that does not parse, or says something this module cannot
follow, is refused with the file and the entry named, when the types are first read.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tlo.config import PROJECT_ROOT
from tlo.errors import ValidationError
from tlo.text import clean_text

DEFAULT_TYPE = "invention"
KINDS = ("text", "long_text", "choice", "yes_no")
YES_NO = ("yes", "no")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
DEFAULT_LENGTHS = {"text": 300, "long_text": 5000, "choice": 200, "yes_no": 20}
MAX_LENGTH = 20_000


class DisclosureTypeError(Exception):
    """A type's file cannot be used: a setup error, for the administrator, at start-up."""


@dataclass(frozen=True)
class TypeField:
    key: str
    label: str
    kind: str
    required: bool = False
    required_if: tuple[tuple[str, str], ...] = ()  # (other key, value): required when so
    choices: tuple[str, ...] = ()
    help: str = ""
    max_length: int = 300

    def required_by(self, answers: dict[str, str]) -> bool:
        return self.required or any(answers.get(k) == v for k, v in self.required_if)

    def shown(self, value: str) -> str:
        return {"yes": "Yes", "no": "No"}.get(value, value) if self.kind == "yes_no" else value


@dataclass(frozen=True)
class DisclosureType:
    key: str
    label: str
    description: str
    order: int
    fields: tuple[TypeField, ...] = ()

    def question(self, key: str) -> TypeField | None:
        return next((f for f in self.fields if f.key == key), None)


def types_dir() -> Path:
    return Path(os.environ.get("TLO_DISCLOSURE_TYPES_DIR") or PROJECT_ROOT / "disclosure_types")


def _text(entry: dict, name: str, where: str, *, required: bool = True) -> str:
    value = entry.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise DisclosureTypeError(f"{where}: '{name}' must be a text.")
    return value.strip()


def _field(entry: object, where: str) -> TypeField:
    if not isinstance(entry, dict):
        raise DisclosureTypeError(f"{where}: each [[fields]] entry is a table.")
    unknown = set(entry) - {
        "key", "label", "kind", "required", "required_if", "choices", "help", "max_length",
    }  # fmt: skip
    if unknown:
        raise DisclosureTypeError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}.")
    key = _text(entry, "key", where)
    if not _KEY.fullmatch(key):
        raise DisclosureTypeError(
            f"{where}: the key {key!r} must be lower-case letters, digits and _ (40 at most)."
        )
    kind = entry.get("kind", "text")
    if kind not in KINDS:
        raise DisclosureTypeError(f"{where} ({key}): kind must be one of {', '.join(KINDS)}.")
    choices = entry.get("choices", [])
    if kind == "choice" and (
        not isinstance(choices, list)
        or not choices
        or not all(isinstance(c, str) and c.strip() for c in choices)
    ):
        raise DisclosureTypeError(f"{where} ({key}): a choice needs a list of texts, 'choices'.")
    required = entry.get("required", False)
    if not isinstance(required, bool):
        raise DisclosureTypeError(f"{where} ({key}): 'required' is true or false.")
    required_if = entry.get("required_if", {})
    if not isinstance(required_if, dict) or not all(
        isinstance(v, str) for v in required_if.values()
    ):
        raise DisclosureTypeError(f"{where} ({key}): 'required_if' is {{ other_key = \"value\" }}.")
    length = entry.get("max_length", DEFAULT_LENGTHS[kind])
    if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= MAX_LENGTH:
        raise DisclosureTypeError(f"{where} ({key}): max_length is 1 to {MAX_LENGTH:,}.")
    return TypeField(
        key=key,
        label=_text(entry, "label", f"{where} ({key})"),
        kind=kind,
        required=required,
        required_if=tuple(sorted(required_if.items())),
        choices=tuple(c.strip() for c in choices) if kind == "choice" else (),
        help=_text(entry, "help", f"{where} ({key})", required=False),
        max_length=length,
    )


def parse_type(key: str, text: str, *, where: str) -> DisclosureType:
    """One type from its file's text; DisclosureTypeError naming `where` if it is not right."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DisclosureTypeError(f"{where} is not valid TOML: {error}") from None
    unknown = set(data) - {"label", "description", "order", "fields"}
    if unknown:
        raise DisclosureTypeError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}.")
    entries = data.get("fields", [])
    if not isinstance(entries, list):
        raise DisclosureTypeError(f"{where}: 'fields' is a list of [[fields]] tables.")
    fields = tuple(_field(entry, f"{where}, field {i + 1}") for i, entry in enumerate(entries))
    keys = [f.key for f in fields]
    if len(set(keys)) != len(keys):
        raise DisclosureTypeError(f"{where}: two fields have the same key.")
    for question in fields:
        for other in dict(question.required_if):
            if other not in keys:
                raise DisclosureTypeError(
                    f"{where} ({question.key}): required_if names no field {other!r}."
                )
    order = data.get("order", 100)
    if isinstance(order, bool) or not isinstance(order, int):
        raise DisclosureTypeError(f"{where}: 'order' is a whole number.")
    return DisclosureType(
        key=key,
        label=_text(data, "label", where),
        description=_text(data, "description", where, required=False),
        order=order,
        fields=fields,
    )


@lru_cache(maxsize=4)
def _load(folder: str) -> dict[str, DisclosureType]:
    path = Path(folder)
    found: dict[str, DisclosureType] = {}
    for file in sorted(path.glob("*.toml")):
        if not _KEY.fullmatch(file.stem):
            raise DisclosureTypeError(
                f"{file}: a type's file name is its key: lower-case letters, digits and _."
            )
        found[file.stem] = parse_type(file.stem, file.read_text(encoding="utf-8"), where=str(file))
    if DEFAULT_TYPE not in found:
        raise DisclosureTypeError(f"{path} has no {DEFAULT_TYPE}.toml, the type of most cases.")
    return dict(sorted(found.items(), key=lambda item: (item[1].order, item[1].label)))


def all_types() -> dict[str, DisclosureType]:
    """The office's disclosure types by key, in the order the form offers them."""
    return _load(str(types_dir()))


def get_type(key: str) -> DisclosureType | None:
    return all_types().get(key)


def clean_type(value: object) -> str:
    if value is None or value == "":
        return DEFAULT_TYPE
    if not isinstance(value, str) or value not in all_types():
        raise ValidationError(
            f"{value!r} is not a type of disclosure; choose one of: "
            + ", ".join(t.label for t in all_types().values())
            + "."
        )
    return value


def clean_answers(kind: DisclosureType, answers: object) -> tuple[dict[str, str], list]:
    """The answers to the type's questions, cleaned (each checked for type, length and
    characters, a choice among its choices); empty ones left out. Returns them with the
    problems found, as (message, field path) pairs: the form names every one at once."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ValidationError("The answers to the type's questions must be given by question.")
    cleaned: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    for key, value in answers.items():
        question = kind.question(key) if isinstance(key, str) else None
        if question is None:
            if value in (None, ""):
                continue  # a question of another type, left empty: nothing to keep
            problems.append((f"{kind.label} disclosures ask no question {key!r}.", "answers"))
            continue
        path = f"answers.{key}"
        try:
            text = clean_text(
                value,
                what=f"answer to “{question.label}”",
                max_length=question.max_length,
                multiline=question.kind == "long_text",
            )
        except ValidationError as refusal:
            problems.append((str(refusal), path))
            continue
        if not text:
            continue
        if question.kind == "choice" and text not in question.choices:
            problems.append(
                (f"'{question.label}': choose one of {', '.join(question.choices)}.", path)
            )
            continue
        if question.kind == "yes_no":
            text = text.lower()
            if text not in YES_NO:
                problems.append((f"'{question.label}': answer yes or no.", path))
                continue
        cleaned[key] = text
    return cleaned, problems


def missing_answers(kind: DisclosureType, answers: dict[str, str]) -> list[TypeField]:
    """The questions submission still needs answered."""
    return [f for f in kind.fields if f.required_by(answers) and not answers.get(f.key)]


def answers_shown(type_key: str, answers: dict[str, str] | None) -> tuple[str, list[tuple]]:
    """A disclosure's type and its answers as a reader sees them: (type label, [(question,
    answer)]) in the type's order; an answer to a question the type's file no longer asks
    keeps its key as its question, after the others."""
    answers = answers or {}
    kind = get_type(type_key)
    if kind is None:
        return type_key, sorted(answers.items())
    shown = [(f.label, f.shown(answers[f.key])) for f in kind.fields if answers.get(f.key)]
    asked = {f.key for f in kind.fields}
    return kind.label, shown + sorted((k, v) for k, v in answers.items() if k not in asked)
