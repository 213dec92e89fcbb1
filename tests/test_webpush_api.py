"""Web Push set-up at /api/push (SPEC §7): the VAPID public key, subscribing and unsubscribing, allowed hosts only."""
import json
import os
import stat

import pytest
from sqlalchemy import select

from api_helpers import assert_error
from push_receiver import PushReceiver, b64url, unb64url
from server.extensions import db
from server.models import WebPushSubscription
from server.reminders.hosts import endpoint_problem
from server.reminders.vapid import load_keys

FCM = "https://fcm.googleapis.com/fcm/send/abc:APA91b"


@pytest.fixture
def vapid_file(app, tmp_path):
    """Point the app at a key file in a temporary folder, with no keys in the environment."""
    path = tmp_path / "instance" / "vapid.json"
    app.config.update(VAPID_FILE=str(path), VAPID_PRIVATE_KEY=None, VAPID_PUBLIC_KEY=None)
    return path


@pytest.fixture
def receiver(app):
    with PushReceiver() as r:
        app.config["PUSH_ALLOWED_HOSTS"] = "127.0.0.1"
        yield r


def sub_json(endpoint):
    return {"endpoint": endpoint, "expirationTime": None, "keys": _keys()}


def _keys():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": b64url(public), "auth": b64url(os.urandom(16))}


def test_public_key_503_until_the_command_made_keys_then_stable(client, users, runner, vapid_file):
    err = assert_error(client.get("/api/push/vapid-public-key", headers=users.rep_h), 503)
    assert err["code"] == "push_not_configured" and "flask --app server vapid-keys" in err["message"]
    result = runner.invoke(args=["vapid-keys"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(vapid_file).st_mode) == 0o600
    key = client.get("/api/push/vapid-public-key", headers=users.rep_h).json["public_key"]
    raw = unb64url(key)
    assert len(raw) == 65 and raw[0] == 4 and "=" not in key  # an uncompressed P-256 point, base64url
    assert key in result.output and json.loads(vapid_file.read_text())["public_key"] == key
    # refuses to overwrite, unless told; --if-missing is the quiet form for start-up scripts
    again = runner.invoke(args=["vapid-keys"])
    assert again.exit_code != 0 and "--force" in again.output
    assert runner.invoke(args=["vapid-keys", "--if-missing"]).exit_code == 0
    assert client.get("/api/push/vapid-public-key", headers=users.rep_h).json["public_key"] == key
    assert runner.invoke(args=["vapid-keys", "--force"]).exit_code == 0
    assert client.get("/api/push/vapid-public-key", headers=users.rep_h).json["public_key"] != key


def test_keys_from_the_environment_win_and_are_never_written(app, client, users, runner, vapid_file, tmp_path):
    other = tmp_path / "other.json"
    from server.reminders.vapid import generate_file
    public = generate_file(other)
    app.config.update(VAPID_PRIVATE_KEY=json.loads(other.read_text())["private_key"], VAPID_PUBLIC_KEY=public)
    result = runner.invoke(args=["vapid-keys"])
    assert result.exit_code == 0 and "environment" in result.output and not vapid_file.exists()
    assert client.get("/api/push/vapid-public-key", headers=users.rep_h).json == {"public_key": public}
    app.config["VAPID_PUBLIC_KEY"] = _keys()["p256dh"]  # a public key of some other pair
    assert_error(client.get("/api/push/vapid-public-key", headers=users.rep_h), 503)


def test_public_key_needs_a_login(client, vapid_file):
    assert_error(client.get("/api/push/vapid-public-key"), 401)


def test_subscribe_and_unsubscribe(client, users, receiver):
    browser = receiver.browser("rep-phone")
    r = client.post("/api/push/subscriptions", json=browser.subscription, headers=users.rep_h)
    assert r.status_code == 201, r.json
    assert r.json["endpoint"] == browser.endpoint
    again = client.post("/api/push/subscriptions", json=browser.subscription, headers=users.rep_h)
    assert again.status_code == 201 and again.json["id"] == r.json["id"]  # same browser: one subscription
    listed = client.get("/api/push/subscriptions", headers=users.rep_h).json["items"]
    assert [s["endpoint"] for s in listed] == [browser.endpoint]
    assert client.get("/api/push/subscriptions", headers=users.rep2_h).json["items"] == []
    # somebody else cannot remove it; its owner can, once
    assert_error(client.delete("/api/push/subscriptions", json={"endpoint": browser.endpoint}, headers=users.rep2_h),
                 404)
    assert client.delete("/api/push/subscriptions", json=browser.subscription, headers=users.rep_h).status_code == 204
    assert db.session.scalars(select(WebPushSubscription)).all() == []
    assert_error(client.delete("/api/push/subscriptions", json=browser.subscription, headers=users.rep_h), 404)


def test_a_browser_that_changes_hands_moves_to_the_new_user(client, users, receiver):
    browser = receiver.browser("shared-tablet")
    client.post("/api/push/subscriptions", json=browser.subscription, headers=users.rep_h)
    r = client.post("/api/push/subscriptions", json=browser.subscription, headers=users.rep2_h)
    assert r.status_code == 201
    [sub] = db.session.scalars(select(WebPushSubscription)).all()
    assert sub.user_id == users.rep2.id


@pytest.mark.parametrize("endpoint", [
    "https://evil.example.com/push/1",             # not a push service
    "https://fcm.googleapis.com.evil.com/x",       # look-alike host
    "https://push.services.mozilla.com/x",         # the bare domain of a wildcard entry
    "http://fcm.googleapis.com/fcm/send/x",        # plain http to a real push service
    "https://user:pw@fcm.googleapis.com/x",        # credentials in the URL
    "http://127.0.0.1:9/push",                     # loopback, not allowed by default
    "ftp://fcm.googleapis.com/x",
    "not a url",
    "",
    "https://fcm.googleapis.com/" + "x" * 1000,
])
def test_endpoints_off_the_allowed_hosts_are_400(client, users, endpoint):
    r = client.post("/api/push/subscriptions", json=sub_json(endpoint), headers=users.rep_h)
    assert_error(r, 400, "endpoint")
    assert db.session.scalars(select(WebPushSubscription)).all() == []


@pytest.mark.parametrize("endpoint", [
    FCM, "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
    "https://db5p.notify.windows.com/w/?token=BQYAAA", "https://web.push.apple.com/QGuQyavXutnMH",
    "https://api.push.apple.com/3/device/x",
])
def test_the_known_push_services_are_allowed_by_default(client, users, endpoint):
    assert client.post("/api/push/subscriptions", json=sub_json(endpoint), headers=users.rep_h).status_code == 201


def test_push_allowed_hosts_replaces_the_default_list(app, client, users):
    app.config["PUSH_ALLOWED_HOSTS"] = "127.0.0.1, push.example.org"
    assert_error(client.post("/api/push/subscriptions", json=sub_json(FCM), headers=users.rep_h), 400, "endpoint")
    for endpoint in ("http://127.0.0.1:8123/push/a", "https://push.example.org/a"):
        assert client.post("/api/push/subscriptions", json=sub_json(endpoint), headers=users.rep_h).status_code == 201


@pytest.mark.parametrize("keys, field", [
    (None, "keys"),
    ({"p256dh": "AAAA", "auth": b64url(os.urandom(16))}, "keys.p256dh"),
    ({"p256dh": b64url(b"\x04" + b"\x01" * 64), "auth": b64url(os.urandom(16))}, "keys.p256dh"),  # not on the curve
    ({"p256dh": "ok", "auth": "short"}, "keys.auth"),
    ({"p256dh": "ok", "auth": 7}, "keys.auth"),
])
def test_bad_keys_are_400_naming_the_field(client, users, keys, field):
    if keys and keys.get("p256dh") == "ok":
        keys = {**keys, "p256dh": _keys()["p256dh"]}
    r = client.post("/api/push/subscriptions", json={"endpoint": FCM, "keys": keys}, headers=users.rep_h)
    assert_error(r, 400, field)


def test_not_json_and_no_login(client, users):
    assert_error(client.post("/api/push/subscriptions", data="x", headers=users.rep_h), 415)
    assert_error(client.post("/api/push/subscriptions", json=sub_json(FCM)), 401)
    assert_error(client.delete("/api/push/subscriptions", headers=users.rep_h), 400, "endpoint")


def test_host_rules_are_pure():
    assert endpoint_problem("https://a.b.push.apple.com/x", None) is None
    assert endpoint_problem("https://FCM.googleapis.com./x", None) is None  # case and a trailing dot
    assert endpoint_problem("http://127.0.0.1:5/x", "127.0.0.1:5") is None
    assert endpoint_problem("http://127.0.0.1:6/x", "127.0.0.1:5") is not None  # a port pins it
    assert endpoint_problem("https://x.push.apple.com/x", "") is None  # empty setting = the default list


def test_load_keys_from_raw_base64url_private_key(tmp_path):
    from server.reminders.vapid import generate_file
    from py_vapid import Vapid
    path = tmp_path / "v.json"
    public = generate_file(path)
    pem = json.loads(path.read_text())["private_key"]
    number = Vapid.from_pem(pem.encode()).private_key.private_numbers().private_value
    raw = b64url(number.to_bytes(32, "big"))
    assert load_keys({"VAPID_PRIVATE_KEY": raw}).public_key == public
