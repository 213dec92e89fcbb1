"""`flask --app server geocode`: customers' coordinates from the configured geocoder (server/geocode*.py)."""
import sys

import click
from flask import current_app

from .audit import record
from .extensions import db
from .geocode import Geocoder, GeocoderError
from .geocode_run import run


def register(app) -> None:
    """Add `geocode` to `flask --app server`."""

    @app.cli.command("geocode")
    @click.option("--limit", type=click.IntRange(min=1), default=None, help="Ask about at most N customers.")
    @click.option("--dry-run", is_flag=True, help="Ask the geocoder and print what it finds; write nothing.")
    @click.option("--retry-failed", is_flag=True,
                  help="Ask again about addresses an earlier run could not place (remembered otherwise).")
    def geocode_command(limit, dry_run, retry_failed):
        """Give coordinates to live customers that have an address (at least a city) but none.

        Asks GEOCODER_URL (a Nominatim-compatible /search endpoint) one address at a time, at most one
        request per GEOCODER_MIN_INTERVAL seconds, and writes the coordinates through the merge, so the
        phones get them on their next pull. Ctrl-C stops cleanly: what was written stays written.
        """
        try:
            geocoder = Geocoder.from_config(current_app.config)
        except GeocoderError as err:
            click.echo(f"Error: {err}", err=True)
            sys.exit(1)
        click.echo(f"Asking {geocoder.url} (one request per {geocoder.min_interval:g} s)"
                   + (" -- dry run, nothing is written" if dry_run else "") + ".")
        try:
            counts = run(db.session, geocoder, limit=limit, dry_run=dry_run, retry_failed=retry_failed,
                         echo=click.echo)
        except Exception:
            db.session.rollback()
            raise
        summary = (f"Asked about {counts.asked} of {counts.total} customers: found {counts.found}, "
                   f"not found {counts.not_found}, failed {counts.failed}; wrote {counts.written}")
        click.echo(summary + ("" if dry_run else "."))
        if counts.changed:
            click.echo(f"{counts.changed} {'was' if counts.changed == 1 else 'were'} edited meanwhile (coordinates "
                       "or address) and left as they are.")
        if counts.remembered:
            click.echo(f"{counts.remembered} skipped: their address could not be placed before "
                       "(--retry-failed asks again; an edited address is asked again anyway).")
        if not dry_run and counts.asked:
            record(None, "geocode.run", summary,
                   details={k: getattr(counts, k) for k in ("total", "asked", "found", "not_found", "failed",
                                                            "written", "changed", "remembered")})
            db.session.commit()
        if counts.interrupted:
            click.echo("Interrupted: what was found so far is written; run again to go on.", err=True)
            sys.exit(130)
        if counts.stopped:
            click.echo(f"Error: stopped, {counts.stopped}. What was found so far is written; "
                       "run again later to go on.", err=True)
            sys.exit(1)
