"""`flask --app server users ...`: list, create, set-role, deactivate, reactivate, reset-password, devices.

Thin shells over server/users.py, the operations the back office uses too. Output is English;
bad input (unknown e-mail, bad role, short password) ends with a message and exit code 1.
"""
from functools import wraps

import click
from flask.cli import AppGroup

from . import users as ops
from .extensions import db
from .models import ROLES

users = AppGroup("users", help="Manage users: list, create, change role, deactivate, reset a password.")


def refusals(command):
    """Turn an operation's refusal into a message and exit code 1, with nothing written."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ops.UserError as err:
            db.session.rollback()
            raise click.ClickException(err.message)
    return wrapper


def _user(email: str):
    user = ops.find(email)
    if user is None:
        raise click.ClickException(f"No user has the e-mail {email}.")
    return user


def _password(password: str | None, generate: bool, prompt: str) -> str | None:
    """The typed password; None means generate one; with neither option, ask (hidden, twice)."""
    if password and generate:
        raise click.ClickException("Give either --password or --generate, not both.")
    if generate:
        return None
    if password is None:
        password = click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return ops.check_password(password)


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


@users.command("list")
@refusals
def list_users():
    """Show every user and their working devices."""
    rows = [["EMAIL", "NAME", "ROLE", "ACTIVE", "DEVICES"]]
    rows += [[u["email"], u["name"], u["role"], "yes" if u["active"] else "no", str(u["devices"])]
             for u in ops.listing()]
    click.echo(_table(rows))


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The user's full name.")
@click.option("--role", default="rep", show_default=True, help=f"One of {', '.join(ROLES)}.")
@click.option("--password", default=None, help="The initial password (at least 8 characters); asked when missing.")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@refusals
def create(email, name, role, password, generate):
    """Create a user who can log in."""
    ops.check_role(role)
    user, generated = ops.create(None, email, name, role, _password(password, generate, "Password"))
    click.echo(f"Created {user.role} {user.email} ({user.id}).")
    if generated:
        click.echo(f"Password (shown only now): {generated}")


@users.command("set-role")
@click.argument("email")
@click.argument("role")
@refusals
def set_role(email, role):
    """Give a user another role, at once."""
    user = _user(email)
    changed = ops.set_role(None, user, role)
    click.echo(f"{user.email} is now {role}." if changed else f"{user.email} already has the role {role}.")


@users.command("deactivate")
@click.argument("email")
@refusals
def deactivate(email):
    """Cut a user off: tokens, calendar, push, sessions."""
    # All at once, in one transaction (server/users.py deactivate).
    user = _user(email)
    if ops.deactivate(None, user):
        click.echo(f"Deactivated {user.email}: tokens revoked, calendar links and push subscriptions removed.")
    else:
        click.echo(f"{user.email} was already deactivated.")


@users.command("reactivate")
@click.argument("email")
@refusals
def reactivate(email):
    """Let a deactivated user log in again."""
    user = _user(email)
    click.echo(f"Reactivated {user.email}." if ops.reactivate(None, user) else f"{user.email} is already active.")


@users.command("reset-password")
@click.argument("email")
@click.option("--password", default=None, help="The new password (at least 8 characters); asked when missing.")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@refusals
def reset_password(email, password, generate):
    """Set a new password; every device logs in again."""
    user = _user(email)
    generated = ops.reset_password(None, user, _password(password, generate, "New password"))
    click.echo(f"New password set for {user.email}; their devices must log in again.")
    if generated:
        click.echo(f"Password (shown only now): {generated}")


@users.command("devices")
@click.argument("email")
@refusals
def devices(email):
    """List a user's tokens (devices) and their state."""
    user = _user(email)
    rows = [["ID", "DEVICE", "CREATED", "LAST USED", "STATE"]]
    rows += [[str(t.id), t.device_name or "-", f"{t.created_at:%Y-%m-%d %H:%M}",
              f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "-", ops.token_state(t)]
             for t in ops.devices(user)]
    click.echo(_table(rows) + "\n(times in UTC)" if len(rows) > 1 else f"{user.email} has no devices.")


@users.command("revoke-token")
@click.argument("email")
@click.argument("token_id", type=int)
@refusals
def revoke_token(email, token_id):
    """Revoke one token (ids from `users devices`)."""
    user = _user(email)
    if ops.revoke_token(None, user, token_id) is None:
        raise click.ClickException(f"{user.email} has no working token {token_id}.")
    click.echo(f"Revoked token {token_id} of {user.email}.")


def register(app) -> None:
    """Add the `users` group to `flask --app server`."""
    app.cli.add_command(users)
