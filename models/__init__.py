"""Domain records and persistence: pure Python and aiosqlite, never discord."""

from models.crypto import FieldCipher, generate_key
from models.errors import (
    BackupFailed,
    DatabaseNewer,
    DatabaseUnusable,
    DecryptionFailed,
    KeyMalformed,
    KeyMismatch,
    KeyMissing,
    MigrationFailed,
    MigrationsInvalid,
    StorageError,
    StoreClosed,
)
from models.records import ERASED_USER_ID, AuditAction, AuditEntry, GuildSettings
from models.store import Store, backup, latest_version, migrate

__all__ = [
    "ERASED_USER_ID",
    "AuditAction",
    "AuditEntry",
    "BackupFailed",
    "DatabaseNewer",
    "DatabaseUnusable",
    "DecryptionFailed",
    "FieldCipher",
    "GuildSettings",
    "KeyMalformed",
    "KeyMismatch",
    "KeyMissing",
    "MigrationFailed",
    "MigrationsInvalid",
    "StorageError",
    "Store",
    "StoreClosed",
    "backup",
    "generate_key",
    "latest_version",
    "migrate",
]
