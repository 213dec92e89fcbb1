// i18n.js with the app's real fi.json and en.json: plural forms by Intl.PluralRules, money and
// dates by Intl in the user's language, and the server's English messages worded for the rep.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { errorText, fmtDate, fmtDateTime, fmtMoney, fmtNumber, fmtTime, serverText, setStrings, t }
  from "../../pwa/static/js/i18n.js";
import { validBusinessId } from "../../pwa/static/js/domain.js";

const table = (lang) => JSON.parse(readFileSync(new URL(`../../pwa/static/i18n/${lang}.json`, import.meta.url), "utf-8"));
const FI = table("fi");
const EN = table("en");
const use = (lang) => setStrings(lang, lang === "fi" ? FI : EN);
const plain = (text) => text.replace(/[\u00a0\u202f]/g, " "); // Intl's no-break spaces

test("plural forms in Finnish: 1 asiakas, 2 asiakasta, 0 asiakasta", () => {
  use("fi");
  assert.equal(t("n_customers", { count: 1 }), "1 asiakas");
  assert.equal(t("n_customers", { count: 2 }), "2 asiakasta");
  assert.equal(t("n_customers", { count: 0 }), "0 asiakasta");
  assert.equal(plain(t("n_customers", { count: 5000 })), "5 000 asiakasta");
  assert.equal(t("days_overdue", { n: 1 }), "1 päivä myöhässä"); // the older {n} name picks the form too
  assert.equal(t("days_overdue", { n: 3 }), "3 päivää myöhässä");
});

test("plural forms in English: 1 customer, 2 customers", () => {
  use("en");
  assert.equal(t("n_customers", { count: 1 }), "1 customer");
  assert.equal(t("n_customers", { count: 2 }), "2 customers");
  assert.equal(t("n_customers", { count: 5000 }), "5,000 customers");
  assert.equal(t("days_overdue", { count: 1 }), "1 day overdue");
});

test("every plural value has the 'one' and 'other' forms in both languages", () => {
  for (const strings of [FI, EN]) {
    for (const [key, value] of Object.entries(strings)) {
      if (typeof value === "object") assert.ok(value.one && value.other, key);
    }
  }
});

test("a number that is not a count (a year) is written as it is", () => {
  setStrings("fi", { year_note: "Vuosi {year}" });
  assert.equal(t("year_note", { year: 2026 }), "Vuosi 2026");
});

test("money in the user's language: 995,00 € and €995.00", () => {
  use("fi");
  assert.equal(plain(fmtMoney("995.00")), "995,00 €");
  assert.equal(plain(fmtMoney(1234.5)), "1 234,50 €");
  assert.equal(fmtMoney(null), "");
  use("en");
  assert.equal(fmtMoney("995.00"), "€995.00");
  assert.equal(fmtNumber(1234.5), "1,234.5");
});

test("dates and times: 6.12.2026 and klo 14.30 in Finnish, 6 Dec 2026 and 14:30 in English", () => {
  use("fi");
  assert.equal(fmtDate("2026-12-06"), "su 6.12.2026");
  assert.equal(fmtTime(new Date(2026, 11, 6, 14, 30)), "14.30");
  assert.equal(plain(fmtDateTime(new Date(2026, 11, 6, 14, 30))), "su 6.12.2026 klo 14.30");
  assert.equal(fmtDate(""), "");
  assert.equal(fmtDate("not a date"), "");
  use("en");
  assert.equal(fmtDate("2026-12-06"), "Sun, 6 Dec 2026");
  assert.equal(plain(fmtDateTime(new Date(2026, 11, 6, 14, 30))), "Sun, 6 Dec 2026, 14:30");
});

test("the server's field messages are worded in Finnish, patterns with their numbers", () => {
  use("fi");
  assert.equal(serverText("Not a valid email address."), "Virheellinen sähköpostiosoite.");
  assert.equal(serverText("Missing data for required field."), "Pakollinen.");
  assert.equal(serverText("Must be at most 9 characters (got 12)."), "Enintään 9 merkkiä (annoit 12).");
  assert.equal(serverText("Must be one of: lead, new."), "Pitää olla jokin näistä: lead, new.");
  assert.equal(serverText("No customer with this id exists."), "Valittua tietuetta ei ole.");
  assert.equal(serverText("Another customer already has this Y-tunnus."), "Toisella asiakkaalla on jo tämä Y-tunnus.");
  assert.equal(serverText("Something new the app does not know."), "Something new the app does not know.");
  use("en");
  assert.equal(serverText("Not a valid email address."), "Not a valid e-mail address.");
});

test("the browser's network errors read as 'no connection' in the user's language", () => {
  use("fi");
  for (const message of ["Failed to fetch", "Load failed", "NetworkError when attempting to fetch resource."]) {
    assert.match(serverText(message), /^Ei yhteyttä palvelimeen/);
  }
  assert.match(errorText({ kind: "offline", message: "whatever the browser says" }), /^Ei yhteyttä palvelimeen/);
});

test("API errors are worded by their code first, then by their message", () => {
  use("fi");
  assert.equal(errorText({ status: 401, code: "invalid_credentials", message: "Wrong e-mail or password." }),
    "Väärä sähköposti tai salasana.");
  assert.equal(errorText({ status: 422, code: "validation_error", message: "Some fields are not valid: email." }),
    "Osa tiedoista ei kelpaa.");
  assert.match(errorText({ status: 502, code: null, message: "HTTP 502" }), /^Palvelimella tapahtui virhe/);
  assert.equal(errorText({ status: 418, code: "teapot", message: "I am a teapot." }), "I am a teapot.");
});

test("every key the message tables name is in both fi.json and en.json", async () => {
  const source = readFileSync(new URL("../../pwa/static/js/i18n.js", import.meta.url), "utf-8");
  const keys = new Set([...source.matchAll(/"((?:srv|error)_\w+|login_failed|push_server_not_ready)"/g)].map((m) => m[1]));
  assert.ok(keys.size > 40);
  for (const key of keys) assert.ok(key in FI && key in EN, key);
});

test("the Y-tunnus examples the app shows are valid Y-tunnus", () => {
  for (const text of [FI.invalid_business_id, EN.invalid_business_id, FI.srv_business_id_form]) {
    const [example] = text.match(/\d{7}-\d/);
    assert.ok(validBusinessId(example), `${example} in "${text}"`);
  }
  const form = readFileSync(new URL("../../pwa/static/js/ui/customer-form.js", import.meta.url), "utf-8");
  const [, placeholder] = form.match(/placeholder="(\d{7}-\d)"/);
  assert.ok(validBusinessId(placeholder), placeholder);
});
