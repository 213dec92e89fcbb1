"""The back office: server-rendered pages for managers and customer service (sessions, CSRF, fi/en)."""
from flask import render_template, request
from flask_babel import gettext

from . import session  # noqa: F401  (registers the Flask-Login user loader)
# Each page module adds its routes to the one blueprint (access.bp).
from . import customers, dashboard, errors, orders, quality, review, settings, tasks, views, visits  # noqa: F401
from . import users  # noqa: F401  (user administration, issue 15 item 5)
from . import abc  # noqa: F401  (issue 15: ABC analysis)
from . import exports  # noqa: F401  (issue 15: export to CSV and .xlsx)
from . import imports  # noqa: F401  (issue 15 item 2: import customers and contacts)
from . import gdpr  # noqa: F401  (issue 15 item 4: a contact's personal data)
from . import audit_log  # noqa: F401  (issue 15 item 4: the audit log)
from .access import bp
from .fmt import install as install_formats
from .messages import translate
from .nav import install as install_nav

LANGUAGES = ("fi", "en")


def select_locale() -> str:
    """Finnish unless the browser prefers English."""
    return request.accept_languages.best_match(LANGUAGES) or "fi"


def register(app) -> None:
    from flask_babel import get_locale
    from flask_wtf.csrf import CSRFError

    from ..extensions import babel

    install_formats(app)
    install_nav(app)
    app.jinja_env.filters["field_message"] = translate  # stored errors (rejected ops) in the reader's words
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="office/translations")
    app.jinja_env.globals["get_locale"] = get_locale
    app.register_blueprint(bp)

    @app.errorhandler(CSRFError)
    def csrf_failed(_err):
        # An expired or missing token (a form left open overnight): say so in words, keep the page.
        return render_template("office/error.html", message=gettext("The form expired; please try again.")), 400
