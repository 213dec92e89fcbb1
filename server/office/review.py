"""Review: conflict records and rejected ops, side by side; restore, dismiss, fix and retry."""
from .access import bp  # noqa: F401
