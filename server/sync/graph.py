"""How records point at each other, as plain data: which references a delete cascades along,
which it clears, and which name users (SPEC §5 rule 5). server/entities.py declares them; the
pure merge reads them from here."""
from dataclasses import dataclass

# A child follows its parent into the grave ("cascade"); a loose reference is cleared instead, so
# deleting a contact does not erase the visit history; a user reference only has to exist.
CASCADE, NULLIFY, USER = "cascade", "nullify", "user"


@dataclass(frozen=True)
class Ref:
    target: str  # entity name, or "user"
    mode: str    # CASCADE, NULLIFY or USER


class Graph:
    """The references of every entity, and what follows from them, computed once."""

    def __init__(self, refs: dict):
        self.refs = {e: tuple(fields.items()) for e, fields in refs.items()}  # entity -> ((field, Ref), ...)
        self.parents = {e: {f: r.target for f, r in fields.items() if r.mode == CASCADE} for e, fields in refs.items()}
        self.loose = {e: {f: r.target for f, r in fields.items() if r.mode == NULLIFY} for e, fields in refs.items()}
        self.pointers = {e: tuple((f, r.target) for f, r in fields.items() if r.mode != USER)
                         for e, fields in refs.items()}  # references to records (not users)
        self.children = {e: [(child, f, r.mode) for child, fields in refs.items() for f, r in fields.items()
                             if r.target == e] for e in refs}  # entity -> [(child entity, field, mode)]
