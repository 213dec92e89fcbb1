"""Bytes on the wire of a first sync: per entity and per 1 000-record page, raw, gzip and brotli.

Loads the benchmark demo (--customers, default 5 000) into a throwaway SQLite database, logs in a
rep (and a manager, who sees every record), pulls from cursor 0 with limit=1000 the full way (SPEC
§5 as it stands) and the slim way (`omit_empty=1`, server/sync/slim.py), and prints:
1. per entity: records, raw bytes per record full -> slim, gzip and brotli (at the served levels)
   bytes per record, full -> slim;
2. per page (the first full page): every level of gzip and brotli, bytes and milliseconds, so the
   served levels (server/compression.py) can be chosen from figures.
Run: .venv/bin/python scripts/bench_wire.py [--customers 5000] [--user manager]
"""
import argparse
import gzip
import json
import logging
import sys
import time
from collections import defaultdict
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import build_app, dispose, fresh_databases  # noqa: E402

GZIP_SERVED, BR_SERVED = 6, 5  # server/compression.py's levels for answers without an ETag (pulls)


def pull_pages(client, headers, slim: bool) -> list:
    """Every page's (raw bytes, parsed body) from cursor 0."""
    cursor, pages = 0, []
    while True:
        url = f"/api/sync/pull?cursor={cursor}&limit=1000" + ("&omit_empty=1" if slim else "")
        response = client.get(url, headers=headers)  # no Accept-Encoding: the identity bytes
        assert response.status_code == 200, response.data[:300]
        body = response.get_json()
        pages.append((response.get_data(), body))
        cursor = body["cursor"]
        if not body["more"]:
            return pages


def per_entity(pages) -> dict:
    """entity -> the wire JSON of its changes, one per line, as they were sent."""
    out = defaultdict(list)
    for _raw, body in pages:
        for change in body["changes"]:
            out[change["entity"]].append(json.dumps(change, ensure_ascii=False, separators=(",", ":")).encode())
    return out


def timed(fn, data, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        out = fn(data)
        best = min(best, time.perf_counter() - started)
    return out, best * 1000


def entity_table(full_pages, slim_pages) -> None:
    full, slim = per_entity(full_pages), per_entity(slim_pages)
    print(f"{'entity':<10}{'records':>8}  {'raw B/rec':>16}  {'gzip B/rec':>16}  {'br B/rec':>16}")
    for entity in sorted(full, key=lambda e: -len(full[e])):
        n = len(full[entity])
        cells = []
        for pack in (lambda b: b, lambda b: gzip.compress(b, GZIP_SERVED), lambda b: brotli.compress(b, quality=BR_SERVED)):
            a, b = (len(pack(b"\n".join(rows[entity]))) / n for rows in (full, slim))
            cells.append(f"{a:6.0f} -> {b:5.0f} ({b / a:4.0%})")
        print(f"{entity:<10}{n:>8}  " + "  ".join(cells))


def page_table(full_pages, slim_pages) -> None:
    records = len(full_pages[0][1]["changes"])
    print(f"\nthe first page ({records} records): bytes and compression time (best of 3)")
    print(f"{'coding':<12}{'full bytes':>12}{'ms':>8}{'slim bytes':>12}{'ms':>8}{'ratio to raw full':>19}")
    raw_full, raw_slim = full_pages[0][0], slim_pages[0][0]
    print(f"{'identity':<12}{len(raw_full):>12}{'':>8}{len(raw_slim):>12}{'':>8}{len(raw_slim) / len(raw_full):>18.1%}")
    codings = [(f"gzip {lv}", lambda d, lv=lv: gzip.compress(d, lv)) for lv in (1, 4, 6, 9)]
    codings += [(f"br {q}", lambda d, q=q: brotli.compress(d, quality=q)) for q in (1, 3, 4, 5, 6, 9, 11)]
    for name, pack in codings:
        (a, ta), (b, tb) = timed(pack, raw_full), timed(pack, raw_slim)
        print(f"{name:<12}{len(a):>12}{ta:>8.1f}{len(b):>12}{tb:>8.1f}{len(b) / len(raw_full):>18.1%}")


def totals(name, full_pages, slim_pages) -> None:
    def size(pages, pack):
        return sum(len(pack(raw)) for raw, _ in pages)
    rows = sum(len(body["changes"]) for _, body in full_pages)
    print(f"\n{name}: {rows} records in {len(full_pages)} pages, whole first sync in bytes:")
    for label, pack in (("identity", lambda d: d), (f"gzip {GZIP_SERVED}", lambda d: gzip.compress(d, GZIP_SERVED)),
                        (f"br {BR_SERVED}", lambda d: brotli.compress(d, quality=BR_SERVED))):
        a, b = size(full_pages, pack), size(slim_pages, pack)
        print(f"  {label:<9} full {a:>11,}  slim {b:>11,}  ({b / a:.0%})  per 1 000 records: {a * 1000 // rows:>9,} -> {b * 1000 // rows:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--user", default="rep1", help="demo user whose first sync is measured (rep1, manager)")
    args = parser.parse_args()
    with fresh_databases(["wire"]) as urls:
        app = build_app(urls["wire"])
        logging.disable(logging.INFO)  # the request log would print a line per page
        try:
            from server.demo import PASSWORD, load_demo
            with app.app_context():
                started = time.perf_counter()
                summary = load_demo(size=args.customers, progress=lambda msg: None)
                print(f"demo: {summary} in {time.perf_counter() - started:.0f} s")
                client = app.test_client()
                token = client.post("/api/auth/token", json={"email": f"{args.user}@example.com",
                                                              "password": PASSWORD}).get_json()["token"]
                headers = {"Authorization": f"Bearer {token}"}
                full, slim = pull_pages(client, headers, False), pull_pages(client, headers, True)
            entity_table(full, slim)
            page_table(full, slim)
            totals(args.user, full, slim)
        finally:
            dispose(app)


if __name__ == "__main__":
    main()
