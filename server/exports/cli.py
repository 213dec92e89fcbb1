"""`flask --app server export ENTITY FILE [--marketing] [--lang en|fi]`: the same export as /office/exports."""
import os

import click

from ..audit import record
from ..extensions import db
from . import ENTITY_NAMES, FORMATS, entity_of, export


def register(app) -> None:
    @app.cli.command("export")
    @click.argument("entity")
    @click.argument("file", type=click.Path(dir_okay=False, writable=True))
    @click.option("--marketing", is_flag=True,
                  help="A marketing list: leave out the do_not_contact and marketing_ban columns and everyone "
                       "who refused marketing or contact.")
    @click.option("--lang", type=click.Choice(("en", "fi")), default="en", show_default=True,
                  help="Language of the header row.")
    def export_command(entity, file, marketing, lang):
        """Export customers, contacts, activities or deliveries (orders) to FILE (.csv or .xlsx).

        Every live record is exported, archived customers included; deleted ones never. CSV is for
        Finnish Excel: UTF-8 with BOM, ';' between fields, decimal comma.
        """
        if entity_of(entity) is None:
            raise click.ClickException(f"Unknown entity {entity!r}: use one of {', '.join(ENTITY_NAMES)} "
                                       "(orders is the same as deliveries).")
        fmt = os.path.splitext(file)[1].lower().lstrip(".")
        if fmt not in FORMATS:
            raise click.ClickException(f"Cannot tell the format of {file!r}: the name must end in .csv or .xlsx.")
        count = export(db.session, entity, file, fmt, marketing=marketing, lang=lang)
        record(None, "export", f"Exported {count} {entity_of(entity)} rows to {fmt}"
               + (" (marketing)" if marketing else "") + " from the command line",
               target_type=entity_of(entity), details={"rows": count, "format": fmt, "marketing": marketing})
        db.session.commit()
        click.echo(f"Wrote {count} rows to {file}.")
