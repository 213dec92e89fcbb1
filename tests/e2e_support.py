"""Browser-test support: a real server in a thread on a real SQLite file, and Debian's Chromium.

Imported by the tests/test_e2e_*.py modules. Chromium must be installed (CI installs the Debian
package); a missing browser fails the run with the command to install it — it never skips.
"""
import os
import threading
import time
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from server import create_app
from server.config import TestConfig
from server.extensions import db
from server.models import User

CHROMIUM = os.environ.get("KENTTA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "demo1234"
SHOTS = Path(os.environ.get("KENTTA_SCREENSHOTS", Path(__file__).resolve().parent.parent / "screenshots" / "office"))


def chromium_launch_args() -> dict:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}: install it with "
                    "`apt-get update && apt-get install -y chromium` (or set KENTTA_CHROMIUM).")
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


class LiveServer:
    def __init__(self, app, url):
        self.app, self.url = app, url

    def reset(self) -> dict:
        """Empty the database and add the users the tests log in as."""
        from conftest import clean_database

        with self.app.app_context():
            clean_database()
            users = {}
            for key, role in (("rep1", "rep"), ("rep2", "rep"), ("manager", "manager"), ("service", "service")):
                user = User(email=f"{key}@example.com", name=key.title(), role=role)
                user.set_password(PASSWORD)
                db.session.add(user)
                users[key] = user
            db.session.commit()
            return {key: user.id for key, user in users.items()}


def start_live_server(db_path) -> tuple:
    app = create_app(TestConfig(f"sqlite:///{db_path}"))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return LiveServer(app, f"http://127.0.0.1:{server.server_port}"), server


def login(page, live, who: str) -> None:
    """Open the app online and log in; wait for the first sync to finish."""
    page.goto(live.url + "/")
    page.wait_for_selector("#login-form")
    page.fill("input[name=email]", f"{who}@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("[data-testid=today-visits]")
    wait_synced(page)
    # The service worker must control the page before going offline, or a reload has no shell.
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15000)


def last_sync(page) -> int:
    """When the page's last finished sync was (ms), 0 if none: pass it to wait_synced(since=...)."""
    return int(page.get_attribute("#sync-pill", "data-last-sync") or 0)


def wait_synced(page, since: int = 0, timeout=15000) -> None:
    """Wait until a sync newer than `since` has finished, nothing is pending, and its data is shown."""
    page.wait_for_function(
        "since => { const p = document.getElementById('sync-pill');"
        " return p && p.dataset.pending === '0' && Number(p.dataset.lastSync || 0) > since; }",
        arg=since, timeout=timeout)


def back_online(context, page) -> None:
    """Give the phone its network back: the app notices by itself (the `online` event) and syncs."""
    since = last_sync(page)
    context.set_offline(False)
    wait_synced(page, since=since)


def api(live, method: str, path: str, who: str, json=None):
    """Call the API as a user, the way an integration would."""
    client = live.app.test_client()
    token = client.post("/api/auth/token", json={"email": f"{who}@example.com", "password": PASSWORD}).json["token"]
    return client.open(path, method=method, json=json, headers={"Authorization": f"Bearer {token}"})


def new_customer_offline(live, context, page, name: str, business_id: str | None = None) -> None:
    """Take the phone offline and create a customer there: the change waits in the outbox."""
    context.set_offline(True)
    page.goto(f"{live.url}/#/customers/new")
    page.fill("input[name=name]", name)
    if business_id:
        page.fill("input[name=business_id]", business_id)
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("[data-testid=customer-card]")


def rep_at_own_customer(live, phone, suffix="", name="Kahvila Aalto"):
    """A customer of rep1's, and rep1's phone logged in (the first sync brings the rules, GET
    /api/rules, into IndexedDB) and open at #/customers/<id><suffix>; returns (customer id, page)."""
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": name, "owner_id": live.users["rep1"]}).json["id"]
    _, page = phone()
    login(page, live, "rep1")
    page.goto(f"{live.url}/#/customers/{customer_id}{suffix}")
    return customer_id, page


def new_id() -> str:
    return str(uuid.uuid4())


def eventually(check, timeout=10.0):
    """Poll a server-side check until it holds (sync runs in the browser, on its own schedule)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return chromium_launch_args()


@pytest.fixture(scope="session")
def live_session(tmp_path_factory):
    live, server = start_live_server(tmp_path_factory.mktemp("e2e") / "kentta-e2e.db")
    yield live
    server.shutdown()


@pytest.fixture
def live(live_session):
    live_session.users = live_session.reset()
    return live_session


@pytest.fixture
def phone(browser, live):
    """phone() -> a new 360 px wide browser context (its own IndexedDB and service worker) and page."""
    contexts = []

    def make(locale="fi-FI", bypass_csp=True):
        # Playwright's string predicates run through eval, which the app's CSP forbids; one test
        # runs every screen with the policy enforced (test_e2e_install.py).
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale=locale, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return context, page
    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def desk(browser, live):
    """desk(who, locale) -> a logged-in back-office page at 1280x800 that fails the test on any console error."""
    contexts, errors = [], []

    def open_desk(who, locale="en-GB"):
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        # A CSP violation (an inline script or style, a chart loaded from outside) is a console error.
        page.on("console", lambda msg: msg.type == "error" and not _page_status(msg, page)
                and errors.append(f"{who} {page.url}: {msg.text}"))
        page.goto(live.url + "/office/login")
        page.fill("input[name=email]", f"{who}@example.com")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.card button[type=submit], form.card input[type=submit]")
        page.wait_for_url("**/office/**")
        assert "/office/login" not in page.url
        return page
    yield open_desk
    for context in contexts:
        context.close()
    assert errors == []


def _page_status(msg, page) -> bool:
    """Chromium's console note about the page's own 4xx status (a test asks for a 403 on purpose)."""
    return msg.text.startswith("Failed to load resource") and msg.location.get("url") == page.url
