"""GET /healthz and GET /readyz (SPEC §8): alive without the database; ready only on a current schema."""
import pytest
import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory

from server import create_app
from server.config import TestConfig
from server.extensions import db
from server.observe.health import migration_heads


def previous_revision(app) -> str:
    """The revision just below the migration scripts' head."""
    config = AlembicConfig()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    scripts = ScriptDirectory.from_config(config)
    [head] = scripts.get_heads()
    return scripts.get_revision(head).down_revision


def test_healthz_answers_without_touching_the_database(client, count_queries):
    with count_queries() as queries:
        r = client.get("/healthz")
    assert r.status_code == 200 and r.json == {"status": "ok"}
    assert queries[0] == 0


def test_readyz_is_ready_on_a_migrated_database(app, client):
    r = client.get("/readyz")
    assert r.status_code == 200, r.json
    assert r.json == {"status": "ready"}
    with db.engine.connect() as conn:
        stored = set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    assert stored == set(migration_heads(app.extensions["migrate"].directory))


def test_readyz_refuses_a_database_one_migration_behind(app, client):
    behind = previous_revision(app)
    [head] = migration_heads(app.extensions["migrate"].directory)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :rev"), {"rev": behind})
    try:
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.json["error"]["code"] == "not_ready"
        assert behind in r.json["error"]["message"] and head in r.json["error"]["message"]
        assert "db upgrade" in r.json["error"]["message"]
        assert r.headers["Retry-After"]
        assert client.get("/healthz").status_code == 200  # alive all the same: no restart for this
    finally:  # the test database is shared by the session
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :rev"), {"rev": head})
    assert client.get("/readyz").status_code == 200


def test_readyz_refuses_a_database_never_migrated(tmp_path):
    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'empty.db'}"))
    r = app.test_client().get("/readyz")
    assert r.status_code == 503 and r.json["error"]["code"] == "not_ready"
    assert "migration none" in r.json["error"]["message"]


def test_readyz_refuses_when_the_database_does_not_answer(tmp_path):
    app = create_app(TestConfig(f"sqlite:///{tmp_path / 'no-such-folder' / 'kentta.db'}"))
    client = app.test_client()
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json["error"] == {"code": "not_ready", "message": "The database does not answer (OperationalError)."}
    assert str(tmp_path) not in r.get_data(as_text=True)  # where the database is stays in the log
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_other_methods_get_the_json_error_shape(client, path):
    r = client.post(path, json={})
    assert r.status_code == 405
    assert r.json["error"]["code"] == "method_not_allowed"
    assert "GET" in r.headers["Allow"] and "POST" not in r.headers["Allow"]
