"""A PINT 3.0.0 peer simulator: the other platforms, independent of Corridor's code paths.

It signs with ``cryptography`` directly (RS256, PS256, ES256, EdDSA), writes the JWS header and
payload segments itself, and canonicalises with the ``rfc8785`` package, so the receiver's
checks meet bytes that Corridor did not make. It builds envelopes for the demo transport document
(``corridor.demo``), hop by hop, as the platforms of a transfer chain would.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import rfc8785
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

THIS_PLATFORM = "CORR"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jcs_sha256(value: Any) -> str:
    return hashlib.sha256(rfc8785.dumps(value)).hexdigest()


def ascii_sha256(jws: str) -> str:
    return hashlib.sha256(jws.encode("ascii")).hexdigest()


def demo_td() -> dict[str, Any]:
    text = resources.files("corridor.demo").joinpath("chongqing_singapore_td.json").read_text()
    return json.loads(text)


@dataclass
class Signer:
    """A platform's (or carrier's) signing key and algorithm."""

    platform: str
    alg: str
    kid: str
    key: Any = field(repr=False)

    @classmethod
    def generate(cls, platform: str, alg: str) -> Signer:
        if alg in ("RS256", "PS256"):
            key: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif alg == "ES256":
            key = ec.generate_private_key(ec.SECP256R1())
        else:
            key = Ed25519PrivateKey.generate()
        return cls(platform, alg, f"{platform.lower()}-{alg.lower()}-key", key)

    @property
    def public_key(self) -> Any:
        return self.key.public_key()

    def sign(self, payload: dict[str, Any]) -> str:
        header = b64url(json.dumps({"alg": self.alg, "kid": self.kid}).encode())
        body = b64url(rfc8785.dumps(payload))
        signing_input = f"{header}.{body}".encode("ascii")
        return f"{header}.{body}.{b64url(self._signature(signing_input))}"

    def _signature(self, data: bytes) -> bytes:
        if self.alg == "RS256":
            return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        if self.alg == "PS256":
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
            return self.key.sign(data, pss, hashes.SHA256())
        if self.alg == "ES256":
            r, s = decode_dss_signature(self.key.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return self.key.sign(data)


def party(name: str, platform: str, *codes: tuple[str, str]) -> dict[str, Any]:
    return {
        "partyName": name,
        "eblPlatform": platform,
        "identifyingCodes": [{"codeListProvider": p, "partyCode": c} for p, c in codes],
    }


CARRIER = party("Western Land-Sea Multimodal (Chongqing) Co., Ltd.", "BOLE", ("BOLE", "wlsm"))
SHIPPER = party(
    "Chongqing Yuxin Auto Parts Export Co., Ltd.",
    "BOLE",
    ("BOLE", "yuxin"),
    ("ZZZ", "91500112MA60B3KW0J"),
)
BANK = party("Chongqing Rural Commercial Bank", "WAVE", ("WAVE", "cqrcb"))
IMPORTER = party("Lion City Auto Components Pte. Ltd.", THIS_PLATFORM, (THIS_PLATFORM, "lioncity"))


def tx(code: str, actor: dict[str, Any], recipient: dict[str, Any] | None = None) -> dict[str, Any]:
    transaction: dict[str, Any] = {
        "actionCode": code,
        "actor": actor,
        "actionDateTime": "2026-03-02T08:00:00.000Z",
    }
    if recipient is not None:
        transaction["recipient"] = recipient
    return transaction


@dataclass
class Document:
    name: str
    content: bytes
    media_type: str = "application/pdf"

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def metadata(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": len(self.content),
            "mediaType": self.media_type,
            "documentChecksum": self.checksum,
        }


@dataclass
class Peer:
    """The platforms of a chain: keys by platform, and envelope building."""

    signers: dict[str, Signer]
    td: dict[str, Any] = field(default_factory=demo_td)

    @property
    def td_checksum(self) -> str:
        return jcs_sha256(self.td)

    def issuance_manifest(self, issue_to: dict[str, Any] | None = None) -> str:
        payload = {
            "documentChecksum": self.td_checksum,
            "issueToChecksum": jcs_sha256(issue_to or SHIPPER),
        }
        return self.signers[self.td["carrierCode"]].sign(payload)

    def entry(
        self,
        platform: str,
        transactions: list[dict[str, Any]],
        previous: str | None = None,
        **extra: Any,
    ) -> str:
        payload: dict[str, Any] = {
            "eblPlatform": platform,
            "transportDocumentChecksum": self.td_checksum,
            "transactions": transactions,
        }
        if previous is None and "issuanceManifestSignedContent" not in extra:
            payload["issuanceManifestSignedContent"] = self.issuance_manifest()
        elif previous is not None:
            payload["previousEnvelopeTransferChainEntrySignedContentChecksum"] = ascii_sha256(
                previous
            )
        payload.update(extra)
        return self.signers[platform].sign(payload)

    def chain(self, *hops: tuple[str, list[dict[str, Any]]]) -> list[str]:
        entries: list[str] = []
        for platform, transactions in hops:
            entries.append(self.entry(platform, transactions, entries[-1] if entries else None))
        return entries

    def envelope(
        self, chain: list[str], documents: tuple[Document, ...] = (), sender: str | None = None
    ) -> dict[str, Any]:
        manifest: dict[str, Any] = {
            "transportDocumentChecksum": self.td_checksum,
            "lastEnvelopeTransferChainEntrySignedContentChecksum": ascii_sha256(chain[-1]),
        }
        if documents:
            manifest["supportingDocuments"] = [d.metadata() for d in documents]
        signer = self.signers[sender or _claimed_platform(chain[-1])]
        return {
            "transportDocument": copy.deepcopy(self.td),
            "envelopeManifestSignedContent": signer.sign(manifest),
            "envelopeTransferChain": list(chain),
        }

    def standard_hops(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """Issue in Chongqing on BOLE, endorse to the bank on WAVE, on to the importer here."""
        return [
            (
                "BOLE",
                [
                    tx("ISSUE", CARRIER, SHIPPER),
                    tx("ENDORSE_TO_ORDER", SHIPPER, BANK),
                    tx("TRANSFER", SHIPPER, BANK),
                ],
            ),
            ("WAVE", [tx("ENDORSE", BANK, IMPORTER), tx("TRANSFER", BANK, IMPORTER)]),
        ]


def _claimed_platform(jws: str) -> str:
    body = jws.split(".")[1]
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return str(payload["eblPlatform"])


def flip_bit(jws: str, segment: int = 2) -> str:
    """Flip one bit inside a segment of a compact JWS (keeping it valid base64url text)."""
    parts = jws.split(".")
    raw = bytearray(base64.urlsafe_b64decode(parts[segment] + "=" * (-len(parts[segment]) % 4)))
    raw[len(raw) // 2] ^= 0x01
    parts[segment] = b64url(bytes(raw))
    return ".".join(parts)
