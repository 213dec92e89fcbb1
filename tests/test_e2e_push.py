"""Reminders in the service worker (Chromium): a push message delivered through the DevTools
protocol shows a notification; tapping it opens the customer card; "Done" works offline."""
import json
from datetime import date, datetime, timedelta, timezone

import pytest
from e2e_support import api, back_online, eventually, login

from server.extensions import db
from server.models import Task
from server.reminders.messages import task_message

pytestmark = pytest.mark.e2e

NOTIFICATIONS_JS = """() => navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns => ns.map(n =>
    ({title: n.title, body: n.body, tag: n.tag, actions: n.actions.map(a => a.action), url: n.data.url})))"""


def click_notification(context, action=""):
    """Tap the shown notification: the worker gets a notificationclick with the real Notification."""
    [worker] = context.service_workers
    worker.evaluate("""action => self.registration.getNotifications().then(([n]) =>
        self.dispatchEvent(new NotificationEvent('notificationclick', {notification: n, action})))""", action)


def deliver_push(context, page, live, payload: dict) -> list:
    """Deliver a push message to the app's service worker; return the notifications then shown.

    A real push service redelivers what the browser did not take; DevTools' delivery is fire and
    forget, and right after Playwright switches the context offline (re-attaching to the worker)
    it is sometimes dropped. So deliver again if nothing shows in 5 s (the notification's tag is
    the task id: a second delivery replaces the first, never adds one)."""
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(100):  # CDP events arrive only while Playwright is called: wait through it
        if registrations:
            break
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if not r.get("isDeleted")]
    for _attempt in range(3):
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": live.url, "registrationId": registration["registrationId"],
                                                     "data": json.dumps(payload)})
        for _ in range(50):
            shown = page.evaluate(NOTIFICATIONS_JS)
            if shown:
                return shown
            page.wait_for_timeout(100)
    return []


@pytest.fixture
def reminder(live):
    """A follow-up task of rep1's and the payload send-reminders makes for it."""
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Kahvila Aalto", "owner_id": live.users["rep1"]}).json["id"]
    task = api(live, "POST", "/api/tasks", "manager", {
        "customer_id": customer_id, "assignee_id": live.users["rep1"], "kind": "follow_up",
        "title": "Soita toimituksen jälkeen", "due_on": date.today().isoformat(), "status": "open"}).json
    message = task_message({**task, "due_on": date.fromisoformat(task["due_on"])}, "Kahvila Aalto", "fi")
    return customer_id, task["id"], message["payload"]


def test_push_shows_notification_and_tap_opens_card(live, phone, reminder):
    customer_id, task_id, payload = reminder
    context, page = phone()
    context.grant_permissions(["notifications"], origin=live.url)
    login(page, live, "rep1")
    [shown] = deliver_push(context, page, live, payload)
    assert shown["title"] == payload["title"] and shown["body"] == payload["body"]
    assert shown["actions"] == ["done", "tomorrow"] and shown["tag"] == task_id

    click_notification(context)
    page.wait_for_url(f"**/#/customers/{customer_id}")
    page.wait_for_selector("[data-testid=customer-card] >> text=Kahvila Aalto")
    assert eventually(lambda: not page.evaluate(NOTIFICATIONS_JS))


@pytest.mark.parametrize("action", ["done", "tomorrow"])
def test_actions_work_offline_through_the_outbox(live, phone, reminder, action):
    _, task_id, payload = reminder
    context, page = phone()
    context.grant_permissions(["notifications"], origin=live.url)
    login(page, live, "rep1")
    context.set_offline(True)
    assert deliver_push(context, page, live, payload)
    click_notification(context, action)
    page.wait_for_function("document.getElementById('sync-pill').dataset.pending === '1'")
    with live.app.app_context():
        before = db.session.get(Task, task_id)
        assert before.status == "open" and before.due_on == date.today()

    back_online(context, page)

    def task():
        with live.app.app_context():
            return db.session.get(Task, task_id)
    if action == "done":
        assert eventually(lambda: task().status == "done")
    else:
        assert eventually(lambda: task().due_on == date.today() + timedelta(days=1))
        moved = task()
        assert moved.status == "open"
        assert moved.remind_at > datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=23)
