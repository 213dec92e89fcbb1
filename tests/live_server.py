"""A real multi-worker gunicorn for tests: started on a free port against a given database, then stopped.

`database(kind, tmp_path, request)` gives a fresh SQLite file (WAL) or PostgreSQL database, migrated;
`gunicorn_server(url, tmp_path)` serves it with 4 gthread workers and yields a `Server`. Every response
read through `call` must be free of 5xx and of "database is locked": either fails the test at once.
Gunicorn's access log names the worker's pid, so a test can prove its requests were spread.
"""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import PASSWORD, _fresh_postgres_db
from server import create_app
from server.cli import init_database
from server.config import TestConfig
from server.extensions import db
from server.models import User

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
KINDS = [pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"]
ACCESS = re.compile(r"^pid=<(\d+)> status=(\d+) (\S+) (\S+)$", re.M)
BAD_TEXT = ("database is locked", "Traceback", "Internal Server Error")
NO_PROXY = {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


@dataclass
class Reply:
    status: int
    headers: dict
    text: str

    @property
    def json(self):
        return json.loads(self.text)


def _checked(reply: Reply, method: str, url: str) -> Reply:
    assert reply.status < 500, f"{method} {url} -> {reply.status}: {reply.text[:2000]}"
    assert not any(bad in reply.text for bad in BAD_TEXT), f"{method} {url} -> {reply.text[:2000]}"
    return reply


def call_on(conn: http.client.HTTPConnection, method: str, path: str, body=None, headers=None) -> Reply:
    """One request on a kept-alive connection (so on the worker that holds it); checked as `call` is."""
    conn.request(method, path, body=None if body is None else json.dumps(body),
                 headers={"Content-Type": "application/json", **(headers or {})})
    response = conn.getresponse()
    return _checked(Reply(response.status, dict(response.getheaders()), response.read().decode()), method, path)


def call(method: str, url: str, body=None, headers=None, timeout: float = 120) -> Reply:
    """One request on a new connection (so requests spread over the workers); fail on 5xx or a lock error."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with _opener.open(request, timeout=timeout) as response:
            reply = Reply(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as err:
        reply = Reply(err.code, dict(err.headers), err.read().decode())
    return _checked(reply, method, url)


@contextmanager
def database(kind: str, tmp_path, request):
    """A new migrated database: an SQLite file in tmp_path, or one on the test PostgreSQL server (dropped after)."""
    if kind == "postgres":
        server_url = request.getfixturevalue("postgres_url")
        url = _fresh_postgres_db(server_url)
    else:
        server_url, url = None, f"sqlite:///{tmp_path / 'workers.db'}"
    app = create_app(TestConfig(url))
    with app.app_context():
        init_database()  # migrations, the version counter, service levels: what `flask init-db` does
        db.session.remove()
        db.engine.dispose()
    try:
        yield url
    finally:
        if server_url:
            engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)'))
            engine.dispose()


def add_users(url: str, *roles: str) -> list[str]:
    """Create one user per role (e-mails role-N@example.com, password PASSWORD); return the e-mails."""
    app = create_app(TestConfig(url))  # its cheap hash method: the server checks any method's hash
    emails = []
    with app.app_context():
        for n, role in enumerate(roles):
            user = User(email=f"{role}-{n}-{uuid.uuid4().hex[:4]}@example.com", name=f"{role} {n}", role=role)
            user.set_password(PASSWORD)
            db.session.add(user)
            emails.append(user.email)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return emails


def server_env(url: str, tmp_path, **extra) -> dict:
    """The environment the app reads in a server or CLI process on this database."""
    return {**os.environ, **NO_PROXY, "DATABASE_URL": url, "KENTTA_INSTANCE": str(tmp_path / "instance"),
            "SECRET_KEY": "workers-test-secret", "DEMO": "1", "PUSH_ALLOWED_HOSTS": "127.0.0.1", **extra}


@dataclass
class Server:
    url: str
    log_path: Path
    process: subprocess.Popen
    workers: int

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def access(self) -> list[tuple[int, int, str, str]]:
        """(worker pid, status, method, path) of every request served so far."""
        return [(int(p), int(s), m, path) for p, s, m, path in ACCESS.findall(self.log())]

    def login(self, email: str, password: str = PASSWORD) -> dict:
        reply = call("POST", self.url + "/api/auth/token", {"email": email, "password": password})
        assert reply.status == 201, reply.text
        return {"Authorization": f"Bearer {reply.json['token']}"}

    def pinned(self, tries: int = 80) -> dict:
        """{worker pid: keep-alive connection it holds}, one per worker (up to `tries` connections opened)."""
        held = {}
        for _ in range(tries):
            seen = len(self.access())
            conn = http.client.HTTPConnection("127.0.0.1", int(self.url.rsplit(":", 1)[1]), timeout=120)
            conn.request("GET", "/api/me")
            conn.getresponse().read()
            deadline = time.monotonic() + 10  # the worker writes its access line just after answering
            while len(self.access()) == seen and time.monotonic() < deadline:
                time.sleep(0.01)
            pid = self.access()[seen][0]
            if pid in held:
                conn.close()
            else:
                held[pid] = conn
            if len(held) == self.workers:
                break
        return held

    def assert_clean(self) -> None:
        """No 5xx was served and no worker logged a traceback or a lock error."""
        assert not [a for a in self.access() if a[1] >= 500], [a for a in self.access() if a[1] >= 500]
        text = self.log()
        assert not any(bad in text for bad in BAD_TEXT), text[-5000:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn_server(url: str, tmp_path, workers: int = 4, threads: int = 4, **env):
    """Serve the app on `url`'s database with real gunicorn workers; stop them (SIGTERM) on exit."""
    if not GUNICORN.exists():
        pytest.fail(f"These tests need gunicorn in the venv: {sys.executable} -m pip install 'gunicorn>=22' "
                    "(pyproject.toml lists it).")
    port, log_path = _free_port(), tmp_path / f"gunicorn-{uuid.uuid4().hex[:6]}.log"
    command = [str(GUNICORN), "-w", str(workers), "-k", "gthread", "--threads", str(threads),
               "-b", f"127.0.0.1:{port}", "--keep-alive", "60", "--access-logfile", "-", "--error-logfile", "-",
               "--access-logformat", "pid=%(p)s status=%(s)s %(m)s %(U)s", "server:create_app()"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=server_env(url, tmp_path, **env), stdout=log,
                                   stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", log_path, process, workers)
    try:
        deadline = time.monotonic() + 90  # 4 workers importing the app on 2 busy cores
        while True:
            assert process.poll() is None, f"gunicorn exited with {process.returncode}:\n{server.log()}"
            assert time.monotonic() < deadline, f"gunicorn did not answer in 90 s:\n{server.log()}"
            try:
                if call("GET", server.url + "/api/openapi.json", timeout=5).status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, socket.timeout):
                time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
