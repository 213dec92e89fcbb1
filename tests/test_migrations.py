"""Migrations carry a database with data forward (and back), on SQLite and on PostgreSQL."""
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from conftest import _fresh_postgres_db
from server import create_app
from server.config import TestConfig
from server.extensions import db

LEDGER_ROW = sa.text("INSERT INTO op_ledger (op_id, client_id, user_id, entity, record_id, status, version, "
                     "received_at) VALUES ('op-1', 'phone', NULL, 'customer', 'c-1', 'applied', 7, '2026-11-20 08:00:00')")


@contextmanager
def migrating(kind: str, tmp_path, request):
    """An app on a new, empty database of this kind (its migrations folder: app.extensions), dropped after."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrate.db'}"
    else:
        url = _fresh_postgres_db(request.getfixturevalue("postgres_url"))
    app = create_app(TestConfig(url))
    with app.app_context():
        yield app.extensions["migrate"].directory
        db.session.remove()
        db.engine.dispose()
    if kind == "postgres":
        admin = sa.create_engine(request.getfixturevalue("postgres_url"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)'))
        admin.dispose()


def _user_fks():
    return [fk for fk in sa.inspect(db.engine).get_foreign_keys("op_ledger") if fk["referred_table"] == "users"]


@pytest.mark.parametrize("kind", [pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def test_0003_drops_the_ledger_user_key_and_keeps_the_rows(kind, tmp_path, request):
    with migrating(kind, tmp_path, request) as folder:
        upgrade(directory=folder, revision="0002")
        db.session.execute(LEDGER_ROW)
        db.session.commit()
        assert len(_user_fks()) == 1
        upgrade(directory=folder)
        assert _user_fks() == []
        assert db.session.execute(sa.text("SELECT op_id, version FROM op_ledger")).all() == [("op-1", 7)]
        db.session.remove()
        downgrade(directory=folder, revision="0002")
        assert len(_user_fks()) == 1
        upgrade(directory=folder)  # and forward again from a named key
        assert _user_fks() == [] and db.session.execute(sa.text("SELECT count(*) FROM op_ledger")).scalar() == 1


USER_ROW = sa.text("INSERT INTO users (id, email, name, role, password_hash, active, calendar_generation, created_at) "
                   "VALUES ('u-1', 'a@example.com', 'A', 'rep', 'x', true, 0, '2026-11-20 08:00:00')")
FAILURE_ROW = sa.text("INSERT INTO login_failures (email, at) VALUES ('a@example.com', '2026-11-20 08:00:00')")


def _columns(table):
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


@pytest.mark.parametrize("kind", [pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def test_0004_adds_client_addresses_and_session_generations_and_goes_back(kind, tmp_path, request):
    with migrating(kind, tmp_path, request) as folder:
        upgrade(directory=folder, revision="0003")
        db.session.execute(USER_ROW)
        db.session.execute(FAILURE_ROW)
        db.session.commit()
        upgrade(directory=folder, revision="0004")
        assert db.session.execute(sa.text("SELECT email, client FROM login_failures")).all() == [("a@example.com", "")]
        assert db.session.execute(sa.text("SELECT session_generation FROM users")).all() == [(0,)]
        indexes = {i["name"]: i["column_names"] for i in sa.inspect(db.engine).get_indexes("login_failures")}
        assert indexes["ix_login_failures_client_at"] == ["client", "at"]
        db.session.remove()
        downgrade(directory=folder, revision="0003")
        assert "client" not in _columns("login_failures") and "session_generation" not in _columns("users")
        assert db.session.execute(sa.text("SELECT count(*) FROM login_failures")).scalar() == 1
        db.session.remove()
        upgrade(directory=folder)
        assert "client" in _columns("login_failures") and "session_generation" in _columns("users")


CUSTOMER_ROW = sa.text("INSERT INTO customers (id, version, deleted, created_at, updated_at, field_meta, search_text, "
                       "name, kind, stage, country, do_not_contact, marketing_ban, archived) VALUES ('c-1', 1, false, "
                       "'2026-11-20 08:00:00', '2026-11-20 08:00:00', '{}', '', 'Kahvila', 'customer', 'new', 'FI', "
                       "false, false, false)")
DELIVERY_ROW = sa.text("INSERT INTO deliveries (id, version, deleted, created_at, updated_at, field_meta, search_text, "
                       "customer_id, status, lines, total) VALUES ('d-1', 2, false, '2026-11-20 08:00:00', "
                       "'2026-11-20 08:00:00', '{}', '', 'c-1', 'ordered', '[]', 12.50)")


@pytest.mark.parametrize("kind", [pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def test_0005_adds_the_planned_delivery_day_and_goes_back(kind, tmp_path, request):
    with migrating(kind, tmp_path, request) as folder:
        upgrade(directory=folder, revision="0004")
        db.session.execute(CUSTOMER_ROW)
        db.session.execute(DELIVERY_ROW)
        db.session.commit()
        upgrade(directory=folder, revision="0005")
        assert db.session.execute(sa.text("SELECT id, deliver_on FROM deliveries")).all() == [("d-1", None)]
        indexes = {i["name"]: i["column_names"] for i in sa.inspect(db.engine).get_indexes("deliveries")}
        assert indexes["ix_deliveries_deliver_on"] == ["deliver_on"]
        db.session.remove()
        downgrade(directory=folder, revision="0004")
        assert "deliver_on" not in _columns("deliveries")
        assert db.session.execute(sa.text("SELECT count(*) FROM deliveries")).scalar() == 1
        db.session.remove()
        upgrade(directory=folder)
        assert "deliver_on" in _columns("deliveries")


@pytest.mark.parametrize("kind", [pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def test_the_migrations_build_exactly_the_models_tables(kind, tmp_path, request):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with migrating(kind, tmp_path, request) as folder:
        upgrade(directory=folder)
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []


@pytest.mark.parametrize("kind", [pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def test_0006_adds_the_audit_log_and_import_jobs_and_goes_back(kind, tmp_path, request):
    with migrating(kind, tmp_path, request) as folder:
        upgrade(directory=folder, revision="0006")
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"audit_log", "import_jobs"} <= tables
        db.session.remove()
        downgrade(directory=folder, revision="0005")
        assert not {"audit_log", "import_jobs"} & set(sa.inspect(db.engine).get_table_names())
        upgrade(directory=folder)
        assert {"audit_log", "import_jobs"} <= set(sa.inspect(db.engine).get_table_names())


@pytest.mark.parametrize("kind", [pytest.param("postgres", marks=pytest.mark.postgres), "sqlite"])
def test_0008_adds_customer_coordinates_and_goes_back(kind, tmp_path, request):
    with migrating(kind, tmp_path, request) as folder:
        upgrade(directory=folder, revision="0007")
        db.session.execute(CUSTOMER_ROW)
        db.session.commit()
        upgrade(directory=folder, revision="0008")
        assert db.session.execute(sa.text("SELECT id, latitude, longitude FROM customers")).all() == [("c-1", None, None)]
        db.session.execute(sa.text("UPDATE customers SET latitude = 60.16985, longitude = 24.93837"))
        db.session.commit()
        assert db.session.execute(sa.text("SELECT latitude, longitude FROM customers")).all() == [(60.16985, 24.93837)]
        db.session.remove()
        downgrade(directory=folder, revision="0007")
        assert not {"latitude", "longitude"} & _columns("customers")
        assert db.session.execute(sa.text("SELECT name FROM customers")).all() == [("Kahvila",)]
        db.session.remove()
        upgrade(directory=folder)
        assert {"latitude", "longitude"} <= _columns("customers")
