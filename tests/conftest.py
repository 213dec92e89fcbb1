"""Shared fixtures: a real database (SQLite file, or PostgreSQL), a fresh app per test, users, logins.

Database choice:
- KENTTA_TEST_DATABASE_URL set -> every database test runs on that server (CI sets it to
  PostgreSQL for a second pass);
- otherwise a real SQLite file in a temporary folder.
Tests marked `postgres` need KENTTA_TEST_POSTGRES_URL and fail (not skip) without it, with a
message saying how to get one: `scripts/test` starts a throwaway server itself.
"""
import os
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from server import create_app
from server.config import TestConfig
from server.extensions import db
from server.models import DEFAULT_SERVICE_LEVELS, ServiceLevel, User
from server.permissions import Actor
from server.sync.versions import ensure_counter

PASSWORD = "demo1234"
pytest_plugins = ["e2e_support"]  # the browser tests' fixtures (live server, Chromium, phones)


def pytest_collection_modifyitems(items):
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def pytest_configure(config):
    config.addinivalue_line("markers", "db: uses the database (run again on PostgreSQL in CI)")


def _fresh_postgres_db(server_url: str) -> str:
    """Create an empty database on the server for this test session; return its URL."""
    name = f"kentta_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server = os.environ.get("KENTTA_TEST_DATABASE_URL")
    url = server
    if url and url.startswith("postgresql"):
        url = _fresh_postgres_db(url)
    elif not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'kentta-test.db'}"
    app = create_app(TestConfig(url))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()
    yield url
    if url != server and url.startswith("postgresql"):  # a developer's server does not fill up
        engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            name = sa.engine.make_url(url).database
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server URL for tests that need one whatever the main database is."""
    url = os.environ.get("KENTTA_TEST_POSTGRES_URL") or (
        os.environ.get("KENTTA_TEST_DATABASE_URL", "") if os.environ.get("KENTTA_TEST_DATABASE_URL", "").startswith("postgresql") else "")
    if not url:
        pytest.fail("This test needs PostgreSQL: run scripts/test (it starts a throwaway server), or install it "
                    "(apt-get install postgresql) and set KENTTA_TEST_POSTGRES_URL=postgresql+psycopg://user:pw@host/db.")
    return url


def clean_database() -> None:
    """Empty every table and put back the rows a new database has (counter, service levels)."""
    tables = list(reversed(db.metadata.sorted_tables))
    db.session.remove()  # an open read in this process would block TRUNCATE's lock forever
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET LOCAL lock_timeout = '20s'"))  # fail loudly, never hang
            conn.execute(sa.text("TRUNCATE " + ", ".join(t.name for t in tables) + " CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    ensure_counter(db.session)
    for segment, days in DEFAULT_SERVICE_LEVELS.items():
        db.session.add(ServiceLevel(segment=segment, visit_interval_days=days, followup_delay_days=3))
    db.session.commit()


@contextmanager
def app_on(database_url):
    """A new app on the test database, emptied first, inside its app context."""
    app = create_app(TestConfig(database_url))
    with app.app_context():
        clean_database()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_url):
    with app_on(database_url) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """make_user(role="rep", email=None, name=None) -> User, with password PASSWORD."""
    def make(role="rep", email=None, name=None):
        user = User(email=email or f"{role}-{uuid.uuid4().hex[:6]}@example.com", name=name or role.title(), role=role)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def login(client):
    """login(user) -> headers with a fresh bearer token."""
    def do(user):
        r = client.post("/api/auth/token", json={"email": user.email, "password": PASSWORD})
        assert r.status_code == 201, r.json
        return {"Authorization": f"Bearer {r.json['token']}"}
    return do


@pytest.fixture
def users(make_user, login):
    """One user of each role, with ready headers: users.rep, users.rep_h, users.manager_h, ..."""
    class Users:
        pass
    out = Users()
    for role in ("rep", "rep2", "service", "manager", "admin"):
        user = make_user(role="rep" if role == "rep2" else role, email=f"{role}@example.com")
        setattr(out, role, user)
        setattr(out, f"{role}_h", login(user))
    return out


class OwnContextClient(FlaskClient):
    """Give each request its own app context, as a real server does: the test's long-lived context
    would otherwise share `g` (logged-in user, CSRF token, locale) between two browsers."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def own_contexts(app):
    """Test clients whose requests each get their own app context (session cookie tests)."""
    app.test_client_class = OwnContextClient
    yield
    app.test_client_class = None


@pytest.fixture
def csrf_on(app):
    """Turn CSRF protection on (TestConfig has it off) for tests of the back office's forms."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def create_record(app):
    """create_record(entity, actor_user=None, **fields) -> record id, written through the merge."""
    from server.operations import write_one

    def create(entity, actor_user=None, **fields):
        actor = Actor(id=actor_user.id, role=actor_user.role) if actor_user else Actor(id=None, role="admin")
        return write_one(actor, entity, None, "put", fields)["id"]
    return create


@pytest.fixture
def count_queries(app):
    """with count_queries() as n: ...; n[0] is the number of SQL statements run."""
    @contextmanager
    def counter():
        seen = [0]

        def before(*_args, **_kw):
            seen[0] += 1
        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield seen
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)
    return counter


def new_id() -> str:
    return str(uuid.uuid4())
