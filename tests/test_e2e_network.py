"""A long first sync on a flaky network, in Chromium (issue 18 items 3-5): the network cut after a
few pull pages, restored, and the sync finishing with at most one page fetched twice and the
phone's store equal to the server's; the progress line shown mid-sync while a card already pulled
opens. Pages are made small (limit 25) by rewriting the app's pull requests, so a small demo
gives many pages; a page is held back by leaving its route unanswered, never by sleeping."""
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from e2e_support import PASSWORD, SHOTS, api, back_online

from server.demo import load_demo

pytestmark = pytest.mark.e2e

LIMIT = 25
PWA_SHOTS = SHOTS.parent / "pwa"
STORE_COUNTS = """async () => {
  const db = await new Promise((ok, fail) => { const r = indexedDB.open('kentta'); r.onsuccess = () => ok(r.result); r.onerror = fail; });
  const out = {};
  for (const name of ['customer', 'contact', 'activity', 'task', 'delivery', 'conflict']) {
    out[name] = await new Promise((ok) => { const r = db.transaction(name).objectStore(name).getAllKeys(); r.onsuccess = () => ok(r.result.sort()); });
  }
  db.close();
  return out;
}"""


def demo(live, customers=60):
    with live.app.app_context():
        load_demo(size=customers, progress=lambda _msg: None)


def server_ids(live, who="rep1") -> dict:
    """What a whole pull from 0 gives this user: the live record ids per entity."""
    out, cursor = {}, 0
    while True:
        body = api(live, "GET", f"/api/sync/pull?cursor={cursor}&limit=1000", who).json
        for change in body["changes"]:
            ids = out.setdefault(change["entity"], set())
            (ids.discard if change["deleted"] else ids.add)(change["id"])
        cursor = body["cursor"]
        if not body["more"]:
            return {entity: sorted(ids) for entity, ids in out.items() if ids}


class SmallPages:
    """Route the app's pulls with limit=25 and remember each cursor asked for; `hold(n)` leaves
    requests after the n-th unanswered until release(); `drop(n)` loses the n-th page's answer (the
    server did the work, the phone never got it) and every pull after it until restore()."""

    def __init__(self, page):
        self.fetched, self.held, self.hold_after, self.drop_at, self.dropped = [], [], None, None, False
        page.route("**/api/sync/pull?*", self.handle)

    def handle(self, route):
        url = urlparse(route.request.url)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        small = url._replace(query=urlencode({**query, "limit": str(LIMIT)})).geturl()
        if self.dropped:
            return route.abort("internetdisconnected")
        if self.hold_after is not None and len(self.fetched) >= self.hold_after:
            return self.held.append((route, small, query["cursor"]))
        self.fetched.append(query["cursor"])
        if self.drop_at is not None and len(self.fetched) == self.drop_at:
            route.fetch(url=small)  # the answer is lost on its way to the phone
            self.dropped = True
            return route.abort("internetdisconnected")
        route.continue_(url=small)

    def release(self):
        self.hold_after = None
        for route, small, cursor in self.held:
            self.fetched.append(cursor)
            route.continue_(url=small)
        self.held = []

    def twice(self) -> int:
        return len(self.fetched) - len(set(self.fetched))


def start_login(page, live, who="rep1"):
    """Log in without waiting for the first sync to end (login() in e2e_support waits)."""
    page.goto(live.url + "/")
    page.wait_for_selector("#login-form")
    page.fill("input[name=email]", f"{who}@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")


def test_a_dropped_network_mid_sync_resumes_at_the_last_page_stored(live, phone):
    demo(live)
    context, page = phone()
    pages = SmallPages(page)
    pages.drop_at = 5
    start_login(page, live)
    page.wait_for_selector("#sync-pill[data-status=offline]")  # the fifth page never arrived
    assert pages.fetched == sorted(set(pages.fetched), key=int) and len(pages.fetched) == 5
    context.set_offline(True)  # the phone notices it is offline; the network comes back below
    pages.dropped = False
    back_online(context, page)
    assert len(pages.fetched) > 10, "enough pages for the cut to be mid-sync"
    assert pages.twice() <= 1, f"pages fetched twice: {pages.fetched}"
    assert page.evaluate(STORE_COUNTS) == {e: server_ids(live).get(e, []) for e in
                                           ("customer", "contact", "activity", "task", "delivery", "conflict")}


PROGRESS_TEXT = {"fi-FI": r"^Haetaan tietoja: 75 \/ noin \d", "en-GB": r"^Fetching: 75 of about \d"}


@pytest.mark.parametrize("locale", ["fi-FI", "en-GB"])
def test_first_sync_shows_its_progress_and_a_pulled_card_opens_meanwhile(live, phone, locale):
    demo(live)
    context, page = phone(locale=locale)
    pages = SmallPages(page)
    pages.hold_after = 3  # three pages land, the fourth waits until the card has been opened
    start_login(page, live)
    progress = page.locator("[data-testid=sync-progress]")
    progress.wait_for()
    page.wait_for_function(f"() => /{PROGRESS_TEXT[locale]}/.test("
                           "document.querySelector('[data-testid=sync-progress]').textContent)")
    PWA_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(PWA_SHOTS / f"{locale[:2]}-first-sync-progress.png"))  # for a person to look at
    page.evaluate("location.hash = '#/customers'")  # the app's own navigation, not a reload
    row = page.locator("[data-testid=customer-row]").first
    name = row.locator("strong").inner_text()
    row.click()
    assert name in page.locator("[data-testid=customer-card] h2").inner_text()
    assert page.get_attribute("#sync-pill", "data-status") == "syncing"
    assert progress.is_visible()
    pages.release()
    page.wait_for_function("() => document.getElementById('sync-pill').dataset.lastSync")
    progress.wait_for(state="hidden")  # drawn from the same sync state as the pill, by its own listener
