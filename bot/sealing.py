"""Secrets kept in the database (the Zalo OA's access and refresh tokens), sealed with a key from
the settings (TOKEN_ENCRYPTION_KEY) when one is set: a copy of the database, or a backup, then
holds no usable token. Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`).

Without a key values are stored as they are, as before; a value stored in the clear is sealed
the next time it is written, or at start-up (OATokens.ensure_row)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "fernet:"


class SealError(Exception):
    """A sealed value that this key cannot open (no key, or another key)."""


class Sealer:
    def __init__(self, key: str = "") -> None:
        # Any passphrase will do: its SHA-256 is the Fernet key.
        digest = hashlib.sha256(key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest)) if key else None

    @property
    def active(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str) -> str:
        if self._fernet is None or not value:
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str) -> str:
        if not value.startswith(PREFIX):
            return value  # stored in the clear (no key then, or an older version)
        if self._fernet is None:
            raise SealError("the token is sealed: set TOKEN_ENCRYPTION_KEY")
        try:
            return self._fernet.decrypt(value.removeprefix(PREFIX).encode()).decode()
        except InvalidToken:
            raise SealError("TOKEN_ENCRYPTION_KEY does not open the stored token") from None

    @staticmethod
    def sealed(value: str) -> bool:
        return value.startswith(PREFIX)
