"""The document page, its actions and the bundle download; and every refusal on them."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import time

from sqlalchemy import update
from tests.web.conftest import Web

from corridor.crypto.keys import PrivateKey
from corridor.domain.party import Role
from corridor.domain.title import ActionCode
from corridor.services.demo import document_with_reference
from corridor.services.pint_transfers import transfers_of
from corridor.services.platforms import Platforms
from corridor.storage import tables
from corridor.web.timeline import check_signature

REF = "WLSM26CQSG0101"


def test_document_page_renders_the_bill_of_lading(web: Web) -> None:
    page = web.sign_in("exporter").get(f"/documents/{REF}")
    assert page.status_code == 200
    text = page.text
    for expected in (
        REF,
        "To order of Chongqing Yuxin Auto Parts Export Co., Ltd.",
        "Lion City Auto Components Pte. Ltd.",  # notify party
        "Western Land-Sea Multimodal (Chongqing) Co., Ltd.",
        "Chongqing International Logistics Hub (CNCQI)",
        "Qinzhou Port (CNQZH)",
        "Singapore (SGSIN)",
        "<td>Rail</td>",
        "Beibu Gulf Pioneer 2611S",
        "WLMU4582011",
        "WLS2603081",
        "45G1",
        "high cube",
        "Brake discs and brake calipers",
        "870830",
        "18640.5 KGM",
        "22 Pallets",
        "Ocean freight CNQZH-SGSIN",
        "Freight prepaid",
        "Rail pre-carriage Chongqing (CNCQI) to Qinzhou (CNQZH)",
        "✓ verified",
    ):
        assert expected in text, expected
    assert 'data-testid="holder">Chongqing Yuxin Auto Parts Export Co., Ltd.<' in text
    assert "@media print" in web.client.get("/static/corridor.css").text


def test_actions_panel_offers_exactly_the_allowed_actions(web: Web) -> None:
    text = web.sign_in("exporter").get(f"/documents/{REF}").text
    for button in (
        "Endorse to order",
        "Endorse (final)",
        "Transfer possession",
        "Endorse in blank",
    ):
        assert f">{button}</button>" in text
    assert "Surrender for delivery</button>" in text  # the exporter is the endorsee and holder
    assert "Accept surrender</button>" not in text
    assert 'value="VOID"' not in text


def test_carrier_answers_a_pending_surrender(web: Web) -> None:
    client = web.sign_in("carrier")
    text = client.get("/documents/WLSM26CQSG0104").text
    assert "Accept surrender</button>" in text
    assert "Reject surrender</button>" in text
    assert "to Lion City Auto Components Pte. Ltd." in text
    csrf = web.csrf("/documents/WLSM26CQSG0104")
    done = client.post(
        "/documents/WLSM26CQSG0104/actions",
        data={"csrf": csrf, "action": "SACC"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert web.status("WLSM26CQSG0104")[0] == "SURRENDERED"
    after = client.get("/documents/WLSM26CQSG0104").text
    assert "Surrender accepted." in after
    assert "Surrendered (delivered)" in after
    assert "no further actions are possible" in after


def test_endorse_and_transfer(web: Web) -> None:
    client = web.sign_in("exporter")
    csrf = web.csrf(f"/documents/{REF}")
    bank = web.ids["cq_bank"]
    endorse = {"csrf": csrf, "action": "ENDORSE_TO_ORDER", "recipient": bank}
    done = client.post(f"/documents/{REF}/actions", data=endorse, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/documents/{REF}"
    assert web.status(REF)[2] == bank
    page = client.get(f"/documents/{REF}").text
    assert "Endorsed to order." in page
    assert f'<option value="{bank}" selected>' in page  # transfer defaults to the endorsee
    transfer = {"csrf": csrf, "action": "TRANSFER", "recipient": bank}
    client.post(f"/documents/{REF}/actions", data=transfer)
    assert web.status(REF)[1] == bank
    page = client.get(f"/documents/{REF}").text
    assert 'data-testid="holder">Chongqing Yangtze Commercial Bank<' in page
    assert 'data-testid="no-actions"' in page


def test_not_signed_in_sees_no_document(web: Web) -> None:
    page = web.client.get(f"/documents/{REF}")
    assert page.status_code == 401
    assert "Sign in" in page.text
    assert web.client.get(f"/documents/{REF}/bundle.json").status_code == 401
    posted = web.client.post(f"/documents/{REF}/actions", data={"action": "TRANSFER"})
    assert posted.status_code == 401


def test_a_party_not_involved_gets_404(web: Web) -> None:
    client = web.sign_in("importer")
    for path in (f"/documents/{REF}", f"/documents/{REF}/bundle.json", "/documents/NOPE"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert "Document not found" in page.text
    csrf = web.csrf()
    data = {"csrf": csrf, "action": "TRANSFER", "recipient": web.ids["importer"]}
    assert client.post(f"/documents/{REF}/actions", data=data).status_code == 404
    assert client.get("/documents/" + "x" * 300).status_code == 404


def test_an_action_the_party_may_not_take_is_shown_and_changes_nothing(web: Web) -> None:
    client = web.sign_in("exporter")  # WLSM26CQSG0102 is held by the Chongqing bank
    before = web.status("WLSM26CQSG0102")
    csrf = web.csrf()
    data = {"csrf": csrf, "action": "TRANSFER", "recipient": web.ids["importer"]}
    refused = client.post("/documents/WLSM26CQSG0102/actions", data=data)
    assert refused.status_code == 403
    assert "Not done:" in refused.text
    assert "does not control" in refused.text
    assert web.status("WLSM26CQSG0102") == before
    for bad in ({"action": "ISSUE"}, {"action": "nonsense"}, {"action": "TRANSFER"}):
        page = client.post(f"/documents/{REF}/actions", data={"csrf": csrf, **bad})
        assert page.status_code == 422, bad
        assert "Not done:" in page.text
    assert web.status(REF)[1] == web.ids["exporter"]


def test_actions_need_the_csrf_token(web: Web) -> None:
    client = web.sign_in("exporter")
    data = {"action": "TRANSFER", "recipient": web.ids["cq_bank"]}
    assert client.post(f"/documents/{REF}/actions", data=data).status_code == 403
    wrong = client.post(f"/documents/{REF}/actions", data={**data, "csrf": "f" * 64})
    assert wrong.status_code == 403
    assert "This form has expired" in wrong.text
    assert web.status(REF)[1] == web.ids["exporter"]


def test_bundle_download(web: Web) -> None:
    response = web.sign_in("carrier").get("/documents/WLSM26CQSG0105/bundle.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    bundle = json.loads(response.text)
    assert bundle["documentReference"] == "WLSM26CQSG0105"
    assert len(bundle["entries"]) == 9


def test_a_bad_signature_is_marked(web: Web) -> None:
    row = web.node.history(REF)[0].row
    assert check_signature(web.node, row) == (
        True,
        "signature verified with the actor's registered key",
    )
    head, payload, signature = row.jws.split(".")
    forged = dataclasses.replace(row, jws=f"{head}.{payload}.{signature[:-4]}AAAA")
    assert check_signature(web.node, forged)[0] is False
    assert check_signature(web.node, dataclasses.replace(row, kid="nope"))[0] is False
    other = dataclasses.replace(row, actor=web.ids["importer"])
    assert check_signature(web.node, other) == (False, "the signing key belongs to another party")


LONG = "WLSM26CQSG0105"  # nine entries, visible to the carrier


def _tamper(web: Web, sequence: int, **values: object) -> None:
    entries = tables.entries
    where = (entries.c.document_reference == LONG) & (entries.c.sequence == sequence)
    with web.node.engine.begin() as conn:
        assert conn.execute(update(entries).where(where).values(**values)).rowcount == 1


def _marks(text: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"(✓ verified|✗ not verified: [^<]+)<", text)]


def test_timeline_shows_the_signed_payload_and_marks_tampered_columns(web: Web) -> None:
    client = web.sign_in("carrier")
    before = client.get(f"/documents/{LONG}").text
    assert _marks(before) == ["✓ verified"] * 9
    row = web.node.history(LONG)[1].row
    assert row.recipient not in (None, web.ids["importer"])
    _tamper(web, 2, recipient=web.ids["importer"])
    after = client.get(f"/documents/{LONG}").text
    marks = _marks(after)
    assert marks[1] == "✗ not verified: the register's columns differ from the signed entry"
    assert marks[:1] + marks[2:] == ["✓ verified"] * 8
    second = after.split('data-testid="timeline"')[1].split("<li>")[2]
    assert "Lion City Auto Components" not in second  # shown from the payload, not the column


def test_timeline_checks_the_hash_chain(web: Web) -> None:
    client = web.sign_in("carrier")
    _tamper(web, 3, entry_hash="0" * 64)
    marks = _marks(client.get(f"/documents/{LONG}").text)
    assert marks[2] == "✗ not verified: the stored entry hash is not the hash of the signed entry"
    assert marks[3] == "✗ not verified: the entry does not chain to the entry before it"
    assert marks[:2] + marks[4:] == ["✓ verified"] * 7


def test_a_transfer_to_another_platform_shows_where_it_stands(web: Web) -> None:
    pem = PrivateKey.generate().public_key.to_pem()
    Platforms(web.node).add("SGCO", "Corridor Singapore", "http://127.0.0.1:9", [pem])
    there = web.node.add_party("Far Away Bank", frozenset({Role.BANK}), platform="SGCO")
    reference = "WLSM26CQSG0950"
    document = document_with_reference(reference)
    web.node.issue(document, carrier=web.ids["carrier"], to=web.ids["exporter"])
    web.node.act(
        reference, ActionCode.TRANSFER, actor=web.ids["exporter"], recipient=there.party_id
    )
    deadline = time.monotonic() + 15
    while transfers_of(web.node, reference)[0].attempts == 0:
        assert time.monotonic() < deadline, "the sender never tried"
        time.sleep(0.05)
    client = web.sign_in("exporter")
    page = client.get(f"/documents/{reference}").text
    assert 'data-testid="pint-transfers"' in page
    assert "Not yet accepted by platform SGCO after 1 attempt(s)" in page
    assert "ConnectError" in page
