"""What a check or an import reports: each problem, and the refusal of a file with any."""

from __future__ import annotations

from dataclasses import dataclass, field

from tlo.errors import ValidationError


@dataclass(frozen=True)
class Problem:
    row: int  # as Excel shows it: the header is row 1, the first record row 2
    column: str  # the column's header; empty when the problem is the whole row's
    message: str


@dataclass
class ImportReport:
    kind: str
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows_with_problems(self) -> int:
        return len({problem.row for problem in self.problems})


class ImportRefused(ValidationError):
    """The file has problems: nothing was written. The report lists each one."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(
            f"The file has {len(report.problems)} problem(s) in {report.rows_with_problems} "
            "row(s); nothing was imported. Check the file to see each one."
        )
