"""Nearby customers in Chromium: the order by distance from the phone's position, the last known
position offline, and "Asiakas on tässä" on the card setting a customer's place through the outbox."""
import re

import pytest
from e2e_support import api, back_online, eventually, login, wait_synced

from server.extensions import db
from server.models import Customer

pytestmark = pytest.mark.e2e

HELSINKI = {"latitude": 60.16985, "longitude": 24.93837}
OULU = {"latitude": 65.0121, "longitude": 25.4651}
PLACES = {"Kahvila Kallio": (60.1841, 24.9503), "Leipomo Espoo": (60.2055, 24.6559),
          "Kahvila Tampere": (61.49911, 23.78712)}


def seed(live):
    ids = {}
    for name, (lat, lon) in PLACES.items():
        ids[name] = api(live, "POST", "/api/customers", "manager", {"name": name, "latitude": lat, "longitude": lon}).json["id"]
    for name in ("Ei paikkaa Oy", "Ei sijaintia Ky"):
        ids[name] = api(live, "POST", "/api/customers", "manager", {"name": name}).json["id"]
    api(live, "POST", "/api/customers", "manager", {"name": "Arkistoitu Kahvila", "archived": True, **HELSINKI})
    return ids


def located_phone(phone, live, where):
    context, page = phone()
    context.grant_permissions(["geolocation"], origin=live.url)
    context.set_geolocation(where)
    login(page, live, "rep1")
    return context, page


def names(page):
    return page.locator("[data-testid=nearby-row] strong").all_inner_texts()


def test_nearby_lists_customers_by_distance_and_opens_the_card(live, phone):
    seed(live)
    context, page = located_phone(phone, live, HELSINKI)
    page.goto(f"{live.url}/#/customers")
    page.click("[data-testid=nearby-link]")
    page.wait_for_selector("[data-testid=nearby-status] >> text=Etäisyydet nykyisestä sijainnistasi.")
    assert names(page) == ["Kahvila Kallio", "Leipomo Espoo", "Kahvila Tampere"]  # no archived one
    kms = page.locator("[data-testid=nearby-km]").all_inner_texts()
    assert kms[0].replace("\u00a0", " ") == "1,7 km" and re.fullmatch(r"16\d,\d km", kms[2].replace("\u00a0", " "))
    assert page.inner_text("[data-testid=nearby-unplaced]") == "2 asiakkaalla ei ole sijaintia."
    # The rep drives to Tampere and asks again: the order follows
    context.set_geolocation({"latitude": 61.4978, "longitude": 23.7610})
    page.click("[data-testid=nearby-locate]")
    page.wait_for_function("() => document.querySelector('[data-testid=nearby-row] strong')?.textContent === 'Kahvila Tampere'")
    assert names(page) == ["Kahvila Tampere", "Leipomo Espoo", "Kahvila Kallio"]
    page.click("[data-testid=nearby-row] >> text=Kahvila Tampere")
    page.wait_for_selector("[data-testid=customer-card] >> text=Kahvila Tampere")


def test_offline_nearby_uses_the_last_known_position_and_says_so(live, phone):
    seed(live)
    context, page = located_phone(phone, live, HELSINKI)
    page.goto(f"{live.url}/#/nearby")
    page.wait_for_selector("[data-testid=nearby-status] >> text=Etäisyydet nykyisestä sijainnistasi.")
    # Offline, after a fresh start of the app (nothing in memory), somewhere else: the list is
    # still from Helsinki, the last position the app knew, and the screen says so.
    context.set_offline(True)
    context.set_geolocation(OULU)
    page.reload()
    page.wait_for_selector("[data-testid=nearby-status] >> text=Ei yhteyttä")
    status = page.inner_text("[data-testid=nearby-status]")
    assert re.fullmatch(r"Ei yhteyttä: etäisyydet viimeksi tunnetusta sijainnista \(\d\d\.\d\d\)\.", status), status
    assert names(page) == ["Kahvila Kallio", "Leipomo Espoo", "Kahvila Tampere"]
    # The rep may still ask the phone (GPS works without a network): then it is where they are
    page.click("[data-testid=nearby-locate]")
    page.wait_for_selector("[data-testid=nearby-status] >> text=Etäisyydet nykyisestä sijainnistasi.")
    assert names(page)[0] == "Kahvila Tampere"


def test_the_customer_is_here_sets_the_place_offline_and_syncs(live, phone):
    ids = seed(live)
    spot = {"latitude": 60.4518, "longitude": 22.2666}  # Turku
    context, page = located_phone(phone, live, spot)
    page.goto(f"{live.url}/#/customers/{ids['Ei paikkaa Oy']}")
    page.wait_for_selector("[data-testid=customer-card]")
    context.set_offline(True)
    page.click("[data-testid=customer-here]")
    page.wait_for_selector("#toast >> text=Asiakkaan sijainti tallennettu.")
    page.goto(f"{live.url}/#/nearby")  # offline: from the last known position, Turku, where it now is
    page.wait_for_selector("[data-testid=nearby-status] >> text=Ei yhteyttä")
    assert names(page)[0] == "Ei paikkaa Oy"
    assert page.inner_text("[data-testid=nearby-km] >> nth=0").replace("\u00a0", " ") == "0,0 km"
    assert page.inner_text("[data-testid=nearby-unplaced]") == "1 asiakkaalla ei ole sijaintia."
    back_online(context, page)
    wait_synced(page)

    def stored():
        with live.app.app_context():
            c = db.session.get(Customer, ids["Ei paikkaa Oy"])
            return c if c.latitude is not None else None
    customer = eventually(stored)
    assert (customer.latitude, customer.longitude) == (60.4518, 22.2666)
