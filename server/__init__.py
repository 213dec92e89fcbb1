"""Kenttä server: the app factory."""
from flask import Flask

from .config import Config
from .security import install as install_security


def create_app(config=None) -> Flask:
    """Build the app: config, extensions, blueprints."""
    # Imported here, not at module level: a module-level `db` would be replaced by the
    # `server.db` package (the database plumbing) as soon as that is imported.
    from .extensions import csrf, db, login_manager, migrate
    from .pwa import STATIC_DIR, TEMPLATE_DIR

    app = Flask(__name__, instance_relative_config=True,
                static_folder=str(STATIC_DIR), template_folder=str(TEMPLATE_DIR))
    if isinstance(config, dict):
        app.config.from_object(Config())
        app.config.update(config)
    else:
        app.config.from_object(config or Config())

    install_security(app)
    app.json.sort_keys = False  # sorting keys of 500-op results and 1000-change pages costs more than it gives
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)

    from . import models  # noqa: F401  (register tables with SQLAlchemy)
    from .db import install as install_db
    from .api import register as register_api
    from .reminders import install as install_reminders
    from .api.sync import bp as sync_bp
    from .calendar.feed import bp as calendar_bp
    from .pwa import bp as pwa_bp
    from .office import register as register_office
    from .cli import register as register_cli
    from .observe import install as install_observe

    install_db(app)
    register_api(app)
    install_reminders()  # the follow-up rule, on the sync core's record-changed hook
    app.register_blueprint(sync_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(pwa_bp)
    register_office(app)
    register_cli(app)
    install_observe(app)  # health routes, request log, metrics
    from .compression import install as install_compression
    install_compression(app)  # last: its after-request hook runs first, so the log sees wire bytes
    return app


def _migrations_dir():
    from pathlib import Path
    return Path(__file__).resolve().parent / "migrations"
