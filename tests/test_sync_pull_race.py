"""A page whose rows all move between pull's two queries must not make the cursor skip (PostgreSQL).

Pull reads versions first, then the rows up to the page's last version. Under READ COMMITTED each
statement sees newer commits, so every row of the first page can move to a new version before the
second query runs. An earlier cursor rule then jumped to the counter and skipped the next rows.
"""
import uuid

import pytest

from conftest import _fresh_postgres_db
from server.extensions import db
from server.sync import pull as pull_module
from test_sync_concurrency import _app_on


def _op(rid, name, base=0):
    return {"op_id": str(uuid.uuid4()), "entity": "customer", "id": rid, "type": "put", "base_version": base,
            "fields": {"name": name}, "edited_at": "2026-11-20T08:00:00Z"}


@pytest.mark.postgres
def test_cursor_does_not_skip_when_the_whole_page_moves(postgres_url, monkeypatch):
    app, headers = _app_on(_fresh_postgres_db(postgres_url))
    client = app.test_client()
    first = [str(uuid.uuid4()) for _ in range(5)]
    later = [str(uuid.uuid4()) for _ in range(5)]
    assert client.post("/api/sync/push", json={"client_id": "a", "ops": [_op(r, "old") for r in first + later]},
                       headers=headers).status_code == 200

    real_rows_query, moved = pull_module._rows_query, []

    def rows_query_then_move(entity):
        if entity == "customer" and not moved:  # between the two queries of the first page
            moved.append(True)
            other = app.test_client().post("/api/sync/push", json={"client_id": "b", "ops": [_op(r, "new", 10) for r in first]},
                                           headers=headers)
            assert other.status_code == 200
        return real_rows_query(entity)

    monkeypatch.setattr(pull_module, "_rows_query", rows_query_then_move)
    seen, cursor = set(), 0
    while True:
        body = client.get(f"/api/sync/pull?cursor={cursor}&limit=5", headers=headers).json
        seen |= {c["id"] for c in body["changes"]}
        cursor = body["cursor"]
        if not body["more"]:
            break
    assert moved and set(later) <= seen and set(first) <= seen
    with app.app_context():
        db.engine.dispose()
