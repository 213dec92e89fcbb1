// Customers: search as you type over name, city and contact names; filter by segment and light.
// The search box is drawn once; only the result list is redrawn, so typing is never interrupted.
import { app } from "../core.js";
import { t } from "../i18n.js";
import { searchCustomers } from "../domain.js";
import { html, options } from "./dom.js";
import { customerRow } from "./parts.js";

export const screen = {
  routes: { "#/customers": {} },
  tab: "customers",
  // The search covers names, cities and contacts; the light follows visits and service levels.
  // A redraw keeps the search box and redraws only the list (see render).
  refresh: { on: ["customer", "contact", "activity", "profile"] },
};
const filters = { query: "", segment: "", lightFilter: "" }; // kept while the app runs

export function render(_params, root, opts = {}) {
  if (!opts.refresh) {
    root.innerHTML = html`
      <div class="searchbar">
        <input type="search" id="q" placeholder="${t("search_customers")}" aria-label="${t("search_customers")}"
          value="${filters.query}" autocomplete="off" data-testid="customer-search">
        <select id="segment" aria-label="${t("segment")}">
          ${options(["", "A", "B", "C", "D"], filters.segment, (v) => (v ? `${t("segment")} ${v}` : t("all_segments")))}
        </select>
        <select id="light" aria-label="${t("light")}">
          ${options(["", "red", "yellow", "green"], filters.lightFilter, (v) => (v ? t(`light_${v}`) : t("all_lights")))}
        </select>
      </div>
      <p class="count-bar"><span class="muted grow" id="count" data-testid="result-count"></span>
        <a class="button" href="#/nearby" data-testid="nearby-link">${t("nearby")}</a></p>
      <p class="muted refine" id="refine" data-testid="refine" hidden></p>
      <ul class="list" id="results" data-testid="customer-results"></ul>
      <a class="fab" href="#/customers/new" aria-label="${t("new_customer")}">+</a>`;
    root.querySelector("#q").addEventListener("input", (e) => { filters.query = e.target.value; draw(root); });
    root.querySelector("#segment").addEventListener("change", (e) => { filters.segment = e.target.value; draw(root); });
    root.querySelector("#light").addEventListener("change", (e) => { filters.lightFilter = e.target.value; draw(root); });
  }
  draw(root);
  return { title: t("tab_customers") };
}

// The count says what the list is (all customers, or the matches of a query); when the list stops
// at its 50 rows a hint asks for more letters. Rows say why they matched (see customerRow).
function draw(root) {
  const { items, total } = searchCustomers(app.customerIndex(), { ...filters, intervals: app.intervals, now: Date.now() });
  const query = filters.query.trim();
  root.querySelector("#results").innerHTML = html`${items.map((entry) => customerRow(entry, "", { query }))}`;
  root.querySelector("#count").textContent = query ? t("n_matches", { count: total }) : t("n_customers", { n: total });
  const refine = root.querySelector("#refine");
  refine.hidden = total <= items.length;
  refine.textContent = refine.hidden ? "" : t("refine_search", { n: items.length, m: total });
}
