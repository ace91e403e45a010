"""``flask users``: accounts from the command line (the first coordinator of a production instance)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, User
from tests.factories import make_user


def test_the_first_coordinator_is_made_from_the_command_line_and_can_log_in(app, runner, client):
    result = runner.invoke(
        args=["users", "create", "Admin@La-Machinerie.fr", "--name", "  Alex   Martin ", "--coordinator"],
        input="un mot de passe bien long\nun mot de passe bien long\n",
    )
    assert result.exit_code == 0, result.output
    assert "Compte créé (account created): admin@la-machinerie.fr, coordination." in result.output
    user = db.session.scalar(select(User).where(User.email == "admin@la-machinerie.fr"))
    assert user.name == "Alex Martin" and user.is_coordinator and user.email_confirmed
    assert client.login("admin@la-machinerie.fr", "un mot de passe bien long").status_code == 303
    assert client.get("/gestion/coordination/utilisateurs").status_code == 200


def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_written(app, runner):
    make_user("deja@example.org", "Camille Martin")
    db.session.commit()
    cases = [
        (["users", "create", "pas-une-adresse", "--name", "X"], "", "adresse e-mail invalide"),
        (["users", "create", "deja@example.org", "--name", "X"], "", "Un compte existe déjà"),
        (["users", "create", "n@example.org", "--name", "Noa", "--password-stdin"], "court\n", "au moins 10"),
        (["users", "create", "n@example.org", "--name", "Noa", "--password-stdin"], "password12\n", "trop facile"),
        (["users", "create", "n@example.org", "--name", "Noa", "--password-stdin"], "n@example.org\n", "Ne reprenez"),
        (["users", "disable", "personne@example.org"], "", "Aucun compte pour personne@example.org"),
    ]
    for args, given, message in cases:
        result = runner.invoke(args=args, input=given)
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert db.session.scalars(select(User.email)).all() == ["deja@example.org"]


def test_list_disable_and_set_password(app, runner, client):
    make_user("membre@example.org", "Camille Martin")
    make_user("coord@example.org", "Maé Robert", is_coordinator=True)
    db.session.commit()
    listed = runner.invoke(args=["users", "list"]).output
    assert "coord@example.org\tMaé Robert\tcoordination" in listed and "membre@example.org" in listed
    assert "2 compte(s)" in listed
    assert "membre@example.org" not in runner.invoke(args=["users", "list", "--coordinators"]).output

    changed = runner.invoke(
        args=["users", "set-password", "membre@example.org", "--password-stdin"], input="un nouveau secret solide\n"
    )
    assert changed.exit_code == 0 and "Mot de passe changé" in changed.output
    assert client.login("membre@example.org", "un nouveau secret solide").status_code == 303

    disabled = runner.invoke(args=["users", "disable", "membre@example.org"])
    assert disabled.exit_code == 0 and "Compte désactivé" in disabled.output
    assert client.get("/reservations/").status_code == 302  # the open session ended too
    again = runner.invoke(args=["users", "disable", "membre@example.org"])
    assert again.exit_code != 0 and "déjà désactivé" in again.output
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "deactivated")).all()
    assert entry.actor_id is None  # the command line
