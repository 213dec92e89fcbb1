// Nearby: the customers closest to where the rep stands, which is how a rep fills a gap in the day.
// The position comes from the browser's geolocation; offline, or when it fails, from the last known
// position (kept in the app's store, cleared at logout), and the screen says which it uses.
// "The customer is here" on the card (markHere) saves the current position as the customer's place.
import { app } from "../core.js";
import { fmtDateTime, fmtNumber, fmtTime, t } from "../i18n.js";
import { fromPosition, nearest, roundDegrees } from "../geo.js";
import { html, toast } from "./dom.js";
import { lightDot } from "./parts.js";

export const screen = {
  routes: { "#/nearby": {} },
  tab: null, // five tabs fill 360 px: reached from the Customers screen's "Lähellä" button
  refresh: { on: ["customer", "profile"] },
};

const LAST = "last_position"; // meta key: {lat, lon, accuracy, at}
// A fix up to 30 s old will do when the screen opens; a tap on "update" or "here" wants a fresh one.
const ASK = { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 };
let here = null; // {lat, lon, accuracy, at, source: "now" | "last"} while the app runs
let status = ""; // i18n key of what the screen says about the position

/** Ask the browser where we are: resolves {lat, lon, accuracy, at} and remembers it, or rejects. */
export function locate(fresh = false) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new Error("no geolocation"));
    navigator.geolocation.getCurrentPosition((position) => {
      const place = fromPosition(position);
      app.store.setMeta(LAST, place).catch(() => {}); // the offline fallback; losing it costs nothing
      resolve(place);
    }, reject, fresh ? { ...ASK, maximumAge: 0 } : ASK);
  });
}

export function render(_params, root, opts = {}) {
  if (!opts.refresh) {
    root.innerHTML = html`
      <div class="nearby-bar">
        <p class="muted grow" id="nearby-status" role="status" data-testid="nearby-status"></p>
        <button type="button" id="nearby-locate" data-testid="nearby-locate">${t("nearby_locate")}</button>
      </div>
      <ul class="list" id="nearby-list" data-testid="nearby-list"></ul>
      <p class="muted" id="nearby-unplaced" data-testid="nearby-unplaced"></p>`;
    root.querySelector("#nearby-locate").addEventListener("click", () => position(root, true));
    position(root, false);
  }
  draw(root);
  return { title: t("nearby_title") };
}

/** Find the position: offline the last known one at once (a fix can take long without a network);
 * online, or when the rep asks, the browser's, falling back to the last known on failure. */
async function position(root, asked) {
  const last = await app.store.getMeta(LAST).catch(() => null);
  if (!navigator.onLine && !asked) return use(root, last, "nearby_offline_last", "nearby_no_position");
  status = "nearby_locating";
  if (last && !here) here = { ...last, source: "last" }; // a list at once while the browser answers
  draw(root);
  try {
    here = { ...(await locate(asked)), source: "now" };
    status = "nearby_here_now";
    draw(root);
  } catch {
    use(root, last, "nearby_failed_last", "nearby_failed");
  }
}

function use(root, last, withLast, without) {
  here = last ? { ...last, source: "last" } : null;
  status = last ? withLast : without;
  draw(root);
}

/** Redraw the status line and the list from `here`; exported for scripts/bench_pwa.py. */
export function draw(root, at = here) {
  const list = root.querySelector("#nearby-list");
  if (!list) return; // the rep left the screen while the position was being found
  const { items, unplaced } = nearest(app.customerIndex().values(), at);
  const when = at?.at ? new Date(at.at) : null; // an older fix says its day too
  const time = when ? (when.toDateString() === new Date().toDateString() ? fmtTime : fmtDateTime)(when.toISOString()) : "";
  root.querySelector("#nearby-status").textContent = status ? t(status, { time }) : "";
  list.innerHTML = at ? html`${items.map(row)}` : "";
  root.querySelector("#nearby-unplaced").textContent = unplaced ? t("nearby_unplaced", { count: unplaced }) : "";
}

const KM = { style: "unit", unit: "kilometer", minimumFractionDigits: 1, maximumFractionDigits: 1 };

function row({ entry, km }) {
  const d = entry.record.data;
  return html`<li><a class="row" href="#/customers/${entry.record.id}" data-testid="nearby-row">
    ${lightDot(entry)}<span class="grow"><strong>${d.name}</strong><small>${[d.street, d.city].filter(Boolean).join(", ")}</small></span>
    <span class="km" data-testid="nearby-km">${fmtNumber(km, KM)}</span></a></li>`;
}

/** "The customer is here": the current position becomes the customer's place, saved through the outbox. */
export async function markHere(customerId, button) {
  if (button) button.disabled = true; // one fix per tap; a second tap would queue a second edit
  try {
    const place = await locate(true);
    await app.put("customer", customerId, { latitude: roundDegrees(place.lat), longitude: roundDegrees(place.lon) });
    toast(t("customer_here_saved"));
  } catch {
    toast(t("nearby_failed"));
  } finally {
    if (button) button.disabled = false;
  }
}
