"""Parties, tokens and authentication over HTTP."""

from __future__ import annotations

from datetime import timedelta

from corridor.crypto.keys import PrivateKey
from corridor.services.access import SIGNIN, Access, Principal

from .conftest import Api
from .test_documents_api import _problem


def test_no_token_wrong_token_and_revoked_token_are_unauthenticated(api: Api) -> None:
    response = api.client.get("/api/v1/documents")
    _problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")
    bad = {"Authorization": "Bearer cor_0000_nope"}
    _problem(api.client.get("/api/v1/documents", headers=bad), 401, "unauthenticated")
    token_id = api.tokens["importer"].split("_")[1]
    revoked = api.client.delete(f"/api/v1/tokens/{token_id}", headers=api.headers("importer"))
    assert revoked.status_code == 204
    problem = _problem(api.get("/api/v1/me", "importer"), 401, "unauthenticated")
    assert "revoked" in problem["detail"]


def test_a_tampered_secret_does_not_authenticate(api: Api) -> None:
    prefix, token_id, secret = api.tokens["exporter"].split("_", 2)
    forged = f"{prefix}_{token_id}_{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    _problem(response, 401, "unauthenticated")


def test_sign_in_links_and_expired_tokens_are_not_api_tokens(api: Api) -> None:
    access = Access(api.node)
    link = access.create_token(api.ids["exporter"], kind=SIGNIN).token
    response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {link}"})
    _problem(response, 401, "unauthenticated")
    expired = access.create_token(api.ids["exporter"], lifetime=timedelta(0)).token
    response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert "expired" in _problem(response, 401, "unauthenticated")["detail"]


def test_me_names_the_caller(api: Api) -> None:
    me = api.get("/api/v1/me", "cq_bank").json()
    assert me == {"operator": False, "party": me["party"]}
    assert me["party"]["partyId"] == api.ids["cq_bank"]
    assert api.get("/api/v1/me", "operator").json()["operator"] is True


def test_the_operator_registers_parties_and_others_may_not(api: Api) -> None:
    body = {"name": "Qinzhou Port Terminal Co.", "roles": ["terminal"], "codes": []}
    _problem(api.post("/api/v1/parties", "carrier", body), 403, "forbidden")
    made = api.post("/api/v1/parties", "operator", body)
    assert made.status_code == 201, made.text
    party = made.json()
    assert party["keys"][0]["custody"] == "custodial"
    names = [p["name"] for p in api.get("/api/v1/parties", "importer").json()]
    assert "Qinzhou Port Terminal Co." in names
    assert api.get(f"/api/v1/parties/{party['partyId']}", "importer").json()["name"] == body["name"]


def test_party_input_errors_are_specific(api: Api) -> None:
    bad_code = {"name": "Bad Code Ltd", "roles": ["trader"], "codes": ["UEN:123"]}
    _problem(api.post("/api/v1/parties", "operator", bad_code), 422, "party-code")
    bad_role = {"name": "Bad Role Ltd", "roles": ["pirate"]}
    problem = _problem(api.post("/api/v1/parties", "operator", bad_role), 422, "validation")
    assert problem["errors"][0]["pointer"] == "#/roles/0"
    _problem(api.get("/api/v1/parties/nobody", "operator"), 404, "not-found")


def test_a_self_custodied_party_registers_its_public_key(api: Api) -> None:
    key = PrivateKey.generate()
    body = {"name": "Own Keys Ltd", "roles": ["trader"], "publicKeyJwk": key.public_key.to_jwk()}
    party = api.post("/api/v1/parties", "operator", body).json()
    assert party["keys"][0]["custody"] == "self"
    assert party["keys"][0]["kid"] == key.public_key.kid


def test_parties_manage_only_their_own_tokens(api: Api) -> None:
    made = api.post(f"/api/v1/parties/{api.ids['cq_bank']}/tokens", "cq_bank", {"label": "erp"})
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    assert api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).is_success
    listed = api.get(f"/api/v1/parties/{api.ids['cq_bank']}/tokens", "cq_bank").json()
    assert "erp" in [t["label"] for t in listed]
    assert all("token" not in t for t in listed)
    other = f"/api/v1/parties/{api.ids['cq_bank']}/tokens"
    _problem(api.get(other, "sg_bank"), 403, "forbidden")
    _problem(api.post(other, "sg_bank", {}), 403, "forbidden")
    token_id = made.json()["tokenId"]
    response = api.client.delete(f"/api/v1/tokens/{token_id}", headers=api.headers("sg_bank"))
    _problem(response, 403, "forbidden")
    missing = api.client.delete("/api/v1/tokens/abcdef", headers=api.headers("operator"))
    _problem(missing, 404, "not-found")


def test_a_public_key_that_is_not_an_ed25519_jwk_is_bad_input(api: Api) -> None:
    body = {"name": "Odd Key Ltd", "roles": ["trader"], "publicKeyJwk": {"kty": "RSA"}}
    problem = _problem(api.post("/api/v1/parties", "operator", body), 422, "invalid-input")
    assert problem["detail"].startswith("#/publicKeyJwk")


def test_a_non_ascii_name_registered_twice_is_refused_cleanly(api: Api) -> None:
    body = {"name": "Straße Ïnc", "roles": ["trader"]}
    assert api.post("/api/v1/parties", "operator", body).status_code == 201
    problem = _problem(api.post("/api/v1/parties", "operator", body), 422, "invalid-input")
    assert "already exists" in problem["detail"]


def test_revoking_a_sign_in_link_ends_the_sessions_it_opened(api: Api) -> None:
    access = Access(api.node)
    link = access.create_token(api.ids["exporter"], kind=SIGNIN)
    secret, principal = access.start_session(link.token)
    assert principal.party_id == api.ids["exporter"]
    assert access.session(secret) == principal
    access.revoke_token(link.row.token_id, by=Principal(None))
    assert access.session(secret) is None


def test_a_party_of_another_platform_needs_that_platform_registered(api: Api) -> None:
    body = {"name": "Lion City Auto Components", "roles": ["consignee"], "platform": "SGCO"}
    problem = _problem(api.post("/api/v1/parties", "operator", body), 422, "invalid-input")
    assert "platform 'SGCO' is not registered" in problem["detail"]
    pem = PrivateKey.generate().public_key.to_pem()
    platform = {
        "code": "SGCO",
        "name": "Corridor SG",
        "baseUrl": "https://sg.example",
        "keys": [pem],
    }
    assert api.post("/api/v1/platforms", "operator", platform).status_code == 201
    made = api.post("/api/v1/parties", "operator", body)
    assert made.status_code == 201, made.text
    assert made.json()["platform"] == "SGCO"
    assert made.json()["keys"] == []
    with_key = {
        **body,
        "name": "Keyed Ltd",
        "publicKeyJwk": PrivateKey.generate().public_key.to_jwk(),
    }
    _problem(api.post("/api/v1/parties", "operator", with_key), 422, "invalid-input")
