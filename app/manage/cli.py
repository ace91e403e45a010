"""``flask users …``: accounts from the command line, for an administrator (the first coordinator of
a production instance, above all: only a coordinator can make another in the pages).

    flask --app app users create admin@la-machinerie.fr --name "Alex Martin" --coordinator
    flask --app app users list [--coordinators]
    flask --app app users disable someone@example.org
    flask --app app users set-password someone@example.org

Passwords are asked for twice, hidden (or read from standard input with ``--password-stdin``), and
meet the same policy as in the pages.
"""

from __future__ import annotations

import sys

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext
from sqlalchemy import select

from app.auth import accounts
from app.auth.passwords import MIN_PASSWORD_LENGTH, weakness
from app.extensions import db
from app.manage import coordination
from app.models import User


@click.group("users", help="Comptes / accounts.")
def users_cli() -> None:
    pass


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise click.BadParameter(f"adresse e-mail invalide (invalid email address): {error}") from error


def _password(from_stdin: bool, identity: tuple[str, ...]) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt(
            "Mot de passe (password)", hide_input=True, confirmation_prompt="Encore une fois (again)"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères "
            f"(the password needs at least {MIN_PASSWORD_LENGTH} characters)."
        )
    problem = weakness(password, identity)
    if problem == "identity":
        raise click.ClickException(
            "Ne reprenez pas l'adresse e-mail ni le nom dans le mot de passe (do not reuse the email or the name)."
        )
    if problem is not None:
        raise click.ClickException(
            "Ce mot de passe est trop facile à deviner : choisissez-en un plus long "
            "(this password is too easy to guess: choose a longer one)."
        )
    return password


def _existing(email: str) -> User:
    user = accounts.find_user_by_email(_email(email))
    if user is None:
        raise click.ClickException(f"Aucun compte pour {email} (no account with this address).")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Nom affiché (the person's name).")
@click.option("--organisation", default="", help="Structure (organisation); none by default.")
@click.option("--coordinator", is_flag=True, help="Membre de la coordination (a coordinator).")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
@with_appcontext
def create_command(email: str, name: str, organisation: str, coordinator: bool, password_stdin: bool) -> None:
    """Create an account, open at once (its address is taken as confirmed)."""
    address = _email(email)
    name = " ".join(name.split())
    if not name:
        raise click.BadParameter("indiquez un nom (give a name)", param_hint="--name")
    if accounts.find_user_by_email(address) is not None:
        raise click.ClickException(f"Un compte existe déjà pour {address} (an account already exists).")
    password = _password(password_stdin, (address, name))
    user = accounts.create_account(
        name=name, email=address, password=password, organisation_name=organisation, coordinator=coordinator
    )
    db.session.commit()
    role = "coordination" if user.is_coordinator else "membre (member)"
    click.echo(f"Compte créé (account created): {user.email}, {role}.")


@users_cli.command("list")
@click.option("--coordinators", is_flag=True, help="La coordination seulement (coordinators only).")
@with_appcontext
def list_command(coordinators: bool) -> None:
    """Every account: address, name, roles, state."""
    query = select(User).order_by(User.email)
    if coordinators:
        query = query.where(User.is_coordinator.is_(True))
    users = db.session.scalars(query).all()
    for user in users:
        roles = ["coordination"] if user.is_coordinator else []
        roles += [f"gestion {venue.name}" for venue in user.managed_venues]
        state = "" if user.active else "  [désactivé / disabled]"
        click.echo(f"{user.email}\t{user.name}\t{', '.join(roles) or 'membre'}{state}")
    click.echo(f"{len(users)} compte(s) (accounts).")


@users_cli.command("disable")
@click.argument("email")
@with_appcontext
def disable_command(email: str) -> None:
    """Close an account: it can no longer log in, and its sessions end."""
    user = _existing(email)
    if not coordination.set_active(user, False, actor=None):
        raise click.ClickException(f"Ce compte est déjà désactivé (already disabled): {user.email}.")
    db.session.commit()
    click.echo(f"Compte désactivé (account disabled): {user.email}.")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
@with_appcontext
def set_password_command(email: str, password_stdin: bool) -> None:
    """Give an account a new password (its other sessions end)."""
    user = _existing(email)
    accounts.change_password(user, _password(password_stdin, (user.email, user.name)))
    db.session.commit()
    click.echo(f"Mot de passe changé (password changed): {user.email}.")
