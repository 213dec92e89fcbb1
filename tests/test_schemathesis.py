"""schemathesis over the app's own OpenAPI document, every check enabled, as a rep and as a manager.

The app answers real HTTP from a thread, on the test database (SQLite here, PostgreSQL in the second
pass of scripts/test). JSON Schema cannot say that a reference must name an existing record, that a
pull cursor may not pass the newest version, which version If-Match must carry, or that a visit ends
after it starts: for the requests that are valid by the document (schemathesis' positive cases),
`before_call` fills those in from the server's state, as a real client would. Invalid (negative)
cases go out as generated. Nothing is excluded and no check is turned off or relaxed.
"""
import base64
import os
import threading
import uuid
from datetime import datetime

import pytest
import schemathesis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER
from schemathesis.transport.prepare import get_exclude_headers
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from server.entities import ENTITIES
from server.extensions import db
from server.models import ApiToken, User
from server.operations import write_one
from server.reminders.vapid import generate_file
from server.schemas.fields import business_id_valid
from server.permissions import Actor
from server.sync.versions import latest

MAX_EXAMPLES = int(os.environ.get("KENTTA_SCHEMATHESIS_EXAMPLES", "20"))
SEED = int(os.environ.get("KENTTA_SCHEMATHESIS_SEED", "20261206"))
PUSH_HOST = "push.example.test"
BY_PLURAL = {e.plural: e for e in ENTITIES.values()}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _p256dh(seed: int) -> str:
    key = ec.derive_private_key(seed, ec.SECP256R1()).public_key()
    return _b64(key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def _with_check_digit(head: str) -> list:
    return [head + str(d) for d in range(10) if business_id_valid(head + str(d))]


# The document's custom formats: values JSON Schema's pattern alone cannot pin down.
schemathesis.openapi.format("fi-business-id", st.integers(0, 9_999_999).map(lambda n: _with_check_digit(f"{n:07d}-"))
                            .filter(bool).map(lambda valid: valid[0]))
schemathesis.openapi.format("p256dh", st.integers(1, 2**128).map(_p256dh))
schemathesis.openapi.format("push-auth", st.binary(min_size=16, max_size=16).map(_b64))
schemathesis.openapi.format("push-endpoint", st.text("abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=40)
                            .map(lambda tail: f"https://{PUSH_HOST}/send/{tail}"))


class World:
    """The acting user, the records the generated requests point at, and fresh ones to delete."""

    def __init__(self, app, user):
        self.app, self.user = app, user
        self.actor = Actor(id=user.id, role=user.role)
        self.seeds = {}
        with app.app_context():
            parent = self.make("customer", name="Kahvila Aalto", city="Tampere")
            self.seeds = {"customer": self.make("customer", name="Leipomo Kivi", parent_id=parent), "parent": parent}
            self.seeds["contact"] = self.make("contact", customer_id=parent, name="Liisa")
            self.seeds["delivery"] = self.make("delivery", customer_id=parent, order_no="T-1", total="12.50",
                                               lines=[{"product": "Kakku", "quantity": 2, "unit_price": "6.25"}])
            self.seeds["activity"] = self.make("activity", customer_id=parent, type="visit", title="Käynti",
                                               starts_at="2026-11-20T08:00:00Z")
            self.seeds["task"] = self.make("task", customer_id=parent, title="Soita", due_on="2026-11-23")

    def make(self, entity, **fields):
        return write_one(self.actor, entity, None, "put", fields)["id"]

    def ref(self, name: str):
        if name in ("owner_id", "assignee_id", "created_by"):
            return self.user.id
        return {"customer_id": self.seeds["parent"], "parent_id": self.seeds["parent"],
                "contact_id": self.seeds["contact"], "delivery_id": self.seeds["delivery"]}.get(name)

    def before_call(self, ctx, case, kwargs):
        """Point a generated request at the present state (see the module docstring)."""
        with self.app.app_context():
            try:
                self._point(case, kwargs)
            finally:
                db.session.remove()

    def _point(self, case, kwargs):
        method, path = case.operation.method.upper(), case.operation.path
        positive = case.meta is not None and case.meta.generation.mode.is_positive
        # Log out with a token made for it, not the run's own (unless the case tests a missing or bad one).
        sent = (case.headers or {}).get("Authorization")
        sends_token = "Authorization" not in get_exclude_headers(case) and sent in (None, f"Bearer {self.token}")
        if (method, path) == ("DELETE", "/api/auth/token") and sends_token:
            token, plain = ApiToken.issue(db.session.get(User, self.user.id), "schemathesis")
            db.session.add(token)
            db.session.commit()
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {plain}"}
        entity = BY_PLURAL.get(path.split("/")[2]) if path.count("/") >= 2 else None
        record_id = (case.path_parameters or {}).get("id")
        if entity and record_id and _is_uuid(record_id) and entity.name in self.seeds:
            if method == "DELETE":
                record_id = self.make(entity.name, **self._fresh(entity.name))
            case.path_parameters = {**case.path_parameters, "id": record_id}
        if_match = (case.headers or {}).get("If-Match")
        if isinstance(if_match, str) and if_match.strip('W/"').isdigit() and entity and record_id:
            row = db.session.execute(select(entity.table.c.version).where(entity.table.c.id == record_id)).first()
            if row is not None:  # a version the server has: an invalid body must meet validation, not 412
                case.headers["If-Match"] = f'"{row[0]}"'
        if not positive:
            return
        if isinstance(case.body, dict) and entity is not None:
            for name, value in list(case.body.items()):
                if name in entity.refs and isinstance(value, str) and _is_uuid(value):
                    case.body[name] = self.ref(name) if self.ref(name) != record_id else None  # not itself
            _order_times(case.body)
        if path == "/api/sync/pull" and isinstance((case.query or {}).get("cursor"), int):
            case.query["cursor"] = min(case.query["cursor"], latest(db.session))

    def _fresh(self, entity: str) -> dict:
        parent = self.seeds["parent"]
        return {"customer": {"name": "Poistettava"}, "contact": {"customer_id": parent, "name": "Poistettava"},
                "activity": {"customer_id": parent, "type": "call", "title": "Poistettava"},
                "task": {"customer_id": parent, "title": "Poistettava"},
                "delivery": {"customer_id": parent}}[entity]


def _is_uuid(value) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _order_times(body: dict) -> None:
    start, end = body.get("starts_at"), body.get("ends_at")
    if isinstance(start, str) and isinstance(end, str):
        try:
            if datetime.fromisoformat(end) < datetime.fromisoformat(start):
                body["starts_at"], body["ends_at"] = end, start
        except ValueError:
            pass


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # thousands of requests: the failures say what matters
        pass


@pytest.fixture
def api_server(app, tmp_path):
    generate_file(tmp_path / "vapid.json")
    app.config.update(VAPID_FILE=str(tmp_path / "vapid.json"), VAPID_PRIVATE_KEY=None, VAPID_PUBLIC_KEY=None,
                      PUSH_ALLOWED_HOSTS=PUSH_HOST)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def run_schemathesis(base_url: str, token: str, world: World) -> list[str]:
    """Run every phase with every check; return one line per distinct failure, with its curl."""
    config = SchemathesisConfig.from_dict({
        "auth": {"openapi": {"bearer": {"bearer": token}}}, "seed": SEED, "continue-on-failure": True,
        "cache": {"enabled": False}, "generation": {"max-examples": MAX_EXAMPLES}, "checks": {"enabled": True}})
    schema = schemathesis.openapi.from_url(f"{base_url}/api/openapi.json", config=config)

    def before_call(ctx, case, kwargs):  # a global hook (schemathesis has no narrower one), removed below
        world.before_call(ctx, case, kwargs)
    schemathesis.hook(before_call)
    found, tested = {}, set()
    try:
        stream = list(from_schema(schema).execute())
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(before_call)
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            tested.add(event.recorder.label)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        key = (event.recorder.label, failure.title, str(failure.message).split("\n")[0])
                        interaction = event.recorder.interactions.get(case_id)
                        answer = interaction.response if interaction else None
                        got = f"\n    -> {answer.status_code} {answer.content[:300]!r}" if answer is not None else ""
                        found.setdefault(key, check.failure_info.code_sample[:1500] + got)
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            error = getattr(event, "value", None) or getattr(event, "exception", None)
            found.setdefault(("engine", type(error).__name__, str(error)[:300]), "")
    assert len(tested) >= 30, f"schemathesis tested only {sorted(tested)}"
    return [f"{label}: {title}: {message}\n    {sample}" for (label, title, message), sample in found.items()]


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_api_conforms_to_its_openapi_document(app, api_server, make_user, login, role):
    user = make_user(role=role, email=f"{role}@example.com")
    world = World(app, user)
    token = world.token = login(user)["Authorization"].split(" ", 1)[1]
    failures = run_schemathesis(api_server, token, world)
    assert not failures, f"{len(failures)} schemathesis findings as {role}:\n" + "\n".join(failures)
