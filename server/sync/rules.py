"""The permission rule as the sync shell and older imports know it: it lives in server/permissions.py."""
from ..permissions import RANK, Actor, check, create_defaults

__all__ = ["RANK", "Actor", "check", "create_defaults"]
