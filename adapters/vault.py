"""The Vault port: AES-256-GCM with one random key per person, keys in a SQL table or in memory.

Erasure deletes the key row; SQLite's secure_delete (set on every connection) overwrites the
freed bytes, so the key cannot be recovered from the database file either.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from albatross.adapters.sql_schema import vault_keys

_NONCE = 12
_PSEUDONYM_SUBJECT = "installation:pseudonyms"


def _seal(key: bytes, subject_id: str, plaintext: str) -> bytes:
    nonce = os.urandom(_NONCE)
    # The subject id is bound as associated data: a ciphertext moved to another person fails.
    return nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), subject_id.encode())


def _open(key: bytes, subject_id: str, ciphertext: bytes) -> str | None:
    try:
        return AESGCM(key).decrypt(ciphertext[:_NONCE], ciphertext[_NONCE:], subject_id.encode()).decode()
    except (InvalidTag, ValueError):
        return None


class _KeyedVault:
    """Encryption on top of `_load_key` / `_create_key` / `_drop_key`, with keys cached in process."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}

    async def _load_key(self, subject_id: str) -> bytes | None:
        raise NotImplementedError

    async def _create_key(self, subject_id: str, key: bytes) -> bytes:
        raise NotImplementedError

    async def _drop_key(self, subject_id: str) -> None:
        raise NotImplementedError

    async def _key(self, subject_id: str, *, create: bool) -> bytes | None:
        key = self._keys.get(subject_id)
        if key is None:
            key = await self._load_key(subject_id)
            if key is None and create:
                key = await self._create_key(subject_id, AESGCM.generate_key(bit_length=256))
            if key is not None:
                self._keys[subject_id] = key
        return key

    async def encrypt(self, subject_id: str, plaintext: str) -> bytes:
        key = await self._key(subject_id, create=True)
        assert key is not None
        return _seal(key, subject_id, plaintext)

    async def decrypt(self, subject_id: str, ciphertext: bytes) -> str | None:
        key = await self._key(subject_id, create=False)
        return None if key is None else _open(key, subject_id, ciphertext)

    async def forget(self, subject_id: str) -> None:
        self._keys.pop(subject_id, None)
        await self._drop_key(subject_id)

    async def pseudonym(self, kind: str, value: str) -> str:
        key = await self._key(_PSEUDONYM_SUBJECT, create=True)
        assert key is not None
        return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:40]


class MemoryVault(_KeyedVault):
    def __init__(self) -> None:
        super().__init__()
        self._stored: dict[str, bytes] = {}

    async def _load_key(self, subject_id: str) -> bytes | None:
        return self._stored.get(subject_id)

    async def _create_key(self, subject_id: str, key: bytes) -> bytes:
        return self._stored.setdefault(subject_id, key)

    async def _drop_key(self, subject_id: str) -> None:
        self._stored.pop(subject_id, None)


class SqlVault(_KeyedVault):
    def __init__(self, writer: AsyncEngine, reader: AsyncEngine) -> None:
        super().__init__()
        self.writer = writer
        self.reader = reader

    async def _load_key(self, subject_id: str) -> bytes | None:
        async with self.reader.connect() as conn:
            query = select(vault_keys.c.key).where(vault_keys.c.subject_id == subject_id)
            return (await conn.execute(query)).scalar_one_or_none()

    async def _create_key(self, subject_id: str, key: bytes) -> bytes:
        try:
            async with self.writer.begin() as conn:
                row = {"subject_id": subject_id, "key": key, "created_at": time.time_ns() // 1000}
                await conn.execute(insert(vault_keys).values(**row))
            return key
        except IntegrityError:  # created concurrently: use theirs
            stored = await self._load_key(subject_id)
            assert stored is not None
            return stored

    async def _drop_key(self, subject_id: str) -> None:
        if await self._load_key(subject_id) is None:
            return  # already gone: no write (and no wait for the writer connection)
        async with self.writer.begin() as conn:
            await conn.execute(delete(vault_keys).where(vault_keys.c.subject_id == subject_id))
