"""`flask --app server prune [--dry-run]`: bounded growth by hand or from cron (the reminder loop
also runs it about once a day)."""
import click
from flask import current_app

from ..extensions import db
from .prune import prune, summary

SETTINGS = {"ledger_days": "LEDGER_RETENTION_DAYS", "rejected_days": "REJECTED_RETENTION_DAYS",
            "tombstone_days": "TOMBSTONE_RETENTION_DAYS"}


def register(app) -> None:
    """Add `prune` to `flask --app server`."""
    @app.cli.command("prune")
    @click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
    @click.option("--ledger-days", type=click.IntRange(min=0), help="Override LEDGER_RETENTION_DAYS for this run.")
    @click.option("--rejected-days", type=click.IntRange(min=0), help="Override REJECTED_RETENTION_DAYS for this run.")
    @click.option("--tombstone-days", type=click.IntRange(min=0),
                  help="Override TOMBSTONE_RETENTION_DAYS for this run (phones older than what goes must resync).")
    def prune_command(dry_run, **days):
        """Remove old op-ledger rows, resolved rejected ops, finished import jobs and old tombstones.

        Unresolved rejected ops and the audit log are kept. Pulls from a cursor older than the
        newest removed tombstone are answered 410 and the app resyncs from the start.
        """
        config = {name: current_app.config[name] if days[option] is None else days[option]
                  for option, name in SETTINGS.items()}
        counts = prune(db.session, config, dry_run=dry_run)
        click.echo(("Would remove: " if dry_run else "Removed: ") + summary(counts))
