"""scripts/serve's supervisor (server/serve.py): gunicorn and the reminder loop start together and stop together.

Real processes on a real SQLite file: the database is made with the CLI, the supervisor runs as
scripts/serve runs it, and the test talks HTTP to it and reads /proc to see its children.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTUP = 90  # seconds: a loaded 2-core CI machine imports the app in every process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_env(tmp_path, **extra) -> dict:
    """Environment for a server on a fresh SQLite file in tmp_path, its schema migrated and keys made."""
    env = {k: v for k, v in os.environ.items() if k not in ("PROMETHEUS_MULTIPROC_DIR", "METRICS_ENABLED", "DEV")}
    env.update(KENTTA_INSTANCE=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'kentta.db'}",
               SECRET_KEY="serve-test", DEMO="1", HOST="127.0.0.1", PORT=str(free_port()), WEB_CONCURRENCY="2",
               FLASK_APP="server", GUNICORN_LOG_LEVEL="warning", **extra)
    for args in (["init-db", "--no-demo"], ["vapid-keys", "--if-missing"]):
        subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def start(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "server.serve"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def get(url: str):
    """GET url; return (status, headers, body) whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def wait_healthy(proc: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the supervisor exited ({proc.returncode}) before serving:\n{proc.communicate()[0]}")
        try:
            if get(base + "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    pytest.fail(f"no answer on {base}/healthz within {STARTUP} s:\n{proc.communicate()[0]}")


def children(pid: int) -> dict:
    """The live child processes of pid: {pid: command line}."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid, state = int(stat.rpartition(")")[2].split()[1]), stat.rpartition(")")[2].split()[0]
        if ppid == pid and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def handles(pid: int, signum: int) -> bool:
    """True once the process has a handler of its own for signum (/proc's SigCgt mask)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught >> (signum - 1) & 1)


def running_server(tmp_path, **extra):
    """Start the supervisor; return (process, base URL, {"web": pid, "loop": pid, "workers": [pids]})."""
    env = serve_env(tmp_path, **extra)
    proc = start(env)
    base = f"http://127.0.0.1:{env['PORT']}"
    wait_healthy(proc, base)
    kids = children(proc.pid)
    web = [pid for pid, cmd in kids.items() if "gunicorn" in cmd]
    loop = [pid for pid, cmd in kids.items() if "send-reminders --loop" in cmd]
    assert len(web) == 1 and len(loop) == 1, kids
    deadline = time.monotonic() + STARTUP
    while len(children(web[0])) < 2 and time.monotonic() < deadline:  # both workers booted
        time.sleep(0.1)
    # The loop takes SIGTERM only once the app is imported; a stop before that ends it by the default
    # action (harmless, nothing has started) and the test could not see it stop its own way.
    while not handles(loop[0], signal.SIGTERM) and time.monotonic() < deadline:
        time.sleep(0.1)
    return proc, base, {"web": web[0], "loop": loop[0], "workers": sorted(children(web[0]))}


def stop(proc: subprocess.Popen, signum=signal.SIGTERM) -> int:
    proc.send_signal(signum)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"the supervisor did not stop within 60 s of {signal.Signals(signum).name}:\n"
                    + proc.communicate()[0])
    return proc.returncode


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_gunicorn_and_the_reminder_loop_run_together_and_stop_together(tmp_path, signum):
    proc, base, pids = running_server(tmp_path)
    try:
        status, headers, _body = get(base + "/healthz")
        assert status == 200 and headers["Server"] == "gunicorn"  # not Werkzeug's development server
        assert len(pids["workers"]) == 2  # WEB_CONCURRENCY
        assert get(base + "/readyz")[0] == 200
        assert alive(pids["loop"])
    finally:
        code = stop(proc, signum)
    output = proc.communicate()[0]
    assert code == 0, output
    assert "send-reminders stopped." in output  # the loop ended its own way, not killed
    for pid in (pids["web"], pids["loop"], *pids["workers"]):
        assert not alive(pid), f"process {pid} outlived the supervisor"


@pytest.mark.parametrize("victim", ["loop", "web"])
def test_when_one_child_dies_the_other_is_stopped_and_the_exit_status_says_so(tmp_path, victim):
    proc, _base, pids = running_server(tmp_path)
    os.kill(pids[victim], signal.SIGKILL)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"the supervisor kept running after its {victim} child died:\n{proc.communicate()[0]}")
    output = proc.communicate()[0]
    assert proc.returncode != 0, output
    assert "exited (status -9); stopping the rest" in output
    for pid in (pids["web"], pids["loop"], *pids["workers"]):
        assert not alive(pid), f"process {pid} outlived the supervisor"
