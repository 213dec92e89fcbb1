"""Reminder commands: vapid-keys, send-reminders (once or --loop) and reminders-status."""
import json
import os
import select
import signal
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
from flask import current_app

from ..extensions import db
from ..maintenance.prune import prune_if_due, summary as prune_summary
from .status import format_status, reminders_status
from .vapid import VapidError, generate_file, load_keys


def register(app) -> None:
    """Add the reminder commands to `flask --app server`."""
    @app.cli.command("vapid-keys")
    @click.option("--force", is_flag=True, help="Replace existing keys (every browser must subscribe again).")
    @click.option("--if-missing", is_flag=True, help="Do nothing, successfully, when keys already exist.")
    def vapid_keys_command(force, if_missing):
        """Create the VAPID key pair for Web Push in the instance folder (mode 0600)."""
        config = current_app.config
        if config.get("VAPID_PRIVATE_KEY"):
            try:
                keys = load_keys(config)
            except VapidError as err:
                raise click.ClickException(str(err))
            click.echo(f"VAPID keys come from the environment; nothing written. Public key: {keys.public_key}")
            return
        if not config.get("VAPID_FILE"):
            raise click.ClickException("Set VAPID_FILE (or VAPID_PRIVATE_KEY) first.")
        path = Path(config["VAPID_FILE"])
        try:
            public = generate_file(path, force=force)
        except FileExistsError:
            if if_missing:
                click.echo(f"VAPID keys already exist in {path}; kept.")
                return
            raise click.ClickException(f"VAPID keys already exist in {path}. Replacing them makes every browser "
                                       "subscribe again; use --force if that is what you want.")
        click.echo(f"Wrote new VAPID keys to {path} (readable by this user only). Public key: {public}")

    @app.cli.command("send-reminders")
    @click.option("--loop", is_flag=True, help="Keep running, one pass every --interval seconds, until stopped.")
    @click.option("--interval", type=click.IntRange(min=1), default=60, show_default=True)
    @click.option("--batch", type=click.IntRange(min=1, max=1000), default=20, show_default=True,
                  help="Reminders claimed at a time.")
    @click.option("--max-age-hours", type=click.IntRange(min=1), default=7 * 24, show_default=True,
                  help="Reminders older than this are not sent any more.")
    @click.option("--timeout", type=click.FloatRange(min=1), default=10, show_default=True,
                  help="Seconds to wait for a push service's answer.")
    @click.option("--now", "now_text", hidden=True, help="Pretend it is this instant (ISO 8601 with zone); tests.")
    def send_reminders_command(loop, interval, batch, max_age_hours, timeout, now_text):
        """Send every due reminder once by Web Push (task reminders and the Monday nudge)."""
        from .run import send_reminders  # pywebpush and requests load only for the command that sends

        now = _parse_now(now_text)
        stop = _Stopper()
        if loop:
            stop.install()
        try:
            while True:
                started = datetime.now(timezone.utc)
                try:
                    counts = send_reminders(now=now, batch=batch, max_age=timedelta(hours=max_age_hours),
                                            http_timeout=timeout)
                    click.echo(f"{started:%Y-%m-%d %H:%M:%S}Z " + _summary(counts))
                    if loop and (pruned := prune_if_due(db.session, current_app.config)):  # bounded growth, daily
                        click.echo(f"{started:%Y-%m-%d %H:%M:%S}Z pruned: " + prune_summary(pruned))
                except VapidError as err:
                    raise click.ClickException(str(err))
                except Exception as err:  # noqa: BLE001  a database hiccup must not end the loop
                    if not loop:
                        raise
                    db.session.rollback()
                    click.echo(f"{started:%Y-%m-%d %H:%M:%S}Z run failed: {err}; trying again in {interval} s",
                               err=True)
                if not loop:
                    break
                db.session.remove()  # hand the connection back while idle
                if stop.sleep(interval):
                    break
        except KeyboardInterrupt:
            pass
        if loop:
            click.echo("send-reminders stopped.")

    @app.cli.command("reminders-status")
    @click.option("--days", type=click.IntRange(min=1), default=7, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
    def reminders_status_command(days, as_json):
        """Show what reminders were sent, what failed, and who has push subscriptions."""
        data = reminders_status(db.session, since=timedelta(days=days))
        click.echo(json.dumps(data, indent=1) if as_json else format_status(data))


def _parse_now(text):
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. 2026-11-30T07:30:00+02:00", param_hint="--now")
    return moment


def _summary(counts: dict) -> str:
    names = ("queued", "sent", "retry", "failed", "gone", "skipped")
    return "reminders: " + ", ".join(f"{name} {counts.get(name, 0)}" for name in names)


class _Stopper:
    """SIGTERM during the loop's sleep, without locks: a handler that takes a lock (as
    threading.Event.set does) deadlocks when the signal lands while the main thread holds it.
    The handler only sets a flag and writes a byte to a pipe that the sleep waits on.

    The pipe is also the interpreter's wake-up fd: the kernel may hand a process's signal to any of
    its threads (the SQLite checkpointer's, say), and then the main thread's wait is not
    interrupted, so the Python handler would only run after the whole interval. The C-level
    handler writes to the wake-up fd from whichever thread took the signal, which ends the wait."""

    def __init__(self):
        self.stopped = False
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def install(self) -> None:
        """Take SIGTERM (main thread only, as signal.signal requires)."""
        signal.signal(signal.SIGTERM, self.handle)
        signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)

    def handle(self, *_args) -> None:
        self.stopped = True
        try:
            os.write(self._write, b"x")
        except BlockingIOError:
            pass  # a byte is already waiting: the sleep will wake

    def sleep(self, seconds: float) -> bool:
        """Wait up to `seconds`; True when a stop was asked for (before or during the wait)."""
        deadline = time.monotonic() + seconds
        while not self.stopped:  # each turn lets a pending signal's Python handler run first
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if select.select([self._read], [], [], left)[0]:
                try:
                    os.read(self._read, 512)
                except BlockingIOError:
                    pass
        return self.stopped
