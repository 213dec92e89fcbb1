"""The record-changed hook: how features react to a push's writes without the core knowing them.

A push calls every registered function once its ops are applied, inside its transaction, with
what changed and a `ServerWrites` to read records and write more through the same merge as the
server itself. So a feature's records (a delivery's follow-up task) commit or roll back with the
change that caused them, and the sync core imports no feature: features register themselves when
the app is built (`server.reminders.install`).
"""
from dataclasses import dataclass
from typing import Callable, Protocol


@dataclass(frozen=True, slots=True)
class Changed:
    """One applied op: which record, put or delete, and the fields it named."""
    entity: str
    id: str
    type: str
    fields: frozenset


class ServerWrites(Protocol):
    """What a hook may do inside the push that called it."""
    session: object  # for the hook's own reads (settings, users); writes go through apply_as_server
    now: object      # the push's clock (aware UTC datetime)

    def records(self, entity: str, ids: list) -> dict:
        """{id: State} of the records (tombstones included) that exist, in one query."""

    def apply_as_server(self, client_id: str, ops: list) -> list:
        """Apply ops (SPEC §5 shape) as the server itself, through the merge; return their results."""


Hook = Callable[[ServerWrites, list], None]
_hooks: list = []


def on_records_changed(hook: Hook) -> Hook:
    """Register `hook(writes, changes)`; registering the same function again changes nothing."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def off_records_changed(hook: Hook) -> None:
    """Unregister a hook (tests)."""
    if hook in _hooks:
        _hooks.remove(hook)


def registered() -> bool:
    """Whether any hook listens (a push then spares itself describing its changes)."""
    return bool(_hooks)


def records_changed(writes: ServerWrites, changes: list) -> None:
    """Call every registered hook with the applied ops of one push."""
    if changes:
        for hook in list(_hooks):
            hook(writes, changes)
