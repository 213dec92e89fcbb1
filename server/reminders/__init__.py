"""Reminders (SPEC §7): post-delivery follow-ups, due-reminder selection and Web Push sending.

Kept import-free: the sync layer imports `followups` from here, and the sender pulls in HTTP.
"""
