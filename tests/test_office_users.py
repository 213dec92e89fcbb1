"""/office/users: admins only; create, role, password, deactivate at once, devices; CSRF; audit; one query list."""
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from conftest import PASSWORD
from office_helpers import csrf_token, desk
from server.extensions import db
from server.models import ApiToken, AuditEntry, User, WebPushSubscription

pytestmark = pytest.mark.usefixtures("own_contexts")


def shown_password(page: str) -> str:
    return re.search(r'<code class="password">([^<]+)</code>', page).group(1)


def api_login(client, email, password=PASSWORD, device=None):
    return client.post("/api/auth/token", json={"email": email, "password": password, "device_name": device})


def fresh(user) -> User:
    """The user as stored now (requests write through their own sessions; this one would answer from memory)."""
    db.session.expire_all()
    return db.session.get(User, user.id)


def page_of(user) -> str:
    return f"/office/users/{user.id}"


def test_only_admins_open_any_of_it(app, client, users):
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == users.rep.id))
    gets = ["/office/users", page_of(users.rep), page_of(users.rep) + "/deactivate"]
    posts = ["/office/users", page_of(users.rep) + "/role", page_of(users.rep) + "/password",
             page_of(users.rep) + "/deactivate", page_of(users.rep) + "/reactivate",
             f"{page_of(users.rep)}/tokens/{token_id}/revoke"]
    for who in (users.rep, users.service, users.manager):
        office = desk(app, who)
        for path in gets:
            assert office.get(path).status_code == 403, (who.role, path)
        for path in posts:
            assert office.post(path, data={"role": "admin", "email": "x@example.com", "name": "X"}).status_code == 403
    assert client.get("/office/users").status_code == 302  # logged out: to the login page
    assert fresh(users.rep).role == "rep" and db.session.scalar(
        select(ApiToken.revoked_at).where(ApiToken.id == token_id)) is None
    assert 'href="/office/users"' in desk(app, users.admin).get("/office/users").get_data(as_text=True)  # in the menu
    assert 'href="/office/users"' not in desk(app, users.manager).get("/office/").get_data(as_text=True)


def test_the_list_shows_each_user_in_the_same_queries_for_5_and_25_users(app, users, make_user, count_queries):
    admin = desk(app, users.admin)
    api_login(app.test_client(), users.rep.email, device="Pixel")
    with count_queries() as few:
        page = admin.get("/office/users").get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>\s*<td><a href=\"/office/users/[^\"]+\">([^<]+)</a></td>\s*<td>([^<]+)</td>"
                      r"\s*<td>([^<]+)</td>.*?<td class=\"num\">(\d+)</td>", page, re.S)
    assert ("Rep", "rep@example.com", "Sales rep", "2") in rows and len(rows) == 5
    for _i in range(20):
        make_user("rep")
    with count_queries() as many:
        admin.get("/office/users")
    assert many[0] == few[0]


def test_create_with_a_typed_password_then_one_generated_and_shown_once(app, client, users):
    admin = desk(app, users.admin)
    typed = admin.post("/office/users", data={"name": "Liisa Myyjä", "email": "Liisa@Example.com", "role": "service",
                                              "password": "salasana-1"})
    liisa = db.session.scalar(select(User).where(User.email == "liisa@example.com"))
    assert typed.status_code == 302 and typed.headers["Location"] == page_of(liisa) and liisa.role == "service"
    assert api_login(client, "liisa@example.com", "salasana-1").status_code == 201
    made = admin.post("/office/users", data={"name": "Pekka", "email": "pekka@example.com", "role": "rep"})
    password = shown_password(made.get_data(as_text=True))
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    assert "It is shown only this once" in made.get_data(as_text=True)
    assert api_login(client, "pekka@example.com", password).status_code == 201
    assert password not in admin.get(made.request.path).get_data(as_text=True)  # never again
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.create")).all()
    assert [e.actor_id for e in entries] == [users.admin.id] * 2 and password not in str([e.details for e in entries])


@pytest.mark.parametrize("field, value, message", [
    ("email", "REP@example.com", "E-mail: rep@example.com already has a user."),
    ("email", "not an address", "E-mail: enter an address such as name@example.com."),
    ("name", "", "Name: enter the user&#39;s name."),
    ("role", "boss", "Role: boss is not a role; choose one of rep, service, manager, admin."),
    ("password", "lyhyt", "Password: at least 8 characters."),
])
def test_a_bad_new_user_names_the_field_and_keeps_what_was_typed(app, users, field, value, message):
    admin = desk(app, users.admin)
    data = {"name": "Liisa Myyjä", "email": "liisa@example.com", "role": "manager", "password": "salasana-1", field: value}
    response = admin.post("/office/users", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and f'id="{field}-error"' in page
    if field != "name":
        assert 'value="Liisa Myyjä"' in page
    if field not in ("email", "role"):
        assert 'value="liisa@example.com"' in page and '<option value="manager" selected>' in page
    assert db.session.scalar(select(User).where(User.email == "liisa@example.com")) is None


def test_a_role_change_holds_on_the_users_next_api_call(app, client, users):
    admin = desk(app, users.admin)
    assert client.get("/api/me", headers=users.rep_h).json["role"] == "rep"
    assert admin.post(page_of(users.rep) + "/role", data={"role": "manager"}).status_code == 302
    assert client.get("/api/me", headers=users.rep_h).json["role"] == "manager"
    refused = admin.post(page_of(users.rep) + "/role", data={"role": "boss"})
    assert refused.status_code == 422 and "Role: boss is not a role" in refused.get_data(as_text=True)
    mine = admin.post(page_of(users.admin) + "/role", data={"role": "rep"})
    assert mine.status_code == 422 and "you cannot change your own role" in mine.get_data(as_text=True)
    assert fresh(users.admin).role == "admin"


def test_a_password_reset_ends_sessions_and_tokens_and_the_new_one_works(app, client, users):
    admin, reps_desk = desk(app, users.admin), desk(app, users.rep)
    assert reps_desk.get("/office/").status_code == 200
    assert admin.post(page_of(users.rep) + "/password", data={"password": "uusi-salasana"}).status_code == 302
    assert reps_desk.get("/office/").status_code == 302
    assert client.get("/api/me", headers=users.rep_h).status_code == 401
    assert api_login(client, users.rep.email).status_code == 401
    assert api_login(client, users.rep.email, "uusi-salasana").status_code == 201
    generated = admin.post(page_of(users.rep) + "/password", data={"password": ""})
    assert api_login(client, users.rep.email, shown_password(generated.get_data(as_text=True))).status_code == 201
    short = admin.post(page_of(users.rep) + "/password", data={"password": "lyhyt"})
    assert short.status_code == 422 and "Password: at least 8 characters." in short.get_data(as_text=True)


def test_deactivation_asks_first_then_cuts_token_calendar_push_and_session_at_once(app, client, users):
    feed = urlsplit(client.get("/api/me", headers=users.rep_h).json["calendar_url"]).path
    db.session.add(WebPushSubscription(user_id=users.rep.id, endpoint="https://push.example/1", p256dh="k", auth="a"))
    db.session.commit()
    admin, reps_desk = desk(app, users.admin), desk(app, users.rep)
    question = admin.get(page_of(users.rep) + "/deactivate").get_data(as_text=True)
    assert 'data-testid="confirm-deactivate"' in question and fresh(users.rep).active
    assert admin.post(page_of(users.rep) + "/deactivate").status_code == 302
    assert client.get("/api/me", headers=users.rep_h).status_code == 401
    assert client.get(feed).status_code == 404
    assert db.session.scalars(select(WebPushSubscription)).all() == []
    assert reps_desk.get("/office/").status_code == 302
    page = admin.get(page_of(users.rep)).get_data(as_text=True)
    assert "deactivated" in page and "Reactivate" in page
    assert admin.post(page_of(users.rep) + "/reactivate").status_code == 302
    assert api_login(client, users.rep.email).status_code == 201 and client.get(feed).status_code == 404
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.deactivate", "user.reactivate"]


def test_an_admin_cannot_deactivate_themselves_nor_the_last_admin(app, users, make_user):
    admin = desk(app, users.admin)
    assert "Deactivate…" not in admin.get(page_of(users.admin)).get_data(as_text=True)
    refused = admin.post(page_of(users.admin) + "/deactivate")
    assert refused.status_code == 422 and "You cannot deactivate yourself" in refused.get_data(as_text=True)
    other = make_user("admin")
    desk(app, other).post(page_of(users.admin) + "/deactivate")
    last = desk(app, other).post(page_of(other) + "/deactivate")
    assert last.status_code == 422 and fresh(other).active


def test_revoking_one_device_leaves_the_others_working(app, client, users):
    pixel = api_login(client, users.rep.email, device="Pixel 8").json["token"]
    ipad = api_login(client, users.rep.email, device="iPad").json["token"]
    admin = desk(app, users.admin)
    page = admin.get(page_of(users.rep)).get_data(as_text=True)
    assert "Pixel 8" in page and "iPad" in page and page.count(">Revoke</button>") == 3
    pixel_id = db.session.scalar(select(ApiToken.id).where(ApiToken.device_name == "Pixel 8"))
    assert admin.post(f"{page_of(users.rep)}/tokens/{pixel_id}/revoke").status_code == 302
    assert client.get("/api/me", headers={"Authorization": f"Bearer {pixel}"}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": f"Bearer {ipad}"}).status_code == 200
    assert client.get("/api/me", headers=users.rep_h).status_code == 200
    assert admin.post(f"{page_of(users.rep2)}/tokens/{pixel_id}/revoke").status_code == 404  # not rep2's
    assert admin.get(page_of(users.rep)).get_data(as_text=True).count(">Revoke</button>") == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "token.revoke"))
    assert entry.details["device_name"] == "Pixel 8" and entry.actor_id == users.admin.id
    assert admin.get("/office/users/00000000-0000-4000-8000-000000000000").status_code == 404


def test_every_form_needs_the_csrf_token(app, users, csrf_on):
    admin = desk(app, users.admin)
    posts = {"/office/users": {"name": "X", "email": "x@example.com", "role": "rep", "password": "salasana-1"},
             page_of(users.rep) + "/role": {"role": "manager"}, page_of(users.rep) + "/password": {"password": "salasana-1"},
             page_of(users.rep) + "/deactivate": {}}
    for path, data in posts.items():
        assert admin.post(path, data=data).status_code == 400, path
    assert fresh(users.rep).role == "rep" and fresh(users.rep).active
    token = csrf_token(admin, page_of(users.rep))
    assert admin.post(page_of(users.rep) + "/role", data={"role": "manager", "csrf_token": token}).status_code == 302
    assert fresh(users.rep).role == "manager"
