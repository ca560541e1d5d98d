"""Every example DCSA embeds in the PINT, ISS, SUR and END specs, against its own schema.

Examples are collected from the spec itself: the ``example`` / ``examples`` of every request body
and response whose schema is a named component (or an array of one), plus the ``example`` of
every component schema. All of them validate. The ones DCSA got wrong live in JWS payloads, which
a JSON schema cannot see into; those, and the YAML date-time trap, are listed in ``KNOWN_BAD``
with the reason each one fails (docs/design/pint-3.0-notes.md, section 7, pitfalls 1 and 8).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.resources
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from corridor.crypto.canonical import checksum
from corridor.interop.dcsa.schema import (
    END_SPEC_FILE,
    ISS_SPEC_FILE,
    PINT_SPEC_FILE,
    SUR_SPEC_FILE,
    load_spec,
    schema_errors,
    validate_schema,
)

NEW_SPECS = (PINT_SPEC_FILE, ISS_SPEC_FILE, SUR_SPEC_FILE, END_SPEC_FILE)
_COMPONENT = "#/components/schemas/"
_HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Example:
    spec_file: str
    where: str
    schema_name: str
    value: Any

    @property
    def id(self) -> str:
        return f"{self.spec_file}:{self.where}"


def _named_schema(schema: dict[str, Any]) -> tuple[str, bool] | None:
    """``(component name, is an array of it)`` for a ``$ref`` schema or an array of one."""
    if schema.get("type") == "array":
        inner = _named_schema(schema.get("items", {}))
        return None if inner is None else (inner[0], True)
    ref = schema.get("$ref", "")
    return (ref.removeprefix(_COMPONENT), False) if ref.startswith(_COMPONENT) else None


def _bodies(operation: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    if "requestBody" in operation:
        yield "request", operation["requestBody"]
    for status, response in operation.get("responses", {}).items():
        yield str(status), response


def _media_examples(spec_file: str, spec: dict[str, Any]) -> Iterator[Example]:
    for path, item in spec["paths"].items():
        for method in _HTTP_METHODS:
            for status, body in _bodies(item.get(method, {})):
                assert "$ref" not in body, f"unhandled body $ref at {method} {path} {status}"
                for media_type, media in body.get("content", {}).items():
                    where = f"{method.upper()} {path} {status} {media_type}"
                    examples = dict(media.get("examples", {}))
                    if "example" in media:
                        examples["example"] = {"value": media["example"]}
                    named = _named_schema(media.get("schema", {}))
                    if named is None:
                        assert not examples, f"example without a named schema at {where}"
                        continue
                    for name, example in examples.items():
                        assert "value" in example, f"unhandled example form at {where} {name}"
                        values = example["value"] if named[1] else [example["value"]]
                        for index, value in enumerate(values):
                            label = f"{where} {name}" + (f"[{index}]" if named[1] else "")
                            yield Example(spec_file, label, named[0], value)


def _component_examples(spec_file: str, spec: dict[str, Any]) -> Iterator[Example]:
    for name, schema in spec["components"]["schemas"].items():
        if "example" in schema:
            yield Example(spec_file, f"components.schemas.{name}.example", name, schema["example"])


def spec_examples(spec_file: str) -> list[Example]:
    spec: dict[str, Any] = dict(load_spec(spec_file))
    return [*_media_examples(spec_file, spec), *_component_examples(spec_file, spec)]


ALL_EXAMPLES = [example for spec_file in NEW_SPECS for example in spec_examples(spec_file)]

# Media-type examples per spec, so a walker that silently finds nothing cannot pass.
EXPECTED_MEDIA_EXAMPLES = {PINT_SPEC_FILE: 6, ISS_SPEC_FILE: 6, SUR_SPEC_FILE: 3, END_SPEC_FILE: 7}


def test_every_spec_has_the_examples_we_expect() -> None:
    for spec_file, expected in EXPECTED_MEDIA_EXAMPLES.items():
        media = [e for e in ALL_EXAMPLES if e.spec_file == spec_file and " " in e.where]
        assert len(media) == expected, spec_file


@pytest.mark.parametrize("example", ALL_EXAMPLES, ids=lambda e: e.id)
def test_spec_example_validates_against_its_schema(example: Example) -> None:
    assert schema_errors(example.spec_file, example.schema_name, example.value) == []
    validate_schema(example.spec_file, example.schema_name, example.value)


# --- the known-bad examples ---------------------------------------------------------------


def _pint_envelope_example() -> dict[str, Any]:
    media = load_spec(PINT_SPEC_FILE)["paths"]["/v3/envelopes"]["post"]["requestBody"]
    value: dict[str, Any] = media["content"]["application/json"]["examples"]["regularSTDExample"][
        "value"
    ]
    return value


def _jws_payload(compact: str) -> Any:
    payload = compact.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _raw_yaml_surrender_example() -> Any:
    """The SUR request example as plain ``yaml.safe_load`` reads it (timestamps resolved)."""
    text = importlib.resources.files("corridor.interop.dcsa").joinpath("spec", SUR_SPEC_FILE)
    spec = yaml.safe_load(text.read_text(encoding="utf-8"))
    media = spec["paths"]["/v3/ebl-surrender-requests"]["post"]["requestBody"]
    return media["content"]["application/json"]["examples"]["surrenderExample"]["value"]


@dataclass(frozen=True)
class KnownBad:
    name: str
    spec_file: str
    schema_name: str
    instance: Callable[[], Any]
    errors: tuple[str, ...]
    """Every error line expected (``schema_errors`` output), so a new failure is noticed."""
    why: str


def _missing(pointer: str, field: str) -> str:
    return f"{pointer}: {field} is required by DCSA eBL PINT 3.0.0 but is missing; add it"


_STALE_CHAIN_ENTRY_ERRORS = (
    _missing("/transactions/0/actionCode", "transactions[0].actionCode"),
    _missing("/transactions/0/actionDateTime", "transactions[0].actionDateTime"),
    _missing("/transactions/0/recipient/identifyingCodes", "recipient.identifyingCodes"),
)

KNOWN_BAD = [
    KnownBad(
        name="PINT regularSTDExample envelopeTransferChain[0] payload",
        spec_file=PINT_SPEC_FILE,
        schema_name="EnvelopeTransferChainEntry",
        instance=lambda: _jws_payload(_pint_envelope_example()["envelopeTransferChain"][0]),
        errors=_STALE_CHAIN_ENTRY_ERRORS,
        why="pre-3.0 payload: `action: TRNS` and an epoch `timestamp` instead of actionCode and "
        "actionDateTime; the recipient has only taxLegalReferences (pitfall 1)",
    ),
    KnownBad(
        name="PINT components.schemas.EnvelopeTransferChainEntrySignedContent.example payload",
        spec_file=PINT_SPEC_FILE,
        schema_name="EnvelopeTransferChainEntry",
        instance=lambda: _jws_payload(
            load_spec(PINT_SPEC_FILE)["components"]["schemas"][
                "EnvelopeTransferChainEntrySignedContent"
            ]["example"]
        ),
        errors=_STALE_CHAIN_ENTRY_ERRORS,
        why="the same stale chain entry as the envelope example (pitfall 1)",
    ),
    KnownBad(
        name="SUR surrenderExample read with yaml.safe_load",
        spec_file=SUR_SPEC_FILE,
        schema_name="SurrenderRequestDetails",
        instance=_raw_yaml_surrender_example,
        errors=(
            "/endorsementChain/0/actionDateTime: endorsementChain[0].actionDateTime must be "
            "a string, not datetime",
        ),
        why="`actionDateTime: 2024-09-04T09:41:00Z` is unquoted, so the YAML timestamp resolver "
        "makes it a datetime; the spec loader keeps it a string and the example passes "
        "(pitfall 8)",
    ),
]


@pytest.mark.parametrize("bad", KNOWN_BAD, ids=lambda b: b.name)
def test_known_bad_example_fails_for_the_documented_reason(bad: KnownBad) -> None:
    assert schema_errors(bad.spec_file, bad.schema_name, bad.instance()) == list(bad.errors), (
        bad.why
    )


def test_the_pint_envelope_payloads_that_do_validate() -> None:
    envelope = _pint_envelope_example()
    manifest = _jws_payload(envelope["envelopeManifestSignedContent"])
    validate_schema(PINT_SPEC_FILE, "EnvelopeManifest", manifest)
    assert len(envelope["envelopeTransferChain"]) == 1  # one entry, and it is stale (above)


def test_the_pint_envelope_checksums_are_stale() -> None:
    # Schema-valid, but unusable as a vector: neither checksum in the manifest is right.
    envelope = _pint_envelope_example()
    manifest = _jws_payload(envelope["envelopeManifestSignedContent"])
    last_entry = envelope["envelopeTransferChain"][-1].encode("ascii")
    assert manifest["lastEnvelopeTransferChainEntrySignedContentChecksum"] != (
        hashlib.sha256(last_entry).hexdigest()
    )
    assert checksum(envelope["transportDocument"]) == (
        "7be082114ba3783e20d92bd305f784b483d66fa6a53130d891e67fcddfd04644"
    )
    assert manifest["transportDocumentChecksum"] != checksum(envelope["transportDocument"])


def test_the_iss_issuance_manifest_payload_validates() -> None:
    media = load_spec(ISS_SPEC_FILE)["paths"]["/v3/ebl-issuance-requests"]["put"]["requestBody"]
    request = media["content"]["application/json"]["examples"]["regularSTDExample"]["value"]
    payload = _jws_payload(request["issuanceManifestSignedContent"])
    validate_schema(ISS_SPEC_FILE, "IssuanceManifest", payload)
