"""Issue 17 item 15 in Chromium: the reminders switch in Settings shows what is true.

How each permission is made: "granted" with context.grant_permissions; "default" is a fresh context;
"denied" through the DevTools protocol's Browser.setPermission (the browser's own permission store,
as the site settings would set it: Notification.permission and permissions.query both read it).
A person dismissing the prompt cannot be scripted, so that test answers requestPermission with
"default" from an init script (what Chromium resolves with when the prompt is closed). Headless
Chromium has no push service, so PushManager.subscribe is replaced by one that hands out a
subscription to the push receiver stand-in (tests/push_receiver.py), or throws, as the test needs.
"""
import pytest
from e2e_support import login
from push_receiver import PushReceiver, configure_app

from server.extensions import db
from server.models import WebPushSubscription

pytestmark = pytest.mark.e2e

# PushManager stand-in: subscribe() waits for the test's go-ahead (to see the busy state), then
# answers with window.__subscription (a JSON subscription) or throws as a push service failure would.
FAKE_PUSH = """
(() => {
  let current = null;
  window.__go = null;
  const gate = () => new Promise((resolve) => { window.__go = resolve; });
  PushManager.prototype.getSubscription = async function () { return current; };
  PushManager.prototype.subscribe = async function () {
    await gate();
    if (!window.__subscription) throw new DOMException("Registration failed - push service error", "AbortError");
    const json = window.__subscription;
    current = { endpoint: json.endpoint, toJSON: () => json, unsubscribe: async () => { current = null; return true; } };
    return current;
  };
})();
"""


def open_settings(page, live):
    page.goto(f"{live.url}/#/settings")
    page.wait_for_selector("[data-testid=notify]")


@pytest.fixture
def push_app(live, tmp_path, monkeypatch):
    """VAPID keys and pushes to 127.0.0.1 allowed, for this test only."""
    for key in ("VAPID_FILE", "VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "VAPID_SUBJECT", "PUSH_ALLOWED_HOSTS"):
        monkeypatch.setitem(live.app.config, key, live.app.config.get(key))
    configure_app(live.app, tmp_path)
    with PushReceiver() as receiver:
        yield receiver


def test_blocked_notifications_keep_the_switch_off_and_say_how_to_allow_them(live, phone):
    context, page = phone()
    login(page, live, "rep1")
    page.evaluate("localStorage.setItem('kentta-push', 'on')")  # switched on here once, blocked since
    cdp = context.new_cdp_session(page)
    browser_context = cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]  # Playwright's, not the default
    cdp.send("Browser.setPermission", {"permission": {"name": "notifications"}, "setting": "denied",
                                       "origin": live.url, "browserContextId": browser_context})
    assert page.evaluate("Notification.permission") == "denied"
    assert page.evaluate("navigator.permissions.query({name: 'notifications'}).then(s => s.state)") == "denied"
    open_settings(page, live)
    switch = page.locator("[data-testid=notify]")
    assert not switch.is_checked() and switch.is_disabled()
    assert "sivustoasetuksista" in page.inner_text("[data-testid=notify-msg]")


def test_a_dismissed_prompt_puts_the_switch_back_off_with_a_message(live, phone):
    context, page = phone()
    context.add_init_script("window.__asked = 0; Notification.requestPermission = async () => { window.__asked += 1; return 'default'; };")
    login(page, live, "rep1")
    open_settings(page, live)
    switch = page.locator("[data-testid=notify]")
    assert page.evaluate("Notification.permission") == "default"
    assert not switch.is_checked() and not switch.is_disabled(), "undecided: the switch is off and may be tapped"
    switch.click()
    page.wait_for_function("document.querySelector('[data-testid=notify-msg]').textContent.includes('Et sallinut')")
    assert page.evaluate("window.__asked") == 1, "tapping asked the browser"
    assert not switch.is_checked() and not switch.is_disabled()


def test_subscribing_shows_progress_then_on_and_the_server_has_it(live, phone, push_app):
    context, page = phone()
    context.grant_permissions(["notifications"], origin=live.url)
    context.add_init_script(FAKE_PUSH)
    login(page, live, "rep1")
    page.evaluate("sub => { window.__subscription = sub; }", push_app.browser("rep1-phone").subscription)
    open_settings(page, live)
    switch = page.locator("[data-testid=notify]")
    assert not switch.is_checked()
    switch.click()
    page.wait_for_function("typeof window.__go === 'function'")  # subscribe() is waiting: the switch is busy
    assert switch.is_disabled() and switch.get_attribute("aria-busy") == "true"
    assert page.inner_text("[data-testid=notify-msg]") == "Otetaan käyttöön…"
    page.evaluate("window.__go()")
    page.wait_for_function("document.querySelector('[data-testid=notify]').getAttribute('aria-busy') === 'false'")
    assert switch.is_checked() and not switch.is_disabled()
    assert page.inner_text("[data-testid=notify-msg]") == "Muistutukset ovat päällä."
    with live.app.app_context():
        assert db.session.query(WebPushSubscription).filter_by(user_id=live.users["rep1"]).count() == 1


@pytest.mark.parametrize("failure", ["push_service", "server_refuses", "offline"])
def test_a_failed_subscription_puts_the_switch_back_off_and_says_why_in_finnish(live, phone, push_app, failure):
    context, page = phone()
    context.grant_permissions(["notifications"], origin=live.url)
    context.add_init_script(FAKE_PUSH)
    login(page, live, "rep1")
    if failure == "server_refuses":  # an endpoint outside PUSH_ALLOWED_HOSTS: the server answers 400
        page.evaluate("sub => { window.__subscription = sub; }",
                      {**push_app.browser("x").subscription, "endpoint": "https://push.invalid.example/abc"})
    open_settings(page, live)
    if failure == "offline":
        context.set_offline(True)
    switch = page.locator("[data-testid=notify]")
    switch.click()
    if failure != "offline":
        page.wait_for_function("typeof window.__go === 'function'")
        page.evaluate("window.__go()")
    page.wait_for_function("document.querySelector('[data-testid=notify]').getAttribute('aria-busy') === 'false'")
    message = page.inner_text("[data-testid=notify-msg]")
    assert not switch.is_checked() and not switch.is_disabled()
    assert message.startswith("Muistutusten käyttöönotto epäonnistui."), message
    expected = {"push_service": "ilmoituspalvelu ei vastannut", "server_refuses": "ei hyväksynyt",
                "offline": "Ei verkkoyhteyttä"}[failure]
    assert expected in message, message
    for english in ("Failed to fetch", "push subscription", "AbortError", "Registration failed"):
        assert english not in message
    with live.app.app_context():
        assert db.session.query(WebPushSubscription).count() == 0
