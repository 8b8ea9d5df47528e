"""Domain errors. Their messages are shown to users as they are, so they say what to do."""

from collections.abc import Iterable
from dataclasses import dataclass


class DomainError(Exception):
    """Base of every error a user can act on."""


class PermissionDenied(DomainError):
    pass


class NotFound(DomainError):
    pass


class ValidationError(DomainError):
    pass


class InvalidTransition(DomainError):
    pass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a form: what to do about it, and the fields it concerns (dotted
    paths such as "title" or "inventors.1.share"), so that a page can show it next to them.
    `note` is what to say next to each field when the message itself names several."""

    message: str
    fields: tuple[str, ...] = ()
    note: str = ""


class FormErrors(ValidationError):
    """Everything wrong with a form at once, not only the first thing found. Its message is
    every problem's message, one paragraph each; `problems` keeps them apart."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n\n".join(problem.message for problem in self.problems))
