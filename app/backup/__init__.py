"""Backups of an instance: ``flask backup DIR`` copies the database, the agreement files and the
uploads with a manifest of their SHA-256; ``flask restore DIR`` brings them back into an empty
instance. The rules are in ``archive`` (no Flask), the commands in ``cli``."""
