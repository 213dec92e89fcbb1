"""The phones' story for the sync property tests: who edits what, when they sync, how their
clocks jump (SPEC §5). Played against the HTTP server (test_sync_property.py) and against the
pure merge core (test_batch_property.py)."""
from hypothesis import strategies as st

from phone_model import MODES

ROLES = ("rep", "manager", "rep", "service", "rep", "manager")
FIELDS = {"customer": ("name", "city", "phone", "notes", "segment"),
          "contact": ("name", "role", "phone", "notes"), "activity": ("title", "notes", "outcome")}
# Small alphabets, so phones collide on values; "" (a required name) and "E" are invalid: rejected.
VALUES = {"name": ("Aalto", "Berg", "Ciao", ""), "city": ("Oulu", "Turku", None), "phone": ("040 1", "040 2"),
          "notes": ("a", "b", None), "segment": ("A", "B", None, "E"), "role": ("buyer", "owner"),
          "title": ("Visit", "Demo"), "outcome": ("ok", "no")}
ACTIONS = ("edit",) * 5 + ("edit_child", "delete", "delete_child", "contact", "activity") + ("sync",) * 3 + ("clock",)
# which phone, what, which record, which field, which value, sync mode, batch size, minutes passing
STEP = st.tuples(st.integers(0, 5), st.sampled_from(ACTIONS), st.integers(0, 30), st.integers(0, 4),
                 st.integers(0, 3), st.sampled_from(MODES), st.integers(1, 3), st.integers(0, 2))
YEARS, DAYS = 365 * 24 * 60, 24 * 60
# minutes a phone's clock is off: 600 is ten hours ahead of the server (so clamped), and a phone
# may start years ahead or days behind
SKEW = st.sampled_from([0, 0, -7, 4, 600, 4 * YEARS, -3 * DAYS])
# what a clock jump sets it to: corrected by NTP (0) most often, else years ahead or days back
JUMPS = (0, 0, 4 * YEARS, -3 * DAYS, 600)


def value(name, n):
    return VALUES[name][n % len(VALUES[name])]


def play(world, steps) -> None:
    phones = world.phones
    for name in ("Aalto", "Berg"):  # shared customers every phone knows
        phones[0].create("customer", {"name": name, "city": "Oulu"})
    phones[0].sync()
    for phone in phones[1:]:
        phone.pull()
    for who, action, pick, which, n, mode, size, minutes in steps:
        world.minute += minutes
        phone = phones[who % len(phones)]
        customers = phone.live("customer")  # may include customers another phone deleted meanwhile
        children = [(e, rid) for e in ("contact", "activity") for rid in phone.live(e)]
        if action == "sync":
            phone.sync(mode, size)
        elif action == "clock":
            phone.set_clock(JUMPS[n % len(JUMPS)] if which % 2 else JUMPS[pick % len(JUMPS)])
        elif action in ("contact", "activity") and customers:
            cid = customers[pick % len(customers)]
            fields = ({"customer_id": cid, "name": value("name", n)} if action == "contact" else
                      {"customer_id": cid, "type": "visit", "title": value("title", n)})
            phone.create(action, fields)
        elif action in ("edit", "delete") and customers or action.endswith("child") and children:
            entity, rid = ("customer", customers[pick % len(customers)]) if action in ("edit", "delete") \
                else children[pick % len(children)]
            if action.startswith("delete"):
                phone.delete(entity, rid)
            else:
                name = FIELDS[entity][which % len(FIELDS[entity])]
                phone.put(entity, rid, {name: value(name, n)})
    for phone in phones:  # everyone comes online: push everything, pull to the end...
        phone.sync()
    for phone in phones:  # ...and once more, to see everyone else's last changes
        phone.pull()
