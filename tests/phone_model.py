"""A simulated phone for the property tests: local copy from pulls, an outbox, tricky networks.

The phone does what the PWA does: edits go to the outbox with base_version = the version it last
pulled; a sync pushes the outbox (maybe split, duplicated, re-ordered, or with the response lost)
and then pulls until `more` is false. Every result the server sends is logged for the oracle.
"""
import itertools
import uuid
from dataclasses import dataclass, field

_values = itertools.count()


@dataclass
class Applied:
    """One op as the server first answered it, in server order."""
    seq: int
    op: dict
    client_id: str
    result: dict


@dataclass
class Phone:
    client: object
    headers: dict
    client_id: str
    user_id: str
    minute_skew: int
    local: dict = field(default_factory=dict)      # (entity, id) -> change from pull
    outbox: list = field(default_factory=list)
    cursor: int = 0
    created: list = field(default_factory=list)   # ids this phone made, maybe not yet pushed

    def known(self, entity):
        ids = [rid for (e, rid), c in self.local.items() if e == entity and not c["deleted"]]
        return sorted(set(ids + [rid for e, rid in self.created if e == entity]))

    def base(self, entity, rid):
        return self.local.get((entity, rid), {}).get("version", 0)

    def _op(self, entity, rid, fields, type_, minute):
        stamp = f"2026-11-20T{8 + (minute + self.minute_skew) // 60 % 12:02d}:{(minute + self.minute_skew) % 60:02d}:00Z"
        one = {"op_id": str(uuid.uuid4()), "entity": entity, "id": rid, "type": type_,
               "base_version": self.base(entity, rid), "fields": fields, "edited_at": stamp}
        self.outbox.append(one)
        return one

    def put(self, entity, rid, fields, minute):
        return self._op(entity, rid, fields, "put", minute)

    def delete(self, entity, rid, minute):
        return self._op(entity, rid, {}, "delete", minute)

    def create(self, entity, fields, minute):
        rid = str(uuid.uuid4())
        self.created.append((entity, rid))
        return self._op(entity, rid, fields, "put", minute)

    @staticmethod
    def value(prefix):
        return f"{prefix}-{next(_values)}"

    # ---- network -----------------------------------------------------------------------------
    def send(self, ops, log):
        response = self.client.post("/api/sync/push", json={"client_id": self.client_id, "ops": ops},
                                    headers=self.headers)
        assert response.status_code == 200, response.json
        for one, result in zip(ops, response.json["results"]):
            assert result["op_id"] == one["op_id"]
            if one["op_id"] not in log:
                log[one["op_id"]] = Applied(len(log), one, self.client_id, result)
            else:  # a retry must give back exactly the first answer
                assert log[one["op_id"]].result == result
        return response.json["results"]

    def sync(self, log, mode="plain", size=2):
        ops = list(self.outbox)
        batches = [ops[i:i + size] for i in range(0, len(ops), size)] or [[]]
        if mode == "reorder":
            batches.reverse()
        for batch in batches:
            if not batch:
                continue
            self.send(batch, log)
            if mode == "duplicate":
                self.send(batch, log)
        if mode == "lost":  # the responses never arrived: keep the outbox, it is sent again later
            return
        done = {one["op_id"] for one in ops}
        self.outbox = [one for one in self.outbox if one["op_id"] not in done]
        self.pull()

    def pull(self):
        while True:
            response = self.client.get(f"/api/sync/pull?cursor={self.cursor}&limit=7", headers=self.headers)
            assert response.status_code == 200, response.json
            body = response.json
            for change in body["changes"]:
                self.local[(change["entity"], change["id"])] = change
            self.cursor = body["cursor"]
            if not body["more"]:
                break
        self.created = [(e, rid) for e, rid in self.created if (e, rid) not in self.local]
