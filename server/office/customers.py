"""Customers: the register's table, a customer's page and timeline, edit, archive, handover."""
from .access import bp  # noqa: F401
