"""Two send-reminders processes beside a 4-worker gunicorn send each due reminder once (SPEC §7).

The subscriptions and tasks arrive through HTTP on the workers, phones keep pushing while the two
runs send, and the receiver holds the first request until both runs are sending at the same moment.
"""
import subprocess
import sys
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from live_server import KINDS, ROOT, add_users, call, database, gunicorn_server, server_env
from push_receiver import PushReceiver
from server.reminders.vapid import generate_file

TASKS = 12


def _op(entity, fields, seq):
    return {"op_id": str(uuid.uuid4()), "entity": entity, "id": str(uuid.uuid4()), "type": "put", "base_version": 0,
            "seq": seq, "fields": fields, "edited_at": "2026-11-20T08:00:00Z"}


@pytest.mark.parametrize("kind", KINDS)
def test_two_runs_beside_four_workers_send_each_reminder_once(kind, tmp_path, request):
    generate_file(tmp_path / "vapid.json")
    vapid = {"VAPID_FILE": str(tmp_path / "vapid.json"), "VAPID_SUBJECT": "mailto:ops@kentta.example"}
    with database(kind, tmp_path, request) as url, PushReceiver(rendezvous=2) as receiver, \
            gunicorn_server(url, tmp_path, **vapid) as server:
        headers = server.login(add_users(url, "rep")[0])
        browsers = [receiver.browser("phone"), receiver.browser("laptop")]
        for browser in browsers:
            assert call("POST", server.url + "/api/push/subscriptions", browser.subscription, headers).status == 201
        me = call("GET", server.url + "/api/me", headers=headers).json
        due = (datetime.now(timezone.utc) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        customer = _op("customer", {"name": "Kahvila Aalto", "owner_id": me["id"]}, 1)
        tasks = [_op("task", {"customer_id": customer["id"], "title": f"Tehtävä {n}", "assignee_id": me["id"],
                              "remind_at": due}, n + 2) for n in range(TASKS)]
        reply = call("POST", server.url + "/api/sync/push", {"client_id": "phone", "ops": [customer] + tasks}, headers)
        assert {r["status"] for r in reply.json["results"]} == {"applied"}, reply.text

        stop, errors = threading.Event(), []

        def keep_pushing():  # the workers keep writing while the runs claim and send
            seq = 100
            try:
                while not stop.is_set():
                    seq += 1
                    call("POST", server.url + "/api/sync/push",
                         {"client_id": "other", "ops": [_op("customer", {"name": f"N{seq}"}, seq)]}, headers)
            except Exception as exc:
                errors.append(exc)
        writer = threading.Thread(target=keep_pushing)
        writer.start()
        command = [sys.executable, "-m", "flask", "--app", "server", "send-reminders", "--batch", "3",
                   "--timeout", "120"]
        env = server_env(url, tmp_path, **vapid)
        runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=180)[0] for run in runs]
        stop.set()
        writer.join(60)
        assert [run.returncode for run in runs] == [0, 0], outputs
        assert not errors, errors
        assert receiver.met, "the two runs never sent at the same moment; the race was not exercised"
        for browser in browsers:
            got = sorted(browser.decrypt(r.body)["task_id"] for r in receiver.to(browser))
            assert got == sorted(t["id"] for t in tasks), outputs  # every reminder, none twice
        server.assert_clean()
