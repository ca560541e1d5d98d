"""Fixtures for the PINT receiver tests: the peer simulator, the registry and the node's memory."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from corridor.domain.party import Party, Role
from corridor.interop.dcsa.pint import PintParty, resolve_recipient


def _load_peer() -> ModuleType:
    name = "corridor_tests_pint_peer"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("peer.py"))
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


peer_module = _load_peer()


@dataclass
class Registry:
    """The platform registry as the receiver sees it: (platform, kid) -> public key."""

    keys: dict[tuple[str, str], Any] = field(default_factory=dict)

    def __call__(self, platform: str, kid: str | None) -> list[Any]:
        return [k for (p, i), k in self.keys.items() if p == platform and kid in (None, i)]


@dataclass
class Memory:
    """What the receiving node knows (the ``Knowledge`` protocol)."""

    local: dict[str, Party]
    accepted: set[str] = field(default_factory=set)
    chains: dict[str, set[str]] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)
    live: set[str] = field(default_factory=set)

    def was_accepted(self, last_checksum: str) -> bool:
        return last_checksum in self.accepted

    def holds_live(self, td_checksum: str) -> bool:
        return td_checksum in self.live

    def known_chain_checksums(self, td_checksum: str) -> set[str]:
        return set(self.chains.get(td_checksum, set()))

    def held_document_checksums(self, wanted: Sequence[str]) -> set[str]:
        return self.held & set(wanted)

    def local_recipient(self, party: PintParty) -> str | None:
        return resolve_recipient(party, peer_module.THIS_PLATFORM, self.local)


ALGORITHMS = {"WLSM": "ES256", "BOLE": "RS256", "WAVE": "ES256", "CORR": "EdDSA"}


@pytest.fixture(scope="session")
def signers() -> dict[str, Any]:
    return {code: peer_module.Signer.generate(code, alg) for code, alg in ALGORITHMS.items()}


@pytest.fixture
def peer(signers: dict[str, Any]) -> Any:
    return peer_module.Peer(dict(signers))


@pytest.fixture
def registry(signers: dict[str, Any]) -> Registry:
    return Registry({(s.platform, s.kid): s.public_key for s in signers.values()})


@pytest.fixture
def memory() -> Memory:
    importer = Party(
        "lioncity",
        "Lion City Auto Components Pte. Ltd.",
        frozenset({Role.CONSIGNEE}),
        (),
        peer_module.THIS_PLATFORM,
    )
    return Memory({"lioncity": importer})
