"""Back-office pages: login, the user's calendar subscription, and what the reminders did."""
import math
from urllib.parse import urlsplit

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from ..accounts import LoginRefused, authenticate
from ..calendar.links import feed_links
from ..extensions import db
from ..reminders.status import reminders_status
from .access import bp, role_required
from .forms import ConfirmForm, LoginForm


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would let a link send users anywhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("office.dashboard" if current_user.at_least("service") else "office.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr)
        except LoginRefused as refused:
            db.session.commit()
            if refused.reason == "throttled":
                minutes = math.ceil(refused.retry_after / 60)
                form.password.errors.append(ngettext(
                    "Too many failed logins; try again in %(num)d minute.",
                    "Too many failed logins; try again in %(num)d minutes.", minutes))
                response = make_response(render_template("office/login.html", form=form), 429)
                response.headers["Retry-After"] = str(refused.retry_after)
                return response
            form.password.errors.append(_("Wrong e-mail or password."))
            return render_template("office/login.html", form=form), 401
        db.session.commit()
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("office/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        current_user.end_sessions()  # copies of this session cookie stop working too
        db.session.commit()
        logout_user()
        flash(_("You have logged out."))
        return redirect(url_for("office.login"))
    abort(400)


@bp.get("/")
@login_required
def home():
    return render_template("office/home.html", links=feed_links(current_user), form=ConfirmForm())


@bp.post("/calendar/rotate")
@login_required
def rotate_calendar():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    current_user.calendar_generation += 1
    db.session.commit()
    flash(_("Your calendar link was changed. Subscribe again with the new link; the old one no longer works."))
    return redirect(url_for("office.home"))


# The send states of a reminder as a reader says them (the table's column headers and the problem rows).
SEND_STATUS_LABELS = {"pending": _l("Waiting"), "sending": _l("Sending"), "sent": _l("Sent"),
                      "failed": _l("Failed"), "gone": _l("Device gone"), "skipped": _l("Skipped")}


@bp.get("/reminders")
@role_required("service")
def reminders():
    return render_template("office/reminders.html", status=reminders_status(db.session), form=ConfirmForm(),
                           labels=SEND_STATUS_LABELS)
