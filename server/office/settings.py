"""Organisation settings: service levels per segment and the follow-up delay."""
from .access import bp  # noqa: F401
