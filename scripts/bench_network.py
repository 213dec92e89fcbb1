#!/usr/bin/env python3
"""Sync over a thin network (issue 18): Chromium with DevTools network emulation (150 ms latency,
1.6 Mbit/s down, 750 kbit/s up) logs a rep in on the 5 000-customer demo, each figure against the
same run without throttling:

- first full sync: login -> the pill says synced (its records on screen), the pull pages, and the
  bytes moved (CDP Network.loadingFinished encodedDataLength: as sent, compressed or not);
- a 50-op push: 50 edits queued offline, then online -> synced;
- a resumed sync: a new phone's first sync loses the network after about half the pages, gets it
  back and finishes; pages fetched twice (the same cursor asked for again);
- a 50-op and a 500-op push's request bytes and times, throttled, gzipped (api.js, CompressionStream)
  and plain (the same phone without CompressionStream).
Goals: first full sync < 20 s throttled; a resumed sync re-downloads <= 1 page.

Usage: .venv/bin/python scripts/bench_network.py [--customers 5000]
"""
import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from e2e_support import PASSWORD, chromium_launch_args, last_sync, start_live_server, wait_synced
from playwright.sync_api import sync_playwright

THIN = {"latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 93_750}  # bytes/s, as CDP takes them
OPEN = {"latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
LONG = 600_000  # ms: a slow first sync is a figure, not a crash
EDITS_JS = """async (n) => {
  const { app } = await import('/static/js/core.js');
  const customers = app.list('customer').slice(0, n);
  for (const [i, c] of customers.entries()) await app.put('customer', c.id, { notes: `bench edit ${i}` });
  return app.outbox.count();
}"""


PUSH_EDITS_JS = """async ([n, tag]) => {
  const { app } = await import('/static/js/core.js');
  const customers = app.list('customer').slice(0, n);
  for (const [i, c] of customers.entries()) await app.put('customer', c.id, { notes: `${tag} ${i}` });
  return app.outbox.count();
}"""


class Phone:
    """A fresh browser context (its own IndexedDB) with a CDP session that throttles and counts."""

    def __init__(self, browser, url, throttled, gzip=True):
        # No service worker for the push figures: its Background Sync could send the push instead.
        self.context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True,
                                           **({} if gzip is True else {"service_workers": "block"}))
        if gzip is False:
            self.context.add_init_script("delete globalThis.CompressionStream")  # api.js sends plain
        self.page = self.context.new_page()
        self.page.set_default_timeout(LONG)
        self.url, self.conditions = url, THIN if throttled else OPEN
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.bytes, self.cursors, self.encodings = 0, [], set()
        self.cdp.on("Network.loadingFinished", lambda e: setattr(self, "bytes", self.bytes + e["encodedDataLength"]))
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.responseReceived", self._received)
        self.network(online=True)

    def _sent(self, event):
        url = urlparse(event["request"]["url"])
        if url.path == "/api/sync/pull":
            self.cursors.append(parse_qs(url.query)["cursor"][0])

    def _received(self, event):
        if "/api/" in event["response"]["url"]:
            headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
            self.encodings.add(headers.get("content-encoding", "identity"))

    def network(self, online: bool) -> None:
        # One session sets both, so going online again keeps the throttle (Playwright's own
        # set_offline would send its own unthrottled conditions).
        self.cdp.send("Network.emulateNetworkConditions", {"offline": not online, **self.conditions})

    def login(self) -> float:
        self.page.goto(self.url + "/")
        self.page.fill("input[name=email]", "rep1@example.com")
        self.page.fill("input[name=password]", PASSWORD)
        self.bytes, self.cursors = 0, []
        started = time.perf_counter()
        self.page.click("#login-form button[type=submit]")
        return started

    def twice(self) -> int:
        return len(self.cursors) - len(set(self.cursors))

    def close(self):
        self.context.close()


def first_sync(browser, url, throttled) -> dict:
    phone = Phone(browser, url, throttled)
    started = phone.login()
    wait_synced(phone.page, timeout=LONG)
    figures = {"seconds": time.perf_counter() - started, "bytes": phone.bytes, "pages": len(phone.cursors),
               "records": phone.page.evaluate(
                   "import('/static/js/core.js').then(m => m.app.list('customer').length)"),
               "encodings": sorted(phone.encodings)}
    # The 50-op push on the same phone: edits queued offline, then the network back -> synced.
    phone.network(online=False)
    phone.page.wait_for_function("() => !navigator.onLine")
    assert phone.page.evaluate(EDITS_JS, 50) == 50
    since, phone.bytes = last_sync(phone.page), 0
    started = time.perf_counter()
    phone.network(online=True)  # the `online` event starts the sync
    wait_synced(phone.page, since=since, timeout=LONG)
    figures.update(push_seconds=time.perf_counter() - started, push_bytes=phone.bytes)
    phone.close()
    return figures


def resumed_sync(browser, url, throttled, pages: int) -> dict:
    """A first sync that loses the network after about half its pages, then gets it back."""
    phone = Phone(browser, url, throttled)
    started = phone.login()
    while len(phone.cursors) < max(2, pages // 2):
        phone.page.wait_for_timeout(20)  # CDP events arrive while Playwright waits
    phone.network(online=False)
    cut_at = len(phone.cursors)
    phone.page.wait_for_selector("#sync-pill[data-status=offline]")
    phone.page.wait_for_timeout(1000)  # a moment without signal, as in a car
    phone.network(online=True)
    wait_synced(phone.page, timeout=LONG)
    figures = {"seconds": time.perf_counter() - started, "pages": len(phone.cursors), "cut_at": cut_at,
               "twice": phone.twice(), "bytes": phone.bytes}
    phone.close()
    return figures


def push_sizes(browser, url) -> dict:
    """{(ops, gzipped): (request bytes, seconds online -> synced)}, pushed on the thin network."""
    figures = {}
    for gzipped in (True, False):
        phone = Phone(browser, url, throttled=False, gzip=gzipped)  # the first sync at full speed
        phone.login()
        wait_synced(phone.page, timeout=LONG)
        phone.conditions = THIN
        sent = []
        phone.page.on("request", lambda r: r.url.endswith("/api/sync/push") and sent.append(len(r.post_data_buffer or b"")))
        for ops in (50, 500):
            phone.network(online=False)
            phone.page.wait_for_function("() => !navigator.onLine")
            assert phone.page.evaluate(PUSH_EDITS_JS, [ops, f"push {ops}"]) == ops
            sent.clear()
            since, started = last_sync(phone.page), time.perf_counter()
            phone.network(online=True)
            wait_synced(phone.page, since=since, timeout=LONG)
            figures[ops, gzipped] = (sum(sent), time.perf_counter() - started)
        phone.close()
    return figures


def print_pushes(pushes: dict) -> None:
    print("  push request bodies, throttled (750 kbit/s up)   gzip            plain        ratio")
    for ops in (50, 500):
        (zb, zs), (pb, ps) = pushes[ops, True], pushes[ops, False]
        print(f"  {ops:>3}-op push: {zb / 1024:8.1f} KiB {zs:5.2f} s  {pb / 1024:8.1f} KiB {ps:5.2f} s  {pb / zb:5.1f}x")


def load(live, customers: int) -> None:
    from server.demo import load_demo

    with live.app.app_context():
        started = time.perf_counter()
        summary = load_demo(size=customers, progress=lambda msg: None)
        print(f"demo data: {summary} in {time.perf_counter() - started:.0f} s")


def row(name, thin, open_, unit, fmt="{:.1f}"):
    ratio = thin / open_ if open_ else float("inf")
    print(f"  {name:<34} {fmt.format(thin):>10} {unit:<3} {fmt.format(open_):>10} {unit:<3} {ratio:6.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--pushes-only", action="store_true", help="only the push bodies, gzip vs plain")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kentta-bench-net-") as folder:
        live, server = start_live_server(Path(folder) / "bench.db")
        logging.disable(logging.INFO)  # no line per request
        load(live, args.customers)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(**chromium_launch_args())
            pushes = push_sizes(browser, live.url)
            if args.pushes_only:
                print_pushes(pushes)
                return
            runs = {}
            for throttled in (False, True):
                first = first_sync(browser, live.url, throttled)
                runs[throttled] = (first, resumed_sync(browser, live.url, throttled, first["pages"]))
                print(f"{'throttled' if throttled else 'unthrottled'}: {runs[throttled]}", flush=True)
            browser.close()
        server.shutdown()
    (thin, thin_resume), (open_, open_resume) = runs[True], runs[False]
    print(f"\n{args.customers} customers, {thin['records']} on the phone; {thin['pages']} pull pages;"
          f" API responses' Content-Encoding: {', '.join(thin['encodings'])}")
    print(f"  {'':<34} {'throttled':>14} {'unthrottled':>14} {'ratio':>7}")
    row("first full sync, login -> synced", thin["seconds"], open_["seconds"], "s")
    row("  bytes moved", thin["bytes"] / 2**20, open_["bytes"] / 2**20, "MiB", "{:.2f}")
    row("50-op push, online -> synced", thin["push_seconds"], open_["push_seconds"], "s", "{:.2f}")
    row("  bytes moved", thin["push_bytes"] / 1024, open_["push_bytes"] / 1024, "KiB")
    row("resumed first sync, login -> synced", thin_resume["seconds"], open_resume["seconds"], "s")
    row("  pages fetched twice", thin_resume["twice"], open_resume["twice"], "", "{:.0f}")
    print(f"  (network cut after {thin_resume['cut_at']} / {open_resume['cut_at']} page requests)")
    print_pushes(pushes)
    goals = [("first full sync throttled < 20 s", thin["seconds"] < 20),
             ("resumed sync re-downloads <= 1 page", max(thin_resume["twice"], open_resume["twice"]) <= 1)]
    for goal, met in goals:
        print(f"{'PASS' if met else 'FAIL'}: {goal}")
    sys.exit(0 if all(met for _goal, met in goals) else 1)


if __name__ == "__main__":
    main()
