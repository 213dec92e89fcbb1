"""Reminders (SPEC §7): post-delivery follow-ups, due-reminder selection and Web Push sending."""
from .followups import install as install_followups


def install() -> None:
    """Hang the reminders' rules on the sync core (called by create_app)."""
    install_followups()
