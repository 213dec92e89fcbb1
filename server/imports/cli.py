"""`flask --app server import FILE`: the import from the command line, over the same core."""
from pathlib import Path

import click
from sqlalchemy import func, select

from ..extensions import db
from ..models import User
from ..permissions import Actor
from .mapping import check_mapping, guess_mapping
from .plan import MODES, plan
from .read import UnreadableFile, read_table
from .run import run


def register(app) -> None:
    """Add `import` to `flask --app server`."""

    @app.cli.command("import")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check the file and print what would happen; write nothing.")
    @click.option("--duplicates", type=click.Choice(MODES), default="skip", show_default=True,
                  help="A row matching a customer (same Y-tunnus, or same name and city): leave it, "
                       "update it with the row's non-empty cells, or create a new one anyway.")
    @click.option("--as", "as_email", metavar="EMAIL", default=None,
                  help="Import as this manager or admin (default: the server itself).")
    def import_command(file, dry_run, duplicates, as_email):
        """Import customers and their contact persons from a .csv or .xlsx file.

        Columns are mapped by their Finnish or English header names (Nimi, Y-tunnus, Postinumero,
        Yhteyshenkilö, Company, Business ID ...); other columns are ignored. The whole file is
        imported in one transaction: if it fails or is interrupted, nothing is imported.
        """
        actor = _actor(as_email)
        try:
            data = file.read_bytes()
        except OSError as err:
            raise click.ClickException(f"Cannot read {file}: {err.strerror or err}.")
        try:
            table = read_table(file.name, data)
        except UnreadableFile as err:
            raise click.ClickException(f"{file.name}: {err}")
        mapping = guess_mapping(table.headers)
        source = f"{table.encoding}, delimiter {table.delimiter!r}" if table.delimiter else f"sheet {table.sheet!r}"
        click.echo(f"{file.name}: {len(table.rows)} rows ({source}).")
        click.echo("Columns:")
        for index, header in enumerate(table.headers):
            click.echo(f"  {header or f'(column {index + 1})'} -> {mapping.get(index, 'ignored')}")
        problem = check_mapping(mapping, len(table.headers))
        if problem:
            raise click.ClickException(problem + " Name the column e.g. 'Nimi', 'Asiakas' or 'Company'.")
        the_plan = plan(table, mapping, duplicates)
        counts = run(the_plan, actor, dry_run=dry_run, filename=file.name,
                     progress=None if dry_run else _progress(len(the_plan.rows)))
        click.echo(("Dry run, nothing written: " if dry_run else "Imported: ")
                   + ", ".join(f"{counts[k]} {k}" for k in ("created", "updated", "skipped", "invalid")) + ".")
        for row in the_plan.invalid():
            click.echo(f"  line {row.line}: {row.reason}")


def _actor(email: str | None) -> Actor:
    """The server itself, or the active manager or admin with this e-mail (else exit 1)."""
    if email is None:
        return Actor(None, "admin")
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"No active user has the e-mail {email}.")
    if not user.at_least("manager"):
        raise click.ClickException(f"{user.email} is a {user.role}: only a manager or an admin may import.")
    return Actor(user.id, user.role)


def _progress(total: int):
    def show(done: int, _total: int) -> None:
        click.echo(f"  {done}/{total} rows", err=True)
    return show
