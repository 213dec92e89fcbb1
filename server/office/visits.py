"""Visits and other activities: the list behind the dashboard's visit figures."""
from .access import bp  # noqa: F401
