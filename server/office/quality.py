"""Weekly visit quality: points per rep and week, the team's campaign goal, the encouragement.

The points are computed by points.py from the activities as they are now plus their field stamps
(when the status and the start time were last set), never entered by hand. Reps are listed in
alphabetical order without places unless the manager turned ranking on for the campaign.
"""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..config import org_timezone_name
from ..extensions import db
from ..models import Activity, Customer, User
from ..reminders.due import naive_utc
from ..sync.codec.meta import unpack
from . import campaign as campaigns
from . import charts, points
from .access import bp, role_required

WEEKS_BACK = 8
# (short column heading, the rule in a sentence) per point, in points.POINTS order.
RULES = {
    "closed": (_l("Closed"), _l("Every visit of the week is done or cancelled by 12:00 on the Monday after.")),
    "notes": (_l("Notes"), _l("Every done visit has notes.")),
    "titles": (_l("Titles"), _l("Every title names the customer plus at least two more words: site and purpose.")),
    "types": (_l("Types"), _l("Every visit has a type other than “other”.")),
    "ahead": (_l("Planned ahead"), _l("At the end of the week, each of the next three weeks has a visit planned.")),
    "good_notes": (_l("Good notes"), _l("Bonus: every done visit has notes of at least 40 characters, "
                                        "or an outcome or next step.")),
}


def _now() -> datetime:
    """The current instant (tests replace this to see a fixed week)."""
    return datetime.now(timezone.utc)


def _stamp_time(meta: dict, field: str) -> datetime | None:
    stamp = meta.get(field)
    if not stamp or not isinstance(stamp[1], str):
        return None
    return datetime.fromisoformat(stamp[1].replace("Z", "+00:00"))


def load_visits(session, rep_ids: list, start: datetime, end: datetime) -> dict:
    """{rep id: [visit dict for points.py]} of the reps' activities starting in [start, end)."""
    query = (select(Activity.owner_id, Activity.type, Activity.status, Activity.title, Activity.starts_at,
                    Activity.notes, Activity.outcome, Activity.next_step, Activity.field_meta, Customer.name)
             .join(Customer, Customer.id == Activity.customer_id)
             .where(Activity.deleted.is_(False), Activity.owner_id.in_(rep_ids),
                    Activity.starts_at >= naive_utc(start), Activity.starts_at < naive_utc(end)))
    out = {rep_id: [] for rep_id in rep_ids}
    for row in session.execute(query):
        meta = unpack(row.field_meta, "activity")
        out[row.owner_id].append({
            "customer": row.name, "type": row.type, "status": row.status, "title": row.title,
            "starts_at": row.starts_at.replace(tzinfo=timezone.utc), "notes": row.notes, "outcome": row.outcome,
            "next_step": row.next_step, "status_at": _stamp_time(meta, "status"),
            "starts_at_set": _stamp_time(meta, "starts_at")})
    return out


def quality_report(session, now: datetime, tz: ZoneInfo, campaign: dict | None, selected: date | None = None) -> dict:
    """Every rep's points for the last eight weeks and this one, the team totals and goals."""
    today = now.astimezone(tz).date()
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=k) for k in range(WEEKS_BACK, -1, -1)]
    reps = session.execute(select(User.id, User.name).where(User.role == "rep", User.active.is_(True))
                           .order_by(User.name, User.id)).all()
    start = points.week_frame(mondays[0], tz)["start"]
    end = points.week_frame(this_monday + timedelta(weeks=points.AHEAD_WEEKS), tz)["end"]
    visits = load_visits(session, [rep.id for rep in reps], start, end)
    if selected is not None:
        selected -= timedelta(days=selected.weekday())  # any day names its week
    selected = selected if selected in mondays else mondays[-2]  # the last full week: Monday's check
    rows = []
    for rep in reps:
        weeks = points.rep_weeks(visits[rep.id], mondays, tz, now)
        cells = [{**weeks[m], "trend": points.trend(weeks[m]["total"], weeks[mondays[i - 1]]["total"]) if i else None}
                 for i, m in enumerate(mondays)]
        rows.append({"id": rep.id, "name": rep.name, "cells": cells, "detail": weeks[selected], "place": None})
    ranking = bool(campaign and campaign["ranking"])
    if ranking:
        rows.sort(key=lambda row: -row["detail"]["total"])
        for row, place in zip(rows, points.places([row["detail"]["total"] for row in rows])):
            row["place"] = place
    totals = [sum(row["cells"][i]["total"] for row in rows) for i in range(len(mondays))]
    weeks = [{"monday": m, "sunday": m + timedelta(days=6), "label": campaigns.week_label(m), "total": totals[i],
              "goal": campaigns.goal_of(campaign, m), "running": m == this_monday,
              "final_at": points.week_frame(m, tz)["deadline"]} for i, m in enumerate(mondays)]
    return {"weeks": weeks, "rows": rows, "ranking": ranking, "selected": selected,
            "selected_week": next(w for w in weeks if w["monday"] == selected), "now": now,
            "this_week": weeks[-1], "last_week": weeks[-2], "max_points": len(rows) * len(points.POINTS)}


def headline(week: dict, running: bool) -> str:
    """The encouragement line: points against the goal, never a ranking."""
    got, goal, label = week["total"], week["goal"], week["label"]
    if goal is None:  # the plural follows the points
        return (ngettext("The team has collected %(num)d point this week.",
                         "The team has collected %(num)d points this week.", got) if running else
                ngettext("The team collected %(num)d point in week %(week)s.",
                         "The team collected %(num)d points in week %(week)s.", got, week=label))
    if got >= goal:  # with a goal the plural follows the goal: "3 of 1 point" never reads, "2 of 10 points" does
        return (ngettext("The team has collected %(points)d of %(num)d point this week – goal reached, well done!",
                         "The team has collected %(points)d of %(num)d points this week – goal reached, well done!",
                         goal, points=got) if running else
                ngettext("The team collected %(points)d of %(num)d point in week %(week)s – goal reached, well done!",
                         "The team collected %(points)d of %(num)d points in week %(week)s – goal reached, well done!",
                         goal, points=got, week=label))
    return (ngettext("The team has collected %(points)d of %(num)d point this week – %(left)d to go.",
                     "The team has collected %(points)d of %(num)d points this week – %(left)d to go.",
                     goal, points=got, left=goal - got) if running else
            ngettext("The team collected %(points)d of %(num)d point in week %(week)s – %(left)d short of the goal.",
                     "The team collected %(points)d of %(num)d points in week %(week)s – %(left)d short of the goal.",
                     goal, points=got, left=goal - got, week=label))


def campaign_progress(campaign: dict | None, report: dict) -> dict | None:
    """Which week of the campaign this is, and in how many shown full weeks the team reached the goal."""
    if not campaign:
        return None
    first = campaign["start"] - timedelta(days=campaign["start"].weekday())
    this_monday = report["this_week"]["monday"]
    full = [w for w in report["weeks"] if w["goal"] is not None and not w["running"]]
    return {"week": (this_monday - first).days // 7 + 1, "weeks": (campaign["end"] - first).days // 7 + 1,
            "active": campaign["start"] <= this_monday + timedelta(days=6) and this_monday <= campaign["end"],
            "reached": sum(w["total"] >= w["goal"] for w in full), "full_weeks": len(full)}


def _form_values(campaign: dict | None, this_monday: date) -> dict:
    if campaign:
        return {**campaign, "start": campaign["start"].isoformat(), "end": campaign["end"].isoformat(),
                "goal": str(campaign["goal"])}
    return {"name": "", "start": this_monday.isoformat(), "end": (this_monday + timedelta(weeks=10, days=-1)).isoformat(),
            "goal": "", "ranking": False, "message": ""}


def _selected_week() -> date | None:
    try:
        return date.fromisoformat(request.args.get("week", ""))
    except ValueError:
        return None


def _page(form: dict | None = None, errors: dict | None = None, status: int = 200):
    tz = ZoneInfo(org_timezone_name())
    campaign = campaigns.load(db.session)
    report = quality_report(db.session, _now(), tz, campaign, _selected_week())
    labels = [w["label"][5:] for w in report["weeks"]]
    series = {_("Team points"): [w["total"] for w in report["weeks"]]}
    if any(w["goal"] is not None for w in report["weeks"]):
        series[_("Goal")] = [w["goal"] for w in report["weeks"]]
    this_week = campaigns.week_label(report["this_week"]["monday"])
    return render_template(
        "office/quality.html", report=report, campaign=campaign, progress=campaign_progress(campaign, report),
        headline=headline(report["this_week"], True), last_headline=headline(report["last_week"], False),
        chart=charts.line(labels, series, title=_("Team points per week")), rules=RULES,
        form=form or _form_values(campaign, report["this_week"]["monday"]), errors=errors or {},
        cheer_week=this_week, cheers=campaigns.cheers_sent(db.session, this_week),
        preview=campaigns.cheer_payload(campaign, _cheer_result(report), str(get_locale()), this_week)), status


def _cheer_result(report: dict) -> dict:
    return {"points": report["last_week"]["total"], "goal": report["last_week"]["goal"]}


@bp.get("/quality")
@role_required("manager")
def quality():
    return _page()


@bp.post("/quality/campaign")
@role_required("manager")
def save_campaign():
    campaign, errors = campaigns.parse(request.form)
    if errors:
        form = {key: request.form.get(key, "") for key in ("name", "start", "end", "goal", "message")}
        return _page({**form, "ranking": campaign["ranking"]}, errors, 422)
    campaigns.save(db.session, campaign)
    db.session.commit()
    flash(_("The campaign was saved."))
    return redirect(url_for("office.quality"))


@bp.post("/quality/encourage")
@role_required("manager")
def encourage():
    tz, now = ZoneInfo(org_timezone_name()), _now()
    campaign = campaigns.load(db.session)
    report = quality_report(db.session, now, tz, campaign)
    week = campaigns.week_label(report["this_week"]["monday"])
    added = campaigns.queue_cheers(db.session, current_app.config, campaign, _cheer_result(report), week, now)
    db.session.commit()
    if added:
        flash(ngettext("The encouragement was queued for %(num)d device; the reminder run delivers it.",
                       "The encouragement was queued for %(num)d devices; the reminder run delivers it.", added))
    else:
        flash(_("Nothing new was queued: this week's encouragement is already on its way, "
                "or no rep has allowed notifications."))
    return redirect(url_for("office.quality"))
