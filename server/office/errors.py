"""The office's error pages: in its own frame and the reader's language, never Werkzeug's English."""
from flask import render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from .access import bp


@bp.errorhandler(400)
@bp.errorhandler(403)
@bp.errorhandler(404)
def office_error(err):
    # A view's own description (naming a bad parameter) is kept; Werkzeug's stock text is not.
    generic = {400: gettext("The request could not be understood; check the address or the form."),
               403: gettext("You do not have access to this page. Ask a manager if you need it."),
               404: gettext("There is nothing here: the record may have been deleted.")}
    if isinstance(err, CSRFError):  # a form left open overnight: say so in words
        return render_template("office/error.html", message=gettext("The form expired; please try again."),
                               code=400), 400
    own = err.description if err.description != type(err).description else None
    return render_template("office/error.html", message=own or generic[err.code], code=err.code), err.code
