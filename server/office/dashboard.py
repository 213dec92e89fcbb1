"""The dashboard: what happened this week and what is coming, in charts with their numbers."""
from flask import render_template

from .access import bp, role_required


@bp.get("/dashboard")
@role_required("service")
def dashboard():
    return render_template("office/dashboard.html")
