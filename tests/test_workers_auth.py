"""Login throttling and token checks hold across 4 gunicorn workers (SPEC §4), on PostgreSQL and SQLite.

Every worker reads the failures and the tokens from the database, none keeps a private count or
cache: wrong logins spread over the workers add up to one limit, and a revoked token (or a
deactivated user's) is refused by every worker at once.
"""
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import PASSWORD
from live_server import KINDS, ROOT, add_users, call, call_on, database, gunicorn_server, server_env

LIMIT = 6  # LOGIN_MAX_FAILURES given to the server through its environment


@pytest.fixture(scope="module", params=KINDS)
def served(request, tmp_path_factory):
    """One 4-worker server per database kind for the module: (database url, Server, tmp folder)."""
    tmp = tmp_path_factory.mktemp("auth")
    with database(request.param, tmp, request) as url:
        with gunicorn_server(url, tmp, LOGIN_MAX_FAILURES=str(LIMIT)) as server:
            yield url, server, tmp
            server.assert_clean()


def _login(server, email, password):
    return call("POST", server.url + "/api/auth/token", {"email": email, "password": password})


@pytest.fixture
def workers(served):
    """One kept-alive connection held by each worker (a list): a request on it runs on that worker."""
    held = served[1].pinned()
    assert len(held) >= 2, f"could not reach two workers: {held}"
    yield list(held.values())
    for conn in held.values():
        conn.close()


def test_wrong_logins_spread_over_workers_count_to_one_limit(served, workers):
    url, server, _tmp = served
    email = add_users(url, "rep")[0]
    for n in range(LIMIT):  # round robin: every worker sees only some of the guesses
        reply = call_on(workers[n % len(workers)], "POST", "/api/auth/token", {"email": email, "password": f"g{n}"})
        assert reply.status == 401, (n, reply.text)
    for conn in workers:  # the right password, but the limit is reached, whichever worker answers
        refused = call_on(conn, "POST", "/api/auth/token", {"email": email, "password": PASSWORD})
        assert refused.status == 429 and refused.json["error"]["code"] == "too_many_requests", refused.text
        assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60


def test_a_parallel_burst_of_guesses_gets_no_more_than_the_limit(served):
    url, server, _tmp = served
    email = add_users(url, "rep")[0]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda n: _login(server, email, f"guess {n}").status, range(3 * LIMIT)))
    assert statuses.count(401) <= LIMIT and statuses.count(401) + statuses.count(429) == 3 * LIMIT, statuses
    # A burst may refuse more than needed (each guess sees the others in flight), never check more; the
    # guesses after it then get exactly what is left of the limit.
    after = [_login(server, email, f"later {n}").status for n in range(LIMIT + 1)]
    assert statuses.count(401) + after.count(401) == LIMIT and after[-1] == 429, (statuses, after)


def _twenty_times(workers, headers) -> list[int]:
    """GET /api/me 20 times, round robin over the workers' connections."""
    return [call_on(workers[n % len(workers)], "GET", "/api/me", headers=headers).status for n in range(20)]


def test_a_revoked_token_is_refused_by_every_worker_at_once(served, workers):
    url, server, _tmp = served
    email = add_users(url, "rep")[0]
    headers, other = server.login(email), server.login(email)  # a second device of the same user
    assert _twenty_times(workers, headers) == [200] * 20  # every worker has seen the token alive
    assert call_on(workers[0], "DELETE", "/api/auth/token", headers=headers).status == 204
    assert _twenty_times(workers, headers) == [401] * 20
    assert _twenty_times(workers, other) == [200] * 20  # only the presented token was revoked


def test_deactivating_a_user_refuses_all_their_tokens_on_every_worker(served, workers):
    url, server, tmp = served
    email = add_users(url, "rep")[0]
    tokens = [server.login(email) for _ in range(3)]
    for headers in tokens:
        assert _twenty_times(workers, headers) == [200] * 20
    # The CLI is another process: nothing it does can reach the workers but through the database.
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "server", "users", "deactivate", email],
                          cwd=ROOT, env=server_env(url, tmp), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    for headers in tokens:
        assert _twenty_times(workers, headers) == [401] * 20
    assert _login(server, email, PASSWORD).status == 401


def test_a_new_token_is_accepted_by_every_worker_at_once(served, workers):
    url, server, _tmp = served
    email = add_users(url, "rep")[0]
    results, barrier = [], threading.Barrier(len(workers))

    def use(conn):
        barrier.wait(30)  # the token's first uses arrive together, one on each worker
        results.extend(call_on(conn, "GET", "/api/me", headers=headers).status for _ in range(20))
    headers = server.login(email)
    threads = [threading.Thread(target=use, args=(conn,)) for conn in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == [200] * 20 * len(workers)  # the first uses all write last_used_at: no lock error
