"""Pull pages whose rows keep moving never make the cursor skip, across 4 gunicorn workers (SPEC §5).

Movers re-edit the oldest records again and again, so whole pages move to new versions between a
pull's queries and between one page and the next; creators add records meanwhile. Phones pull full
passes from cursor 0 in pages of 5: each pass must hold every record whose creation was answered
before the pass began, in strictly increasing versions; the last pass equals the final state.
"""
import threading
import uuid

import pytest

from live_server import KINDS, add_users, call, database, gunicorn_server

MOVERS, CREATORS, PULLERS, MOVED_EACH, ROUNDS, PAGE = 3, 2, 3, 5, 16, 5
MAX_ROUNDS = 200  # writers go on past ROUNDS until the pulls have raced them enough (a slow CI machine)


def raced_enough(passes: list) -> bool:
    """Every puller finished a pass begun while the writers wrote (each pass's own checks do the rest)."""
    return min(passes) >= 1


def _op(rid, fields, base=0):
    return {"op_id": str(uuid.uuid4()), "entity": "customer", "id": rid, "type": "put", "base_version": base,
            "fields": fields, "edited_at": "2026-11-20T08:00:00Z"}


def _race(server, email):
    headers = server.login(email)
    first = [str(uuid.uuid4()) for _ in range(MOVERS * MOVED_EACH * 2)]
    setup = [_op(rid, {"name": f"Old {k}"}) for k, rid in enumerate(first)]
    reply = call("POST", server.url + "/api/sync/push", {"client_id": "setup", "ops": setup}, headers)
    versions = {rid: r["version"] for rid, r in zip(first, reply.json["results"])}  # id -> latest answered
    errors, lock, done, passes = [], threading.Lock(), threading.Event(), [0] * PULLERS

    def push(client_id, ops):
        reply = call("POST", server.url + "/api/sync/push", {"client_id": client_id, "ops": ops}, headers)
        assert reply.status == 200 and {r["status"] for r in reply.json["results"]} == {"applied"}, reply.text
        with lock:
            versions.update((one["id"], r["version"]) for one, r in zip(ops, reply.json["results"]))

    def mover(m):
        mine = first[m * MOVED_EACH:(m + 1) * MOVED_EACH]  # the oldest records: the first pages
        try:
            for n in range(MAX_ROUNDS):
                if n >= ROUNDS and raced_enough(passes):
                    break
                with lock:
                    bases = {rid: versions[rid] for rid in mine}
                push(f"mover-{m}", [_op(rid, {"city": f"round {n}"}, bases[rid]) for rid in mine])
        except Exception as exc:  # a thread's failure would otherwise vanish
            errors.append(exc)

    def creator(c):
        try:
            for n in range(MAX_ROUNDS):
                if n >= ROUNDS and raced_enough(passes):
                    break
                push(f"creator-{c}", [_op(str(uuid.uuid4()), {"name": f"New {c}-{n}-{k}"}) for k in range(3)])
        except Exception as exc:
            errors.append(exc)

    def one_pass() -> dict:
        seen, cursor = {}, 0
        while True:
            body = call("GET", f"{server.url}/api/sync/pull?cursor={cursor}&limit={PAGE}", headers=headers).json
            got = [c["version"] for c in body["changes"]]
            assert got == sorted(set(got)) and all(cursor < v <= body["cursor"] for v in got), (cursor, got, body)
            seen.update((c["id"], c["version"]) for c in body["changes"] if c["entity"] == "customer")
            cursor = body["cursor"]
            if not body["more"]:
                return seen

    def puller(k):
        try:
            while True:
                finishing = done.is_set()
                with lock:
                    known = set(versions)
                missing = known - set(one_pass())
                assert not missing, f"a pass skipped {len(missing)} records: {sorted(missing)[:3]}"
                passes[k] += not finishing
                if finishing:
                    return
        except Exception as exc:
            errors.append(exc)

    pullers = [threading.Thread(target=puller, args=(k,)) for k in range(PULLERS)]
    writers = [threading.Thread(target=mover, args=(m,)) for m in range(MOVERS)] + [
        threading.Thread(target=creator, args=(c,)) for c in range(CREATORS)]
    for t in pullers + writers:
        t.start()
    for t in writers:
        t.join(timeout=300)
    done.set()
    for t in pullers:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in pullers + writers), "a thread hung"
    assert not errors, errors
    assert raced_enough(passes), f"too few passes raced the writers: {passes}"
    assert one_pass() == versions  # the last pass: every record at its latest answered version


@pytest.mark.parametrize("kind", KINDS)
def test_moving_pages_never_make_a_pull_skip_on_four_workers(kind, tmp_path, request):
    with database(kind, tmp_path, request) as url:
        email = add_users(url, "manager")[0]
        with gunicorn_server(url, tmp_path) as server:
            _race(server, email)
            server.assert_clean()
            assert len({pid for pid, _s, _m, path in server.access() if path == "/api/sync/pull"}) >= 2
