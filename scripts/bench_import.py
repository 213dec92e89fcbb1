#!/usr/bin/env python
"""Time an import of 10 000 rows (a customer with a contact person each) against a raw bulk INSERT.

    .venv/bin/python scripts/bench_import.py [--rows 10000]
    .venv/bin/python scripts/bench_import.py --database-url postgresql+psycopg://user@host:port/postgres

A CSV as Excel writes it (cp1252, ;, CRLF) is generated, then read, mapped, planned and run
through the merge (server/imports) into a fresh database, as the command line does: one
transaction, batches of 500 ops. The baseline, in the same run: the same customers and contacts
bulk INSERTed into a second fresh database (no validation, no merge, no metadata). Prints rows/s,
the seconds of each step, the ratio to the baseline, and PASS/FAIL against the bar of 60 s.
"""
import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("KENTTA_INSTANCE", str(Path(tempfile.gettempdir()) / "kentta-bench-import"))

from bench_common import build_app, database_label, dispose, fresh_databases, make_user  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from server.extensions import db  # noqa: E402
from server.imports import guess_mapping, plan, read_table, run  # noqa: E402
from server.models import Contact, Customer, new_id  # noqa: E402
from server.schemas.fields import business_id_valid  # noqa: E402

BAR_SECONDS = 60
TOWNS = [("Oulu", "90100"), ("Tampere", "33100"), ("Helsinki", "00100"), ("Vaasa", "65100"), ("Kuopio", "70100")]
HEADER = "Asiakas;Y-tunnus;Katuosoite;Postinumero;Postitoimipaikka;Puhelin;Luokka;Markkinointikielto;" \
         "Yhteyshenkilö;Titteli;Sähköposti;Liikevaihto"


def business_ids(rng, count):
    """`count` distinct valid Y-tunnus values."""
    out = set()
    while len(out) < count:
        stem = f"{rng.randrange(10**7):07d}"
        for check in range(10):
            if business_id_valid(f"{stem}-{check}"):
                out.add(f"{stem}-{check}")
                break
    return list(out)


def make_csv(rows: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    bids = business_ids(rng, rows)
    lines = [HEADER]
    for n in range(rows):
        town, code = rng.choice(TOWNS)
        lines.append(f"Yritys {n} Oy;{bids[n]};Katu {n % 90 + 1};{code};{town};040 {n:07d};{'ABCD'[n % 4]};"
                     f"{'kyllä' if n % 7 == 0 else 'ei'};Henkilö {n} Ström;Ostaja;henkilo{n}@yritys{n}.fi;"
                     f"{rng.randrange(10**6)},{rng.randrange(100):02d}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def import_file(url: str, data: bytes) -> dict:
    app = build_app(url)
    try:
        with app.app_context():
            actor, _headers = make_user("manager", "manager@example.com")
            steps, start = {}, time.perf_counter()
            table = read_table("bench.csv", data)
            steps["read"] = time.perf_counter() - start
            the_plan = plan(table, guess_mapping(table.headers), "skip")
            steps["plan"] = time.perf_counter() - start - steps["read"]
            counts = run(the_plan, actor, filename="bench.csv")
            steps["run"] = time.perf_counter() - start - steps["read"] - steps["plan"]
            assert counts["created"] == len(table.rows) and counts["invalid"] == 0, counts
            stored = (db.session.scalar(select(func.count()).select_from(Customer)),
                      db.session.scalar(select(func.count()).select_from(Contact)))
            assert stored == (len(table.rows), len(table.rows)), stored
            return steps
    finally:
        dispose(app)


def raw_insert(url: str, data: bytes) -> float:
    """The floor: the same rows as plain INSERTs of the decoded cells, one transaction."""
    app = build_app(url)
    try:
        with app.app_context():
            start = time.perf_counter()
            table = read_table("bench.csv", data)
            customers, contacts = [], []
            for version, cells in enumerate(table.rows, 1):
                cid = new_id()
                customers.append(dict(id=cid, version=version, name=cells[0], business_id=cells[1], street=cells[2],
                                      postal_code=cells[3], city=cells[4], phone=cells[5], segment=cells[6],
                                      marketing_ban=cells[7] == "kyllä", kind="customer", stage="new",
                                      country="FI", do_not_contact=False, archived=False, deleted=False))
                contacts.append(dict(id=new_id(), version=version, customer_id=cid, name=cells[8], role=cells[9],
                                     email=cells[10], marketing_ban=False, deleted=False))
            db.session.execute(Customer.__table__.insert(), customers)
            db.session.execute(Contact.__table__.insert(), contacts)
            db.session.commit()
            return time.perf_counter() - start
    finally:
        dispose(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server (default: SQLite files)")
    args = parser.parse_args()
    data = make_csv(args.rows)
    with fresh_databases(["import", "raw"], args.database_url) as urls:
        label = database_label(urls["import"])
        steps = import_file(urls["import"], data)
        baseline = raw_insert(urls["raw"], data)
    total = sum(steps.values())
    print(f"{label}: imported {args.rows} rows ({args.rows} customers + {args.rows} contacts, "
          f"{len(data) / 1024:.0f} KiB) in {total:.1f} s = {args.rows / total:.0f} rows/s "
          f"(read {steps['read']:.2f} s, plan {steps['plan']:.2f} s, run {steps['run']:.2f} s)")
    print(f"baseline: raw bulk INSERT of the same rows {baseline:.2f} s = {args.rows / baseline:.0f} rows/s; "
          f"the import takes {total / baseline:.1f}x the baseline")
    print(f"{'PASS' if total < BAR_SECONDS else 'FAIL'}: {total:.1f} s against the bar of {BAR_SECONDS} s")


if __name__ == "__main__":
    main()
