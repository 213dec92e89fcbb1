"""The back office: server-rendered pages for managers and customer service."""
from . import session  # noqa: F401  (registers the Flask-Login user loader)
