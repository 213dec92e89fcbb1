"""A simulated phone for the sync property tests: a local copy from pulls, an outbox, a bad network.

The phone does what the PWA does: an edit goes to the outbox with base_version = the record's
version in the local copy (0 for a record it made), the next `seq` of this installation, and
edited_at from its own clock, which may be off and may jump (years ahead, days back, corrected
by NTP); a sync pushes
the outbox (in batches that may be duplicated, re-ordered, or whose answer is lost), pulls until
`more` is false and drops the ops that got an answer. The World is the test harness around the
phones: the shared clock, reproducible ids, and every answer the server gave, in server order.
"""
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from conftest import PASSWORD
from server.extensions import db
from server.models import User

MODES = ("plain", "plain", "duplicate", "reorder", "lost")
KEPT = {"users", "api_tokens", "login_failures", "org_settings", "service_levels", "sync_counter"}


def reset_records() -> None:
    """Empty every table but the users, their tokens and the settings.

    The app fixture is per test function while hypothesis runs hundreds of examples in it; keeping
    the logged-in users saves most of an example's set-up. The counter keeps counting: harmless.
    """
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in KEPT:
                conn.execute(table.delete())
    db.session.expire_all()


@dataclass(frozen=True)
class Account:
    user_id: str = field(repr=False)  # kept out of hypothesis' report of a failing example
    role: str = "rep"
    headers: dict = field(repr=False, default_factory=dict)


def account(client, role: str, n: int = 0) -> Account:
    """A new user with this role, logged in."""
    user = User(email=f"{role}-{n}@example.com", name=f"{role.title()} {n}", role=role)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    r = client.post("/api/auth/token", json={"email": user.email, "password": PASSWORD})
    assert r.status_code == 201, r.json
    return Account(user.id, role, {"Authorization": f"Bearer {r.json['token']}"})


@dataclass
class Sent:
    """One op as the server first answered it."""
    seq: int            # server order: requests are sequential, ops applied in the order given
    op: dict
    phone: "Phone"
    typed: int          # typing order over all phones (the order the users made the edits)
    result: dict


class World:
    def __init__(self, client, salt: int = 0):
        self.client = client
        self.salt = salt
        self.minute = 0
        # six hours in the past, so a phone whose clock runs 10 h ahead sends future instants
        self.t0 = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=6)
        self.log: dict = {}      # op_id -> Sent
        self.typed: dict = {}    # op_id -> typing order
        self.parent: dict = {}   # child id -> customer id, as created
        self._ids = 0
        self.phones: list = []

    def new_id(self) -> str:
        """Ids repeat for the same salt, so hypothesis replays an example exactly (op_id breaks ties)."""
        self._ids += 1
        return str(uuid.UUID(hashlib.md5(f"{self.salt}:{self._ids}".encode()).hexdigest()))

    def phone(self, account: "Account", skew: int = 0) -> "Phone":
        """A new phone (own client_id, empty local copy) of this user, its clock `skew` minutes off."""
        phone = Phone(self, f"phone-{len(self.phones)}", account.user_id, account.role, account.headers, skew)
        self.phones.append(phone)
        return phone

    def history(self) -> list:
        return sorted(self.log.values(), key=lambda s: s.seq)


@dataclass(eq=False)
class Phone:
    world: World
    client_id: str
    user_id: str
    role: str
    headers: dict
    skew: int                                        # minutes this phone's clock is off
    local: dict = field(default_factory=dict)        # (entity, id) -> change as last pulled
    outbox: list = field(default_factory=list)
    cursor: int = 0
    made: set = field(default_factory=set)           # (entity, id) made here, not pulled yet
    edits: int = 0
    seq: int = 0                                     # the outbox's counter: only ever grows

    def set_clock(self, skew: int) -> None:
        """The phone's clock jumps: set wrong by hand, or corrected by the network (skew 0)."""
        self.skew = skew

    # ---- the user's edits --------------------------------------------------------------------
    def live(self, entity: str) -> list:
        """Records of this entity the user can see on the phone: what it pulled or made, less what
        the user deleted here (with its children) and has not synced yet."""
        ids = {rid for (e, rid), c in self.local.items() if e == entity and not c["deleted"]}
        gone = {one["id"] for one in self.outbox if one["type"] == "delete"}
        return sorted(rid for rid in ids | {rid for e, rid in self.made if e == entity}
                      if rid not in gone and self.world.parent.get(rid) not in gone)

    def base(self, entity: str, rid: str) -> int:
        return self.local.get((entity, rid), {}).get("version", 0)

    def edited_at(self) -> str:
        """The phone's clock: the shared minute plus its skew, a second more for each edit made
        here: one phone's edits are in order, and two phones can still tie (op_id decides)."""
        at = self.world.t0 + timedelta(minutes=self.world.minute + self.skew, seconds=self.edits)
        self.edits += 1
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _type(self, entity, rid, type_, fields) -> dict:
        self.seq += 1
        one = {"op_id": self.world.new_id(), "entity": entity, "id": rid, "type": type_,
               "base_version": self.base(entity, rid), "fields": fields, "edited_at": self.edited_at(),
               "seq": self.seq}
        self.world.typed[one["op_id"]] = len(self.world.typed)
        self.outbox.append(one)
        return one

    def put(self, entity: str, rid: str, fields: dict) -> dict:
        return self._type(entity, rid, "put", fields)

    def delete(self, entity: str, rid: str) -> dict:
        return self._type(entity, rid, "delete", {})

    def create(self, entity: str, fields: dict) -> str:
        rid = self.world.new_id()
        self.made.add((entity, rid))
        if "customer_id" in fields:
            self.world.parent[rid] = fields["customer_id"]
        self._type(entity, rid, "put", fields)
        return rid

    # ---- the network -------------------------------------------------------------------------
    def push(self, ops: list) -> list:
        r = self.world.client.post("/api/sync/push", json={"client_id": self.client_id, "ops": ops},
                                   headers=self.headers)
        assert r.status_code == 200, r.json
        results = r.json["results"]
        assert [x["op_id"] for x in results] == [one["op_id"] for one in ops]
        log = self.world.log
        for one, result in zip(ops, results):
            if one["op_id"] in log:  # idempotency: a resent op gets exactly its first answer
                assert log[one["op_id"]].result == result, (one, result)
            else:
                log[one["op_id"]] = Sent(len(log), one, self, self.world.typed[one["op_id"]], result)
        return results

    def sync(self, mode: str = "plain", size: int = 2) -> None:
        """Push the outbox in batches of `size`, then pull to the end.

        duplicate: every batch is sent twice; reorder: the batches go out last first; lost: the
        answer to the last batch never arrives, so its ops stay in the outbox and the phone stops.
        """
        batches = [self.outbox[i:i + size] for i in range(0, len(self.outbox), size)]
        if mode == "reorder":
            batches.reverse()
        answered = set()
        for n, batch in enumerate(batches):
            self.push(batch)
            if mode == "duplicate":
                self.push(batch)
            if mode == "lost" and n == len(batches) - 1:
                break
            answered |= {one["op_id"] for one in batch}
        self.outbox = [one for one in self.outbox if one["op_id"] not in answered]
        if mode != "lost" or not batches:
            self.pull()

    def pull(self, limit: int = 20) -> None:
        while True:
            r = self.world.client.get(f"/api/sync/pull?cursor={self.cursor}&limit={limit}", headers=self.headers)
            assert r.status_code == 200, r.json
            for change in r.json["changes"]:
                assert change["version"] > self.cursor
                self.local[(change["entity"], change["id"])] = change
            self.cursor = r.json["cursor"]
            if not r.json["more"]:
                break
        self.made = {key for key in self.made if key not in self.local}
