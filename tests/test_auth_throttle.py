"""Login throttling (SPEC §4): per e-mail and client address, per address across e-mails, no lock-out
by strangers, Retry-After, the same work for an unknown e-mail, and the client address behind proxies."""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from api_helpers import assert_error
from conftest import PASSWORD
from server import create_app
from server.config import TestConfig
from server.extensions import db
from server.models import LoginFailure, utcnow

STRANGER, OWNER, THIRD = "203.0.113.7", "198.51.100.2", "192.0.2.44"


def log_in(client, email, password=PASSWORD, address=OWNER, **headers):
    return client.post("/api/auth/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def guess(client, email, times, address=STRANGER, password="guess"):
    for _ in range(times):
        assert_error(log_in(client, email, password, address), 401)


def retry_after(response, app) -> int:
    seconds = int(response.headers["Retry-After"])
    assert 0 < seconds <= app.config["LOGIN_WINDOW_SECONDS"]
    return seconds


def test_a_stranger_cannot_lock_a_user_out(app, client, make_user):
    user = make_user("rep")
    guess(client, user.email, app.config["LOGIN_MAX_FAILURES"])
    refused = log_in(client, user.email, address=STRANGER)  # the right password, from the guesser's address
    assert assert_error(refused, 429)["code"] == "too_many_requests"
    retry_after(refused, app)
    assert log_in(client, user.email, address=OWNER).status_code == 201  # the owner, from elsewhere


def test_the_refusal_says_when_to_try_again(app, client, make_user):
    user = make_user("rep")
    guess(client, user.email, app.config["LOGIN_MAX_FAILURES"], address=OWNER)
    refused = log_in(client, user.email, "guess", address=OWNER)
    err = assert_error(refused, 429)
    seconds = retry_after(refused, app)
    assert seconds > app.config["LOGIN_WINDOW_SECONDS"] - 60  # the failures were just now
    assert "minute" in err["message"]


def test_failures_older_than_the_window_no_longer_count(app, client, make_user):
    user = make_user("rep")
    guess(client, user.email, app.config["LOGIN_MAX_FAILURES"], address=OWNER)
    assert_error(log_in(client, user.email, address=OWNER), 429)
    long_ago = utcnow() - timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 1)
    db.session.execute(LoginFailure.__table__.update().values(at=long_ago))
    db.session.commit()
    assert log_in(client, user.email, address=OWNER).status_code == 201


def test_one_password_sprayed_across_many_emails_is_throttled_per_address(app, client, make_user):
    victim = make_user("rep")
    for n in range(app.config["LOGIN_MAX_CLIENT_FAILURES"]):
        assert_error(log_in(client, f"someone{n}@example.com", "Kesä2026!", STRANGER), 401)
    refused = log_in(client, victim.email, PASSWORD, STRANGER)  # even a hit is not revealed
    assert_error(refused, 429)
    retry_after(refused, app)
    assert log_in(client, victim.email, address=OWNER).status_code == 201


def test_a_success_clears_only_its_own_email_and_address(app, client, make_user):
    user = make_user("rep")
    guess(client, user.email, app.config["LOGIN_MAX_FAILURES"] - 1, address=OWNER)
    guess(client, user.email, 2, address=STRANGER)
    assert log_in(client, user.email, address=OWNER).status_code == 201
    left = db.session.scalars(select(LoginFailure.client)).all()
    assert left == [STRANGER, STRANGER]
    guess(client, user.email, app.config["LOGIN_MAX_FAILURES"] - 1, address=OWNER)  # counting starts again
    assert log_in(client, user.email, address=OWNER).status_code == 201


def test_forwarded_for_is_ignored_without_a_trusted_proxy(app, client, make_user):
    user = make_user("rep")
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        assert_error(log_in(client, user.email, "guess", STRANGER, **{"X-Forwarded-For": f"10.0.0.{n}"}), 401)
    assert_error(log_in(client, user.email, PASSWORD, STRANGER, **{"X-Forwarded-For": "10.9.9.9"}), 429)


@pytest.fixture
def proxied_app(database_url):
    """An app behind one trusted reverse proxy (TRUSTED_PROXIES=1), on the same database."""
    config = TestConfig(database_url)
    config.TRUSTED_PROXIES = 1
    proxied = create_app(config)
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(app, proxied_app, make_user):
    user = make_user("rep")
    behind = proxied_app.test_client()
    proxy = "10.0.0.1"  # every request comes from the proxy's socket
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert_error(log_in(behind, user.email, "guess", proxy, **{"X-Forwarded-For": f"1.2.3.4, {STRANGER}"}), 401)
    assert_error(log_in(behind, user.email, PASSWORD, proxy, **{"X-Forwarded-For": STRANGER}), 429)
    # Only the last hop is trusted: a forged first entry does not change who the client is.
    assert_error(log_in(behind, user.email, PASSWORD, proxy, **{"X-Forwarded-For": f"{OWNER}, {STRANGER}"}), 429)
    assert log_in(behind, user.email, PASSWORD, proxy, **{"X-Forwarded-For": OWNER}).status_code == 201


def test_ipv6_clients_count_by_their_64_prefix(app, client, make_user):
    """One IPv6 host owns a whole /64: rotating the low bits must not give fresh guesses."""
    user = make_user("rep")
    for n in range(app.config["LOGIN_MAX_FAILURES"]):
        assert_error(log_in(client, user.email, "guess", f"2001:db8:1:2::{n + 1:x}"), 401)
    assert_error(log_in(client, user.email, PASSWORD, "2001:db8:1:2:ffff::9"), 429)
    assert log_in(client, user.email, PASSWORD, "2001:db8:1:3::1").status_code == 201


@pytest.fixture
def hash_checks(monkeypatch):
    """Record the method of every password hash the login checks (the real check still runs)."""
    import server.accounts as accounts

    seen = []
    real = check_password_hash

    def spy(pwhash, password):
        seen.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)
    monkeypatch.setattr(accounts, "check_password_hash", spy, raising=False)
    return seen


@pytest.mark.parametrize("case", ["wrong password", "unknown e-mail", "deactivated user"])
def test_every_refusal_checks_one_hash_with_the_same_method(app, client, make_user, hash_checks, case):
    """An unknown e-mail must cost what a wrong password costs, or its speed tells who has an account."""
    user = make_user("rep", "known@example.com")
    if case == "deactivated user":
        user.active = False
        db.session.commit()
    email, password = {"wrong password": (user.email, "guess"), "unknown e-mail": ("nobody@example.com", PASSWORD),
                       "deactivated user": (user.email, PASSWORD)}[case]
    response = log_in(client, email, password)
    assert assert_error(response, 401)["code"] == "invalid_credentials"
    assert hash_checks == [app.config["PASSWORD_HASH_METHOD"]]


def test_parallel_guesses_cannot_slip_past_the_limit(app, make_user):
    """Each attempt is counted before its password is checked, so a burst gets no extra guesses."""
    email, limit = make_user("rep").email, app.config["LOGIN_MAX_FAILURES"]

    def attempt(_n):  # each request pushes its own app context, with its own session and connection
        return log_in(app.test_client(), email, "guess", STRANGER).status_code
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(attempt, range(3 * limit)))
    assert statuses.count(401) <= limit and statuses.count(401) + statuses.count(429) == 3 * limit, statuses
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) <= limit


def test_the_office_login_is_throttled_the_same_way(app, make_user):
    user = make_user("manager")
    office = app.test_client()

    def office_login(password, address):
        return office.post("/office/login", data={"email": user.email, "password": password},
                           environ_base={"REMOTE_ADDR": address})
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert office_login("guess", STRANGER).status_code == 401
    refused = office_login(PASSWORD, STRANGER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "minuutin" in refused.get_data(as_text=True)  # Finnish by default
    assert office_login(PASSWORD, OWNER).status_code == 302
