"""Service levels: everyone reads them (the PWA's traffic light), managers change them."""
from api_helpers import assert_error


def test_service_levels_read_and_set(client, users):
    levels = client.get("/api/service-levels", headers=users.rep_h).json["items"]
    assert {l["segment"]: l["visit_interval_days"] for l in levels} == {"A": 30, "B": 90, "C": 180, "D": 365}
    assert_error(client.put("/api/service-levels/A", headers=users.rep_h,
                            json={"visit_interval_days": 14, "followup_delay_days": 2}), 403)
    r = client.put("/api/service-levels/A", headers=users.manager_h, json={"visit_interval_days": 14, "followup_delay_days": 2})
    assert r.status_code == 200
    assert {l["segment"]: (l["visit_interval_days"], l["followup_delay_days"]) for l in r.json["items"]}["A"] == (14, 2)


def test_service_level_bad_input_names_the_field(client, users):
    r = client.put("/api/service-levels/B", headers=users.manager_h, json={"visit_interval_days": 0, "followup_delay_days": "x"})
    err = assert_error(r, 422)
    assert set(err["fields"]) == {"visit_interval_days", "followup_delay_days"}
    assert_error(client.put("/api/service-levels/E", headers=users.manager_h,
                            json={"visit_interval_days": 10, "followup_delay_days": 1}), 404)
    assert client.get("/api/service-levels", headers=users.rep_h).json["items"][1]["visit_interval_days"] == 90
