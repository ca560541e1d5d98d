"""Offline verification of a bundle: no network, no database. Fails closed.

The checks run in this order; the first that fails raises ``VerificationError`` whose ``check``
names it:

==================== ==============================================================================
bundle-format        the file is a corridor-bundle/1 object with every part present
node-key             the node's verifier key and JWK agree (and match ``trusted_node_key`` if given)
checkpoint-format    the checkpoint is a well-formed C2SP checkpoint
checkpoint-signature the checkpoint is signed by the node key
key-attestation      every key attestation is signed by the node key
entry-signature      every entry's JWS verifies under the attested key named by its ``kid``
entry-signer         the party an entry names as actor is the party the signing key belongs to
chain                entries form one unbroken chain from ISSUE (none missing, none reordered)
document-checksum    SHA-256 of the document's RFC 8785 bytes is the checksum every entry names
issuer               the ISSUE is signed by a carrier, the one the document names as issuing party
controller           every action was taken by the party that controlled the eBL at that moment
title-rules          every action is allowed by the title rules (``domain.title``)
completeness         the node's signed document head matches the last entry (nothing cut off)
inclusion-proof      every entry is in the checkpointed tree, by its RFC 9162 inclusion proof
==================== ==============================================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from corridor.crypto.canonical import checksum, parse_json, sha256_hex
from corridor.crypto.jws import header_of, verify_compact
from corridor.crypto.keys import PublicKey, b64url_decode
from corridor.domain.entry import EntryPayload
from corridor.domain.register import next_record
from corridor.domain.title import NODE_ACTIONS, ActionCode, TitleRecord
from corridor.errors import CorridorError, NotControllerError, TitleError, VerificationError
from corridor.ledger.checkpoint import Checkpoint, NoteVerifier, open_checkpoint
from corridor.ledger.merkle import leaf_hash, root_from_inclusion

BUNDLE_FORMAT = "corridor-bundle/1"


@dataclass(frozen=True)
class KeyAttestation:
    kid: str
    party_id: str
    party_name: str
    roles: frozenset[str]
    public_key: PublicKey


@dataclass(frozen=True)
class VerifiedBundle:
    """What a valid bundle proves."""

    document_reference: str
    document_checksum: str
    record: TitleRecord
    entries: int
    checkpoint: Checkpoint
    node_key_hash: str
    node_verifier_key: str
    party_names: Mapping[str, str]


def _fail(check: str, detail: str) -> VerificationError:
    return VerificationError(check, detail)


def load_bundle(data: bytes | str) -> dict[str, Any]:
    try:
        bundle = parse_json(data)
    except CorridorError as exc:
        raise _fail("bundle-format", f"the file is not valid JSON ({exc.message})") from None
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        raise _fail("bundle-format", f"not a {BUNDLE_FORMAT} bundle")
    return bundle


def _field(obj: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind):
        raise _fail("bundle-format", f"{where}.{key} is missing or not a {kind.__name__}")
    return value


def verify_bundle(bundle: Mapping[str, Any], trusted_node_key: str | None = None) -> VerifiedBundle:
    """Check everything a bundle claims, or raise ``VerificationError`` naming the failed check."""
    if bundle.get("format") != BUNDLE_FORMAT:
        raise _fail("bundle-format", f"not a {BUNDLE_FORMAT} bundle")
    node = _field(bundle, "node", dict, "bundle")
    verifier = _node_verifier(node, trusted_node_key)
    checkpoint = open_checkpoint(_field(bundle, "checkpoint", str, "bundle"), verifier)
    node_jwk_key = _node_public_key(node, verifier)
    keys = _attested_keys(_field(bundle, "keys", list, "bundle"), node_jwk_key)
    raw_entries = _field(bundle, "entries", list, "bundle")
    if not raw_entries:
        raise _fail("bundle-format", "the bundle has no entries")
    payloads = [_verified_entry(i, e, keys) for i, e in enumerate(raw_entries)]
    hashes = [sha256_hex(e["jws"].encode("ascii")) for e in raw_entries]
    _check_chain(payloads, hashes)
    if bundle.get("documentReference") != payloads[0].document_reference:
        raise _fail("bundle-format", "documentReference is not the document the entries name")
    document = _field(bundle, "transportDocument", dict, "bundle")
    doc_checksum = _check_document(document, payloads)
    record = _replay(payloads, keys, document)
    head = _check_head(
        _field(bundle, "documentHead", str, "bundle"), node_jwk_key, payloads, hashes
    )
    _check_inclusion(raw_entries, checkpoint)
    return VerifiedBundle(
        document_reference=payloads[0].document_reference,
        document_checksum=doc_checksum,
        record=record,
        entries=len(payloads),
        checkpoint=checkpoint,
        node_key_hash=verifier.key_hash.hex(),
        node_verifier_key=_field(node, "verifierKey", str, "node"),
        party_names={
            **{str(k): str(v) for k, v in dict(head.get("partyNames") or {}).items()},
            **{k.party_id: k.party_name for k in keys.values()},
        },
    )


def _node_verifier(node: Mapping[str, Any], trusted: str | None) -> NoteVerifier:
    vkey = _field(node, "verifierKey", str, "node")
    if trusted is not None and trusted.strip() != vkey:
        raise _fail("node-key", "the bundle is not from the node key you trust")
    try:
        return NoteVerifier.from_verifier_key(vkey)
    except VerificationError as exc:
        raise _fail("node-key", exc.detail) from None


def _node_public_key(node: Mapping[str, Any], verifier: NoteVerifier) -> PublicKey:
    jwk = _field(node, "publicKeyJwk", dict, "node")
    try:
        key = PublicKey.from_jwk(jwk)
    except CorridorError as exc:
        raise _fail("node-key", f"node.publicKeyJwk: {exc.message}") from None
    if key.raw != verifier.public_key.public_bytes_raw():
        raise _fail("node-key", "node.publicKeyJwk is not the key of node.verifierKey")
    return key


def _attested_keys(tokens: Sequence[Any], node_key: PublicKey) -> dict[str, KeyAttestation]:
    keys: dict[str, KeyAttestation] = {}
    for i, token in enumerate(tokens):
        try:
            if not isinstance(token, str):
                raise _fail("key-attestation", "not a JWS")
            _, body = verify_compact(token, node_key)
            statement = parse_json(body)
            key = PublicKey.from_jwk(statement["publicKeyJwk"])
            if key.kid != statement["kid"]:
                raise _fail("key-attestation", "kid is not the key's thumbprint")
            keys[key.kid] = KeyAttestation(
                key.kid,
                str(statement["partyId"]),
                str(statement["partyName"]),
                frozenset(statement["roles"]),
                key,
            )
        except (CorridorError, KeyError, TypeError) as exc:
            raise _fail(
                "key-attestation", f"keys[{i}] is not attested by the node ({exc})"
            ) from None
    return keys


def _verified_entry(index: int, entry: Any, keys: Mapping[str, KeyAttestation]) -> EntryPayload:
    where = f"entries[{index}]"
    if not isinstance(entry, dict):
        raise _fail("bundle-format", f"{where} is not an object")
    token = _field(entry, "jws", str, where)
    try:
        kid = header_of(token).get("kid")
    except VerificationError as exc:
        raise _fail("entry-signature", f"{where}: {exc.detail}") from None
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise _fail("entry-signature", f"{where} is signed by key {kid!r}, which no one attests")
    try:
        _, body = verify_compact(token, key.public_key)
        payload = EntryPayload.from_json(parse_json(body))
    except CorridorError as exc:
        raise _fail("entry-signature", f"{where} ({key.party_name}): {exc.message}") from None
    if payload.actor != key.party_id:
        raise _fail(
            "entry-signer", f"{where} names {payload.actor} but is signed by {key.party_id}"
        )
    return payload


def _check_chain(payloads: Sequence[EntryPayload], hashes: Sequence[str]) -> None:
    position = {h: i for i, h in enumerate(hashes)}
    for i, payload in enumerate(payloads):
        expected_previous = None if i == 0 else hashes[i - 1]
        if payload.previous_entry_hash == expected_previous and payload.sequence == i + 1:
            continue
        if i == 0:
            raise _fail("chain", "the first entry is not the ISSUE: earlier entries are missing")
        found = position.get(payload.previous_entry_hash or "")
        if found is not None and found != i - 1:
            raise _fail(
                "chain", f"entries are out of order: entry {i + 1} should follow entry {found + 1}"
            )
        raise _fail("chain", f"entry {i + 1} follows an entry missing from the bundle")
    references = {p.document_reference for p in payloads}
    if len(references) != 1:
        raise _fail("chain", "the entries name more than one document")


def _check_head(
    token: str, node_key: PublicKey, payloads: Sequence[EntryPayload], hashes: Sequence[str]
) -> dict[str, Any]:
    try:
        _, body = verify_compact(token, node_key)
        head = parse_json(body)
        count, last = int(head["entryCount"]), str(head["lastEntryHash"])
        reference = str(head["documentReference"])
    except (CorridorError, KeyError, TypeError, ValueError) as exc:
        raise _fail(
            "completeness", f"the document head is not attested by the node ({exc})"
        ) from None
    if reference != payloads[0].document_reference:
        raise _fail("completeness", f"the document head is for {reference}, not this document")
    if count != len(payloads):
        raise _fail(
            "completeness",
            f"the node attests {count} entries but the bundle has {len(payloads)}: "
            "entries were removed or added",
        )
    if last != hashes[-1]:
        raise _fail(
            "completeness",
            f"entry {count} is not the last entry the node attests: it was replaced",
        )
    if not isinstance(head.get("partyNames", {}), dict):
        raise _fail("completeness", "the document head's partyNames is not an object")
    result: dict[str, Any] = head
    return result


def _check_document(document: Mapping[str, Any], payloads: Sequence[EntryPayload]) -> str:
    actual = checksum(dict(document))
    for payload in payloads:
        if payload.document_checksum != actual:
            raise _fail(
                "document-checksum",
                f"the transport document's SHA-256 is {actual[:16]}..., but entry "
                f"{payload.sequence} signed {payload.document_checksum[:16]}...: "
                "the document was changed",
            )
    return actual


def _replay(
    payloads: Sequence[EntryPayload],
    keys: Mapping[str, KeyAttestation],
    document: Mapping[str, Any],
) -> TitleRecord:
    first = payloads[0]
    signers = {k.party_id: k for k in keys.values()}
    if first.action_code is ActionCode.IMPORT:
        importer = signers.get(first.actor)
        if importer is None or "platform" not in importer.roles:
            raise _fail("issuer", f"the IMPORT is signed by {first.actor}, who is not a platform")
    elif first.action_code is not ActionCode.ISSUE or first.issue_terms is None:
        raise _fail("chain", "the first entry is not an ISSUE")
    else:
        _check_issuer(first, signers, document)
    record = None
    for payload in payloads:
        if payload.action_code in NODE_ACTIONS and "platform" not in _roles(signers, payload):
            raise _fail(
                "entry-signer",
                f"entry {payload.sequence} ({payload.action_code}) is not signed by a platform",
            )
        try:
            record = next_record(record, payload)
        except NotControllerError as exc:
            raise _fail(
                "controller", f"entry {payload.sequence} ({payload.action_code}): {exc.message}"
            ) from None
        except TitleError as exc:
            raise _fail(
                "title-rules", f"entry {payload.sequence} ({payload.action_code}): {exc.message}"
            ) from None
    assert record is not None
    return record


def _roles(signers: Mapping[str, KeyAttestation], payload: EntryPayload) -> frozenset[str]:
    signer = signers.get(payload.actor)
    return frozenset() if signer is None else signer.roles


def _check_issuer(
    first: EntryPayload, signers: Mapping[str, KeyAttestation], document: Mapping[str, Any]
) -> None:
    issuer = signers.get(first.actor)
    if issuer is None or "carrier" not in issuer.roles:
        raise _fail("issuer", f"the ISSUE is signed by {first.actor}, who is not a carrier")
    named = _issuing_party_name(document)
    if named is None or named.casefold() != issuer.party_name.casefold():
        raise _fail(
            "issuer",
            f"the document names {named!r} as issuing party, but {issuer.party_name!r} issued it",
        )


def _issuing_party_name(document: Mapping[str, Any]) -> str | None:
    parties = document.get("documentParties")
    issuing = parties.get("issuingParty") if isinstance(parties, dict) else None
    name = issuing.get("partyName") if isinstance(issuing, dict) else None
    return name if isinstance(name, str) else None


def _check_inclusion(raw_entries: Sequence[Mapping[str, Any]], checkpoint: Checkpoint) -> None:
    for i, entry in enumerate(raw_entries):
        where = f"entry {i + 1}"
        try:
            index = entry["leafIndex"]
            if not isinstance(index, int) or isinstance(index, bool) or index < 0:
                raise TypeError("leafIndex must be a non-negative integer")
            proof = [b64url_decode(h) for h in entry["inclusionProof"]]
            leaf = leaf_hash(entry["jws"].encode("ascii"))
            root = root_from_inclusion(leaf, index, checkpoint.size, proof)
        except (CorridorError, KeyError, TypeError, ValueError) as exc:
            raise _fail("inclusion-proof", f"{where}: the proof is malformed ({exc})") from None
        if root != checkpoint.root_hash:
            raise _fail(
                "inclusion-proof",
                f"{where}: its proof leads to another tree than the checkpoint's "
                f"(size {checkpoint.size})",
            )
