"""A node's home directory: its configuration, its secret and its Ed25519 node key.

Layout of ``$CORRIDOR_HOME`` (default ``./.corridor``)::

    config.json      platform code, log origin, database URL, group-commit settings
    master.key       the key-encryption key (32 random bytes, base64url), mode 0600;
                     ``CORRIDOR_MASTER_KEY`` in the environment takes its place
    node-key.enc     the node's Ed25519 private key, AES-256-GCM under the master key
    corridor.db      the SQLite database (unless ``CORRIDOR_DATABASE_URL`` names another)

Party keys held in custody are encrypted under the same master key and live in the database.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corridor.crypto.keys import (
    PrivateKey,
    b64url_decode,
    b64url_encode,
    decrypt_private_key,
    encrypt_private_key,
    generate_kek,
)
from corridor.errors import CorridorError, NodeError
from corridor.ledger.group_commit import DEFAULT_MAX_WAIT_MS

DEFAULT_HOME = Path(".corridor")
DEFAULT_PLATFORM = "CRDR"
NODE_KEY_AD = b"corridor node key"
CONFIG_FILE = "config.json"
MASTER_KEY_FILE = "master.key"
NODE_KEY_FILE = "node-key.enc"


@dataclass(frozen=True)
class NodeConfig:
    platform: str
    origin: str
    database_url: str
    max_batch: int = 256
    max_wait_ms: float = DEFAULT_MAX_WAIT_MS

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "origin": self.origin,
            "databaseUrl": self.database_url,
            "groupCommit": {"maxBatch": self.max_batch, "maxWaitMs": self.max_wait_ms},
        }


def resolve_home(home: str | Path | None) -> Path:
    if home is not None:
        return Path(home)
    env = os.environ.get("CORRIDOR_HOME")
    return Path(env) if env else DEFAULT_HOME


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def create_home(
    home: Path, *, platform: str, database_url: str | None, max_batch: int, max_wait_ms: float
) -> tuple[NodeConfig, PrivateKey]:
    """Create a new home; refuse to overwrite an existing node."""
    if (home / CONFIG_FILE).exists():
        raise NodeError(f"{home} already holds a Corridor node; choose another --home")
    if not platform.isalnum() or not 1 <= len(platform) <= 16:
        raise NodeError(f"platform code {platform!r} must be 1-16 letters or digits")
    home.mkdir(parents=True, exist_ok=True)
    kek = _master_key_from_env()
    if kek is None:
        kek = generate_kek()
        _write_secret(home / MASTER_KEY_FILE, b64url_encode(kek).encode())
    node_key = PrivateKey.generate()
    _write_secret(home / NODE_KEY_FILE, encrypt_private_key(node_key, kek, NODE_KEY_AD))
    url = database_url or f"sqlite:///{(home / 'corridor.db').resolve()}"
    origin = f"corridor.{platform.lower()}/{node_key.public_key.kid[:12]}"
    config = NodeConfig(platform.upper(), origin, url, max_batch, max_wait_ms)
    (home / CONFIG_FILE).write_text(json.dumps(config.to_json(), indent=2) + "\n")
    return config, node_key


def remove_home_files(home: Path) -> None:
    """Undo ``create_home`` after a failed start, so that ``init`` can simply be run again."""
    for name in (CONFIG_FILE, MASTER_KEY_FILE, NODE_KEY_FILE):
        (home / name).unlink(missing_ok=True)


def _master_key_from_env() -> bytes | None:
    value = os.environ.get("CORRIDOR_MASTER_KEY")
    if not value:
        return None
    try:
        key = b64url_decode(value)
    except CorridorError:
        key = b""
    if len(key) != 32:
        raise NodeError("CORRIDOR_MASTER_KEY must be 32 bytes in base64url")
    return key


def load_master_key(home: Path) -> bytes:
    from_env = _master_key_from_env()
    if from_env is not None:
        return from_env
    path = home / MASTER_KEY_FILE
    if not path.exists():
        raise NodeError(f"no master key at {path} and CORRIDOR_MASTER_KEY is not set")
    try:
        key = b64url_decode(path.read_text().strip())
    except CorridorError:
        key = b""
    if len(key) != 32:
        raise NodeError(f"{path} does not hold a 32-byte master key")
    return key


def load_config(home: Path) -> NodeConfig:
    path = home / CONFIG_FILE
    if not path.exists():
        raise NodeError(f"no Corridor node at {home}; run 'corridor init --home {home}' first")
    try:
        raw = json.loads(path.read_text())
        group = raw.get("groupCommit", {})
        config = NodeConfig(
            platform=str(raw["platform"]),
            origin=str(raw["origin"]),
            database_url=str(raw["databaseUrl"]),
            max_batch=int(group.get("maxBatch", 256)),
            max_wait_ms=float(group.get("maxWaitMs", DEFAULT_MAX_WAIT_MS)),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise NodeError(f"{path} is not a valid Corridor configuration ({exc})") from None
    override = os.environ.get("CORRIDOR_DATABASE_URL")
    if override:
        config = NodeConfig(
            config.platform, config.origin, override, config.max_batch, config.max_wait_ms
        )
    return config


def load_node_key(home: Path, kek: bytes) -> PrivateKey:
    path = home / NODE_KEY_FILE
    if not path.exists():
        raise NodeError(f"no node key at {path}")
    return decrypt_private_key(path.read_bytes(), kek, NODE_KEY_AD)
