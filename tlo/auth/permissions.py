"""Who may do what: the one permission check every service calls first.

A permission is granted to a role either for everything (`ALL`) or only for objects the actor
owns (`OWN`, e.g. an inventor and their own disclosures). Ownership is asked of the object
itself: it lists its owners through `owner_person_ids()`.
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


@runtime_checkable
class Owned(Protocol):
    def owner_person_ids(self) -> set[int]: ...


@dataclass(frozen=True)
class Actor:
    """The signed-in user as services see them (or the system itself, see `system_actor`)."""

    account_id: int | None
    person_id: int | None
    name: str
    username: str
    roles: frozenset[Role]

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def role_labels(self) -> str:
        return ", ".join(role.label for role in Role if role in self.roles)


def system_actor(purpose: str) -> Actor:
    """tlo itself acting from the command line (demo data, imports); never from a page."""
    return Actor(
        account_id=None,
        person_id=None,
        name=f"system ({purpose})",
        username="system",
        roles=frozenset({Role.ADMIN, Role.DIRECTOR}),
    )


A, OWN = Scope.ALL, Scope.OWN
_STAFF = {Role.OFFICER: A, Role.FINANCE: A, Role.DIRECTOR: A, Role.ADMIN: A}
_EVERYONE = {role: A for role in Role}

# Later features add their permissions here; one table shows the whole policy at a glance.
GRANTS: dict[str, dict[Role, Scope]] = {
    "home.view": _EVERYONE,
    "account.change_own_password": _EVERYONE,
    "person.read": {**_STAFF, Role.INVENTOR: OWN},
    "person.manage": {Role.ADMIN: A, Role.DIRECTOR: A},
    "org.read": _EVERYONE,
    "org.manage": {Role.ADMIN: A, Role.DIRECTOR: A},
    "account.manage": {Role.ADMIN: A, Role.DIRECTOR: A},
    "audit.read": {Role.ADMIN: A, Role.DIRECTOR: A},
}


def scope_of(actor: Actor, permission: str) -> Scope | None:
    """The widest scope any of the actor's roles has for `permission`, or None."""
    try:
        grants = GRANTS[permission]
    except KeyError:
        raise KeyError(f"Unknown permission {permission!r}; add it to GRANTS.") from None
    scopes = {grants[role] for role in actor.roles if role in grants}
    if Scope.ALL in scopes:
        return Scope.ALL
    return Scope.OWN if scopes else None


def can(actor: Actor | None, permission: str, obj: object | None = None) -> bool:
    """Whether `actor` may use `permission`, on `obj` when one is given.

    Without an object, an OWN grant is enough: the service then limits what it returns to
    the actor's own objects (and must check each object it acts on).
    """
    if actor is None:
        return False
    scope = scope_of(actor, permission)
    if scope is Scope.ALL:
        return True
    if scope is Scope.OWN:
        if obj is None:
            return True
        return isinstance(obj, Owned) and actor.person_id in obj.owner_person_ids()
    return False


def require(actor: Actor | None, permission: str, obj: object | None = None) -> None:
    """Raise PermissionDenied unless `actor` may use `permission` (on `obj`)."""
    if not can(actor, permission, obj):
        who = actor.name if actor else "Someone who is not signed in"
        raise PermissionDenied(f"{who} may not do this ({permission}).")
