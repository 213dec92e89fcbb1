"""Two send-reminders processes at the same time never send one reminder twice (SPEC §7).

Two real `flask --app server send-reminders` processes run against one database while the
receiver holds the first request until a second one is in flight at the same moment: that can
only happen when both processes are sending at once (each sends one request at a time), so the
test proves the runs overlapped instead of hoping they did.
"""
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from conftest import _fresh_postgres_db
from push_receiver import PushReceiver
from server import create_app
from server.config import TestConfig
from server.extensions import db
from server.models import ReminderSend, User, WebPushSubscription
from server.reminders.vapid import generate_file
from server.permissions import Actor
from server.sync.versions import ensure_counter

ROOT = Path(__file__).resolve().parent.parent
TASKS = 20


def _database(kind, postgres_url_factory, tmp_path):
    if kind == "postgres":
        return _fresh_postgres_db(postgres_url_factory())
    return f"sqlite:///{tmp_path / 'race.db'}"


@pytest.mark.parametrize("kind", [pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def test_two_processes_at_once_send_each_reminder_exactly_once(kind, request, tmp_path):
    url = _database(kind, lambda: request.getfixturevalue("postgres_url"), tmp_path)
    generate_file(tmp_path / "vapid.json")
    app = create_app(TestConfig(url))
    from server.operations import write_one  # after create_app: importing it before server.api is circular
    with app.app_context(), PushReceiver(rendezvous=2) as receiver:
        upgrade(directory=app.extensions["migrate"].directory)
        ensure_counter(db.session)
        rep = User(email="rep@example.com", name="Rep", role="rep")
        rep.set_password("demo1234")
        db.session.add(rep)
        db.session.commit()
        browsers = [receiver.browser("phone"), receiver.browser("laptop")]
        for browser in browsers:
            keys = browser.subscription["keys"]
            db.session.add(WebPushSubscription(user_id=rep.id, endpoint=browser.endpoint, p256dh=keys["p256dh"],
                                               auth=keys["auth"]))
        db.session.commit()
        server = Actor(id=None, role="admin")
        customer = write_one(server, "customer", None, "put", {"name": "Kahvila Aalto", "owner_id": rep.id})["id"]
        due = (datetime.now(timezone.utc) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        tasks = {write_one(server, "task", None, "put", {"customer_id": customer, "title": f"Tehtävä {n}",
                                                         "assignee_id": rep.id, "remind_at": due})["id"]
                 for n in range(TASKS)}

        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "race", "KENTTA_INSTANCE": str(tmp_path / "instance"),
               "VAPID_FILE": str(tmp_path / "vapid.json"), "VAPID_SUBJECT": "mailto:ops@kentta.example",
               "PUSH_ALLOWED_HOSTS": "127.0.0.1", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
        env.pop("VAPID_PRIVATE_KEY", None)
        # --timeout: a request held by the receiver's rendezvous must not time out and be sent again
        command = [sys.executable, "-m", "flask", "--app", "server", "send-reminders", "--batch", "3", "--timeout", "120"]
        runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=180)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        assert receiver.met, "the two runs never sent at the same moment; the race was not exercised"

        for browser in browsers:
            got = sorted(browser.decrypt(r.body)["task_id"] for r in receiver.to(browser))
            assert got == sorted(tasks)  # every reminder, none twice
        db.session.expire_all()
        sends = db.session.scalars(select(ReminderSend)).all()
        assert len(sends) == TASKS * len(browsers) and {s.status for s in sends} == {"sent"}, \
            ([(s.id, s.status, s.attempts, s.last_error, s.claimed_at, s.next_attempt_at) for s in sends
              if s.status != "sent"], outputs)
        assert {s.attempts for s in sends} == {1}
        assert len({s.claim_token for s in sends}) >= 2  # both processes did part of the work
        db.session.remove()
        db.engine.dispose()
