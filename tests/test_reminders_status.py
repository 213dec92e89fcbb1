"""What an operator sees: reminders-status and its data function; send-reminders --loop stops cleanly."""
import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from push_receiver import PushReceiver, configure_app
from server.reminders.run import send_reminders
from server.reminders.status import reminders_status
from server.extensions import db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(app, tmp_path, client, users):
    configure_app(app, tmp_path)
    with PushReceiver() as receiver:
        browsers = [receiver.browser(name) for name in ("ok", "gone", "flaky")]
        for browser in browsers:
            assert client.post("/api/push/subscriptions", json=browser.subscription,
                               headers=users.rep_h).status_code == 201
        receiver.script.update({"/push/gone": [410], "/push/flaky": [503]})
        cid = client.post("/api/customers", json={"name": "Kahvila Aalto"}, headers=users.rep_h).json["id"]
        due = (datetime.now(timezone.utc) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        r = client.post("/api/tasks", json={"customer_id": cid, "title": "Soita", "remind_at": due}, headers=users.rep_h)
        assert r.status_code == 201
        yield receiver


def test_status_shows_what_was_sent_and_what_failed(env, runner, users):
    send_reminders()
    data = reminders_status(db.session)
    assert data["totals"] == {"pending": 1, "sending": 0, "sent": 1, "failed": 0, "gone": 1, "skipped": 0}
    assert data["recent_totals"] == data["totals"]
    assert data["subscriptions"] == [{"email": users.rep.email, "count": 2, "last_success_at": data["subscriptions"][0]
                                      ["last_success_at"], "failures": 1}]
    assert data["subscriptions"][0]["last_success_at"]
    problems = {p["status"]: p for p in data["problems"]}
    assert problems["pending"]["status_code"] == 503 and problems["pending"]["next_attempt_at"]
    assert problems["gone"]["status_code"] == 410 and problems["gone"]["email"] == users.rep.email
    assert [s["title"] for s in data["recent_sent"]] == ["Muistutus: Soita"]
    text = runner.invoke(args=["reminders-status"])
    assert text.exit_code == 0
    assert "sent 1" in text.output and "gone 1" in text.output and "503" in text.output
    as_json = runner.invoke(args=["reminders-status", "--json"])
    assert json.loads(as_json.output)["totals"] == data["totals"]


def test_loop_mode_runs_until_sigterm_and_exits_cleanly(app, env, database_url, tmp_path):
    process_env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "loop",
                   "KENTTA_INSTANCE": str(tmp_path / "instance"), "VAPID_FILE": app.config["VAPID_FILE"],
                   "PUSH_ALLOWED_HOSTS": "127.0.0.1", "PYTHONUNBUFFERED": "1", "NO_PROXY": "127.0.0.1"}
    process_env.pop("VAPID_PRIVATE_KEY", None)
    db.session.remove()  # let the other process write (SQLite)
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "server", "send-reminders", "--loop",
                             "--interval", "3600"], cwd=ROOT, env=process_env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        first = proc.stdout.readline()  # one pass done: it now waits for the next
        assert "reminders: queued 3, sent 1" in first, first
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, rest
    assert "stopped" in rest and "Traceback" not in rest
    assert len(env.received) == 3


def test_stop_signal_needs_no_lock_and_wakes_the_sleep():
    """The SIGTERM handler may run while the main thread is anywhere (even holding a lock): it only
    sets a flag and writes to a pipe; repeated signals do not block; the sleep then returns at once."""
    from server.reminders.cli import _Stopper

    stopper = _Stopper()
    assert stopper.sleep(0) is False
    for _ in range(100_000):  # far more than a pipe holds: the handler must never block
        stopper.handle(signal.SIGTERM, None)
    assert stopper.sleep(3600) is True


def test_a_sigterm_taken_by_another_thread_still_ends_the_sleep():
    """The kernel may hand a process's SIGTERM to any thread; then the main thread's wait is not
    interrupted, and only the interpreter's wake-up fd (written from that thread) ends it."""
    import threading
    import time

    from server.reminders.cli import _Stopper

    old_handler, old_fd, stopper = signal.getsignal(signal.SIGTERM), signal.set_wakeup_fd(-1), _Stopper()
    stopper.install()
    try:
        def signal_this_thread():
            time.sleep(0.2)
            signal.pthread_kill(threading.get_ident(), signal.SIGTERM)  # this thread takes it, not the main one

        helper = threading.Thread(target=signal_this_thread)
        helper.start()
        started = time.monotonic()
        assert stopper.sleep(30) is True
        assert time.monotonic() - started < 10
        helper.join()
    finally:
        signal.set_wakeup_fd(old_fd)
        signal.signal(signal.SIGTERM, old_handler)
