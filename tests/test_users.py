"""server/users.py: deactivation cuts everything at once, role changes hold at once, passwords, devices, rules, audit."""
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from conftest import PASSWORD
from server import users as ops
from server.extensions import db
from server.models import ApiToken, AuditEntry, ReminderSend, User, WebPushSubscription, utcnow


def subscribe(user, n=1) -> list[int]:
    subs = [WebPushSubscription(user_id=user.id, endpoint=f"https://push.example/{user.id}/{i}", p256dh="k", auth="a")
            for i in range(n)]
    db.session.add_all(subs)
    db.session.commit()
    return [s.id for s in subs]


def queue(user, sub_id, status="pending") -> int:
    row = ReminderSend(key=f"nudge:{user.id}:2026-W49:{sub_id}:{status}", kind="nudge", subscription_id=sub_id,
                       user_id=user.id, endpoint_host="push.example", payload={}, topic="t", urgency="normal",
                       ttl=60, status=status)
    db.session.add(row)
    db.session.commit()
    return row.id


def token_headers(client, user, device, password=PASSWORD):
    r = client.post("/api/auth/token", json={"email": user.email, "password": password, "device_name": device})
    assert r.status_code == 201, r.json
    return {"Authorization": f"Bearer {r.json['token']}"}


def calendar_path(client, headers) -> str:
    return urlsplit(client.get("/api/me", headers=headers).json["calendar_url"]).path


def audit(action) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_deactivation_revokes_tokens_calendar_push_and_sessions_at_once(app, client, users):
    phone = token_headers(client, users.rep, "Pixel")
    feed = calendar_path(client, phone)
    assert client.get(feed).status_code == 200
    sub_ids = subscribe(users.rep, 2)
    waiting, sent = queue(users.rep, sub_ids[0]), queue(users.rep, sub_ids[0], "sent")
    other_sub = subscribe(users.rep2)[0]
    generation = users.rep.session_generation

    assert ops.deactivate(users.admin, users.rep) is True
    db.session.expire_all()
    assert client.get("/api/me", headers=phone).status_code == 401
    assert client.get("/api/me", headers=users.rep_h).status_code == 401
    assert client.get(feed).status_code == 404
    assert db.session.scalars(select(WebPushSubscription.id)).all() == [other_sub]  # rep2's stays
    assert db.session.get(ReminderSend, waiting).status == "skipped"
    kept = db.session.get(ReminderSend, sent)
    assert (kept.status, kept.subscription_id) == ("sent", None)  # the history stays
    rep = db.session.get(User, users.rep.id)
    assert rep.active is False and rep.session_generation == generation + 1
    assert all(t.revoked_at is not None for t in db.session.scalars(select(ApiToken).where(ApiToken.user_id == rep.id)))
    assert client.post("/api/auth/token", json={"email": rep.email, "password": PASSWORD}).status_code == 401
    entry, = audit("user.deactivate")
    assert (entry.actor_id, entry.target_id) == (users.admin.id, rep.id)
    assert entry.details == {"tokens": 2, "subscriptions": 2}
    assert client.get("/api/me", headers=users.rep2_h).status_code == 200  # nobody else is touched
    assert ops.deactivate(users.admin, rep) is False  # once is enough


def test_reactivation_lets_the_user_log_in_again_but_old_links_stay_dead(client, users):
    feed = calendar_path(client, users.rep_h)
    ops.deactivate(users.admin, users.rep)
    assert ops.reactivate(users.admin, users.rep) is True and ops.reactivate(users.admin, users.rep) is False
    assert client.get("/api/me", headers=users.rep_h).status_code == 401
    fresh = token_headers(client, users.rep, "Pixel")
    assert client.get(feed).status_code == 404
    new_feed = calendar_path(client, fresh)
    assert new_feed != feed and client.get(new_feed).status_code == 200
    assert [e.summary for e in audit("user.reactivate")] == [f"Reactivated {users.rep.email}."]


def test_a_role_change_holds_from_the_users_next_call(client, users):
    mine = client.post("/api/customers", json={"name": "Y"}, headers=users.rep_h).json["id"]
    assert client.delete(f"/api/customers/{mine}", headers=users.rep_h).status_code == 403  # a rep archives
    assert ops.set_role(users.admin, users.rep, "manager") is True
    assert client.get("/api/me", headers=users.rep_h).json["role"] == "manager"
    cid = client.post("/api/customers", json={"name": "Z"}, headers=users.rep_h).json["id"]
    assert client.delete(f"/api/customers/{cid}", headers=users.rep_h).status_code == 204
    assert ops.set_role(users.admin, users.rep, "manager") is False  # no change, no entry
    entry, = audit("user.role")
    assert entry.details == {"from": "rep", "to": "manager"} and entry.summary.endswith("role rep → manager.")


def test_a_password_reset_swaps_the_password_and_logs_every_device_out(client, users):
    phone = token_headers(client, users.rep, "Pixel")
    assert ops.reset_password(users.admin, users.rep, "uusi-salasana-9") is None
    assert client.post("/api/auth/token", json={"email": users.rep.email, "password": PASSWORD}).status_code == 401
    token_headers(client, users.rep, "Pixel", password="uusi-salasana-9")
    assert client.get("/api/me", headers=phone).status_code == 401
    generated = ops.reset_password(users.admin, users.rep)
    assert len(generated) == 16 and not set(generated) & set("0O1lI")
    token_headers(client, users.rep, "Pixel", password=generated)
    entries = audit("user.password")
    assert [e.details["generated"] for e in entries] == [False, True] and entries[0].details["tokens"] == 2
    logged = " ".join(f"{e.summary} {e.details}" for e in db.session.scalars(select(AuditEntry)))
    assert "uusi-salasana-9" not in logged and generated not in logged


@pytest.mark.parametrize("password, message", [("", "Password: at least 8 characters."),
                                               ("1234567", "Password: at least 8 characters."),
                                               ("x" * 201, "Password: at most 200 characters.")])
def test_a_bad_password_is_refused_and_nothing_changes(users, password, message):
    before = users.rep.password_hash
    with pytest.raises(ops.UserError) as refused:
        ops.check_password(password) if not password else ops.reset_password(users.admin, users.rep, password)
    assert (refused.value.field, refused.value.message) == ("password", message)
    db.session.rollback()
    assert db.session.get(User, users.rep.id).password_hash == before and not audit("user.password")


def test_revoking_one_device_leaves_the_others(client, users):
    pixel, ipad = token_headers(client, users.rep, "Pixel"), token_headers(client, users.rep, "iPad")
    found = {t.device_name: t for t in ops.devices(users.rep)}
    assert set(found) == {"Pixel", "iPad", None}  # None: the fixture's login
    assert ops.revoke_token(users.admin, users.rep2, found["Pixel"].id) is None  # not rep2's token
    assert ops.revoke_token(users.admin, users.rep, found["Pixel"].id).device_name == "Pixel"
    assert ops.revoke_token(users.admin, users.rep, found["Pixel"].id) is None  # already revoked
    assert client.get("/api/me", headers=pixel).status_code == 401
    assert client.get("/api/me", headers=ipad).status_code == 200
    assert [ops.token_state(t) for t in ops.devices(users.rep)] == ["active", "active", "revoked"]
    entry, = audit("token.revoke")
    assert entry.details == {"token_id": found["Pixel"].id, "device_name": "Pixel"}


def test_the_last_active_admin_stays_and_nobody_removes_themselves(users, make_user):
    with pytest.raises(ops.UserError, match="last active admin"):
        ops.deactivate(None, users.admin)
    with pytest.raises(ops.UserError, match="last active admin"):
        ops.set_role(None, users.admin, "manager")
    with pytest.raises(ops.UserError, match="cannot deactivate yourself"):
        ops.deactivate(users.admin, users.admin)
    second = make_user("admin")
    with pytest.raises(ops.UserError, match="your own role"):
        ops.set_role(users.admin, users.admin, "manager")
    assert ops.set_role(second, users.admin, "manager") is True  # another admin remains
    with pytest.raises(ops.UserError, match="last active admin"):
        ops.deactivate(None, second)
    ops.set_role(None, users.manager, "admin")
    assert ops.deactivate(users.manager, second) is True
    assert [u.email for u in db.session.scalars(select(User).where(User.role == "admin", User.active))] \
        == [users.manager.email]


def test_create_checks_each_field_and_the_e_mail_in_any_case(users):
    user, generated = ops.create(users.admin, " Liisa.Myyja@Example.com ", " Liisa Myyjä ", "service", "salasana-1")
    assert (user.email, user.name, user.role, generated) == ("liisa.myyja@example.com", "Liisa Myyjä", "service", None)
    cases = [("LIISA.MYYJA@example.com", "L", "rep", "E-mail: liisa.myyja@example.com already has a user."),
             ("no-at-sign", "L", "rep", "E-mail: enter an address such as name@example.com."),
             ("a@b.fi", "  ", "rep", "Name: enter the user's name."),
             ("a@b.fi", "L", "boss", "Role: boss is not a role; choose one of rep, service, manager, admin.")]
    for email, name, role, message in cases:
        with pytest.raises(ops.UserError) as refused:
            ops.create(users.admin, email, name, role, "salasana-1")
        field = message.split(":")[0].lower().replace("e-mail", "email")
        assert (refused.value.field, refused.value.message) == (field, message)
    entry, = audit("user.create")
    assert entry.details == {"email": "liisa.myyja@example.com", "role": "service", "generated_password": False}
    assert "salasana-1" not in entry.summary


def test_the_listing_counts_working_devices_and_subscriptions_in_one_query(app, client, users, count_queries):
    token_headers(client, users.rep, "Pixel")
    old = token_headers(client, users.rep, "Old phone")
    db.session.execute(ApiToken.__table__.update().where(ApiToken.device_name == "Old phone")
                       .values(last_used_at=utcnow() - timedelta(days=91)))
    db.session.commit()
    client.delete("/api/auth/token", headers=users.rep2_h)
    subscribe(users.rep, 3)
    with count_queries() as n:
        rows = {r["email"]: r for r in ops.listing()}
    assert n[0] == 1
    assert client.get("/api/me", headers=old).status_code == 401  # expired, so not a device
    assert (rows["rep@example.com"]["devices"], rows["rep@example.com"]["subscriptions"]) == (2, 3)
    assert (rows["rep2@example.com"]["devices"], rows["rep2@example.com"]["subscriptions"]) == (0, 0)
    assert rows["rep@example.com"]["last_used"] is not None and len(rows) == 5
