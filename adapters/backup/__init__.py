"""Backups of a town: the database and its key ring in one passphrase-encrypted file
(ADR 0034)."""
