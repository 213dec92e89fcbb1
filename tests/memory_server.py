"""The sync server with no database and no HTTP: the pure merge core (server/sync/batch.py) over
dicts, behind a client that answers the two sync requests the simulated phones make.

Only the shell differs from the real server: what is stored is a dict, a request's envelope is
read by the production envelope code, and every batch runs through the production Batch with
the production validation. So the property test can play thousands of phone stories in seconds.
"""
import uuid
from collections import Counter
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlparse

from marshmallow import ValidationError

from server.entities import GRAPH
from server.permissions import Actor
from server.sync import envelope
from server.sync.batch import Batch
from server.sync.merge import State
from server.sync.store import DEFAULT_VALUES
from server.sync.validation import validate_op
from server.sync.working import WorkingSet


class MemoryServer:
    """What is stored: records by (entity, id), the op ledger, the quarantine, the version counter."""

    def __init__(self):
        self.rows: dict = {}
        self.ledger: dict = {}
        self.quarantine: list = []
        self.version = 0
        self.users: set = set()

    # ---- working.Source --------------------------------------------------------------------
    def records(self, entity: str, ids: list) -> dict:
        return {rid: _copy(self.rows[(entity, rid)]) for rid in ids if (entity, rid) in self.rows}

    def flags(self, entity: str, ids: list) -> dict:
        return {rid: self.rows[(entity, rid)].deleted for rid in ids if (entity, rid) in self.rows}

    def child_ids(self, entity: str, field: str, parent_id: str) -> list:
        return [rid for (e, rid), state in self.rows.items() if e == entity and state.values.get(field) == parent_id]

    def business_id_holders(self, values: list) -> list:
        return [rid for (e, rid), state in self.rows.items()
                if e == "customer" and state.values.get("business_id") in values]

    def user_ids(self) -> set:
        return set(self.users)

    # ---- the two requests --------------------------------------------------------------------
    def push(self, actor: Actor, body: dict) -> dict:
        data = envelope.load(body)
        working = WorkingSet(self, DEFAULT_VALUES, GRAPH.children)
        batch = Batch(working, GRAPH, actor=actor, client_id=data["client_id"], now=datetime.now(timezone.utc),
                      start_version=self.version, validate=validate_op, new_id=lambda: str(uuid.uuid4()))
        batch.results.update({op["op_id"]: self.ledger[op["op_id"]] for op in data["ops"] if op["op_id"] in self.ledger})
        results = batch.run(data["ops"])
        for rec in working.dirty():  # the commit
            self.rows[(rec.entity, rec.id)] = _copy(rec.state)
        self.ledger.update((row[0], batch.results[row[0]]) for row in batch.ledger)
        self.quarantine += batch.quarantine
        self.version = batch.version
        return {"results": results, "cursor": self.version}

    def pull(self, actor: Actor, cursor: int, limit: int) -> dict:
        visible = sorted((state.version, entity, rid, state) for (entity, rid), state in self.rows.items()
                         if state.version > cursor and (entity != "conflict" or state.values["lost_by"] == actor.id))
        page = visible[:limit]
        more = len(visible) > limit
        changes = [{"entity": entity, "id": rid, "version": version, "deleted": state.deleted,
                    "data": dict(state.values)} for version, entity, rid, state in page]
        return {"changes": changes, "cursor": page[-1][0] if more else self.version, "more": more}

    def kept(self) -> tuple:
        """As the database test reads them: (Counter of conflict records, quarantined op ids)."""
        stored = Counter((s.values["record_id"], s.values["field"], repr(s.values["kept_value"]),
                          repr(s.values["lost_value"])) for (e, _), s in self.rows.items() if e == "conflict")
        return stored, {q["op_id"] for q in self.quarantine}


class Answer:
    def __init__(self, status_code: int, json: dict):
        self.status_code, self.json = status_code, json


class MemoryClient:
    """The part of Flask's test client the phones use, answered by a MemoryServer."""

    def __init__(self, server: MemoryServer):
        self.server = server
        self.tokens: dict = {}

    def login(self, user_id: str, role: str) -> dict:
        self.server.users.add(user_id)
        self.tokens[user_id] = Actor(id=user_id, role=role)
        return {"Authorization": f"Bearer {user_id}"}

    def _actor(self, headers) -> Actor:
        return self.tokens[headers["Authorization"].removeprefix("Bearer ")]

    def post(self, path: str, json: dict, headers: dict) -> Answer:
        assert path == "/api/sync/push", path
        try:
            return Answer(200, self.server.push(self._actor(headers), json))
        except ValidationError as err:
            return Answer(400, {"error": {"code": "validation_error", "fields": err.messages}})

    def get(self, path: str, headers: dict) -> Answer:
        url = urlparse(path)
        assert url.path == "/api/sync/pull", path
        query = {k: int(v[0]) for k, v in parse_qs(url.query).items()}
        return Answer(200, self.server.pull(self._actor(headers), query.get("cursor", 0), query.get("limit", 500)))


def _copy(state: State) -> State:
    """What a commit stores, and a load gives: a state the batch may change without touching the store."""
    return State(dict(state.values), dict(state.meta), state.deleted, state.version)
