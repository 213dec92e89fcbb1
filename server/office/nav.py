"""The back office's menu: each section with the lowest role that may open it."""
from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

SECTIONS = (
    ("office.dashboard", _l("Dashboard"), "service"),
    ("office.customers", _l("Customers"), "service"),
    ("office.visits", _l("Visits"), "service"),
    ("office.tasks", _l("Tasks"), "service"),
    ("office.orders", _l("Orders"), "service"),
    ("office.production", _l("Production"), "service"),
    ("office.quality", _l("Visit quality"), "manager"),
    ("office.review", _l("Review"), "service"),
    ("office.reminders", _l("Reminders"), "service"),
    ("office.abc", _l("Segments"), "manager"),
    ("office.imports", _l("Import"), "manager"),
    ("office.exports", _l("Export"), "manager"),
    ("office.users", _l("Users"), "admin"),
    ("office.audit", _l("Audit log"), "manager"),
    ("office.settings", _l("Settings"), "manager"),
    ("office.home", _l("Calendar"), "rep"),
)


def nav_items() -> list:
    """[(url, label, current)] for the logged-in user; a section whose page is not built is left out."""
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label, role in SECTIONS:
        if endpoint in current_app.view_functions and current_user.at_least(role):
            url = url_for(endpoint)
            here = request.path == url or (url != url_for("office.home") and request.path.startswith(url + "/"))
            items.append((url, label, here))
    return items


def install(app) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
