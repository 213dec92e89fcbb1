"""Back-office sessions (Flask-Login): cookies for people at a desk, bearer tokens for the API."""
from ..extensions import db, login_manager
from ..models import User


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


login_manager.login_view = "office.login"
login_manager.session_protection = "strong"

