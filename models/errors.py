"""Storage errors: a coded catalogue of messages that say what to do next."""

from __future__ import annotations

__all__ = [
    "BackupFailed",
    "DatabaseNewer",
    "DatabaseUnusable",
    "DecryptionFailed",
    "Errors",
    "KeyMalformed",
    "KeyMismatch",
    "KeyMissing",
    "MigrationFailed",
    "MigrationsInvalid",
    "StorageError",
    "StoreClosed",
]


class ErrorsWithCodes(type):
    """Metaclass that prefixes each catalogue message with its code, as spaCy's `Errors` does."""

    def __getattribute__(cls, code: str) -> str:
        """Return the message for `code` prefixed with `[code]`."""
        message = super().__getattribute__(code)
        if code.startswith("_"):
            return message
        return f"[{code}] {message}"


class Errors(metaclass=ErrorsWithCodes):
    """Storage error messages; never put a key, a token or decrypted text in one."""

    S001 = (
        "{var} is not set; generate a key with `confidant db keygen` and export it, e.g. `export {var}=<key>`. "
        "The same key must be used every time the bot opens this database."
    )
    S002 = (
        "Key {index} of {count} in {source} is not a valid Fernet key (it must be 32 random bytes in url-safe "
        "base64, 44 characters). Generate one with `confidant db keygen`; separate several keys with commas."
    )
    S003 = (
        "The key from {source} does not match the database {path}: its data was encrypted with another key. "
        "Use the key the database was created with; after a key change, list the new key first and the old "
        "key after it, separated by a comma."
    )
    S004 = (
        "Migration {file} failed at statement {statement}: {error}. Nothing was applied; the database is still "
        "at schema version {version}. Fix the migration file and run `confidant db migrate` again."
    )
    S005 = (
        "The database {path} is at schema version {found}, but this version of Confidant knows only up to "
        "version {latest}. Upgrade Confidant, or restore a backup made with this version."
    )
    S006 = "The store is closed, so it cannot {operation}. Open a new Store (this happens during shutdown)."
    S007 = "The migrations in {directory} are not valid: {problem}."
    S008 = "Cannot use {path} as Confidant's database: {problem}."
    S009 = "Cannot back up to {dest}: {problem}."
    S010 = (
        "A stored {field} could not be decrypted with the keys from {source}: it was encrypted with a key that "
        "is no longer listed. Add the old key after the current one, separated by a comma."
    )


class StorageError(Exception):
    """Base class for every error the storage layer raises on purpose."""


class KeyMissing(StorageError):
    """The environment variable that should hold the encryption key is unset or empty (S001)."""


class KeyMalformed(StorageError, ValueError):
    """A configured encryption key is not a valid Fernet key (S002)."""


class KeyMismatch(StorageError):
    """The configured key cannot decrypt this database's key check value (S003)."""


class MigrationFailed(StorageError):
    """A migration raised an SQLite error; the whole upgrade was rolled back (S004)."""


class DatabaseNewer(StorageError):
    """The database schema is newer than the newest migration this code ships (S005)."""


class StoreClosed(StorageError):
    """The store was used after `close()` began (S006)."""


class MigrationsInvalid(StorageError):
    """The migration files themselves are malformed: bad names, gaps, no reason line (S007)."""


class DatabaseUnusable(StorageError):
    """The path is missing, not an SQLite database, or another application's database (S008)."""


class BackupFailed(StorageError):
    """A backup could not be written; the destination is left untouched (S009)."""


class DecryptionFailed(StorageError):
    """One stored field cannot be decrypted with any configured key (S010)."""
