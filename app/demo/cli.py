"""``flask demo load``: the demo consortium, for development and trials only."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("demo", help="Données de démonstration / demo data.")
def demo_cli() -> None:
    pass


@demo_cli.command("load")
@with_appcontext
def load_command() -> None:
    """Load the demo consortium into an empty database (does nothing if already there)."""
    from app.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoRefused, load_demo

    try:
        created = load_demo(production=current_app.config["FNT_ENV"] == "production")
    except DemoRefused as error:
        raise click.ClickException(str(error)) from error
    if not created:
        click.echo("La base contient déjà des lieux : rien n'est changé (database not empty, nothing changed).")
        return
    click.echo("Consortium de démonstration chargé (demo consortium loaded).")
    click.echo(f"Comptes de démonstration, mot de passe « {DEMO_PASSWORD} » (demo accounts and their password) :")
    width = max(len(account.email) for account in DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account.email:<{width}}  {account.who}")
