"""GET /healthz (the process answers) and GET /readyz (the database answers and its schema is current)."""
import logging
from functools import cache

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..api.errors import error_body
from ..extensions import db

bp = Blueprint("observe_health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    # No database: a load balancer that restarts on a failed liveness probe must not restart every
    # worker because PostgreSQL is down for a minute (that is what /readyz tells it).
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    problem = not_ready_reason()
    if problem:
        response = error_body(503, problem, "not_ready")
        response.headers["Retry-After"] = "5"
        return response
    return {"status": "ready"}


def not_ready_reason() -> str | None:
    """Say why this app should not get traffic yet, or None when the database answers and is migrated."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            try:
                current = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
            except SQLAlchemyError:
                current = set()  # no alembic_version table: nothing migrated yet
    except SQLAlchemyError as err:
        # The full message may name hosts and users: it goes to the log, the probe gets the kind only.
        log.warning("readiness: the database does not answer: %s", err)
        return f"The database does not answer ({type(getattr(err, 'orig', None) or err).__name__})."
    expected = migration_heads(current_app.extensions["migrate"].directory)
    if current != expected:
        have = ", ".join(sorted(current)) or "none"
        return (f"The database schema is at migration {have}, this code needs {', '.join(sorted(expected))}: "
                "run `flask --app server db upgrade`.")
    return None


@cache
def migration_heads(directory: str) -> frozenset:
    """The head revisions of the migration scripts (read once per process: they change only with the code)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(directory))
    return frozenset(ScriptDirectory.from_config(config).get_heads())
