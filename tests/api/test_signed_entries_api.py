"""Entries signed by a self-custodied key, submitted over HTTP exactly as signed."""

from __future__ import annotations

from typing import Any

from corridor.crypto.canonical import canonical_bytes
from corridor.crypto.jws import sign_compact
from corridor.crypto.keys import PrivateKey
from corridor.domain.entry import ENTRY_TYPE, EntryPayload, format_action_datetime
from corridor.services.access import Access

from .conftest import Api
from .test_documents_api import _problem

REF = "CQSELF001"


def _own_key_holder(api: Api) -> tuple[PrivateKey, str]:
    key = PrivateKey.generate()
    body = {"name": "Own Keys Ltd", "roles": ["trader"], "publicKeyJwk": key.public_key.to_jwk()}
    party = api.post("/api/v1/parties", "operator", body).json()["partyId"]
    api.tokens["own"] = Access(api.node).create_token(party).token
    api.ids["own"] = party
    api.issue(REF)
    assert api.act(REF, "exporter", "TRANSFER", "own").status_code == 200
    return key, party


def _signed(api: Api, key: PrivateKey, actor: str, **changes: Any) -> str:
    title = api.get(f"/api/v1/documents/{REF}", "operator").json()["title"]
    fields: dict[str, Any] = {
        "action_code": "SIGN",
        "document_reference": REF,
        "document_checksum": title["documentChecksum"],
        "sequence": title["version"] + 1,
        "previous_entry_hash": title["lastEntryHash"],
        "actor": actor,
        "recipient": None,
        "action_date_time": format_action_datetime(api.node.clock()),
        "platform": api.node.config.platform,
    } | changes
    payload = EntryPayload(**fields)
    return sign_compact(canonical_bytes(payload.to_json()), key, {"typ": ENTRY_TYPE})


def test_a_self_signed_entry_is_recorded_as_signed(api: Api) -> None:
    key, party = _own_key_holder(api)
    jws = _signed(api, key, party)
    done = api.post(f"/api/v1/documents/{REF}/signed-entries", "own", {"jws": jws})
    assert done.status_code == 200, done.text
    assert api.get(f"/api/v1/documents/{REF}/history", "own").json()[-1]["jws"] == jws


def test_self_signed_entries_are_checked(api: Api) -> None:
    key, party = _own_key_holder(api)
    url = f"/api/v1/documents/{REF}/signed-entries"
    forged = _signed(api, PrivateKey.generate(), party)
    _problem(api.post(url, "own", {"jws": forged}), 404, "not-found")
    someone_else = _signed(api, key, api.ids["exporter"])
    _problem(api.post(url, "own", {"jws": someone_else}), 403, "forbidden")
    elsewhere = _signed(api, key, party, document_reference="CQOTHER01")
    _problem(api.post(url, "own", {"jws": elsewhere}), 422, "invalid-input")
    _problem(api.post(url, "own", {"jws": "not.a.jws"}), 400, "malformed")
    good = _signed(api, key, party)
    assert api.post(url, "own", {"jws": good}).status_code == 200
    _problem(api.post(url, "own", {"jws": good}), 409, "chain")
