"""A simulated carrier's system and remote platform for the DCSA ISS / SUR tests.

It reuses the PINT peer simulator's signer (``cryptography`` directly, ``rfc8785`` for JCS), so
issuance manifests and checksums are made without Corridor's code paths. ``Recorder`` is an
``httpx.MockTransport`` handler standing in for the peer's HTTP endpoints.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import importlib.util
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization

from corridor.crypto.peer_keys import load_peer_key
from corridor.services.demo import demo_document

CARRIER_CODE = "WLSM"
CARRIER_URL = "http://carrier.test"
PLATFORM_CODE = "CRDR"


def load(name: str, path: Path) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


peer = load("corridor_tests_pint_peer", Path(__file__).parents[1] / "interop" / "pint" / "peer.py")


def public_pem(signer: Any) -> str:
    return signer.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def carrier_signer(alg: str = "ES256") -> Any:
    """The carrier system's key, known to the platform by its RFC 7638 thumbprint."""
    signer = peer.Signer.generate(CARRIER_CODE, alg)
    return dataclasses.replace(signer, kid=load_peer_key(public_pem(signer)).kid)


def issue_to(party_id: str, name: str, platform: str = PLATFORM_CODE) -> dict[str, Any]:
    return {
        "partyName": name,
        "sendToPlatform": platform,
        "identifyingCodes": [{"codeListProvider": platform, "partyCode": party_id}],
    }


def issuance_request(
    signer: Any,
    document: dict[str, Any],
    to: dict[str, Any],
    visualisation: bytes | None = None,
    **manifest_overrides: Any,
) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "documentChecksum": peer.jcs_sha256(document),
        "issueToChecksum": peer.jcs_sha256(to),
    }
    body: dict[str, Any] = {"document": document, "issueTo": to}
    if visualisation is not None:
        manifest["eBLVisualisationByCarrierChecksum"] = hashlib.sha256(visualisation).hexdigest()
        body["eBLVisualisationByCarrier"] = {
            "name": "carrier copy.pdf",
            "content": base64.b64encode(visualisation).decode(),
        }
    manifest.update(manifest_overrides)
    manifest = {k: v for k, v in manifest.items() if v is not None}
    body["issuanceManifestSignedContent"] = signer.sign(manifest)
    return body


def td(reference: str = "WLSM26CQSG0001") -> dict[str, Any]:
    document = demo_document()
    document["transportDocumentReference"] = reference
    return document


@dataclass
class Call:
    method: str
    url: str
    body: Any


@dataclass
class Recorder:
    """Answers every call with the next scripted status (204 when the script runs out)."""

    statuses: list[int | Exception] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(Call(request.method, str(request.url), json.loads(request.content)))
        status = self.statuses.pop(0) if self.statuses else 204
        if isinstance(status, Exception):
            raise status
        return httpx.Response(status, text="" if status == 204 else '{"no": "thanks"}')

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))
