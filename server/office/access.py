"""The back office's blueprint and who may open what: every page names its lowest role."""
from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user, login_required

from ..permissions import Actor

# Its own templates/ and static/ (served at /office/static/), beside the code; the PWA keeps pwa/.
bp = Blueprint("office", __name__, url_prefix="/office", template_folder="templates", static_folder="static")


def role_required(role: str):
    """Require a logged-in user of at least `role`; others get 403, never the page."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.at_least(role):
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def actor() -> Actor:
    """The logged-in user as the permission rule and the merge see them."""
    return Actor(id=current_user.id, role=current_user.role)
