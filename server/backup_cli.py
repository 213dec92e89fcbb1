"""`flask --app server backup FILE` and `restore FILE`: thin shells over server/backup.py."""
from pathlib import Path

import click

from .backup import BackupError, backup, restore
from .extensions import db


def register(app) -> None:
    """Add `backup` and `restore` to `flask --app server`."""

    @app.cli.command("backup")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
    def backup_command(file, force):
        """Copy the database into FILE while the server keeps serving.

        SQLite: a consistent copy by SQLite's online backup API, checked with PRAGMA integrity_check.
        PostgreSQL: pg_dump --format=custom (restore it with `restore`, or pg_restore).
        The backup holds people's data and password hashes: it is written readable by its owner only.
        """
        try:
            done = backup(file, force=force)
        except BackupError as err:
            db.session.rollback()
            raise click.ClickException(str(err))
        click.echo(f"Backed up the {done['database']} database to {done['file']}: {done['bytes']} bytes, "
                   f"versions up to {done['version']}, in {done['seconds']} s.")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace the contents of a database that holds data.")
    @click.option("--no-resync", is_flag=True,
                  help="Keep the phones' sync cursors: only for a backup taken after the old server stopped "
                       "taking writes (moving to a new server). Without it every phone resyncs in full.")
    def restore_command(file, force, no_resync):
        """Restore a backup made by `backup` into the configured DATABASE_URL.

        Only into an empty database (new, or fresh from init-db) unless --force. Stop the web server
        and the reminder loop first when replacing a database in use. Prints the rows per table and
        whether the schema is at the code's newest migration. Phones that synced after the backup
        was taken are made to resync in full on their next pull (their unsent changes are kept).
        """
        try:
            state = restore(file, force=force, resync=not no_resync)
        except BackupError as err:
            db.session.rollback()
            raise click.ClickException(str(err))
        width = max(map(len, state["counts"]), default=0)
        for table, rows in sorted(state["counts"].items()):
            click.echo(f"  {table.ljust(width)}  {rows}")
        click.echo(f"Restored {file}: versions up to {state['version']}.")
        current, heads = ", ".join(state["migration"]) or "none", ", ".join(state["heads"])
        if state["migration"] == state["heads"]:
            click.echo(f"Migrations are current ({current}).")
        else:
            click.echo(f"Migrations are NOT current: the database is at {current}, this code expects {heads}. "
                       "Run `flask --app server init-db` to migrate it.", err=True)
        if state["resync_from"]:
            click.echo(f"New versions start after {state['resync_from']}: every phone resyncs in full "
                       "on its next pull, keeping its unsent changes.")
