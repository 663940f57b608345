"""Fixtures for storage tests: real SQLite files in tmp_path, real keys, a controllable clock."""

import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from models.crypto import FieldCipher, generate_key
from models.records import AuditAction, AuditEntry
from models.store import MIGRATIONS_DIR, Store
from tests.models.helpers import GUILD, MEMBER, MODERATOR, FakeClock


@pytest.fixture
def key() -> str:
    return generate_key()


@pytest.fixture
def cipher(key: str) -> FieldCipher:
    return FieldCipher([key])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "confidant.db"


@pytest.fixture
async def store(db_path: Path, cipher: FieldCipher, clock: FakeClock) -> AsyncIterator[Store]:
    async with Store.open(db_path, cipher, clock=clock) as opened:
        yield opened


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    """A copy of the shipped migrations that a test may add files to."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder)
    return folder


@pytest.fixture
def make_entry() -> Callable[..., AuditEntry]:
    def make(**overrides: object) -> AuditEntry:
        values: dict[str, object] = {
            "guild_id": GUILD,
            "actor_id": MODERATOR,
            "action": AuditAction.REVEAL,
            "subject_id": MEMBER,
            "reason": "revealed flag 7 to judge context",
        }
        values.update(overrides)
        return AuditEntry(**values)  # type: ignore[arg-type]

    return make
