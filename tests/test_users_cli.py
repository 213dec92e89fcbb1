"""`flask --app server users ...`: the table, create with a typed, prompted or generated password, errors exit 1."""
import re

import pytest
from sqlalchemy import select

from conftest import PASSWORD
from server.extensions import db
from server.models import AuditEntry, User, WebPushSubscription


def run(runner, *args, input=None):
    return runner.invoke(args=["users", *args], input=input)


def can_log_in(client, email, password) -> bool:
    return client.post("/api/auth/token", json={"email": email, "password": password}).status_code == 201


def test_list_shows_every_user_with_role_state_and_devices(runner, users):
    run(runner, "deactivate", users.rep2.email)
    result = run(runner, "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["EMAIL", "NAME", "ROLE", "ACTIVE", "DEVICES"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["rep@example.com"] == ["rep@example.com", "Rep", "rep", "yes", "1"]
    assert rows["rep2@example.com"] == ["rep2@example.com", "Rep", "rep", "no", "0"]
    assert len(rows) == 5


def test_create_with_a_typed_a_prompted_and_a_generated_password(runner, client, users):
    typed = run(runner, "create", "Liisa@Example.com", "--name", "Liisa Myyjä", "--role", "service",
                "--password", "salasana-1")
    assert typed.exit_code == 0 and "Created service liisa@example.com" in typed.output
    assert can_log_in(client, "liisa@example.com", "salasana-1")
    prompted = run(runner, "create", "pekka@example.com", "--name", "Pekka", input="salasana-2\nsalasana-2\n")
    assert prompted.exit_code == 0 and "salasana-2" not in prompted.output  # the prompt hides what is typed
    assert can_log_in(client, "pekka@example.com", "salasana-2")
    assert db.session.scalar(select(User.role).where(User.email == "pekka@example.com")) == "rep"
    generated = run(runner, "create", "anna@example.com", "--name", "Anna", "--role", "manager", "--generate")
    password = re.search(r"Password \(shown only now\): (\S+)", generated.output).group(1)
    assert generated.exit_code == 0 and can_log_in(client, "anna@example.com", password)
    actors = db.session.scalars(select(AuditEntry.actor_label).where(AuditEntry.action == "user.create")).all()
    assert actors == ["command line"] * 3


@pytest.mark.parametrize("args, message", [
    (("create", "REP@example.com", "--name", "X", "--password", "salasana-1"),
     "E-mail: rep@example.com already has a user."),
    (("create", "x@example.com", "--name", "X", "--role", "boss", "--password", "salasana-1"),
     "Role: boss is not a role; choose one of rep, service, manager, admin."),
    (("create", "x@example.com", "--name", "X", "--password", "lyhyt"), "Password: at least 8 characters."),
    (("create", "x@example.com", "--name", "X", "--password", "salasana-1", "--generate"),
     "Give either --password or --generate, not both."),
    (("set-role", "nobody@example.com", "manager"), "No user has the e-mail nobody@example.com."),
    (("set-role", "rep@example.com", "boss"), "Role: boss is not a role"),
    (("set-role", "admin@example.com", "rep"), "admin@example.com is the last active admin"),
    (("deactivate", "admin@example.com"), "admin@example.com is the last active admin"),
    (("deactivate", "nobody@example.com"), "No user has the e-mail nobody@example.com."),
    (("reset-password", "nobody@example.com", "--generate"), "No user has the e-mail nobody@example.com."),
    (("reset-password", "rep@example.com", "--password", "lyhyt"), "Password: at least 8 characters."),
    (("revoke-token", "rep@example.com", "999999"), "rep@example.com has no working token 999999."),
])
def test_bad_input_says_what_is_wrong_and_exits_1(runner, users, args, message):
    result = run(runner, *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(User.email).where(User.email == "x@example.com")) is None
    assert db.session.get(User, users.admin.id).role == "admin" and db.session.get(User, users.rep.id).role == "rep"


def test_set_role_deactivate_and_reactivate(runner, client, users):
    db.session.add(WebPushSubscription(user_id=users.rep.id, endpoint="https://push.example/1", p256dh="k", auth="a"))
    db.session.commit()
    assert run(runner, "set-role", "REP@example.com", "service").output == "rep@example.com is now service.\n"
    assert client.get("/api/me", headers=users.rep_h).json["role"] == "service"
    deactivated = run(runner, "deactivate", "rep@example.com")
    assert deactivated.exit_code == 0 and deactivated.output.startswith("Deactivated rep@example.com")
    assert client.get("/api/me", headers=users.rep_h).status_code == 401
    assert db.session.scalars(select(WebPushSubscription)).all() == []
    assert "already deactivated" in run(runner, "deactivate", "rep@example.com").output
    assert run(runner, "reactivate", "rep@example.com").output == "Reactivated rep@example.com.\n"
    assert can_log_in(client, "rep@example.com", PASSWORD)


def test_reset_password_and_devices(runner, client, users):
    client.post("/api/auth/token", json={"email": users.rep.email, "password": PASSWORD, "device_name": "Pixel 8"})
    listed = run(runner, "devices", "rep@example.com").output
    assert "Pixel 8" in listed and listed.count("active") == 2
    pixel_id = re.search(r"^(\d+)\s+Pixel 8", listed, re.M).group(1)
    assert run(runner, "revoke-token", "rep@example.com", pixel_id).exit_code == 0
    assert re.search(rf"^{pixel_id}\s+Pixel 8 .* revoked$", run(runner, "devices", "rep@example.com").output, re.M)
    result = run(runner, "reset-password", "rep@example.com", "--generate")
    password = re.search(r"Password \(shown only now\): (\S+)", result.output).group(1)
    assert result.exit_code == 0 and can_log_in(client, "rep@example.com", password)
    assert not can_log_in(client, "rep@example.com", PASSWORD)
    assert client.get("/api/me", headers=users.rep_h).status_code == 401  # the reset revoked the old token
    prompted = run(runner, "reset-password", "rep@example.com", input="uusi-salasana\nuusi-salasana\n")
    assert prompted.exit_code == 0 and can_log_in(client, "rep@example.com", "uusi-salasana")
    assert run(runner, "devices", "service@example.com").output.count("active") == 1
    logged = " ".join(f"{e.summary} {e.details}" for e in db.session.scalars(select(AuditEntry)))
    assert password not in logged and "uusi-salasana" not in logged
