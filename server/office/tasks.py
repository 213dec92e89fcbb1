"""Tasks: customer service asks a rep to act; open and overdue lists."""
from .access import bp  # noqa: F401
