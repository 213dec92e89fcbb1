"""The slim pull (issue 18 item 2; server/sync/slim.py, pwa/static/js/wire.js): the app ends up with
exactly the records a full pull gives it, and without the opt-in the wire is as SPEC §5 shows."""
import json
import subprocess
from pathlib import Path

import pytest

from server.sync.slim import FILLS, filled
from sync_helpers import make_customer, new_id, op, push

ROOT = Path(__file__).resolve().parent.parent

# The app's own filling and store: the slim page through wire.js into the memory store, the full
# page straight into another, and both stores' records printed.
NODE = """
import { filledChanges } from "%(root)s/pwa/static/js/wire.js";
import { createMemoryStore } from "%(root)s/pwa/static/js/memory-store.js";
import { ENTITIES } from "%(root)s/pwa/static/js/entities.js";
const [full, slim] = JSON.parse(require_stdin());
const stored = async (changes) => {
  const store = createMemoryStore();
  await store.applyChanges(changes, 1);
  const out = {};
  for (const e of ENTITIES) out[e] = await store.all(e);
  return out;
};
const a = await stored(full.changes), b = await stored(filledChanges(slim));
process.stdout.write(JSON.stringify([a, b]));
"""


def _world(client, users):
    """Records of every pulled entity with empty, default, non-default and falsy values; a tombstone."""
    cid, _ = make_customer(client, users.rep_h, name="Kahvila Aalto")
    full_cid, _ = make_customer(client, users.rep_h, name="Paahtimo", city="Oulu", stage="active", notes="",
                                archived=True, country="SE")
    gone, version = make_customer(client, users.rep_h, name="Poistuva")
    ops = [op("contact", new_id(), {"customer_id": cid, "name": "Liisa", "marketing_ban": True}),
           op("contact", new_id(), {"customer_id": full_cid, "name": "Matti", "email": ""}),
           op("activity", new_id(), {"customer_id": cid, "type": "visit", "title": "Käynti",
                                     "starts_at": "2026-12-07T08:00:00Z", "owner_id": users.rep.id}),
           op("task", new_id(), {"customer_id": cid, "title": "Soita", "kind": "other", "due_on": "2026-12-08",
                                 "assignee_id": users.rep.id}),
           op("customer", gone, type_="delete", base=version)]
    push(client, users.rep_h, ops)
    # a conflict record of the rep's own: the manager's later edit beats the rep's older one
    push(client, users.manager_h, [op("customer", cid, {"city": "Tampere"}, base=1, minute=30)], "office")
    push(client, users.rep_h, [op("customer", cid, {"city": "Turku"}, base=1, minute=5)], "phone-b")


def _pull(client, headers, slim: bool):
    url = "/api/sync/pull?cursor=0&limit=1000" + ("&omit_empty=1" if slim else "")
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response


def test_without_the_opt_in_the_wire_is_as_before(client, users):
    _world(client, users)
    body = _pull(client, users.rep_h, slim=False).json
    assert set(body) <= {"changes", "cursor", "more", "latest"} and "fill" not in body
    for change in body["changes"]:
        if not change["deleted"]:
            assert list(change["data"]) == list(FILLS[change["entity"]]), change["entity"]


def test_the_slim_pull_filled_equals_the_full_pull(client, users):
    _world(client, users)
    full_response, slim_response = _pull(client, users.rep_h, False), _pull(client, users.rep_h, True)
    full, slim = full_response.json, slim_response.json
    assert {c["entity"] for c in full["changes"]} == {"customer", "contact", "activity", "task", "conflict"}
    assert set(slim["fill"]) == {c["entity"] for c in full["changes"]}
    # (the fill map is paid once a page; on this tiny page it outweighs the savings, not on 1 000 records)
    assert len(json.dumps(slim["changes"])) < 0.8 * len(json.dumps(full["changes"]))
    # the values that differ from the fill stay (True is not the default False)
    paahtimo = next(c["data"] for c in slim["changes"] if c["data"].get("name") == "Paahtimo")
    assert paahtimo["country"] == "SE" and paahtimo["archived"] is True and paahtimo["stage"] == "active"
    aalto = next(c["data"] for c in slim["changes"] if c["data"].get("name") == "Kahvila Aalto")
    assert "stage" not in aalto and "archived" not in aalto and "street" not in aalto
    # key order too: what is stored is the same object, byte for byte
    assert json.dumps(filled(slim)) == json.dumps(full)


def test_the_app_stores_the_same_records_either_way(client, users, tmp_path):
    _world(client, users)
    full, slim = _pull(client, users.rep_h, False).json, _pull(client, users.rep_h, True).json
    script = tmp_path / "compare.mjs"
    script.write_text(NODE.replace("require_stdin()", 'require("fs").readFileSync(0, "utf8")')
                      .replace("%(root)s", ROOT.as_posix())
                      .replace('import { filledChanges', 'import { createRequire } from "module";\n'
                               'const require = createRequire(import.meta.url);\nimport { filledChanges'))
    done = subprocess.run(["node", str(script)], input=json.dumps([full, slim]), capture_output=True,
                          text=True, timeout=60, check=True)
    by_full, by_slim = json.loads(done.stdout)
    assert sum(len(records) for records in by_full.values()) >= 6
    assert json.dumps(by_slim) == json.dumps(by_full)


@pytest.mark.parametrize("value", ["1", "0"])
def test_only_omit_empty_1_opts_in(client, users, value):
    make_customer(client, users.rep_h)
    body = client.get(f"/api/sync/pull?cursor=0&omit_empty={value}", headers=users.rep_h).json
    assert ("fill" in body) is (value == "1")


@pytest.mark.parametrize("value", ["yes", "2", "", "AAA"])
def test_omit_empty_other_than_0_or_1_is_named_in_a_400(client, users, value):
    response = client.get(f"/api/sync/pull?cursor=0&omit_empty={value}", headers=users.rep_h)
    assert response.status_code == 400
    assert response.json["error"]["fields"] == {"omit_empty": ["Must be 0 or 1."]}
