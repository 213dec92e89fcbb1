"""Issue 17 item 14 in Chromium at 360x740: once a customer is picked, the visit form's Save is in
sight with no scroll (not under the tab bar), and the notes have the focus so a phone's keyboard
opens on them; the same for closing a planned visit from Today."""
from datetime import date

import pytest
from e2e_support import api, login

pytestmark = pytest.mark.e2e

# Save's box inside the viewport, the page not scrolled, and Save the element under its centre.
SAVE_IN_SIGHT = """() => {
  const save = document.querySelector('[data-testid=save-visit]');
  const r = save.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return { scrollY: window.scrollY, top: r.top, bottom: r.bottom, height: innerHeight, onTop: save.contains(hit) };
}"""


def assert_save_in_sight(page):
    box = page.evaluate(SAVE_IN_SIGHT)
    assert box["scrollY"] == 0, box
    assert 0 <= box["top"] and box["bottom"] <= box["height"], box
    assert box["onTop"], f"Save is covered (the tab bar?): {box}"


def test_picked_customer_opens_the_form_with_notes_focused_and_save_in_sight(live, phone):
    rep = live.users["rep1"]
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Kahvila Aalto", "city": "Tampere", "owner_id": rep}).json["id"]
    for name in ("Aino Aalto", "Pekka Aalto"):  # a contact picker makes the form longer
        api(live, "POST", "/api/contacts", "manager", {"customer_id": customer_id, "name": name})
    _, page = phone()
    login(page, live, "rep1")
    page.click("[data-testid=log-visit]")
    page.click("#pick-results [data-testid=customer-row] >> text=Kahvila Aalto")
    page.wait_for_selector("[data-testid=visit-notes]")
    page.wait_for_function("document.activeElement?.dataset.testid === 'visit-notes'")
    notes = page.locator("[data-testid=visit-notes]")
    assert notes.get_attribute("enterkeyhint") == "enter" and notes.get_attribute("inputmode") == "text"
    assert_save_in_sight(page)
    page.keyboard.type("Kysyivät joulutuotteista.")  # typed straight into the focused notes
    assert notes.input_value() == "Kysyivät joulutuotteista."
    assert_save_in_sight(page)
    page.click("[data-testid=save-visit]")
    page.wait_for_selector("[data-testid=customer-card]")


def test_closing_a_planned_visit_from_today_focuses_the_notes_with_save_in_sight(live, phone):
    rep = live.users["rep1"]
    customer_id = api(live, "POST", "/api/customers", "manager", {"name": "Salonki Sointu", "owner_id": rep}).json["id"]
    api(live, "POST", "/api/activities", "rep1", {"customer_id": customer_id, "type": "visit", "status": "planned",
                                                  "title": "Tarjouskäynti", "starts_at": f"{date.today().isoformat()}T00:30:00Z"})
    _, page = phone()
    login(page, live, "rep1")
    # What had the focus at the end of the tap itself: iOS opens the keyboard only for a field
    # focused inside the tap, so a field must have it then, before the form is drawn.
    page.evaluate("""() => document.addEventListener('click', () => setTimeout(() => {
        window.focusedInTap = document.activeElement?.tagName; }), { once: true })""")
    page.locator("[data-testid=visit-row]", has_text="Tarjouskäynti").locator("[data-testid=close-visit]").click()
    page.wait_for_selector("[data-testid=visit-notes]")
    page.wait_for_function("document.activeElement?.dataset.testid === 'visit-notes'")
    assert page.evaluate("window.focusedInTap") in ("INPUT", "TEXTAREA")
    assert_save_in_sight(page)
