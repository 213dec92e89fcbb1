"""Installability and the service worker's cache: manifest, offline after a browser restart, updates."""
import json

import pytest
from e2e_support import api, chromium_launch_args, eventually, login

pytestmark = pytest.mark.e2e


def test_manifest_is_installable(live):
    client = live.app.test_client()
    with client.get("/manifest.webmanifest") as response:
        assert response.status_code == 200 and response.mimetype == "application/manifest+json"
        manifest = json.loads(response.data)
    assert manifest["name"] and manifest["short_name"] == "Kenttä"
    assert manifest["display"] == "standalone" and manifest["start_url"].startswith("/")
    assert manifest["theme_color"].startswith("#")
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as png:
            assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = int.from_bytes(png.data[16:20], "big"), int.from_bytes(png.data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]
    sw = client.get("/sw.js")
    assert sw.headers["Service-Worker-Allowed"] == "/" and "no-cache" in sw.headers["Cache-Control"]
    assert b"__VERSION__" not in sw.data and b"/static/js/app.js" in sw.data


def test_offline_after_browser_restart(live, playwright, tmp_path):
    """Close the browser after one online visit; start it again with no network: Today shows."""
    profile = tmp_path / "profile"
    args = chromium_launch_args()
    context = playwright.chromium.launch_persistent_context(
        profile, viewport={"width": 360, "height": 740}, bypass_csp=True, **args)
    page = context.pages[0] if context.pages else context.new_page()
    login(page, live, "rep1")
    context.close()

    context = playwright.chromium.launch_persistent_context(profile, viewport={"width": 360, "height": 740}, bypass_csp=True,
                                                             offline=True, **args)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(live.url + "/")
        page.wait_for_selector("[data-testid=today-visits]")
        assert page.locator("#banner").is_visible()
        page.goto(live.url + "/#/customers")
        page.wait_for_selector("[data-testid=customer-search]")
    finally:
        context.close()


def test_new_version_replaces_old_cache(live, phone):
    context, page = phone()
    login(page, live, "rep1")
    old = page.evaluate("caches.keys()")
    assert len(old) == 1 and old[0].startswith("kentta-shell-")

    live.app.config["PWA_VERSION_SALT"] = "release-2"
    try:
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        def replaced():
            keys = page.evaluate("caches.keys()")
            return keys if keys != old and len(keys) == 1 else None
        new = eventually(replaced)
        assert new, "the new service worker did not replace the old cache"
        assert new[0].startswith("kentta-shell-") and new[0] != old[0]
        # The new cache holds the whole shell: offline reload still works.
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("[data-testid=today-visits]")
        version = page.get_attribute("meta[name=kentta-version]", "content")
        assert new[0] == f"kentta-shell-{version}"
    finally:
        live.app.config.pop("PWA_VERSION_SALT")


def test_app_shell_sends_a_strict_content_security_policy(live):
    with live.app.test_client() as client:
        response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "default-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_every_screen_runs_under_the_policy(live, phone):
    """With the CSP enforced, no screen breaks it and nothing fails in the console."""
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Salonki Sointu", "city": "Oulu"}).json["id"]
    _, page = phone(bypass_csp=False)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(live.url + "/")
    page.fill("input[name=email]", "rep1@example.com")
    page.fill("input[name=password]", "demo1234")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("[data-testid=today-visits]")
    for route in ["customers", f"customers/{customer_id}", f"customers/{customer_id}/edit",
                  f"customers/{customer_id}/visit", f"customers/{customer_id}/plan", "visit", "tasks",
                  "attention", "settings", "nearby", "today"]:
        page.goto(f"{live.url}/#/{route}")
        page.wait_for_selector("#view > *", state="attached")
    assert not problems
