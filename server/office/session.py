"""Back-office sessions (Flask-Login): cookies for people at a desk, bearer tokens for the API."""
from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from ..models import User


@login_manager.user_loader
def load_user(session_id: str):
    """Load the session's user if the session's generation is still the user's (see User.get_id)."""
    user_id, _, generation = session_id.partition(":")
    user = db.session.get(User, user_id)
    if user is None or not user.active or generation != str(user.session_generation):
        return None
    return user


login_manager.login_view = "office.login"
# Flask-Login's own text is English only; this one goes through the catalogue like every other.
login_manager.login_message = _l("Log in to open this page.")
login_manager.session_protection = "strong"

