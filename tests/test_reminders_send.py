"""send-reminders (SPEC §7) against a real push receiver: encryption, VAPID, once-only, retries, cleanup."""
import base64
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from push_receiver import PushReceiver, configure_app, verify_vapid
from server.extensions import db
from server.models import ReminderSend, WebPushSubscription
from server.reminders.due import queue_due
from server.reminders.messages import MAX_PAYLOAD_BYTES, encode, task_message
from server.reminders.run import send_reminders
from server.reminders.sender import claim, claimed
from server.reminders.vapid import load_keys
from zoneinfo import ZoneInfo

SUBJECT = "mailto:ops@kentta.example"


@pytest.fixture
def push_env(app, tmp_path, client, users):
    """A running receiver allowed by config, VAPID keys in a temporary file, rep subscribed twice."""
    configure_app(app, tmp_path, SUBJECT)
    with PushReceiver() as receiver:
        phone, laptop, other = receiver.browser("phone"), receiver.browser("laptop"), receiver.browser("rep2")
        for browser, headers in ((phone, users.rep_h), (laptop, users.rep_h), (other, users.rep2_h)):
            assert client.post("/api/push/subscriptions", json=browser.subscription, headers=headers).status_code == 201
        yield receiver, phone, laptop, other


@pytest.fixture
def customer(client, users):
    return client.post("/api/customers", json={"name": "Kahvila Aalto", "owner_id": users.rep.id},
                       headers=users.manager_h).json["id"]


def now_utc():
    return datetime.now(timezone.utc).replace(microsecond=0)


def z(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_task(client, users, customer, remind_at, assignee=None, **fields):
    body = {"customer_id": customer, "title": "Soita Liisalle tarjouksesta", "kind": "info",
            "due_on": "2026-12-01", "remind_at": z(remind_at), "assignee_id": (assignee or users.rep).id, **fields}
    r = client.post("/api/tasks", json=body, headers=users.service_h)
    assert r.status_code == 201, r.json
    return r.json["id"]


def rows(**where):
    db.session.expire_all()
    query = select(ReminderSend).order_by(ReminderSend.id)
    for name, value in where.items():
        query = query.where(getattr(ReminderSend, name) == value)
    return db.session.scalars(query).all()


def test_a_due_reminder_reaches_every_device_of_the_assignee_once(app, client, users, customer, push_env, runner):
    receiver, phone, laptop, other = push_env
    task = make_task(client, users, customer, now_utc() - timedelta(minutes=5))
    make_task(client, users, customer, now_utc() + timedelta(hours=2))  # not due yet
    make_task(client, users, customer, now_utc() - timedelta(minutes=5), status="done")  # done: never
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    assert len(receiver.received) == 2 and not receiver.to(other)
    public_key = load_keys(app.config).public_key
    for browser in (phone, laptop):
        [got] = receiver.to(browser)
        message = browser.decrypt(got.body)  # the browser's private key opens it: real RFC 8291
        assert set(message) >= {"title", "body", "url", "task_id"}
        assert message["task_id"] == task and message["url"] == f"/#/customers/{customer}"
        assert "Soita Liisalle tarjouksesta" in message["title"] and "Kahvila Aalto" in message["body"]
        assert len(got.body) < MAX_PAYLOAD_BYTES + 200
        headers = {k.lower(): v for k, v in got.headers.items()}
        assert headers["content-encoding"] == "aes128gcm"
        assert int(headers["ttl"]) >= 3600
        assert headers["urgency"] in ("normal", "high")
        assert headers["topic"] == base64.urlsafe_b64encode(uuid.UUID(task).bytes).rstrip(b"=").decode()
        claims, key = verify_vapid(headers["authorization"])  # signature checked against k
        assert key == public_key
        assert claims["aud"] == receiver.base_url and claims["sub"] == SUBJECT
        assert now_utc().timestamp() < claims["exp"] <= now_utc().timestamp() + 24 * 3600 + 60
    assert [r.status for r in rows()] == ["sent", "sent"]
    # a second run, and a third with a later clock, send nothing again
    again = runner.invoke(args=["send-reminders"])
    assert again.exit_code == 0 and "sent 0" in again.output
    send_reminders(now=now_utc() + timedelta(hours=1))
    assert len(receiver.received) == 2
    subs = db.session.scalars(select(WebPushSubscription).where(WebPushSubscription.user_id == users.rep.id)).all()
    assert [s.success_count for s in subs] == [1, 1] and all(s.last_success_at for s in subs)


def test_a_moved_reminder_time_or_new_assignee_is_a_new_reminder(client, users, customer, push_env):
    receiver, phone, laptop, other = push_env
    task = make_task(client, users, customer, now_utc() - timedelta(minutes=5))
    send_reminders()
    assert len(receiver.received) == 2
    client.patch(f"/api/tasks/{task}", json={"remind_at": z(now_utc() - timedelta(minutes=1))}, headers=users.rep_h)
    send_reminders()
    assert len(receiver.to(phone)) == 2
    client.patch(f"/api/tasks/{task}", json={"assignee_id": users.rep2.id}, headers=users.service_h)
    send_reminders()
    assert len(receiver.to(other)) == 1 and len(receiver.received) == 5


def test_a_task_done_after_queuing_is_skipped_not_sent(app, client, users, customer, push_env):
    receiver, *_ = push_env
    task = make_task(client, users, customer, now_utc() - timedelta(minutes=5))
    assert queue_due(db.session, app.config, now_utc(), ZoneInfo("Europe/Helsinki")) == 2
    db.session.commit()
    client.patch(f"/api/tasks/{task}", json={"status": "done"}, headers=users.rep_h)
    counts = send_reminders()
    assert counts.get("skipped") == 2 and not receiver.received
    assert {r.status for r in rows()} == {"skipped"}


def test_reminders_older_than_the_age_limit_are_not_sent(client, users, customer, push_env):
    receiver, *_ = push_env
    make_task(client, users, customer, now_utc() - timedelta(days=8))
    send_reminders()
    assert not receiver.received and rows() == []
    send_reminders(max_age=timedelta(days=9))
    assert len(receiver.received) == 2


def test_410_removes_the_subscription_and_the_rest_still_go(client, users, customer, push_env):
    receiver, phone, laptop, other = push_env
    receiver.script["/push/phone"] = [410]
    make_task(client, users, customer, now_utc() - timedelta(minutes=5))
    counts = send_reminders()
    assert (counts.get("gone"), counts.get("sent")) == (1, 1)
    endpoints = set(db.session.scalars(select(WebPushSubscription.endpoint)))
    assert phone.endpoint not in endpoints and laptop.endpoint in endpoints
    gone = rows(status="gone")
    assert len(gone) == 1 and gone[0].subscription_id is None and gone[0].last_status_code == 410
    make_task(client, users, customer, now_utc() - timedelta(minutes=1))
    send_reminders()
    assert len(receiver.to(phone)) == 1 and len(receiver.to(laptop)) == 2  # never to the removed one again


@pytest.mark.parametrize("status, wait", [(500, 60), (503, 60), (429, 120)])
def test_429_and_5xx_are_retried_on_a_later_run_with_backoff(client, users, customer, push_env, status, wait):
    receiver, phone, laptop, other = push_env
    receiver.script["/push/phone"] = [status, status]
    make_task(client, users, customer, now_utc() - timedelta(minutes=5))
    start = now_utc()
    counts = send_reminders(now=start)
    assert (counts.get("retry"), counts.get("sent")) == (1, 1)
    [row] = rows(status="pending")
    assert row.attempts == 1 and row.last_status_code == status and row.sent_at is None
    assert row.next_attempt_at >= start.replace(tzinfo=None) + timedelta(seconds=wait)
    send_reminders(now=start)  # the same moment: not due again yet
    assert len(receiver.to(phone)) == 1
    send_reminders(now=start + timedelta(seconds=wait + 5))  # answered `status` again: waits longer
    [row] = rows(status="pending")
    assert row.attempts == 2 and row.next_attempt_at >= start.replace(tzinfo=None) + timedelta(seconds=wait + 60)
    send_reminders(now=start + timedelta(hours=1))
    assert len(receiver.to(phone)) == 3
    assert [r.status for r in rows()] == ["sent", "sent"] and rows(status="sent")[0].sent_at is not None


def test_unreachable_push_service_is_retried(app, client, users, customer, push_env):
    receiver, phone, *_ = push_env
    sub = db.session.scalar(select(WebPushSubscription).where(WebPushSubscription.endpoint == phone.endpoint))
    sub.endpoint = "http://127.0.0.1:9/push/nobody-listens"  # connection refused
    db.session.commit()
    make_task(client, users, customer, now_utc() - timedelta(minutes=5))
    counts = send_reminders()
    assert counts.get("retry") == 1
    [row] = rows(status="pending")
    assert row.last_status_code is None and "ConnectionError" in row.last_error


@pytest.mark.parametrize("status", [400, 403, 413, 307])
def test_other_answers_fail_for_good_and_redirects_are_not_followed(client, users, customer, push_env, status):
    receiver, phone, *_ = push_env
    receiver.script["/push/phone"] = [status]
    make_task(client, users, customer, now_utc() - timedelta(minutes=5))
    counts = send_reminders()
    assert counts.get("failed") == 1
    [row] = rows(status="failed")
    assert row.last_status_code == status and row.sent_at is None
    assert not [r for r in receiver.received if r.path == "/redirected"]
    send_reminders(now=now_utc() + timedelta(days=1))
    assert len(receiver.to(phone)) == 1


def test_a_claim_left_by_a_crashed_run_is_retried_after_the_timeout(app, client, users, customer, push_env):
    receiver, phone, laptop, _ = push_env
    make_task(client, users, customer, now_utc() - timedelta(minutes=5))
    queue_due(db.session, app.config, now_utc(), ZoneInfo("Europe/Helsinki"))
    start = now_utc().replace(tzinfo=None)
    db.session.execute(update(ReminderSend).values(status="sending", claim_token="crashed", claimed_at=start,
                                                   attempts=1))
    db.session.commit()
    send_reminders()  # claimed a moment ago by another run, which may still be sending: hands off
    assert not receiver.received and {r.status for r in rows()} == {"sending"}
    send_reminders(now=now_utc() + timedelta(minutes=11))
    assert len(receiver.received) == 2 and {r.status for r in rows()} == {"sent"}
    assert {r.attempts for r in rows()} == {2}


def test_hosts_are_checked_again_before_sending(app, client, users, customer, push_env):
    receiver, *_ = push_env
    make_task(client, users, customer, now_utc() - timedelta(minutes=5))
    queue_due(db.session, app.config, now_utc(), ZoneInfo("Europe/Helsinki"))
    db.session.commit()
    app.config["PUSH_ALLOWED_HOSTS"] = "push.example.org"
    counts = send_reminders()
    assert counts.get("failed") == 2 and not receiver.received
    assert all("not allowed" in r.last_error for r in rows())


def test_without_vapid_keys_the_command_says_how_to_make_them(app, runner, tmp_path):
    app.config.update(VAPID_FILE=str(tmp_path / "none.json"), VAPID_PRIVATE_KEY=None)
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code != 0 and "flask --app server vapid-keys" in result.output


def test_payload_stays_under_3_kib_in_any_language():
    task = {"id": str(uuid.uuid4()), "title": "Ä" * 200, "due_on": None, "customer_id": str(uuid.uuid4())}
    for locale in ("fi", "en", "sv", None):
        message = task_message(task, "Ö" * 2000, locale)
        assert len(encode(message["payload"])) < MAX_PAYLOAD_BYTES
        assert message["ttl"] >= 3600 and len(message["topic"]) <= 32


def test_a_claim_takes_at_most_its_batch_and_two_claims_never_overlap(app, client, users, customer, push_env):
    for n in range(5):
        make_task(client, users, customer, now_utc() - timedelta(minutes=5))
    assert queue_due(db.session, app.config, now_utc(), ZoneInfo("Europe/Helsinki")) == 10
    db.session.commit()
    first, second = claim(db.session, now_utc(), 3), claim(db.session, now_utc(), 3)
    mine = [{r["id"] for r in claimed(db.session, token)} for token in (first, second)]
    assert [len(ids) for ids in mine] == [3, 3] and not mine[0] & mine[1]
    assert len(rows(status="pending")) == 4
