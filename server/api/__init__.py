"""REST blueprints under /api/."""
from ..extensions import csrf
from . import errors, json_body
from .auth import bp as auth_bp
from .me import bp as me_bp
from .openapi import bp as openapi_bp
from .resources import make_blueprint
from .rules import bp as rules_bp
from .settings import bp as settings_bp
from .webpush import bp as webpush_bp


def register(app) -> None:
    """Register the error handlers, the app-wide body cap and every /api/ blueprint (all exempt from CSRF: bearer auth)."""
    errors.register(app)
    json_body.install(app)
    blueprints = [auth_bp, me_bp, openapi_bp, rules_bp, settings_bp, webpush_bp]
    blueprints += [make_blueprint(name) for name in ("customer", "contact", "activity", "task", "delivery", "conflict")]
    for bp in blueprints:
        csrf.exempt(bp)
        app.register_blueprint(bp)
