"""Who may do what: the one permission check every service calls first.

A permission is granted to a role for everything (`ALL`), only for objects the actor owns
(`OWN`, e.g. an inventor and their own disclosures), or only for objects assigned to the actor
(`ASSIGNED`, e.g. a licensing officer and their cases). The object itself answers who owns it
(`owner_person_ids()`) and to whom it is assigned (`assigned_person_ids()`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from tlo.auth.models import Role
from tlo.errors import PermissionDenied


class Scope(StrEnum):
    ALL = "all"
    OWN = "own"
    ASSIGNED = "assigned"
    # A licensee and its own company's objects (the object's `licensee_company_ids()`).
    COMPANY = "company"


@runtime_checkable
class Owned(Protocol):
    def owner_person_ids(self) -> set[int]: ...


@runtime_checkable
class Assigned(Protocol):
    def assigned_person_ids(self) -> set[int]: ...


@runtime_checkable
class Licensed(Protocol):
    def licensee_company_ids(self) -> set[int]: ...


@dataclass(frozen=True)
class Actor:
    """The signed-in user as services see them (or the system itself, see `system_actor`)."""

    account_id: int | None
    person_id: int | None
    name: str
    username: str
    roles: frozenset[Role]
    # The companies a licensee's account belongs to (empty for everyone else).
    company_ids: frozenset[int] = frozenset()

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def role_labels(self) -> str:
        return ", ".join(role.label for role in Role if role in self.roles)


def system_actor(purpose: str) -> Actor:
    """tlo itself acting from the command line (demo data, imports) or filing what a visitor
    sent from the public catalogue (tlo.catalogue.inquiries); never from a page."""
    return Actor(
        account_id=None,
        person_id=None,
        name=f"system ({purpose})",
        username="system",
        roles=frozenset({Role.ADMIN, Role.DIRECTOR}),
    )


A, OWN, ASSIGNED, COMPANY = Scope.ALL, Scope.OWN, Scope.ASSIGNED, Scope.COMPANY
_STAFF = {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A, Role.ADMIN: A}
_EVERYONE = {role: A for role in Role}

# Later features add their permissions here; one table shows the whole policy at a glance.
GRANTS: dict[str, dict[Role, Scope]] = {
    "home.view": _EVERYONE,
    "account.change_own_password": _EVERYONE,
    "person.read": {**_STAFF, Role.INVENTOR: OWN},
    "person.manage": {Role.ADMIN: A, Role.DIRECTOR: A},
    # Naming co-inventors: find people in the directory, add an outside co-inventor.
    "person.lookup": {Role.INVENTOR: A, Role.OFFICER: A, Role.DIRECTOR: A, Role.ADMIN: A},
    "person.add_external": {Role.INVENTOR: A, Role.OFFICER: A, Role.DIRECTOR: A, Role.ADMIN: A},
    "org.read": _EVERYONE,
    "org.manage": {Role.ADMIN: A, Role.DIRECTOR: A},
    "account.manage": {Role.ADMIN: A, Role.DIRECTOR: A},
    # Handing a leaving officer's cases, agreements and pipeline to another (tlo/auth/handover.py).
    "account.hand_over": {Role.ADMIN: A, Role.DIRECTOR: A},
    "audit.read": {Role.ADMIN: A, Role.DIRECTOR: A},
    # The sidebar's search box (tlo/search.py); each kind found needs its own read permission.
    "search.records": _STAFF,
    # Disclosures. Who may take each step of a case's workflow is in disclosures/workflow.py.
    "disclosure.create": {Role.INVENTOR: A, Role.OFFICER: A, Role.DIRECTOR: A},
    "disclosure.mine": {Role.INVENTOR: A, Role.OFFICER: A, Role.DIRECTOR: A},
    "disclosure.read": {
        Role.INVENTOR: OWN,
        Role.OFFICER: A,
        Role.FINANCE: A,
        Role.DIRECTOR: A,
    },
    "disclosure.edit_draft": {Role.INVENTOR: OWN, Role.OFFICER: OWN, Role.DIRECTOR: A},
    "disclosure.confirm_share": {Role.INVENTOR: OWN},
    "disclosure.dispute_share": {Role.INVENTOR: OWN},  # instead of confirming it
    # Where the policy lets inventors designate the department that receives the departmental
    # share following theirs (tlo/revenue/designations.py): for their own share only.
    "disclosure.designate_department": {
        Role.INVENTOR: OWN,
        Role.OFFICER: ASSIGNED,
        Role.DIRECTOR: A,
    },
    # The case's officer answers for an outside co-inventor (with evidence) and resolves
    # disputes (tlo/disclosures/shares.py).
    "disclosure.answer_share_for": {Role.OFFICER: ASSIGNED, Role.DIRECTOR: A},
    "disclosure.resolve_share_dispute": {Role.OFFICER: ASSIGNED, Role.DIRECTOR: A},
    # Signing the disclosure (tlo/disclosures/signatures.py): each inventor and the PI sign
    # for themselves, from their own account; who signed which version is read with the case.
    "disclosure.sign": {Role.INVENTOR: OWN},
    "disclosure.read_signatures": {
        Role.INVENTOR: OWN,
        Role.OFFICER: A,
        Role.FINANCE: A,
        Role.DIRECTOR: A,
    },
    "disclosure.triage": {Role.OFFICER: A, Role.DIRECTOR: A},
    "disclosure.work": {Role.OFFICER: ASSIGNED, Role.DIRECTOR: A},
    "disclosure.internal": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "disclosure.export": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    # Patents and the docket.
    "docket.calculate": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "docket.read": {Role.OFFICER: A, Role.DIRECTOR: A},
    "docket.rules": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A, Role.ADMIN: A},
    "docket.forecast": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "patent.read": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "patent.cost": {Role.OFFICER: ASSIGNED, Role.FINANCE: A, Role.DIRECTOR: A},
    # Licensee outreach. Working a technology's outreach is "disclosure.work" on its case.
    "company.read": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "company.manage": {Role.OFFICER: A, Role.DIRECTOR: A},
    "outreach.read": {Role.OFFICER: A, Role.DIRECTOR: A},
    # Corrections, each with its reason: a company's facts and its contacts (any officer, as
    # they keep the directory), a technology's outreach and touches (who works its case).
    "company.correct": {Role.OFFICER: A, Role.DIRECTOR: A},
    "outreach.correct": {Role.OFFICER: ASSIGNED, Role.DIRECTOR: A},
    # Agreements: an officer edits the agreements they handle; finance reads them all.
    "agreement.read": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "agreement.create": {Role.OFFICER: A, Role.DIRECTOR: A},
    "agreement.edit": {Role.OFFICER: ASSIGNED, Role.DIRECTOR: A},
    # Word templates: staff upload new versions after validation.
    "template.manage": {Role.ADMIN: A, Role.DIRECTOR: A},
    # Office settings: the parties every document names (tlo/office_settings.py).
    "settings.read": _STAFF,
    "settings.manage": {Role.ADMIN: A, Role.DIRECTOR: A},
    # Income and revenue sharing: finance records and posts; inventors read their own lines.
    "income.read": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "income.record": {Role.FINANCE: A, Role.DIRECTOR: A},
    "income.void": {Role.FINANCE: A, Role.DIRECTOR: A},  # a payment recorded by mistake
    "distribution.read": {Role.FINANCE: A, Role.DIRECTOR: A},  # every inventor's payout
    "distribution.post": {Role.FINANCE: A, Role.DIRECTOR: A},
    "policy.manage": {Role.FINANCE: A, Role.ADMIN: A, Role.DIRECTOR: A},
    "statement.read": {Role.INVENTOR: OWN, Role.FINANCE: A, Role.DIRECTOR: A},
    # The equity ledger (tlo/equity/): officers, who negotiate start-up licenses, and finance
    # record holdings and their rounds; a sale becomes income, so only those who record
    # income record one (and they need "income.record" too).
    "equity.read": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "equity.record": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "equity.sell": {Role.FINANCE: A, Role.DIRECTOR: A},
    # Inter-institutional agreements (tlo/iia/): the officer of a jointly owned technology
    # records its IIA; finance reads it (it decides who is paid what).
    "iia.read": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "iia.manage": {Role.OFFICER: ASSIGNED, Role.DIRECTOR: A},
    # The licensee's side of the money (tlo/licensing/royalty_reports.py, licensee_portal.py):
    # a licensee's account sees its own company's agreements (their non-confidential
    # summary), files their royalty reports and reads their invoices; finance reviews the
    # reports (approve: an invoice for what is owed; reject: a reason the licensee reads).
    "licensee.portal": {Role.LICENSEE: COMPANY},
    "royalty_report.read": {
        Role.OFFICER: A,
        Role.FINANCE: A,
        Role.DIRECTOR: A,
        Role.LICENSEE: COMPANY,
    },
    "royalty_report.submit": {Role.FINANCE: A, Role.DIRECTOR: A, Role.LICENSEE: COMPANY},
    "royalty_report.review": {Role.FINANCE: A, Role.DIRECTOR: A},
    "invoice.read": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A, Role.LICENSEE: COMPANY},
    "invoice.issue": {Role.FINANCE: A, Role.DIRECTOR: A},
    # Reports.
    "report.dashboard": {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A},
    "report.autm": {Role.FINANCE: A, Role.DIRECTOR: A},
    "data.import": {Role.ADMIN: A, Role.DIRECTOR: A},
    # The public catalogue (tlo/catalogue): anyone reads it without signing in; its figures
    # (views, visitors, searches that found nothing, inquiries and what they became) are staff's.
    "catalogue.figures": {Role.OFFICER: A, Role.DIRECTOR: A},
    # Notifications (tlo/notify/inbox.py): everyone reads their own and chooses how they are
    # sent; the administrator sees the messages the mail server refused, and sends them again
    # (their subjects only: a subject names a docket number, never a title).
    "notification.own": _EVERYONE,
    "notification.failures": {Role.ADMIN: A},
}


def scopes_of(actor: Actor, permission: str) -> set[Scope]:
    """The scopes the actor's roles hold for `permission` (empty: not granted)."""
    try:
        grants = GRANTS[permission]
    except KeyError:
        raise KeyError(f"Unknown permission {permission!r}; add it to GRANTS.") from None
    return {grants[role] for role in actor.roles if role in grants}


def sees_all(actor: Actor, permission: str) -> bool:
    """Whether a list for `permission` may show everything, not just the actor's own cases."""
    return Scope.ALL in scopes_of(actor, permission)


def _covers(actor: Actor, scope: Scope, obj: object) -> bool:
    if scope is Scope.OWN:
        return isinstance(obj, Owned) and actor.person_id in obj.owner_person_ids()
    if scope is Scope.COMPANY:
        return isinstance(obj, Licensed) and bool(actor.company_ids & obj.licensee_company_ids())
    return isinstance(obj, Assigned) and actor.person_id in obj.assigned_person_ids()


def can(actor: Actor | None, permission: str, obj: object | None = None) -> bool:
    """Whether `actor` may use `permission`, on `obj` when one is given.

    Without an object, any grant is enough: the service then limits what it returns to the
    actor's own or assigned objects (and checks each object it acts on).
    """
    if actor is None:
        return False
    scopes = scopes_of(actor, permission)
    if obj is None:
        return bool(scopes)
    if Scope.ALL in scopes:
        return True
    return actor.person_id is not None and any(_covers(actor, scope, obj) for scope in scopes)


def require(actor: Actor | None, permission: str, obj: object | None = None) -> None:
    """Raise PermissionDenied unless `actor` may use `permission` (on `obj`)."""
    if not can(actor, permission, obj):
        who = actor.name if actor else "Someone who is not signed in"
        raise PermissionDenied(f"{who} may not do this ({permission}).")
