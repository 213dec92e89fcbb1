"""Rows to actions: each row's customer (and contact person) validated and matched to who it may be.

Nothing is written here: the plan is what a dry run shows and what `run` writes. Values are checked
with the entity schemas the REST API and sync use (server/sync/validation.load); the merge checks
them again when they are written. A blank cell means "not given": an update never blanks a field.
"""
from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import func, select

from ..errors import flatten_errors
from ..extensions import db
from ..models import User, new_id
from ..sync.validation import load
from .dupes import Holder, Known, company_key, person_key
from .mapping import check_mapping
from .read import Table
from .unchanged import drop_unchanged
from .values import BadValue, convert

MODES = ("skip", "update", "create")
ACTIONS = ("create", "update", "skip", "invalid")
_SOME_ID = "00000000-0000-4000-8000-000000000000"  # stands for the row's customer when checking its contact
COUNT_OF = {"create": "created", "update": "updated", "skip": "skipped", "invalid": "invalid"}


@dataclass
class RowPlan:
    line: int
    action: str                 # create | update | skip | invalid (of the row as a whole)
    reason: str = ""            # English; names the field when invalid, the duplicate when skipped
    customer_id: str | None = None
    customer_fields: dict = field(default_factory=dict)   # wire values to write (empty: no customer write)
    contact_fields: dict = field(default_factory=dict)
    customer_action: str = "skip"   # create | update | skip
    contact_id: str | None = None
    contact_action: str | None = None  # create | update | skip, None when the row has no contact
    problems: dict = field(default_factory=dict)  # {column as named in `reason`: message}: the desk translates these


@dataclass
class Plan:
    rows: list
    counts: dict
    duplicates: str
    mapping: dict
    records: dict = field(default_factory=dict)  # {"customer": {"create": n, "update": n}, "contact": {...}}

    def invalid(self) -> list:
        return [row for row in self.rows if row.action == "invalid"]


def plan(table: Table, mapping: dict, duplicates: str = "skip", session=None) -> Plan:
    """Validate every row and decide what it does; raise ValueError for a mapping that cannot work."""
    if duplicates not in MODES:
        raise ValueError(f"duplicates must be one of {', '.join(MODES)}, not {duplicates!r}")
    mapping = {int(k): v for k, v in mapping.items()}
    problem = check_mapping(mapping, len(table.headers))
    if problem:
        raise ValueError(problem)
    session = session or db.session
    planner = _Planner(session, table, mapping, duplicates)
    rows = [planner.customer(line, cells) for line, cells in zip(table.lines, table.rows)]
    planner.known.load_contacts([row.customer_id for row in rows if row.action != "invalid"
                                 and row.customer_action != "create"])
    for row in rows:
        if row.action != "invalid":
            planner.contact(row)
    drop_unchanged(session, rows)
    counts = {COUNT_OF[a]: 0 for a in ACTIONS}
    records = {"customer": {"create": 0, "update": 0}, "contact": {"create": 0, "update": 0}}
    for row in rows:
        counts[COUNT_OF[row.action]] += 1
        if row.action != "invalid":
            for entity, act in (("customer", row.customer_action), ("contact", row.contact_action)):
                if act in ("create", "update"):
                    records[entity][act] += 1
    return Plan(rows, counts, duplicates, mapping, records)


class _Planner:
    def __init__(self, session, table: Table, mapping: dict, duplicates: str):
        self.session, self.table, self.mapping, self.duplicates = session, table, mapping, duplicates
        self.known = Known(session)
        self.owners = {email: uid for uid, email in session.execute(
            select(User.id, func.lower(User.email)).where(User.active.is_(True)))}
        self.pending: dict = {}  # row line -> its contact cells, until contacts are planned

    def column(self, field_name: str) -> str:
        """How a reason names a field: its column header and the field ("Y-tunnus (business_id)")."""
        for index, name in self.mapping.items():
            if name == field_name:
                return f"{self.table.headers[index] or f'column {index + 1}'} ({field_name.split('.', 1)[1]})"
        return field_name

    def cells(self, cells: list) -> tuple:
        """({field: wire value}, {field: problem}) of the row's non-blank mapped cells."""
        given = {f: cells[i] for i, f in self.mapping.items() if cells[i].strip()}
        values, problems = {}, {}
        for name, text in given.items():
            try:
                values[name] = convert(name, text, given)
            except BadValue as bad:
                problems[name] = str(bad)
        return values, problems

    def customer(self, line: int, cells: list) -> RowPlan:
        values, problems = self.cells(cells)
        customer = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("customer.")}
        self.pending[line] = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("contact.")}
        if "name" not in customer:
            problems.setdefault("customer.name", "Missing: every row needs the customer's name.")
        owner = customer.pop("owner_email", None)
        if owner is not None:
            if owner.casefold() in self.owners:
                customer["owner_id"] = self.owners[owner.casefold()]
            else:
                problems["customer.owner_email"] = f"No active user has the e-mail {owner!r}."
        contact = self.pending[line]
        if contact and "name" not in contact:
            problems["contact.name"] = "Missing: the row has other contact fields but no contact name."
        elif contact:  # checked now, so a row is refused before later rows can count on its customer
            problems.update(self.validate("contact", {**contact, "customer_id": _SOME_ID}, creating=True))
        if problems:  # say everything wrong with the row at once: the schema's findings too
            if "customer.name" not in problems:
                for name, message in self.validate("customer", customer, creating=True).items():
                    problems.setdefault(name, message)
            return self.refuse(line, problems)
        key = company_key(customer["name"], customer.get("city"))
        holder = self.known.find(customer.get("business_id"), key)
        if holder is None:
            return self.create(line, customer, key)
        by_bid = bool(customer.get("business_id")) and holder.business_id == customer.get("business_id")
        if holder.deleted:
            return self.refuse(line, {"customer.business_id": "A deleted customer has this Y-tunnus; "
                                                              "restore it in the back office first."})
        if self.duplicates == "create":
            if by_bid:
                return self.refuse(line, {"customer.business_id": f"Y-tunnus {holder.business_id} already "
                                                                  f"belongs to {holder.describe()}."})
            return self.create(line, customer, key)
        why = f"same {'Y-tunnus' if by_bid else 'name and city'} as {holder.describe()}"
        if self.duplicates == "skip":
            return RowPlan(line, "skip", f"Customer left as is: {why}.", holder.id)
        errors = self.validate("customer", customer, creating=False)
        if errors:
            return self.refuse(line, errors)
        if customer.get("business_id") and not holder.business_id:
            holder.business_id = customer["business_id"]
            self.known.add(holder, key)
        return RowPlan(line, "update", f"Customer updated: {why}.", holder.id, customer, customer_action="update")

    def create(self, line: int, customer: dict, key: str) -> RowPlan:
        errors = self.validate("customer", customer, creating=True)
        if errors:
            return self.refuse(line, errors)
        row = RowPlan(line, "create", "", new_id(), customer, customer_action="create")
        self.known.add(Holder(row.customer_id, customer["name"], customer.get("business_id"), line), key)
        return row

    def contact(self, row: RowPlan) -> None:
        """Plan the row's contact person at its customer: update or skip a namesake, else create."""
        fields = self.pending.pop(row.line, {})
        if not fields:
            return
        key = (row.customer_id, person_key(fields["name"]))
        existing = self.known.contacts.get(key)
        if existing and self.duplicates != "update":
            row.contact_id, row.contact_action = existing, "skip"
            row.reason = _join(row.reason, "Contact left as is: one of this name is already at the customer.")
            return
        row.contact_id = existing or new_id()
        row.contact_action = "update" if existing else "create"
        row.contact_fields = fields
        self.known.contacts[key] = row.contact_id
        if row.action == "skip":  # the customer was there already: the row still adds or updates a person
            row.action = row.contact_action
        row.reason = _join(row.reason, "Contact updated." if existing else "")

    def validate(self, entity: str, fields: dict, creating: bool) -> dict:
        try:
            load(entity, fields, creating)
        except ValidationError as err:
            return {f"{entity}.{name}": " ".join(msgs) for name, msgs in flatten_errors(err.messages).items()}
        return {}

    def refuse(self, line: int, problems: dict) -> RowPlan:
        return RowPlan(line, "invalid", self.reason(problems),
                       problems={self.column(name): message for name, message in problems.items()})

    def reason(self, problems: dict) -> str:
        return "; ".join(f"{self.column(name)}: {message}" for name, message in problems.items())


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)
