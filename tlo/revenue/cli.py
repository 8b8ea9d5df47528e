"""`python -m tlo revenue preview`: share one income under a policy, without a database.

The income is a JSON object (a file, or - for standard input):

    {"amount": "200000.00", "type": "royalty", "received": "2025-10-01",
     "costs_outstanding": "20000.00", "cumulative_before": "0.00",
     "inventors": [{"name": "Alice Chen", "share": "50",
                    "department": "Electrical Engineering", "school": "School of Engineering"}]}

Optional fields: `"disclosed"` (see below); `"co_owners"` ([{"name": "University B",
"ownership_percent": "40"}]), `"lead"` (true, the default: we pay the co-owners their share of
the net consideration; false: the income is already our share) and `"lead_fee_percent"`;
`"agent_share_percent"` (a collection agent's share of the gross). See `arrangements`.

The distribution is printed as JSON (`Distribution.as_json`). Without --policy the policy in
force on the received date is taken from the project's `policies/` folder; a policy that applies
by the invention's disclosure date needs `"disclosed": "YYYY-MM-DD"` in the income.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TextIO

from tlo.config import PROJECT_ROOT
from tlo.disclosures.rules import parse_share
from tlo.errors import ValidationError
from tlo.money import parse_money
from tlo.revenue.arrangements import Agent, CoOwner, JointOwnership, distribute_income
from tlo.revenue.engine import InventorShare
from tlo.revenue.policy import (
    DisclosureDateNeeded,
    Policy,
    load_policy,
    parse_percentage,
    policies_in,
    policy_in_force,
)
from tlo.revenue.types import IncomeType, parse_income_type

POLICIES_FOLDER = PROJECT_ROOT / "policies"
_INCOME_KEYS = (
    "amount",
    "type",
    "received",
    "disclosed",
    "costs_outstanding",
    "cumulative_before",
    "inventors",
    "co_owners",
    "lead",
    "lead_fee_percent",
    "agent_share_percent",
)
_CO_OWNER_KEYS = ("name", "ownership_percent")
_INVENTOR_KEYS = ("name", "share", "department", "school", "person_id")


@dataclass(frozen=True)
class Income:
    amount: Decimal
    income_type: IncomeType
    received: date
    costs_outstanding: Decimal
    cumulative_before: Decimal
    inventors: tuple[InventorShare, ...]
    disclosed: date | None = None  # the invention's, for a policy that applies by it
    joint: JointOwnership | None = None  # co-owners under an inter-institutional agreement
    agent: Agent | None = None  # a collection agent's share


def _unknown_keys(raw: dict, allowed: Sequence[str], where: str) -> None:
    unknown = [key for key in raw if key not in allowed]
    if unknown:
        raise ValidationError(f"{where}: unknown key {unknown[0]!r}; use {', '.join(allowed)}.")


def _money(raw: dict, key: str, where: str, *, default: str | None = None) -> Decimal:
    value = raw.get(key, default)
    if value is None:
        raise ValidationError(f'{where} needs its {key}, e.g. "{key}": "1000.00".')
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValidationError(f'{where}: {key} must be an amount like "1000.00", not {value!r}.')
    try:
        return parse_money(value)
    except ValidationError as err:
        raise ValidationError(f"{where}: {key}: {err}") from None


def _text(raw: dict, key: str, where: str, *, required: bool) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError(f"{where} needs its {key} as text.")
    return value.strip()


def _inventor(raw: object, number: int) -> InventorShare:
    where = f"Inventor {number}"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} must be an object with name, share, department, school.")
    _unknown_keys(raw, _INVENTOR_KEYS, where)
    share = raw.get("share")
    if isinstance(share, bool) or not isinstance(share, str | int | Decimal):
        raise ValidationError(f'{where} needs a share in percent, e.g. "share": "50".')
    person_id = raw.get("person_id")
    if person_id is not None and (isinstance(person_id, bool) or not isinstance(person_id, int)):
        raise ValidationError(f"{where}: person_id must be a whole number.")
    try:
        parsed_share = parse_share(share)
    except ValidationError as err:
        raise ValidationError(f"{where}: {err}") from None
    return InventorShare(
        name=_text(raw, "name", where, required=True),
        share=parsed_share,
        department=_text(raw, "department", where, required=False),
        school=_text(raw, "school", where, required=False),
        person_id=person_id,
    )


def _percent(value: object, what: str) -> Fraction:
    if isinstance(value, Decimal):  # a JSON number (read exactly): as the text it was
        value = str(value)
    return parse_percentage(value, what=what)


def _co_owner(raw: object, number: int) -> CoOwner:
    where = f"Co-owner {number}"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} must be an object with name and ownership_percent.")
    _unknown_keys(raw, _CO_OWNER_KEYS, where)
    if "ownership_percent" not in raw:
        raise ValidationError(f'{where} needs its ownership_percent, e.g. "40".')
    return CoOwner(
        name=_text(raw, "name", where, required=True),
        ownership_percent=_percent(raw["ownership_percent"], f"{where}: ownership_percent"),
    )


def _joint(raw: dict) -> JointOwnership | None:
    """The co-owners' fields, when any is given."""
    if not any(key in raw for key in ("co_owners", "lead", "lead_fee_percent")):
        return None
    owners = raw.get("co_owners", [])
    if not isinstance(owners, list):
        raise ValidationError("The income's co_owners must be a list of objects.")
    lead = raw.get("lead", True)
    if not isinstance(lead, bool):
        raise ValidationError("The income's lead is true or false (are we the lead?), not text.")
    fee = raw.get("lead_fee_percent")
    return JointOwnership(
        co_owners=tuple(_co_owner(item, number) for number, item in enumerate(owners, 1)),
        lead=lead,
        lead_fee_percent=Fraction(0) if fee is None else _percent(fee, "lead_fee_percent"),
    )


def parse_income(raw: object) -> Income:
    """An income from JSON (numbers read as Decimal, or amounts written as text)."""
    if not isinstance(raw, dict):
        raise ValidationError("The income file must hold one JSON object.")
    _unknown_keys(raw, _INCOME_KEYS, "The income")
    try:
        received = date.fromisoformat(str(raw.get("received")))
    except ValueError:
        raise ValidationError(
            f"The income needs its received date written YYYY-MM-DD, not {raw.get('received')!r}."
        ) from None
    disclosed = raw.get("disclosed")
    if disclosed is not None:
        try:
            disclosed = date.fromisoformat(disclosed if isinstance(disclosed, str) else "")
        except ValueError:
            raise ValidationError(
                "The income's disclosed date (when the invention was disclosed) is written "
                f"YYYY-MM-DD, not {disclosed!r}."
            ) from None
    inventors = raw.get("inventors", [])
    if not isinstance(inventors, list):
        raise ValidationError("The income's inventors must be a list of objects.")
    return Income(
        amount=_money(raw, "amount", "The income"),
        income_type=parse_income_type(raw.get("type")),
        received=received,
        costs_outstanding=_money(raw, "costs_outstanding", "The income", default="0"),
        cumulative_before=_money(raw, "cumulative_before", "The income", default="0"),
        inventors=tuple(_inventor(item, number) for number, item in enumerate(inventors, 1)),
        disclosed=disclosed,
        joint=_joint(raw),
        agent=None
        if raw.get("agent_share_percent") is None
        else Agent(_percent(raw["agent_share_percent"], "agent_share_percent")),
    )


def _policy_for(policy_path: str | None, income: Income, stderr: TextIO) -> Policy:
    if policy_path is None:
        try:
            return policy_in_force(
                policies_in(POLICIES_FOLDER), income.received, disclosed=income.disclosed
            )
        except DisclosureDateNeeded as err:
            raise ValidationError(
                f'The income needs "disclosed": the date the invention was disclosed, '
                f"written YYYY-MM-DD: {err.policy.name} applies by it (to inventions "
                f"disclosed from {err.policy.effective_from.isoformat()})."
            ) from None
    policy = load_policy(policy_path)
    if policy.by_disclosure and income.disclosed is None:
        raise ValidationError(
            f'The income needs "disclosed": the date the invention was disclosed, written '
            f"YYYY-MM-DD: {policy.name} applies by it."
        )
    if policy.by_disclosure and income.disclosed < policy.effective_from:
        print(
            f"revenue preview: warning: {policy.name} applies to inventions disclosed from "
            f"{policy.effective_from.isoformat()}; this one was disclosed on "
            f"{income.disclosed.isoformat()}.",
            file=stderr,
        )
    if policy.effective_from > income.received:
        print(
            f"revenue preview: warning: {policy.name} takes effect on "
            f"{policy.effective_from.isoformat()}, after the income was received "
            f"({income.received.isoformat()}).",
            file=stderr,
        )
    return policy


def preview(
    *,
    policy_path: str | None,
    income_path: str,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Print the distribution of the income as JSON: exit code 0, or 2 with a message."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    try:
        text = stdin.read() if income_path == "-" else Path(income_path).read_text("utf-8")
        income = parse_income(json.loads(text, parse_float=Decimal))
        policy = _policy_for(policy_path, income, stderr)
        distribution = distribute_income(
            policy,
            amount=income.amount,
            income_type=income.income_type,
            costs_outstanding=income.costs_outstanding,
            cumulative_before=income.cumulative_before,
            inventors=income.inventors,
            joint=income.joint,
            agent=income.agent,
        )
    except OSError as err:
        print(f"revenue preview: cannot read {income_path}: {err.strerror or err}", file=stderr)
        return 2
    except (json.JSONDecodeError, ValidationError) as err:
        print(f"revenue preview: {err}", file=stderr)
        return 2
    json.dump(distribution.as_json(), stdout, indent=2, ensure_ascii=False)
    print(file=stdout)
    return 0
