"""Every tap target on every screen of the rep's app is at least 44x44 px (issue 17 item 13).

At 360x740 in Finnish, with data that fills each screen (a card with contacts, visits, tasks and a
delivery; Needs attention with a conflict and a rejected change), the test opens every screen, opens
every fold (details) on it, and measures each visible interactive element with
getBoundingClientRect. A checkbox is measured by the label that wraps it (the label is what the
thumb hits); links inside text are measured too: the issue exempts nothing.
"""
from datetime import date, timedelta

import pytest
from e2e_support import api, back_online, login, new_customer_offline

pytestmark = pytest.mark.e2e

MIN = 44

# Elements under 44x44 on the page, as "tag 'text' WxH (#/route)"; hidden and zero-size ones skipped.
SMALL = """() => {
  const small = [];
  const targets = "a[href], button, input, select, textarea, summary, [role=button], label";
  for (const el of document.querySelectorAll(targets)) {
    const checkbox = "input[type=checkbox], input[type=radio]";
    if (el.matches("label") && !el.querySelector(checkbox)) continue; // a text field's label: the field counts
    if (el.matches(checkbox) && el.closest("label")) continue; // measured by its label
    if (el.type === "hidden") continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === "hidden") continue;
    if (r.width < MIN - 0.5 || r.height < MIN - 0.5) {
      const text = (el.getAttribute("aria-label") || el.textContent || el.name || "").trim().replace(/\\s+/g, " ");
      small.push(`${el.tagName.toLowerCase()} '${text.slice(0, 30)}' ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return small;
}""".replace("MIN", str(MIN))


def measure(page, route: str, ready: str) -> list:
    page.goto(f"{page.url.split('#')[0]}#/{route}")
    page.wait_for_selector(ready)
    page.evaluate("document.querySelectorAll('#view details').forEach(d => { d.open = true; })")
    return [f"{item} (#/{route})" for item in page.evaluate(SMALL)]


def make_attention(live, context, page, customer_id):
    """A rejected change (a Y-tunnus the server already has) and a conflict (a phone the office changed later)."""
    new_customer_offline(live, context, page, "Konepaja Toinen", "0737546-2")
    page.goto(f"{live.url}/#/customers/{customer_id}/edit")
    page.fill("input[name=phone]", "+358 40 111 1111")
    page.click("#customer-form button[type=submit]")
    page.wait_for_selector("[data-testid=customer-card]")
    api(live, "PATCH", f"/api/customers/{customer_id}", "manager", {"phone": "+358 40 222 2222"})
    back_online(context, page)


def test_every_tap_target_is_at_least_44_px(live, phone):
    api(live, "POST", "/api/customers", "manager", {"name": "Konepaja Oy", "business_id": "0737546-2"})
    rep = live.users["rep1"]
    customer_id = api(live, "POST", "/api/customers", "manager", {
        "name": "Kahvila Aalto", "city": "Tampere", "street": "Hämeenkatu 1", "postal_code": "33100",
        "phone": "+358 40 123 4567", "email": "tilaukset@aalto.example.fi", "owner_id": rep}).json["id"]
    for name in ("Aino Aalto", "Pekka Aalto"):
        api(live, "POST", "/api/contacts", "manager", {
            "customer_id": customer_id, "name": name, "phone": "+358 40 765 4321", "email": "aino@aalto.example.fi"})
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    api(live, "POST", "/api/tasks", "manager", {
        "customer_id": customer_id, "title": "Soita tarjouksesta", "kind": "other", "due_on": tomorrow, "assignee_id": rep})
    activity = api(live, "POST", "/api/activities", "rep1", {
        "customer_id": customer_id, "type": "visit", "status": "planned", "title": "Tarjouskäynti",
        "starts_at": f"{date.today().isoformat()}T23:30:00Z"}).json["id"]
    api(live, "POST", "/api/deliveries", "manager", {
        "customer_id": customer_id, "order_no": "T-7", "status": "delivered", "delivered_on": date.today().isoformat(),
        "lines": [{"product": "Juustokakku", "quantity": 1, "unit_price": "995.00"}], "total": "995.00"})
    context, page = phone()
    login(page, live, "rep1")
    make_attention(live, context, page, customer_id)

    screens = [
        ("today", "[data-testid=today-visits]"),
        ("customers", "[data-testid=customer-row]"),
        (f"customers/{customer_id}", "[data-testid=customer-card]"),
        (f"customers/{customer_id}/edit", "#customer-form"),
        ("customers/new", "#customer-form"),
        (f"customers/{customer_id}/visit", "[data-testid=save-visit]"),
        (f"customers/{customer_id}/plan", "[data-testid=save-visit]"),
        (f"activities/{activity}/close", "[data-testid=save-visit]"),
        ("visit", "[data-testid=pick-search]"),
        ("tasks", "[data-testid=task-row]"),
        ("tasks/new", "[data-testid=task-form]"),
        ("attention", "[data-testid=conflict]"),
        ("settings", "[data-testid=sync-now]"),
        ("nearby", "[data-testid=nearby-status]"),
    ]
    small = []
    for route, ready in screens:
        small += measure(page, route, ready)
        if route == "attention":
            assert page.locator("[data-testid=rejected]").count() == 1
        if route == "visit":  # the visit's customer picker, with results
            page.fill("[data-testid=pick-search]", "Aalto")
            page.wait_for_selector("#pick-results [data-testid=customer-row]")
            small += [f"{item} (picker)" for item in page.evaluate(SMALL)]
            page.fill("[data-testid=pick-search]", "pekka")  # found by a contact: the row says so
            page.wait_for_selector("#pick-results [data-testid=match-reason]")
            small += [f"{item} (picker, matched by a contact)" for item in page.evaluate(SMALL)]
    # The login screen, logged out.
    page.goto(f"{live.url}/#/settings")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=logout]")
    page.wait_for_selector("#login-form")
    small += [f"{item} (login)" for item in page.evaluate(SMALL)]
    assert not small, "under 44x44 px:\n" + "\n".join(small)
