"""The phone's copy of the entity declaration (pwa/static/js/entities.js) says what server/entities.py
says: the same entities in the same order, the same references with the same modes. rebase.js
hides what the server's cascade would delete from it, so a reference added on one side only would
show the rep records the server has already deleted (or hide live ones)."""
import json
import shutil
import subprocess
from pathlib import Path

from server.entities import CASCADE, ENTITIES, children_of

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import("./pwa/static/js/entities.js").then((m) => process.stdout.write(JSON.stringify(
  { order: m.ENTITIES, references: m.REFERENCES, cascade: Object.fromEntries(m.ENTITIES.map((e) => [e, m.cascadeChildren(e)])) })));
"""


def phone_declaration() -> dict:
    node = shutil.which("node")
    assert node, "node is needed for the PWA tests (apt-get install -y nodejs)"
    out = subprocess.run([node, "--input-type=module", "-e", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_phone_declares_the_servers_entities_and_references():
    phone = phone_declaration()
    assert phone["order"] == list(ENTITIES)
    server = {name: {f: [r.target, r.mode] for f, r in entity.refs.items()} for name, entity in ENTITIES.items()}
    assert phone["references"] == server


def test_the_phones_cascade_is_the_servers():
    phone = phone_declaration()["cascade"]
    server = {name: sorted([child, field] for child, field, mode in children_of(name) if mode == CASCADE) for name in ENTITIES}
    assert {name: sorted(pairs) for name, pairs in phone.items()} == server

