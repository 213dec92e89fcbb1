"""The geocoder's run over the customers: ask about each address, write coordinates through the merge.

Every write goes through the push (sync/push.py) as the server itself, so the coordinates get new
versions and reach every phone on its next pull. The customers are read once at the start; the
requests then take about a second each, with no transaction open. Every BATCH customers the answers
are written in one transaction, so Ctrl-C loses at most the batch being written (which is rolled
back whole, never half written).

A customer edited meanwhile keeps its edit: each op's base_version is the version read and its
edited_at the time read, so the merge counts a later edit as unseen and newer. And under the write
lock the record is looked at again: if it got coordinates (a rep's "the customer is here" tap) or
another address meanwhile, this answer is dropped rather than written over it or put on the wrong
address (a changed address is asked about on the next run).
"""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import delete, or_, select

from .geocode import GeocoderError, address_key, address_of
from .models import Customer, GeocodeMiss, new_op_id, utcnow
from .sync.batch import SERVER
from .sync.push import Push

CLIENT_ID = "server:geocoder"
BATCH = 25  # customers per write transaction: ~25 s of answers at one request a second
FAILURES_IN_A_ROW = 5  # then the geocoder, not the addresses, is at fault: stop


@dataclass
class Candidate:
    id: str
    name: str
    version: int
    address: dict
    key: str
    coords: tuple | None = None
    outcome: str = ""   # found | not_found | failed
    detail: str = ""


@dataclass
class Counts:
    total: int = 0
    asked: int = 0
    found: int = 0
    not_found: int = 0
    failed: int = 0
    remembered: int = 0   # skipped: a miss remembered for the same address
    written: int = 0
    changed: int = 0      # edited meanwhile: the answer was not written
    stopped: str = ""     # why the run stopped early, if it did
    interrupted: bool = False
    pending: list = field(default_factory=list)


def candidates(session, retry_failed: bool = False) -> tuple[list, int]:
    """(customers to ask about, how many were skipped as remembered misses), in name order.

    Live, not archived, without coordinates, with at least a city."""
    rows = session.execute(
        select(Customer.id, Customer.name, Customer.version, Customer.street, Customer.postal_code,
               Customer.city, Customer.country, GeocodeMiss.address_key)
        .outerjoin(GeocodeMiss, GeocodeMiss.customer_id == Customer.id)
        .where(Customer.deleted.is_(False), Customer.archived.is_(False),
               or_(Customer.latitude.is_(None), Customer.longitude.is_(None)),
               Customer.city.is_not(None), Customer.city != "")
        .order_by(Customer.name, Customer.id)).all()
    out, remembered = [], 0
    for row in rows:
        address = address_of(row._mapping)
        if address is None:
            continue
        key = address_key(address)
        if row.address_key == key and not retry_failed:
            remembered += 1
            continue
        out.append(Candidate(row.id, row.name, row.version, address, key))
    return out, remembered


def run(session, geocoder, limit: int | None = None, dry_run: bool = False, retry_failed: bool = False,
        echo=print, batch: int = BATCH) -> Counts:
    """Ask the geocoder about each candidate in turn; write in batches (nothing when dry_run)."""
    todo, remembered = candidates(session, retry_failed)
    session.commit()  # no transaction stays open across the requests
    todo = todo[:limit] if limit is not None else todo
    counts = Counts(total=len(todo), remembered=remembered)
    read_at = datetime.now(timezone.utc)
    in_a_row = 0
    try:
        for n, item in enumerate(todo, 1):
            try:
                item.coords = geocoder.lookup(item.address)
                item.outcome = "found" if item.coords else "not_found"
                in_a_row = 0
            except GeocoderError as err:
                if err.fatal:
                    counts.stopped = str(err)
                    break
                item.outcome, item.detail = "failed", str(err)
                in_a_row += 1
            counts.asked += 1
            setattr(counts, item.outcome, getattr(counts, item.outcome) + 1)
            counts.pending.append(item)
            said = (f"{item.coords[0]}, {item.coords[1]}" if item.coords else
                    "not found" if item.outcome == "not_found" else f"failed: {item.detail}")
            echo(f"{n} / {counts.total}  {item.name}: {said}  (found {counts.found}, not found "
                 f"{counts.not_found}, failed {counts.failed})")
            if len(counts.pending) >= batch:
                write(session, counts, read_at, dry_run)
            if in_a_row >= FAILURES_IN_A_ROW:
                counts.stopped = f"{in_a_row} failures in a row (the last: {item.detail})"
                break
    except KeyboardInterrupt:
        counts.interrupted = True
    write(session, counts, read_at, dry_run)
    return counts


def write(session, counts: Counts, read_at: datetime, dry_run: bool) -> None:
    """Write the pending answers in one transaction: coordinates through the merge, misses remembered."""
    pending, counts.pending = counts.pending, []
    if dry_run or not pending:
        return
    session.commit()
    push = Push(session, SERVER, CLIENT_ID)  # takes the version counter's lock until commit
    ops, found = [], []
    for item in pending:
        if item.coords is None:
            continue
        rec = push.store.get("customer", item.id)
        values = rec.state.values if rec is not None and not rec.state.deleted else None
        now_address = address_of(values) if values else None
        if (values is None or (values.get("latitude") is not None and values.get("longitude") is not None)
                or now_address is None or address_key(now_address) != item.key):
            counts.changed += 1
            continue
        found.append(item.id)
        ops.append({"op_id": new_op_id(), "entity": "customer", "id": item.id, "type": "put",
                    "base_version": item.version, "edited_at": read_at,
                    "fields": {"latitude": item.coords[0], "longitude": item.coords[1]}})
    results = push.run(ops) if ops else []
    counts.written += sum(1 for r in results if r["status"] != "rejected")
    if not ops:
        push.versions.finish()
    if found:
        session.execute(delete(GeocodeMiss).where(GeocodeMiss.customer_id.in_(found)))
    for item in pending:
        if item.coords is None:
            session.merge(GeocodeMiss(customer_id=item.id, address_key=item.key, outcome=item.outcome,
                                      detail=item.detail[:300], tried_at=utcnow()))
    session.commit()
