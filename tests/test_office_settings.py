"""/office/settings: service levels per segment (the API's own rules), the organisation's name, roles, CSRF."""
import pytest
from sqlalchemy import select

from office_helpers import csrf_token, desk
from server.extensions import db
from server.models import OrgSetting, ServiceLevel

pytestmark = pytest.mark.usefixtures("own_contexts")

DEFAULTS = {"A-visit_interval_days": "30", "A-followup_delay_days": "3", "B-visit_interval_days": "90",
            "B-followup_delay_days": "3", "C-visit_interval_days": "180", "C-followup_delay_days": "3",
            "D-visit_interval_days": "365", "D-followup_delay_days": "3"}


def levels() -> dict:
    return {row.segment: (row.visit_interval_days, row.followup_delay_days)
            for row in db.session.scalars(select(ServiceLevel))}


def test_the_page_shows_the_defaults_and_saves_all_segments(app, users):
    client = desk(app, users.manager)
    page = client.get("/office/settings").get_data(as_text=True)
    assert 'name="B-visit_interval_days"' in page and 'value="90"' in page
    assert 'name="org_name"' not in page and "Only an admin can change" in page  # a manager sees the name
    response = client.post("/office/settings", data={**DEFAULTS, "A-visit_interval_days": "21",
                                                    "D-followup_delay_days": "0", "org_name": "Ignored Oy"})
    assert response.status_code == 302
    assert levels() == {"A": (21, 3), "B": (90, 3), "C": (180, 3), "D": (365, 0)}
    assert db.session.get(OrgSetting, "org_name") is None
    # the phones read the same rows through the API
    api = client.get("/api/service-levels", headers=users.rep_h).json["items"]
    assert [(i["segment"], i["visit_interval_days"]) for i in api][:1] == [("A", 21)]


def test_an_admin_names_the_organisation(app, users):
    client = desk(app, users.admin)
    assert client.post("/office/settings", data={**DEFAULTS, "org_name": "  Kenttä Oy "}).status_code == 302
    assert db.session.get(OrgSetting, "org_name").value == "Kenttä Oy"
    assert 'value="Kenttä Oy"' in client.get("/office/settings").get_data(as_text=True)
    response = client.post("/office/settings", data={**DEFAULTS, "org_name": ""})
    assert response.status_code == 422 and "Organisation name: enter the name." in response.get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("B-visit_interval_days", "0", "Segment B, Visit interval (days): a whole number from 1 to 3650."),
    ("C-visit_interval_days", "3651", "Segment C, Visit interval (days): a whole number from 1 to 3650."),
    ("A-followup_delay_days", "-1", "Segment A, Follow-up delay (days): a whole number from 0 to 365."),
    ("D-followup_delay_days", "two", "Segment D, Follow-up delay (days): a whole number from 0 to 365."),
    ("D-visit_interval_days", "", "Segment D, Visit interval (days): a whole number from 1 to 3650."),
    ("A-visit_interval_days", "2.5", "Segment A, Visit interval (days): a whole number from 1 to 3650."),
])
def test_bad_values_name_segment_and_field_and_nothing_is_saved(app, users, field, value, message):
    client, before = desk(app, users.manager), levels()
    response = client.post("/office/settings", data={**DEFAULTS, "A-visit_interval_days": "14", field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and f'id="{field}-error"' in page
    assert f'name="{field}"' in page and f'value="{value}"' in page  # what was typed stays
    if field != "A-visit_interval_days":
        assert 'value="14"' in page
    assert levels() == before and before["A"] == (30, 3)


def test_settings_need_csrf(app, users):
    client, changed = desk(app, users.manager), {**DEFAULTS, "A-visit_interval_days": "45"}
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/office/settings", data=changed).status_code == 400
        assert levels()["A"] == (30, 3)
        token = csrf_token(client, "/office/settings")
        assert client.post("/office/settings", data={**changed, "csrf_token": token}).status_code == 302
        assert levels()["A"] == (45, 3)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_below_manager_gets_403(app, users):
    for user in (users.rep, users.service):
        client = desk(app, user)
        assert client.get("/office/settings").status_code == 403
        assert client.post("/office/settings", data={**DEFAULTS, "A-visit_interval_days": "7"}).status_code == 403
    assert levels()["A"] == (30, 3)
