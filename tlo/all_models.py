"""Imports every table model, so that SQLModel.metadata (and alembic) knows them all."""

from tlo.audit import AuditEntry
from tlo.auth.models import Account, AccountRole
from tlo.people.models import Department, Person, School

__all__ = ["Account", "AccountRole", "AuditEntry", "Department", "Person", "School"]
