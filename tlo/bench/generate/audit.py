"""The audit trail of the generated records."""

from __future__ import annotations

from tlo.bench.generate.writing import _Writer


class _AuditTrail:
    """The audit entry of a generated record (a part of _Office)."""

    def audit(self, w: _Writer, at, actor, action, object_type, object_id, after=None):
        account_id, name = actor
        w.add(
            "audit_entry",
            {
                "id": w.new_id("audit_entry"),
                "at": at,
                "actor_account_id": account_id,
                "actor_name": name,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "before": None,
                "after": after,
            },
        )
