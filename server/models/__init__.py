"""All tables; importing this registers them with SQLAlchemy."""
from .activity import Activity
from .audit import AuditEntry, ImportJob
from .base import new_id, new_op_id, utcnow
from .conflict import Conflict
from .contact import Contact
from .customer import Customer
from .delivery import Delivery
from .geocode import GeocodeMiss
from .ledger import OpLedger, QuarantinedOp, SyncCounter
from .webpush import ReminderSend, WebPushSubscription
from .settings import DEFAULT_FOLLOWUP_DELAY_DAYS, DEFAULT_SERVICE_LEVELS, OrgSetting, ServiceLevel
from .task import Task
from .user import ROLES, ApiToken, LoginFailure, User, hash_token

SYNCED = {
    "customer": Customer,
    "contact": Contact,
    "activity": Activity,
    "task": Task,
    "delivery": Delivery,
    "conflict": Conflict,
}

__all__ = [
    "Activity", "ApiToken", "AuditEntry", "ImportJob", "Conflict", "Contact", "Customer", "Delivery", "GeocodeMiss", "LoginFailure",
    "OpLedger", "OrgSetting", "QuarantinedOp", "ReminderSend", "ROLES", "SYNCED",
    "ServiceLevel", "SyncCounter",
    "Task", "User", "WebPushSubscription", "DEFAULT_SERVICE_LEVELS", "DEFAULT_FOLLOWUP_DELAY_DAYS", "hash_token",
    "new_id", "new_op_id", "utcnow",
]
