"""Fixtures for the DCSA ISS / SUR service tests: a platform node with a simulated carrier."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from corridor.services.dcsa_outbox import Outbox
from corridor.services.demo import seed_parties
from corridor.services.node import Node
from corridor.services.platforms import Platforms


def load_sim() -> ModuleType:
    name = "corridor_tests_dcsa_sim"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("dcsa_sim.py"))
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass
class PlatformSide:
    """A platform node, its demo parties, the carrier's simulated system and what it received."""

    node: Node
    ids: dict[str, str]
    signer: Any
    carrier: Any  # the Recorder standing in for the carrier system's HTTP endpoints
    outbox: Outbox

    def issue_to(self, who: str = "exporter") -> dict[str, Any]:
        return load_sim().issue_to(self.ids[who], self.node.party(self.ids[who]).name)


@pytest.fixture(scope="session")
def sim() -> ModuleType:
    return load_sim()


@pytest.fixture(scope="session")
def carrier_signer(sim: ModuleType) -> Any:
    return sim.carrier_signer()


@pytest.fixture
def platform(node: Node, sim: ModuleType, carrier_signer: Any) -> PlatformSide:
    ids = seed_parties(node)
    Platforms(node).add(
        sim.CARRIER_CODE,
        "Western Land-Sea carrier system",
        sim.CARRIER_URL,
        [sim.public_pem(carrier_signer)],
    )
    recorder = sim.Recorder()
    return PlatformSide(node, ids, carrier_signer, recorder, Outbox(node, recorder.client()))
