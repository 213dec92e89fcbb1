"""Orders and deliveries: record, deliver, cancel; the production list."""
from .access import bp  # noqa: F401
