"""The logged-in user: who am I, my calendar subscription links, and colleagues' names by id."""
from flask import Blueprint, g
from sqlalchemy import select

from ..calendar.links import feed_links, may_see_team, personal_url, team_url
from ..extensions import db
from ..models import User
from .auth import auth_required, user_json

bp = Blueprint("me", __name__, url_prefix="/api/me")


@bp.get("")
@auth_required()
def me():
    out = {**user_json(g.user), "calendar_url": personal_url(g.user),
           # Colleagues' names by id, kept on the phone: a conflict pulled offline says who changed the field.
           "people": dict(db.session.execute(select(User.id, User.name).where(User.active)).all())}
    if may_see_team(g.user):
        out["team_calendar_url"] = team_url(g.user)
    return out


@bp.get("/calendar")
@auth_required()
def calendar_links():
    """List the user's feed links: https and webcal, and the team feed's for managers."""
    return feed_links(g.user)


@bp.post("/calendar-token")
@auth_required()
def rotate_calendar_token():
    """Rotate the token: the old personal and team URLs answer 404 from now on."""
    g.user.calendar_generation += 1
    db.session.commit()
    return {"calendar_url": personal_url(g.user), **feed_links(g.user)}, 201
