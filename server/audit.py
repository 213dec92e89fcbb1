"""Record who did what when to people's data and accounts (the audit log, models/audit.py).

Called by the operations that need a trace (GDPR export and erasure, user administration, imports,
ABC reclassification), from the back office and the CLI alike. The entry joins the caller's
transaction: it commits with the action it records, or not at all.
"""
from .extensions import db
from .models import AuditEntry, User


def record(actor: User | None, action: str, summary: str, target_type: str | None = None,
           target_id: str | None = None, details: dict | None = None) -> AuditEntry:
    """Add one entry (actor None: the command line or the server itself); the caller commits."""
    entry = AuditEntry(actor_id=actor.id if actor else None,
                       actor_label=actor.email if actor else "command line",
                       action=action, target_type=target_type, target_id=target_id,
                       summary=summary[:2000], details=details)
    db.session.add(entry)
    return entry
