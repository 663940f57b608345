"""Field encryption for sensitive text, with keys taken from the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from models.errors import DecryptionFailed, Errors, KeyMalformed, KeyMissing

__all__ = ["FieldCipher", "generate_key"]

# Several keys may be listed for rotation; commas and whitespace both separate them.
_KEY_SEPARATOR = re.compile(r"[\s,]+")


def generate_key() -> str:
    """Return a new random Fernet key as url-safe base64 text, for `confidant db keygen`."""
    return Fernet.generate_key().decode("ascii")


class FieldCipher:
    """Encrypts text fields with Fernet; the first key encrypts, every listed key can decrypt."""

    __slots__ = ("_fernet", "source")

    def __init__(self, keys: Iterable[str], *, source: str = "the configured key list") -> None:
        """Build a cipher from Fernet keys, current key first; `source` names where they came from in errors."""
        key_list = [key for key in keys if key]
        if not key_list:
            raise ValueError(f"FieldCipher needs at least one key; {source} gave none")
        fernets = []
        for index, key in enumerate(key_list, start=1):
            try:
                fernets.append(Fernet(key))
            except (ValueError, TypeError):
                # `from None`: the underlying error adds nothing useful and we never echo key material.
                raise KeyMalformed(Errors.S002.format(index=index, count=len(key_list), source=source)) from None
        self._fernet = MultiFernet(fernets)
        self.source = source

    @classmethod
    def from_env(cls, var_name: str, environ: Mapping[str, str] = os.environ) -> FieldCipher:
        """Build a cipher from the keys in environment variable `var_name` (comma- or space-separated)."""
        raw = environ.get(var_name, "")
        keys = [key for key in _KEY_SEPARATOR.split(raw.strip()) if key]
        if not keys:
            raise KeyMissing(Errors.S001.format(var=var_name))
        return cls(keys, source=f"the environment variable {var_name}")

    def encrypt(self, plaintext: str) -> bytes:
        """Return the Fernet token for `plaintext`, encrypted with the current (first) key."""
        return self._fernet.encrypt(plaintext.encode("utf-8"))

    def decrypt(self, token: bytes, *, field: str = "field") -> str:
        """Return the plaintext of `token`; raise `DecryptionFailed` naming `field` if no key fits."""
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            raise DecryptionFailed(Errors.S010.format(field=field, source=self.source)) from None

    def rotate(self, token: bytes) -> bytes:
        """Return `token` re-encrypted with the current key, for a future key-rotation pass."""
        return self._fernet.rotate(token)

    def __repr__(self) -> str:
        """Describe the cipher by where its keys came from, never by the keys."""
        return f"FieldCipher(source={self.source!r})"
