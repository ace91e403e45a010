"""``flask backup`` and ``flask restore``: an instance with bookings, sealed agreements and a photo,
backed up and restored into a fresh database and a fresh instance folder, found whole; and the
refusals (a folder not empty, a target not empty, a file changed, another kind of database).

The source is the suite's database with its own folders of agreements and uploads; the target a
second database made for the test (a SQLite file, or a PostgreSQL database of its own when
TEST_DATABASE_URL is set) and an instance folder of its own."""

from __future__ import annotations

import io
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.agreements import signing, storage
from app.agreements.models import Agreement
from app.backup import archive
from app.backup.cli import _migrations
from app.core.clock import utcnow
from app.extensions import db
from app.manage import photos
from app.models import Booking, ResourcePhoto, User
from tests.factories import make_user
from tests.factories.agreements import approve, make_booking, make_world, paris
from tests.helpers import image_bytes, scratch_database


@pytest.fixture()
def source(app_factory, tmp_path):
    """The instance to back up: the suite's database, agreements and uploads in folders of its own."""
    folder = tmp_path / "source"
    application = app_factory(AGREEMENTS_DIR=str(folder / "agreements"), UPLOAD_FOLDER=str(folder / "uploads"))
    with application.app_context():
        yield application


@pytest.fixture()
def fresh(app_factory, tmp_path, monkeypatch):
    """An empty instance: a new database (no table), a new instance folder."""
    with scratch_database("fnt_restore", tmp_path) as url:
        monkeypatch.setenv("FNT_INSTANCE_PATH", str(tmp_path / "fresh-instance"))
        application = app_factory(SQLALCHEMY_DATABASE_URI=url)
        yield application
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def invoke(application, *args: str):
    """Run a command of ``application`` in its own application context."""
    with application.app_context():
        return application.test_cli_runner().invoke(args=list(args))


def _photo(application, resource, actor) -> ResourcePhoto:
    photo = photos.add_photo(
        resource,
        io.BytesIO(image_bytes("PNG", size=(80, 60))),
        "La grande salle",
        actor,
        photos.upload_folder(application),
        photos.max_bytes(application),
    )
    db.session.commit()
    return photo


def _small_instance(application) -> None:
    """Bookings and a photo; no agreement file (no rendering): enough for the refusals."""
    world = make_world()
    make_booking(world.space, world.borrower, paris(2027, 3, 1, 14), 2, purpose="Réunion")
    _photo(application, world.space, world.manager)


def _sign(agreement: Agreement, world) -> None:
    signing.accept(
        agreement,
        world.borrower,
        full_name="Camille Martin",
        acknowledged=True,
        read_sha256=agreement.sha256,
        ip="192.0.2.10",
    )
    signing.countersign(
        agreement,
        world.manager,
        full_name="Marc Lefèvre",
        acknowledged=True,
        read_sha256=agreement.sha256,
        ip="192.0.2.11",
    )


def _tables(application) -> list[str]:
    with application.app_context():
        return archive.existing_tables(application.config["SQLALCHEMY_DATABASE_URI"])


def _files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def test_a_backup_restored_into_a_fresh_instance_has_every_booking_agreement_and_photo(source, fresh, tmp_path, clock):
    world = make_world()
    room = make_booking(world.space, world.borrower, paris(2027, 3, 1, 14), 2, purpose="Assemblée générale")
    sound = make_booking(world.kit, world.borrower, paris(2027, 3, 1, 13), 6, quantity=2, deposit_cents=20000)
    approve(room, sound, actor=world.manager)
    laser = make_booking(world.machine, world.other_member, paris(2027, 3, 2, 9, 30), 2, purpose="Découpe")
    approve(laser, actor=world.manager)  # another organisation: another agreement
    make_booking(world.space, world.borrower, paris(2027, 3, 8, 10), 3, purpose="Atelier")  # requested
    db.session.commit()
    signed, issued = db.session.scalars(select(Agreement).order_by(Agreement.id)).all()
    storage.ensure_file(signed)
    storage.ensure_file(issued)
    db.session.commit()
    _sign(signed, world)
    storage.ensure_file(signed, final=True)
    db.session.commit()
    photo = _photo(source, world.space, world.manager)

    bookings = {b.id: (b.resource.slug, b.status, b.starts_at, b.purpose) for b in db.session.scalars(select(Booking))}
    agreements = {
        a.id: (a.number, a.version, a.status, a.file_name, a.sha256, a.final_file_name, a.final_sha256)
        for a in db.session.scalars(select(Agreement))
    }
    assert len(bookings) == 4
    assert all(sha for *_, sha, _, _ in agreements.values()) and agreements[signed.id][-1]
    photo_file = photos.upload_folder(source) / photo.filename
    photo_bytes = photo_file.read_bytes()

    clock.shift(timedelta(hours=2))  # the manifest's time is the project's clock
    backup_dir = tmp_path / "sauvegarde"
    result = invoke(source, "backup", str(backup_dir))
    assert result.exit_code == 0, result.output
    for secret in ("SECRET_KEY", "AGREEMENT_SEAL_KEY", "AGREEMENT_SEAL_CERT", "fichier d'environnement"):
        assert secret in result.output
        assert secret in (backup_dir / archive.README).read_text()

    manifest = json.loads((backup_dir / archive.MANIFEST).read_text())
    kind = db.engine.dialect.name
    assert manifest["database"]["kind"] == kind
    assert manifest["database"]["alembic_revision"] == " ".join(sorted(_migrations(source).get_heads()))
    assert manifest["created_at"] == utcnow().isoformat()
    assert manifest["app_version"]
    listed = {entry["path"]: entry for entry in manifest["files"]}
    expected = {archive.DATABASE_FILES[kind]} | {f"uploads/resources/{photo.filename}"}
    for _number, _version, _status, file_name, _sha, final_name, _final_sha in agreements.values():
        expected |= {f"agreements/{name}" for name in (file_name, final_name) if name}
    assert set(listed) == expected
    for path, entry in listed.items():
        data = (backup_dir / path).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == storage.sha256_of(data)
    # No secret travels with the backup: neither the seal's key nor the secret key.
    seal_key = (Path(source.instance_path) / "agreement-seal" / "key.pem").read_bytes()
    for path in _files_under(backup_dir):
        assert path.name not in ("key.pem", "cert.pem", "secret_key")
        content = path.read_bytes()
        assert seal_key not in content and source.config["SECRET_KEY"].encode() not in content

    assert _tables(fresh) == []
    result = invoke(fresh, "restore", str(backup_dir))
    assert result.exit_code == 0, result.output
    assert "SECRET_KEY" in result.output

    with fresh.app_context():
        assert storage.storage_dir() == Path(fresh.instance_path) / "agreements"
        restored = {
            b.id: (b.resource.slug, b.status, b.starts_at, b.purpose) for b in db.session.scalars(select(Booking))
        }
        assert restored == bookings
        found = db.session.scalars(select(Agreement)).all()
        assert {
            a.id: (a.number, a.version, a.status, a.file_name, a.sha256, a.final_file_name, a.final_sha256)
            for a in found
        } == agreements
        for agreement in found:
            storage.read_file(agreement)  # raises unless the file matches its recorded SHA-256
            if agreement.final_sha256:
                storage.read_file(agreement, final=True)
        restored_photo = db.session.get(ResourcePhoto, photo.id)
        assert restored_photo is not None
        assert (photos.upload_folder(fresh) / restored_photo.filename).read_bytes() == photo_bytes
        # The restored database takes new rows (its sequences came back too).
        make_user("nouveau@membre.example", "Nouveau Membre")
        db.session.commit()
        assert db.session.scalar(select(func.count(User.id))) == db.session.scalar(select(func.max(User.id)))


def test_a_backup_goes_only_into_an_empty_folder(source, tmp_path):
    _small_instance(source)
    backup_dir = tmp_path / "sauvegarde"
    backup_dir.mkdir()
    (backup_dir / "ancienne.txt").write_text("une autre sauvegarde")

    result = invoke(source, "backup", str(backup_dir))

    assert result.exit_code != 0
    assert f"Le dossier {backup_dir} n'est pas vide" in result.output
    assert [path.name for path in backup_dir.iterdir()] == ["ancienne.txt"]

    inside = photos.upload_folder(source) / "sauvegarde"
    result = invoke(source, "backup", str(inside))
    assert result.exit_code != 0
    assert "Le dossier de sauvegarde ne peut pas être dans" in result.output
    assert not inside.exists()


def test_a_restore_refuses_a_database_that_has_tables_and_writes_nothing(source, tmp_path):
    _small_instance(source)
    backup_dir = tmp_path / "sauvegarde"
    assert invoke(source, "backup", str(backup_dir)).exit_code == 0
    uploads = photos.upload_folder(source)
    before = _files_under(uploads)

    result = invoke(source, "restore", str(backup_dir))  # into the instance itself: not empty

    assert result.exit_code != 0
    assert "La base de données cible n'est pas vide" in result.output
    assert "rien n'a été écrit" in result.output
    assert _files_under(uploads) == before
    assert db.session.scalar(select(func.count(Booking.id))) == 1


def test_a_restore_refuses_target_folders_that_hold_files_before_touching_the_database(source, fresh, tmp_path):
    _small_instance(source)
    backup_dir = tmp_path / "sauvegarde"
    assert invoke(source, "backup", str(backup_dir)).exit_code == 0
    with fresh.app_context():
        stray = photos.upload_folder(fresh) / "ancienne.png"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(image_bytes("PNG"))

    result = invoke(fresh, "restore", str(backup_dir))

    assert result.exit_code != 0
    assert f"Le dossier {stray.parent} de l'instance cible contient déjà 1 fichier(s)" in result.output
    assert _tables(fresh) == []


def test_a_restore_refuses_a_changed_file_naming_it(source, fresh, tmp_path):
    _small_instance(source)
    backup_dir = tmp_path / "sauvegarde"
    assert invoke(source, "backup", str(backup_dir)).exit_code == 0
    photo = db.session.scalars(select(ResourcePhoto)).one()
    changed = backup_dir / "uploads" / "resources" / photo.filename
    os.chmod(changed, 0o600)
    changed.write_bytes(changed.read_bytes()[:-1] + b"\x00")

    result = invoke(fresh, "restore", str(backup_dir))

    assert result.exit_code != 0
    assert f"Le fichier uploads/resources/{photo.filename} ne correspond pas au manifeste" in result.output
    assert _tables(fresh) == []
    with fresh.app_context():
        assert _files_under(photos.upload_folder(fresh)) == []

    assert invoke(fresh, "restore", "--check", str(backup_dir)).exit_code != 0


def test_a_restore_refuses_a_missing_file_or_a_backup_of_another_kind_of_database(source, fresh, tmp_path):
    _small_instance(source)
    backup_dir = tmp_path / "sauvegarde"
    assert invoke(source, "backup", str(backup_dir)).exit_code == 0
    check = invoke(fresh, "restore", "--check", str(backup_dir))
    assert check.exit_code == 0 and "Sauvegarde intacte" in check.output

    manifest_path = backup_dir / archive.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    other = "postgresql" if manifest["database"]["kind"] == "sqlite" else "sqlite"
    os.chmod(manifest_path, 0o600)
    manifest_path.write_text(json.dumps({**manifest, "database": {**manifest["database"], "kind": other}}))
    result = invoke(fresh, "restore", str(backup_dir))
    assert result.exit_code != 0
    assert f"La sauvegarde est une base {other}" in result.output

    manifest_path.write_text(json.dumps(manifest))
    database_file = backup_dir / manifest["database"]["file"]
    os.chmod(database_file, 0o600)
    database_file.unlink()
    result = invoke(fresh, "restore", str(backup_dir))
    assert result.exit_code != 0
    assert f"Fichier manquant dans la sauvegarde (file missing from the backup): {database_file.name}" in result.output
    assert _tables(fresh) == []


def test_a_manifest_cannot_send_a_file_outside_the_instance(source, fresh, tmp_path):
    _small_instance(source)
    backup_dir = tmp_path / "sauvegarde"
    assert invoke(source, "backup", str(backup_dir)).exit_code == 0
    manifest_path = backup_dir / archive.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    escape = tmp_path / "ailleurs.png"
    photo_entry = next(entry for entry in manifest["files"] if entry["area"] == "uploads/resources")
    photo_entry["path"] = "uploads/resources/../../../ailleurs.png"
    os.chmod(manifest_path, 0o600)
    manifest_path.write_text(json.dumps(manifest))

    result = invoke(fresh, "restore", str(backup_dir))

    assert result.exit_code != 0
    assert "Chemin invalide" in result.output
    assert not escape.exists()
    assert _tables(fresh) == []


def test_the_events_images_are_backed_up_and_restored(source, fresh, tmp_path):
    from app.events import images

    _small_instance(source)
    prepared = images.prepare(io.BytesIO(image_bytes("JPEG", size=(900, 600))), source)
    name = prepared.new_filename()
    images.store(source, name, prepared)
    stored = {path.name: path.read_bytes() for path in _files_under(images.folder(source))}
    assert len(stored) == 3  # the image, its 320 and 640 px copies
    backup_dir = tmp_path / "sauvegarde"
    assert invoke(source, "backup", str(backup_dir)).exit_code == 0
    manifest = json.loads((backup_dir / archive.MANIFEST).read_text())
    assert {e["path"] for e in manifest["files"] if e["area"] == "uploads/events"} == {
        f"uploads/events/{file}" for file in stored
    }
    result = invoke(fresh, "restore", str(backup_dir))
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert {path.name: path.read_bytes() for path in _files_under(images.folder(fresh))} == stored
