// Pure geometry for the nearby list: great-circle distance and the customers nearest a point.
// No DOM, no I/O: tested with node --test (tests/js/geo.test.mjs).

const EARTH_KM = 6371.0088; // mean Earth radius (IUGG): a rep's distances, not survey work

const rad = (deg) => (deg * Math.PI) / 180;

/** Whether a record's data holds a usable place (both numbers, in range). */
export function hasPlace(data) {
  const { latitude: lat, longitude: lon } = data || {};
  return typeof lat === "number" && typeof lon === "number" && Number.isFinite(lat) && Number.isFinite(lon)
    && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}

/** Kilometres between two points {lat, lon} along the Earth's surface (haversine). */
export function distanceKm(a, b) {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h))); // min: rounding can push h a hair over 1
}

/**
 * The customers nearest `here`, closest first: {items: [{entry, km}], placed, unplaced}.
 * `entries` are customer index entries ({record}) or anything with .record.data; archived ones are
 * left out. `unplaced` counts the live customers without coordinates (the screen says how many).
 * Ties (the same address) keep the index's name order: sort is stable.
 */
export function nearest(entries, here, limit = 50) {
  const found = [];
  let unplaced = 0;
  for (const entry of entries) {
    const d = entry.record.data;
    if (d.archived) continue;
    if (!hasPlace(d)) {
      unplaced += 1;
      continue;
    }
    found.push({ entry, km: here ? distanceKm(here, { lat: d.latitude, lon: d.longitude }) : null });
  }
  if (here) found.sort((p, q) => p.km - q.km);
  return { items: found.slice(0, limit), placed: found.length, unplaced };
}

/** A position as the app keeps it: {lat, lon, accuracy, at} from a GeolocationPosition. */
export function fromPosition(position, now = Date.now()) {
  const c = position.coords;
  return { lat: c.latitude, lon: c.longitude, accuracy: c.accuracy ?? null, at: position.timestamp || now };
}

/** Degrees rounded to 6 decimals (about 0.1 m): what a "the customer is here" tap stores. */
export function roundDegrees(value) {
  return Math.round(value * 1e6) / 1e6;
}
