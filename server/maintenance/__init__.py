"""Housekeeping that keeps the database from growing without bound (prune.py) and its command."""
