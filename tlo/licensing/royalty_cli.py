"""`python -m tlo royalty due --terms T --report R`: what one report owes, as JSON."""

import json
import sys
from pathlib import Path

from tlo.errors import ValidationError
from tlo.licensing import royalty


def _read(path: str, what: str):
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValidationError(f"{what}: cannot read {path}: {err}") from None
    try:
        return json.loads(text, parse_float=str)  # a JSON number stays the exact decimal it reads
    except json.JSONDecodeError as err:
        raise ValidationError(f"{what}: {path} is not JSON ({err}).") from None


def due(terms_path: str, report_path: str) -> int:
    try:
        terms = _read(terms_path, "terms")
        report = _read(report_path, "report")
        parsed = royalty.parse_terms(terms)
        try:
            owed = royalty.compute(parsed, royalty.parse_report(report, parsed))
        except ValidationError as err:
            raise ValidationError(f"report: {err}") from None
    except ValidationError as err:
        print(f"royalty due: {err}", file=sys.stderr)
        return 2
    json.dump(owed, sys.stdout, indent=2)
    print()
    return 0
