"""/office/quality: the points of a hand-counted week on the page, ranking, the campaign form, the push."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select, update

from office_helpers import csrf_token, desk
from server.extensions import db
from server.models import Activity, OrgSetting, ReminderSend, WebPushSubscription
from server.office import quality
from server.sync.codec.meta import pack, unpack

pytestmark = pytest.mark.usefixtures("own_contexts")

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc)  # Wednesday of week 49, 10:00 in Helsinki
GOOD = "Kävimme läpi kevään tilauksen ja uudet koneet."  # 46 characters


def restamp(activity_id: str, **fields) -> None:
    """Pretend the named fields were last set at the given ISO instants (the merge stamps real time)."""
    row = db.session.get(Activity, activity_id)
    meta = unpack(row.field_meta, "activity")
    for field, at in fields.items():
        meta[field] = [*meta[field][:1], at, *meta[field][2:]]
    db.session.execute(update(Activity).where(Activity.id == activity_id).values(field_meta=pack(meta, "activity")))
    db.session.commit()


@pytest.fixture
def week(app, make_user, create_record, monkeypatch):
    """Bertta earns all 6 points in week 48 and Aino 2; in week 49 so far Bertta 2, Aino none."""
    monkeypatch.setattr(quality, "_now", lambda: NOW)
    aino, bertta = make_user(name="Aino Ahonen"), make_user(name="Bertta Berg")
    aino.locale = bertta.locale = "en"  # the push texts in English whether or not Finnish is merged
    db.session.commit()
    manager = make_user("manager", name="Maija Manager")
    acme = create_record("customer", name="Acme Oy")

    def visit(owner, starts_at, status_at, set_at="2026-11-20T08:00:00.000Z", **fields):
        fields = {"type": "visit", "status": "done", "title": "Acme Oy – Tampere – huolto", "notes": GOOD, **fields}
        record = create_record("activity", customer_id=acme, owner_id=owner.id, starts_at=starts_at, **fields)
        restamp(record, status=status_at, starts_at=set_at)
        return record

    # Bertta, week 48: two done visits closed in time, good titles and notes; weeks 49-51 planned on Friday.
    visit(bertta, "2026-11-24T07:00:00Z", "2026-11-24T10:00:00.000Z")
    visit(bertta, "2026-11-26T12:00:00Z", "2026-11-30T09:00:00.000Z", type="training", notes="Lyhyt.",
          next_step="Tarjous perjantaina", title="Acme Oy – Pori – koulutus")
    for day in ("2026-12-01", "2026-12-08", "2026-12-15"):
        visit(bertta, f"{day}T08:00:00Z", "2026-11-27T12:00:00.000Z", set_at="2026-11-27T12:00:00.000Z",
              status="planned", notes="")
    # Aino, week 48: closed after Monday noon, type "other", notes short: notes and title points only.
    visit(aino, "2026-11-25T08:00:00Z", "2026-11-30T11:30:00.000Z", type="other", notes="ok",
          title="Acme Oy – Turku – demo")
    return {"aino": aino, "bertta": bertta, "manager": manager, "acme": acme, "create": create_record}


def rows_of(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start:page.index("</table>", start)]


def test_hand_counted_points_alphabetical_without_ranking(app, week):
    client = desk(app, week["manager"])
    page = client.get("/office/quality").get_data(as_text=True)
    # Week 49 so far: Bertta's Dec 1 visit is still planned (title, type: 2), nothing for 52 planned.
    assert "The team has collected 2 points this week." in page
    assert "The team collected 8 points in week 2026-W48." in page
    detail = rows_of(page, "detail")
    assert detail.index("Aino Ahonen") < detail.index("Bertta Berg")  # alphabetical, no places
    assert "Place" not in page and "1." not in detail
    bertta = detail[detail.index(week["bertta"].id):]
    assert bertta.count('class="point yes"') == 6 and "<strong>6</strong>" in bertta
    aino = detail[detail.index(week["aino"].id):detail.index(week["bertta"].id)]
    assert [key for key in ("closed", "notes", "titles", "types", "ahead", "good_notes")
            if f'data-point="{key}"><span class="point yes"' in aino] == ["notes", "titles"]
    weeks = rows_of(page, "weeks")
    bertta_row = weeks[weeks.index(week["bertta"].id):].split("</tr>")[0]
    assert "6 <small class=\"trend up\"" in bertta_row and "▲ +6" in bertta_row
    assert "no visits" in weeks[weeks.index(week["aino"].id):].split("</tr>")[0]  # Aino, week 49
    team = rows_of(page, "team-weeks")
    assert "<td class=\"num\">8</td>" in team.split("2026-W48")[1].split("</tr>")[0]


def test_report_counts_are_what_the_page_shows(app, week):
    from zoneinfo import ZoneInfo
    report = quality.quality_report(db.session, NOW, ZoneInfo("Europe/Helsinki"), None)
    totals = {row["name"]: [cell["total"] for cell in row["cells"]] for row in report["rows"]}
    assert totals == {"Aino Ahonen": [0] * 7 + [2, 0], "Bertta Berg": [0] * 7 + [6, 2]}
    assert [w["total"] for w in report["weeks"]][-2:] == [8, 2]
    assert report["selected"] == date(2026, 11, 23)  # Monday's check looks at the last full week
    thursday = quality.quality_report(db.session, NOW, ZoneInfo("Europe/Helsinki"), None, date(2026, 12, 3))
    assert thursday["selected"] == date(2026, 11, 30) and thursday["rows"][1]["detail"]["total"] == 2


def test_campaign_goal_wording_and_ranking(app, week):
    client = desk(app, week["manager"])
    saved = client.post("/office/quality/campaign", data={
        "name": "Syyskampanja", "start": "2026-11-16", "end": "2027-01-24", "goal": "10", "ranking": "on",
        "message": "Hyvä tiimi!"})
    assert saved.status_code == 302
    page = client.get("/office/quality").get_data(as_text=True)
    assert "The team has collected 2 of 10 points this week – 8 to go." in page
    assert "The team collected 8 of 10 points in week 2026-W48 – 2 short of the goal." in page
    assert "Week 3 of 10." in page
    detail = rows_of(page, "detail")
    assert detail.index("Bertta Berg") < detail.index("Aino Ahonen")  # placed by points
    assert '<td class="num">1.</td><th scope="row">Bertta Berg' in detail
    assert '<td class="num">2.</td><th scope="row">Aino Ahonen' in detail


@pytest.mark.parametrize("field, value, message", [
    ("end", "2026-11-01", "End date: the end is before the start."),
    ("goal", "0", "Weekly goal: a whole number of points from 1 to 10000."),
    ("goal", "ten", "Weekly goal: a whole number of points from 1 to 10000."),
    ("message", "x" * 201, "Message: too long, 201 characters (at most 200)."),
    ("name", "", "Name: give the campaign a name."),
    ("start", "16.11.2026", "Start date: enter a date (YYYY-MM-DD)."),
])
def test_campaign_validation_names_the_field_and_keeps_the_input(app, week, field, value, message):
    client = desk(app, week["manager"])
    form = {"name": "Kevät", "start": "2026-11-16", "end": "2027-01-24", "goal": "12", "message": "Tsemppiä",
            field: value}
    response = client.post("/office/quality/campaign", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert f'id="{field}-error"' in page
    if field != "message":
        assert 'value="Kevät"' in page or field == "name"
    assert db.session.get(OrgSetting, "campaign") is None


def test_quotes_cannot_overflow_the_stored_setting(app, week):
    client = desk(app, week["manager"])
    response = client.post("/office/quality/campaign", data={
        "name": '"' * 60, "start": "2026-11-16", "end": "2027-01-24", "goal": "5", "message": '"' * 200})
    assert response.status_code == 422 and "Message: too long to store" in response.get_data(as_text=True)


def test_campaign_form_needs_csrf(app, week):
    client = desk(app, week["manager"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        form = {"name": "K", "start": "2026-11-16", "end": "2027-01-24", "goal": "5"}
        assert client.post("/office/quality/campaign", data=form).status_code == 400
        assert client.post("/office/quality/encourage").status_code == 400
        assert db.session.get(OrgSetting, "campaign") is None
        token = csrf_token(client, "/office/quality")
        assert token and client.post("/office/quality/campaign", data={**form, "csrf_token": token}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def subscribe(user, n: int) -> None:
    db.session.add(WebPushSubscription(user_id=user.id, endpoint=f"https://fcm.googleapis.com/fcm/send/{user.id}-{n}",
                                       p256dh="p" * 87, auth="a" * 22))
    db.session.commit()


def test_encouragement_is_queued_once_per_device_of_each_rep(app, week, make_user):
    subscribe(week["bertta"], 1)
    subscribe(week["bertta"], 2)
    subscribe(week["manager"], 1)  # managers are not sent the team's encouragement
    client = desk(app, week["manager"])
    assert "Not sent yet for week 2026-W49." in client.get("/office/quality").get_data(as_text=True)
    for _ in range(2):  # a double click
        assert client.post("/office/quality/encourage").status_code == 302
    rows = db.session.scalars(select(ReminderSend).order_by(ReminderSend.id)).all()
    assert [(r.key, r.kind) for r in rows] == [(f"encourage:2026-W49:{week['bertta'].id}", "cheer")] * 2
    payload = rows[0].payload
    assert payload["url"] == "/" and payload["title"] == "Weekly encouragement"
    assert payload["body"] == "Last week the team collected 8 points."
    page = client.get("/office/quality").get_data(as_text=True)
    assert "Sent for week 2026-W49 on" in page and "to 2 devices; 0 delivered so far." in page
    subscribe(week["aino"], 1)  # allowed notifications later: the next click reaches her only
    client.post("/office/quality/encourage")
    assert db.session.scalar(select(db.func.count()).select_from(ReminderSend)) == 3


def test_only_managers_see_the_page(app, week, make_user):
    for role in ("rep", "service"):
        client = desk(app, make_user(role))
        assert client.get("/office/quality").status_code == 403
        assert client.post("/office/quality/encourage").status_code == 403
        assert client.post("/office/quality/campaign", data={}).status_code == 403
    assert app.test_client().get("/office/quality").status_code == 302  # to the login


def test_the_page_runs_a_fixed_number_of_queries(app, week, count_queries, make_user):
    client = desk(app, week["manager"])
    with count_queries() as few:
        client.get("/office/quality")
    for n in range(5):
        rep = make_user(name=f"Rep {n}")
        week["create"]("activity", customer_id=week["acme"], owner_id=rep.id, type="visit", status="done",
                       title="Acme Oy – Oulu – huolto", starts_at="2026-11-24T08:00:00Z")
    with count_queries() as more:
        client.get("/office/quality")
    assert more[0] == few[0]


def test_goal_wording_when_reached_and_in_the_singular(app):
    week = {"total": 12, "goal": 10, "label": "2026-W48"}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert quality.headline(week, True) == \
            "The team has collected 12 of 10 points this week – goal reached, well done!"
        assert quality.headline(week, False) == \
            "The team collected 12 of 10 points in week 2026-W48 – goal reached, well done!"
        assert quality.headline({**week, "total": 1, "goal": None}, True) == "The team has collected 1 point this week."


def test_a_new_installation_without_reps_or_campaign(app, make_user, monkeypatch):
    monkeypatch.setattr(quality, "_now", lambda: NOW)
    client = desk(app, make_user("manager"))
    page = client.get("/office/quality?week=not-a-date").get_data(as_text=True)
    assert "No active reps." in page and "No campaign is set" in page
    assert "The team has collected 0 points this week." in page
    assert client.post("/office/quality/encourage").status_code == 302
    assert "Nothing new was queued" in client.get("/office/quality").get_data(as_text=True)
