"""Weekly visit quality: points per rep and week, the team's campaign goal, the encouragement."""
from .access import bp  # noqa: F401
