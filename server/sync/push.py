"""Apply a batch of ops in one transaction: load what they touch, run the merge, write the result.

This is the operations layer's way in: sync pushes, REST writes, imports and server-made records
all come through `Push`, so the merge rules of SPEC §5 hold for every write. The decisions are
all in the pure `batch.Batch`; this shell takes the version counter's lock, loads in bulk what the
ops touch, runs the batch and its record-changed hooks, and writes. It never commits: the caller
owns the transaction, so a failure anywhere leaves nothing behind.
"""
from datetime import datetime, timezone

from ..entities import GRAPH
from ..models import QuarantinedOp, new_op_id
from ..schemas.fast import UUID_RE
from ..schemas.fields import BUSINESS_ID_RE
from ..permissions import Actor
from . import gcpause, hooks, ledger
from .batch import Batch
from .hooks import Changed
from .store import DEFAULT_VALUES, SqlSource, write_changes
from .validation import validate_op
from .versions import VersionAllocator
from .working import WorkingSet


def apply_ops(session, actor: Actor, client_id: str, ops: list, now: datetime | None = None) -> list:
    """Apply envelope-valid ops (dicts as in SPEC §5, edited_at as aware datetime); return results."""
    return Push(session, actor, client_id, now).run(ops)


class Push:
    def __init__(self, session, actor: Actor, client_id: str, now: datetime | None = None):
        self.session = session
        self.versions = VersionAllocator(session)  # first: takes the write lock (see versions.py)
        self.now = now or datetime.now(timezone.utc)
        self.store = WorkingSet(SqlSource(self.versions.conn), DEFAULT_VALUES, GRAPH.children)
        self.batch = Batch(self.store, GRAPH, actor=actor, client_id=client_id, now=self.now,
                           start_version=self.versions.start, validate=validate_op, new_id=new_op_id)

    def run(self, ops: list) -> list:
        with gcpause.paused():
            return self._run(ops)

    def _run(self, ops: list) -> list:
        conn = self.versions.conn
        self.batch.results.update(ledger.seen(conn, [op["op_id"] for op in ops]))
        self.load(ops)
        results = self.batch.run(ops)
        if hooks.registered():
            hooks.records_changed(self, [Changed(op["entity"], op["id"], op["type"], frozenset(op.get("fields") or ()))
                                         for op, result in zip(ops, results) if result["status"] != "rejected"])
        write_changes(conn, self.store, self.batch.at)
        ledger.write(conn, self.batch.ledger)
        if self.batch.quarantine:
            self.session.execute(QuarantinedOp.__table__.insert(), self.batch.quarantine)
        self.versions.value = self.batch.version
        self.versions.finish()
        return results

    def load(self, ops: list) -> None:
        """Load in bulk what the ops touch: one query per entity for the records, one for what they
        point at, one for Y-tunnus holders. (The batch would load what it misses one by one.)"""
        targets: dict = {}
        pointed: dict = {}  # records the ops point at: only whether they exist and are alive
        for op in ops:
            targets.setdefault(op["entity"], []).append(op["id"])
            fields = op.get("fields") or {}
            for name, target in GRAPH.pointers[op["entity"]]:
                if isinstance(fields.get(name), str) and UUID_RE.match(fields[name]):  # else validation names it
                    pointed.setdefault(target, []).append(fields[name])
        for entity, rids in targets.items():
            self.store.prefetch(entity, rids)
        for op in ops:  # an edit of a stored child checks its parent is alive
            rec = self.store.cache.get((op["entity"], op["id"]))
            if rec is not None:
                for name, target in GRAPH.parents[op["entity"]].items():
                    if rec.state.values.get(name):
                        pointed.setdefault(target, []).append(rec.state.values[name])
        for entity, rids in pointed.items():
            self.store.prefetch_light(entity, rids)
        self.store.prefetch_business_ids(
            [op["fields"]["business_id"] for op in ops if op["entity"] == "customer"
             and isinstance((op.get("fields") or {}).get("business_id"), str)
             and BUSINESS_ID_RE.match(op["fields"]["business_id"])])

    # ---- what a record-changed hook may do (hooks.ServerWrites) --------------------------------
    def records(self, entity: str, ids: list) -> dict:
        self.store.prefetch(entity, ids)
        found = {rid: self.store.get(entity, rid) for rid in ids}
        return {rid: rec.state for rid, rec in found.items() if rec is not None}

    def apply_as_server(self, client_id: str, ops: list) -> list:
        return self.batch.run_as_server(client_id, ops)
