"""Accounts, roles and the permission check every service calls first."""

from tlo.auth.models import Account, AccountRole, Role
from tlo.auth.permissions import Actor, Scope, can, require

__all__ = ["Account", "AccountRole", "Actor", "Role", "Scope", "can", "require"]
