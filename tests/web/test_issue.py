"""The issue form: carriers only; errors next to the field; a good issue by form and by upload."""

from __future__ import annotations

import json
import re

from tests.web.conftest import Web, issue_values

from corridor.services.demo import document_with_reference
from corridor.web.issue_form import field_for


def test_only_carriers_may_issue(web: Web) -> None:
    assert web.client.get("/issue").status_code == 401
    page = web.sign_in("exporter").get("/issue")
    assert page.status_code == 403
    assert "Only a carrier" in page.text


def test_form_prefills_a_fresh_reference(web: Web) -> None:
    web.sign_in("carrier")
    values = issue_values(web)
    assert values["reference"] == "WLSM26CQSG0006"
    assert values["issue_to"] == web.ids["exporter"]
    assert values["container_0"] == "WLMU4582011"
    assert values["loading_locode"] == "CNQZH"


def test_good_issue_by_form(web: Web) -> None:
    web.sign_in("carrier")
    values = issue_values(web) | {
        "reference": "WLSM26FORM01",
        "seal_1": "SEAL-9",
        "weight_0": "17000",
    }
    done = web.client.post("/issue", data=values, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/documents/WLSM26FORM01"
    page = web.client.get("/documents/WLSM26FORM01").text
    assert "Issued WLSM26FORM01 to Chongqing Yuxin Auto Parts Export Co., Ltd." in page
    assert "SEAL-9" in page
    assert "17000 KGM" in page
    assert web.status("WLSM26FORM01") == ("ISSUED", web.ids["exporter"], web.ids["exporter"])


def test_straight_bill_by_form(web: Web) -> None:
    web.sign_in("carrier")
    importer = "Lion City Auto Components Pte. Ltd."
    values = issue_values(web) | {"reference": "WLSM26STR01", "bill_kind": "straight"}
    values |= {"consignee": importer, "issue_to": web.ids["exporter"]}
    done = web.client.post("/issue", data=values, follow_redirects=False)
    assert done.status_code == 303, done.text
    record = web.node.record("WLSM26STR01").record
    assert (str(record.kind), record.consignee) == ("straight", web.ids["importer"])


def test_rule_errors_are_shown_next_to_the_field(web: Web) -> None:
    web.sign_in("carrier")
    values = issue_values(web) | {"reference": "WLSM26BAD01", "container_0": "WLMU4582012"}
    page = web.client.post("/issue", data=values)
    assert page.status_code == 422
    error = re.search(r'data-testid="error-container_0">([^<]+)<', page.text)
    assert error is not None
    assert "check digit" in error.group(1)
    assert 'data-testid="error-summary"' in page.text
    assert 'value="WLMU4582012"' in page.text  # what was typed is kept
    assert 'value="WLSM26BAD01"' in page.text
    values |= {"container_0": "WLMU4582011", "loading_locode": "CNQZ1"}
    page = web.client.post("/issue", data=values)
    assert 'data-testid="error-loading_locode"' in page.text
    page = web.client.post("/issue", data=values | {"loading_locode": "CNQZH", "weight_1": "x"})
    assert re.search(r'data-testid="error-weight_1">must be a number<', page.text)
    assert web.client.get("/documents/WLSM26BAD01").status_code == 404


def test_duplicate_reference_is_shown_at_the_reference(web: Web) -> None:
    web.sign_in("carrier")
    page = web.client.post("/issue", data=issue_values(web) | {"reference": "WLSM26CQSG0101"})
    assert page.status_code == 409
    assert 'data-testid="error-reference"' in page.text


def test_upload_a_dcsa_document(web: Web) -> None:
    web.sign_in("carrier")
    values = issue_values(web)
    document = json.dumps(document_with_reference("WLSM26UPL01")).encode()
    files = {"document": ("td.json", document, "application/json")}
    done = web.client.post("/issue", data=values, files=files, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/documents/WLSM26UPL01"


def test_upload_errors(web: Web) -> None:
    web.sign_in("carrier")
    values = issue_values(web)
    junk = {"document": ("td.json", b"{not json", "application/json")}
    page = web.client.post("/issue", data=values, files=junk)
    assert page.status_code == 400
    assert 'data-testid="error-document"' in page.text
    swb = document_with_reference("WLSM26SWB01") | {"transportDocumentTypeCode": "SWB"}
    files = {"document": ("td.json", json.dumps(swb).encode(), "application/json")}
    page = web.client.post("/issue", data=values, files=files)
    assert page.status_code == 422
    error = re.search(r'data-testid="error-document">([^<]+)<', page.text)
    assert error is not None
    assert error.group(1).startswith("/isToOrder: ")
    array = {"document": ("td.json", b"[1, 2]", "application/json")}
    assert web.client.post("/issue", data=values, files=array).status_code == 400
    big = {"document": ("td.json", b" " * (5 * 1024 * 1024 + 10), "application/json")}
    assert web.client.post("/issue", data=values, files=big).status_code == 413


def test_issue_needs_the_csrf_token(web: Web) -> None:
    web.sign_in("carrier")
    values = issue_values(web) | {"reference": "WLSM26CSRF1"}
    del values["csrf"]
    assert web.client.post("/issue", data=values).status_code == 403
    assert web.client.get("/documents/WLSM26CSRF1").status_code == 404


def test_pointer_to_field() -> None:
    known = {"container_1": "", "seal_0": "", "goods_1": "", "loading_locode": "", "vessel": ""}
    assert field_for("/utilizedTransportEquipments/1/equipment/equipmentReference", known) == (
        "container_1"
    )
    assert field_for("/utilizedTransportEquipments/0/seals/0/number", known) == "seal_0"
    assert field_for("/consignmentItems/1/cargoItems/0/equipmentReference", known) == "goods_1"
    assert field_for("/transports/portOfLoading/UNLocationCode", known) == "loading_locode"
    assert field_for("/transports/vesselVoyages/0/vesselName", known) == "vessel"
    assert field_for("/termsAndConditions", known) is None
    assert field_for("/utilizedTransportEquipments/7/equipment", known) is None


def test_a_reference_with_slash_space_and_dot_is_reachable(web: Web) -> None:
    """DCSA allows any reference matching ^\\S(?:.*\\S)?$ of up to 20 characters."""
    ref = "CQ/SG 001.A"
    path = "/documents/CQ%2FSG%20001.A"
    web.sign_in("carrier")
    done = web.client.post(
        "/issue", data=issue_values(web) | {"reference": ref}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == path
    page = web.client.get(path)
    assert page.status_code == 200
    assert f'data-testid="reference">{ref}<' in page.text
    assert f'href="{path}/bundle.json"' in page.text
    home = web.sign_in("exporter").get("/").text
    assert f'href="{path}"' in home
    csrf = web.csrf(path)
    assert f'action="{path}/actions"' in web.client.get(path).text
    bank = web.ids["cq_bank"]
    endorse = {"csrf": csrf, "action": "ENDORSE_TO_ORDER", "recipient": bank}
    acted = web.client.post(f"{path}/actions", data=endorse, follow_redirects=False)
    assert acted.status_code == 303, acted.text
    assert acted.headers["location"] == path
    assert web.status(ref)[2] == bank
    bundle = web.client.get(f"{path}/bundle.json")
    assert bundle.status_code == 200
    assert json.loads(bundle.text)["documentReference"] == ref
    disposition = bundle.headers["content-disposition"]
    assert 'filename="CQ_SG_001.A.bundle.json"' in disposition
    assert "filename*=UTF-8''CQ%2FSG%20001.A.bundle.json" in disposition
    # typed by hand, unencoded, the reference is still found
    assert web.client.get("/documents/CQ/SG 001.A").status_code == 200


def test_references_outside_the_dcsa_pattern_are_not_found(web: Web) -> None:
    web.sign_in("carrier")
    for path in (
        "/documents/%20WLSM26CQSG0101",  # leading space
        "/documents/WLSM26CQSG0101%20",
        "/documents/" + "A" * 21,
        "/documents/%E2%80%8B%FF",
        "/documents/A/B/C/D/actions/x",
        "/documents/WLSM26CQSG0101/nothing",
        "/documents/",
    ):
        page = web.client.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html")
