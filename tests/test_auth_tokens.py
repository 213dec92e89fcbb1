"""Bearer tokens expire after TOKEN_IDLE_DAYS unused (SPEC §4); their last use is written about hourly."""
from datetime import timedelta

import pytest

from api_helpers import assert_error
from server.extensions import db
from server.models import ApiToken, utcnow


def only_token() -> ApiToken:
    db.session.expire_all()
    return db.session.query(ApiToken).one()


def set_token(**values) -> None:
    db.session.execute(ApiToken.__table__.update().values(**values))
    db.session.commit()


@pytest.fixture
def rep_h(make_user, login):
    return login(make_user("rep"))


def test_a_token_unused_for_the_idle_days_expires(app, client, rep_h):
    idle = app.config["TOKEN_IDLE_DAYS"]
    assert idle == 90
    set_token(last_used_at=utcnow() - timedelta(days=idle, minutes=1))
    err = assert_error(client.get("/api/me", headers=rep_h), 401)
    assert err["code"] == "token_expired" and "log in" in err["message"].lower()
    assert_error(client.get("/api/sync/pull?cursor=0", headers=rep_h), 401)  # every door, not only /api/me
    # A manager-only call says the token expired, not that the role is too low.
    assert assert_error(client.put("/api/service-levels/A", headers=rep_h, json={}), 401)["code"] == "token_expired"


def test_a_token_never_used_expires_from_its_creation(client, rep_h):
    set_token(last_used_at=None, created_at=utcnow() - timedelta(days=91))
    assert assert_error(client.get("/api/me", headers=rep_h), 401)["code"] == "token_expired"


def test_a_token_used_within_the_idle_days_keeps_working_and_is_renewed(client, rep_h):
    set_token(last_used_at=utcnow() - timedelta(days=89), created_at=utcnow() - timedelta(days=400))
    assert client.get("/api/me", headers=rep_h).status_code == 200
    assert utcnow() - only_token().last_used_at < timedelta(minutes=1)


def test_the_idle_days_come_from_the_config(app, client, rep_h):
    app.config["TOKEN_IDLE_DAYS"] = 7
    set_token(last_used_at=utcnow() - timedelta(days=8))
    assert assert_error(client.get("/api/me", headers=rep_h), 401)["code"] == "token_expired"


def test_last_use_is_written_at_most_about_hourly(client, rep_h, count_queries):
    half_hour_ago = (utcnow() - timedelta(minutes=30)).replace(microsecond=0)
    set_token(last_used_at=half_hour_ago)
    with count_queries() as statements:
        assert client.get("/api/me", headers=rep_h).status_code == 200
    assert only_token().last_used_at == half_hour_ago  # a read stays a read
    assert statements[0] == 2  # the token and user look-up, and the colleagues' names; no write
    set_token(last_used_at=utcnow() - timedelta(minutes=61))
    assert client.get("/api/me", headers=rep_h).status_code == 200
    assert utcnow() - only_token().last_used_at < timedelta(minutes=1)


def test_a_revoked_or_unknown_token_is_plain_unauthorized(client, rep_h):
    assert_error(client.get("/api/me", headers={"Authorization": "Bearer not-a-token"}), 401)
    set_token(revoked_at=utcnow())
    assert assert_error(client.get("/api/me", headers=rep_h), 401)["code"] == "unauthorized"
