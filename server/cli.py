"""Command-line tools (`flask --app server ...`): thin shells over the same operations."""
import click
from flask import current_app
from flask_migrate import upgrade

from .accounts import create_user
from .demo import load_demo
from .extensions import db
from .models import DEFAULT_FOLLOWUP_DELAY_DAYS, DEFAULT_SERVICE_LEVELS, ROLES, ServiceLevel, User
from .reminders.cli import register as register_reminders
from .sync.versions import ensure_counter


def init_database() -> None:
    """Run migrations to the newest schema and add the rows the app needs to start."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    ensure_counter(db.session)
    for segment, days in DEFAULT_SERVICE_LEVELS.items():
        if db.session.get(ServiceLevel, segment) is None:
            db.session.add(ServiceLevel(segment=segment, visit_interval_days=days,
                                        followup_delay_days=DEFAULT_FOLLOWUP_DELAY_DAYS))
    db.session.commit()


def register(app) -> None:
    """Add the commands to `flask --app server`."""
    register_reminders(app)  # vapid-keys, send-reminders, reminders-status
    from .users_cli import register as register_users; register_users(app)  # users list|create|...
    from .imports.cli import register as register_import; register_import(app)  # import FILE
    from .exports.cli import register as register_export; register_export(app)  # export ENTITY FILE
    from .maintenance.cli import register as register_prune; register_prune(app)  # prune [--dry-run]
    from .backup_cli import register as register_backup; register_backup(app)  # backup FILE, restore FILE
    from .geocode_cli import register as register_geocode; register_geocode(app)  # geocode [--dry-run]

    @app.cli.command("init-db")
    @click.option("--demo/--no-demo", default=False,
                  help="On a database with no users yet, also load the demo data.")
    def init_db_command(demo):
        """Create the database or migrate it to the newest schema."""
        init_database()
        click.echo("Database is at the newest schema.")
        if demo and db.session.query(User).count() == 0:
            click.echo("New database: loading demo data ...")
            summary = load_demo(progress=lambda msg: click.echo(f"  {msg}"))
            click.echo("Loaded: " + ", ".join(f"{n} {k}" for k, n in summary.items()))

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice(ROLES), default="rep", show_default=True)
    @click.password_option()
    def create_user_command(email, name, role, password):
        """Create a user who can log in."""
        if db.session.query(User).filter_by(email=email.strip().lower()).first():
            raise click.ClickException(f"A user with e-mail {email} already exists.")
        user = create_user(email, name, role, password)
        click.echo(f"Created {user.role} {user.email} ({user.id}).")

    @app.cli.command("load-demo")
    @click.option("--size", type=int, default=None,
                  help="Number of customers; default is the ~150-customer demo. Use 20000 for benchmarks.")
    @click.option("--seed", type=int, default=1, show_default=True)
    def load_demo_command(size, seed):
        """Load realistic demo data (users, customers, contacts, visits, deliveries, tasks)."""
        try:
            summary = load_demo(size=size, seed=seed, progress=lambda msg: click.echo(msg))
        except (RuntimeError, ValueError) as err:  # e.g. already loaded: a message, not a traceback
            raise click.ClickException(str(err))
        click.echo("Loaded: " + ", ".join(f"{n} {k}" for k, n in summary.items()))
