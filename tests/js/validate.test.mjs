// validate.js against the server: every sample of tests/fixtures/validation_samples.json (the push's
// own verdicts, dumped by tests/test_api_rules.py) gets the same verdict from the published rules
// (tests/fixtures/rules.json, GET /api/rules as that test checks it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { validate, validBusinessId } from "../../pwa/static/js/validate.js";

const load = (name) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8"));
const rules = load("rules.json");
const samples = load("validation_samples.json");

test("validate.js refuses exactly the fields the server refuses, sample by sample", () => {
  const wrong = [];
  for (const s of samples) {
    const bad = Object.keys(validate(rules, s.entity, s.fields, s.record)).sort();
    if (JSON.stringify(bad) !== JSON.stringify(s.bad)) wrong.push({ ...s, js: bad });
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${samples.length} samples disagree`);
  assert.ok(samples.length > 100);
});

test("the e-mail of the issue is refused with a message key, the phone beside it is not", () => {
  const errors = validate(rules, "customer", { phone: "+358 40 123 4567", email: "eiole@" }, { name: "Oy", country: "FI" });
  assert.deepEqual(errors, { email: ["invalid_email"] });
  assert.deepEqual(validate(rules, "customer", { name: "" }, null), { name: ["required"] });
  assert.deepEqual(validate(rules, "customer", { postal_code: "SW1A 1AA" }, { country: "FI" }),
    { postal_code: ["invalid_postal_code"] });
  assert.deepEqual(validate(rules, "customer", { postal_code: "SW1A 1AA", country: "GB" }, { country: "FI" }), {});
});

test("no rules yet (first start before a sync): nothing is refused, the server still checks", () => {
  assert.deepEqual(validate(null, "customer", { email: "eiole@" }, null), {});
  assert.deepEqual(validate({ entities: {} }, "customer", { email: "eiole@" }, null), {});
});

test("the Y-tunnus check digit", () => {
  assert.ok(validBusinessId("0112038-9"));
  assert.ok(!validBusinessId("0112038-8"));
  assert.ok(!validBusinessId("１２３４５６７-8"));
});
