// The nearby list's geometry: haversine distances, the nearest customers first, the unplaced counted.
import test from "node:test";
import assert from "node:assert/strict";
import { distanceKm, fromPosition, hasPlace, nearest, roundDegrees } from "../../pwa/static/js/geo.js";

const HELSINKI = { lat: 60.16985, lon: 24.93837 };
const TAMPERE = { lat: 61.49911, lon: 23.78712 };
const entry = (id, data) => ({ record: { id, data: { name: id, ...data } } });

test("distances between known places", () => {
  assert.ok(Math.abs(distanceKm(HELSINKI, TAMPERE) - 160.3) < 0.5, distanceKm(HELSINKI, TAMPERE));
  assert.equal(distanceKm(HELSINKI, HELSINKI), 0);
  // a degree of latitude is about 111.2 km anywhere; a degree of longitude shrinks with cos(latitude)
  assert.ok(Math.abs(distanceKm({ lat: 0, lon: 0 }, { lat: 1, lon: 0 }) - 111.2) < 0.1);
  assert.ok(Math.abs(distanceKm({ lat: 60, lon: 0 }, { lat: 60, lon: 1 }) - 55.6) < 0.1);
  // symmetric, and across the date line the short way round
  assert.equal(distanceKm(HELSINKI, TAMPERE), distanceKm(TAMPERE, HELSINKI));
  assert.ok(distanceKm({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 }) < 112);
  // antipodes: half the circumference, no NaN from rounding
  assert.ok(Math.abs(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 }) - 20015.1) < 1);
});

test("a usable place is two finite numbers in range", () => {
  assert.ok(hasPlace({ latitude: 60.1, longitude: 24.9 }));
  assert.ok(hasPlace({ latitude: 0, longitude: 0 })); // zero is a place, not "missing"
  assert.ok(!hasPlace({ latitude: null, longitude: 24.9 }));
  assert.ok(!hasPlace({ latitude: "60.1", longitude: "24.9" }));
  assert.ok(!hasPlace({ latitude: 91, longitude: 0 }));
  assert.ok(!hasPlace({}));
});

test("nearest sorts by distance, keeps the limit and counts the customers without a place", () => {
  const entries = [
    entry("Tampere", { latitude: TAMPERE.lat, longitude: TAMPERE.lon }),
    entry("Espoo", { latitude: 60.2055, longitude: 24.6559 }),
    entry("Ei paikkaa", {}),
    entry("Kallio", { latitude: 60.1841, longitude: 24.9503 }),
    entry("Arkistoitu", { latitude: 60.1699, longitude: 24.9384, archived: true }),
    entry("Oulu", { latitude: 65.0121, longitude: 25.4651 }),
    entry("Puoliksi", { latitude: 60.2 }),
  ];
  const { items, placed, unplaced } = nearest(entries, HELSINKI, 3);
  assert.deepEqual(items.map((x) => x.entry.record.id), ["Kallio", "Espoo", "Tampere"]);
  assert.equal(placed, 4);
  assert.equal(unplaced, 2); // the archived one is not counted at all
  assert.ok(items[0].km < items[1].km && items[1].km < items[2].km);
  assert.ok(Math.abs(items[0].km - 1.7) < 0.1, items[0].km);
});

test("equal distances keep the given (name) order; no position lists in that order without km", () => {
  const same = { latitude: 60.2, longitude: 24.9 };
  const entries = [entry("A", same), entry("B", same), entry("C", { latitude: 60.17, longitude: 24.94 })];
  assert.deepEqual(nearest(entries, HELSINKI).items.map((x) => x.entry.record.id), ["C", "A", "B"]);
  const unsorted = nearest(entries, null);
  assert.deepEqual(unsorted.items.map((x) => [x.entry.record.id, x.km]), [["A", null], ["B", null], ["C", null]]);
});

test("a browser position becomes {lat, lon, accuracy, at}; degrees round to 6 decimals", () => {
  const pos = { coords: { latitude: 60.1698512345, longitude: 24.9383712345, accuracy: 12 }, timestamp: 1000 };
  assert.deepEqual(fromPosition(pos), { lat: 60.1698512345, lon: 24.9383712345, accuracy: 12, at: 1000 });
  assert.equal(roundDegrees(60.1698512345), 60.169851);
  assert.equal(roundDegrees(-24.9383719), -24.938372);
});
