"""The platform registry over HTTP: the operator writes, every caller reads, refusals are clear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from .conftest import Api
from .test_documents_api import _problem

BASE = "https://pint.wave.example"
PUBLIC = "-----BEGIN PUBLIC KEY-----"


def ec_pem() -> str:
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem.decode()


def rsa_certificate() -> str:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Wave BL")])
    not_after = datetime(2030, 1, 1, tzinfo=UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(7)
        .not_valid_before(not_after - timedelta(days=90))
        .not_valid_after(not_after)
        .sign(private, hashes.SHA256())
    )
    return built.public_bytes(serialization.Encoding.PEM).decode()


def body(code: str = "WAVE", **extra: object) -> dict[str, object]:
    return {"code": code, "name": "Wave BL", "baseUrl": BASE, "keys": [], **extra}


def test_the_operator_registers_a_platform_and_anyone_reads_it(api: Api) -> None:
    made = api.post("/api/v1/platforms", "operator", body(keys=[rsa_certificate(), ec_pem()]))
    assert made.status_code == 201, made.text
    platform = made.json()
    assert (platform["code"], platform["baseUrl"]) == ("WAVE", BASE)
    rsa_key, ec_key = platform["keys"]
    assert rsa_key["keyType"] == "RSA"
    assert rsa_key["algorithms"] == ["RS256", "PS256"]
    assert rsa_key["subject"] == "O=Wave BL"
    assert rsa_key["notAfter"].startswith("2030-01-01T00:00:00")
    assert (ec_key["keyType"], ec_key["notAfter"]) == ("EC", None)

    listed = api.get("/api/v1/platforms", "importer").json()
    assert [p["code"] for p in listed] == ["WAVE"]
    one = api.get("/api/v1/platforms/WAVE", "carrier").json()
    assert {k["kid"] for k in one["keys"]} == {rsa_key["kid"], ec_key["kid"]}


def test_keys_are_added_and_removed(api: Api) -> None:
    assert api.post("/api/v1/platforms", "operator", body()).status_code == 201
    added = api.post("/api/v1/platforms/WAVE/keys", "operator", {"pem": ec_pem()})
    assert added.status_code == 201, added.text
    kid = added.json()["kid"]
    assert [k["kid"] for k in api.get("/api/v1/platforms/WAVE", "carrier").json()["keys"]] == [kid]
    headers = api.headers("operator")
    gone = api.client.delete(f"/api/v1/platforms/WAVE/keys/{kid}", headers=headers)
    assert gone.status_code == 204
    _problem(
        api.client.delete(f"/api/v1/platforms/WAVE/keys/{kid}", headers=headers), 404, "not-found"
    )
    assert api.get("/api/v1/platforms/WAVE", "carrier").json()["keys"] == []


def test_a_platform_is_removed(api: Api) -> None:
    api.post("/api/v1/platforms", "operator", body(keys=[ec_pem()]))
    headers = api.headers("operator")
    assert api.client.delete("/api/v1/platforms/WAVE", headers=headers).status_code == 204
    _problem(api.get("/api/v1/platforms/WAVE", "carrier"), 404, "not-found")
    assert api.get("/api/v1/platforms", "carrier").json() == []
    _problem(api.client.delete("/api/v1/platforms/WAVE", headers=headers), 404, "not-found")


def test_only_the_operator_writes(api: Api) -> None:
    _problem(api.post("/api/v1/platforms", "carrier", body()), 403, "forbidden")
    api.post("/api/v1/platforms", "operator", body())
    _problem(
        api.post("/api/v1/platforms/WAVE/keys", "cq_bank", {"pem": ec_pem()}), 403, "forbidden"
    )
    headers = api.headers("exporter")
    _problem(api.client.delete("/api/v1/platforms/WAVE", headers=headers), 403, "forbidden")
    _problem(
        api.client.delete("/api/v1/platforms/WAVE/keys/abc", headers=headers), 403, "forbidden"
    )
    _problem(api.client.get("/api/v1/platforms"), 401, "unauthenticated")


@pytest.mark.parametrize(
    ("changes", "slug", "pointer", "reason"),
    [
        ({"code": "wave"}, "validation", "#/code", ""),
        ({"code": "WAVES"}, "validation", "#/code", ""),
        ({"code": "CRDR"}, "invalid-input", None, "own platform code"),
        ({"baseUrl": "ftp://x.example"}, "invalid-input", None, "http:// or https://"),
        ({"keys": ["not a pem"]}, "invalid-input", None, "not a PEM certificate or public key"),
        ({"keys": [f"{PUBLIC}\nAAAA\n-----END PUBLIC KEY-----"]}, "invalid-input", None, "PEM"),
        ({"keys": [f"{PUBLIC}\x00"]}, "validation", "#/keys/0", ""),
        ({"name": "Wave\x00"}, "validation", None, "control characters"),
        ({"extra": 1}, "validation", "#/extra", ""),
    ],
)
def test_bad_bodies_are_422(
    api: Api, changes: dict[str, object], slug: str, pointer: str | None, reason: str
) -> None:
    response = api.post("/api/v1/platforms", "operator", {**body(), **changes})
    problem = _problem(response, 422, slug)
    if pointer is not None:
        assert problem["errors"][0]["pointer"] == pointer
    assert reason in problem["detail"] + str(problem.get("errors"))
    assert api.get("/api/v1/platforms", "operator").json() == []


def test_a_small_rsa_key_is_422(api: Api) -> None:
    api.post("/api/v1/platforms", "operator", body())
    private = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    problem = _problem(
        api.post("/api/v1/platforms/WAVE/keys", "operator", {"pem": pem.decode()}),
        422,
        "invalid-input",
    )
    assert "1024 bits" in problem["detail"]


def test_duplicates_are_refused(api: Api) -> None:
    pem = ec_pem()
    api.post("/api/v1/platforms", "operator", body(keys=[pem]))
    again = _problem(api.post("/api/v1/platforms", "operator", body()), 422, "invalid-input")
    assert "already registered" in again["detail"]
    response = api.post("/api/v1/platforms/WAVE/keys", "operator", {"pem": pem})
    key = _problem(response, 422, "invalid-input")
    assert "already registered for platform WAVE" in key["detail"]


def test_unknown_platforms_are_404(api: Api) -> None:
    _problem(api.get("/api/v1/platforms/NOPE", "carrier"), 404, "not-found")
    response = api.post("/api/v1/platforms/NOPE/keys", "operator", {"pem": ec_pem()})
    _problem(response, 404, "not-found")
    _problem(api.get("/api/v1/platforms/no-pe", "carrier"), 422, "validation")


def test_a_retried_post_acts_once(api: Api) -> None:
    request = body(keys=[ec_pem()])
    first = api.post("/api/v1/platforms", "operator", request, **{"Idempotency-Key": "p-1"})
    second = api.post("/api/v1/platforms", "operator", request, **{"Idempotency-Key": "p-1"})
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert first.json() == second.json()
