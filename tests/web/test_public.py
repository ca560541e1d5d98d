"""The public pages: verify a bundle (valid, tampered, not a bundle) and the log's proofs."""

from __future__ import annotations

import json
import re

from tests.web.conftest import Web

from corridor.services.bundle import build_bundle
from corridor.services.proofs import latest_checkpoint


def _bundle_bytes(web: Web) -> bytes:
    return json.dumps(build_bundle(web.node, "WLSM26CQSG0105"), indent=2).encode()


def _verify(web: Web, data: bytes, **fields: str) -> tuple[int, str]:
    csrf = web.csrf("/verify")
    files = {"bundle": ("b.json", data, "application/json")}
    page = web.client.post("/verify", data={"csrf": csrf, **fields}, files=files)
    return page.status_code, page.text


def test_verify_page_is_public(web: Web) -> None:
    page = web.client.get("/verify")
    assert page.status_code == 200
    assert 'type="file"' in page.text
    assert 'for="f-bundle"' in page.text


def test_valid_bundle(web: Web) -> None:
    status, text = _verify(web, _bundle_bytes(web))
    assert status == 200
    assert ">VALID<" in text
    assert "WLSM26CQSG0105" in text
    assert "SURRENDERED" in text
    assert "<dd>9</dd>" in text


def test_tampered_bundle_names_the_failed_check(web: Web) -> None:
    data = _bundle_bytes(web)
    tampered = data.replace(b"Brake discs", b"Brake disks", 1)
    assert len(tampered) == len(data)
    status, text = _verify(web, tampered)
    assert status == 200
    assert ">INVALID<" in text
    check = re.search(r'data-testid="failed-check">([^<]+)<', text)
    assert check is not None
    assert check.group(1) == "document-checksum"
    assert "verification failed at check" in text


def test_pasted_bundle_and_other_inputs(web: Web) -> None:
    csrf = web.csrf("/verify")
    pasted = _bundle_bytes(web).decode()
    page = web.client.post("/verify", data={"csrf": csrf, "pasted": pasted})
    assert ">VALID<" in page.text
    for body, expected in (
        ("", "choose a bundle file"),
        ("not json", "Not checked"),
        ("[1]", "one JSON object"),
    ):
        page = web.client.post("/verify", data={"csrf": csrf, "pasted": body})
        assert page.status_code == 422, body
        assert expected in page.text
    page = web.client.post("/verify", data={"csrf": csrf, "pasted": '{"format": 1}'})
    assert ">INVALID<" in page.text
    assert 'data-testid="failed-check">bundle-format<' in page.text
    big = b" " * (5 * 1024 * 1024 + 10)
    status, text = _verify(web, big)
    assert status == 413
    assert "larger than 5 MB" in text


def test_verify_needs_the_csrf_token(web: Web) -> None:
    files = {"bundle": ("b.json", _bundle_bytes(web), "application/json")}
    assert web.client.post("/verify", files=files).status_code == 403


def test_log_page_and_consistency(web: Web) -> None:
    head = latest_checkpoint(web.node)
    page = web.client.get("/log")
    assert page.status_code == 200
    assert f'data-testid="tree-size">{head.size}<' in page.text
    assert '<pre class="note">' in page.text
    assert "Stored checkpoints" in page.text
    page = web.client.get(f"/log?first=3&second={head.size}")
    assert "consistent ✓" in page.text
    assert page.text.count('<li><code class="wrap">') >= 1
    same = web.client.get(f"/log?first={head.size}&second={head.size}")
    assert "consistent ✓" in same.text


def test_log_refuses_bad_sizes(web: Web) -> None:
    head = latest_checkpoint(web.node).size
    for query in ("first=5&second=3", f"first=1&second={head + 1}", "first=x&second=2", "first=1"):
        page = web.client.get(f"/log?{query}")
        assert page.status_code == 422, query
        assert "Not checked" in page.text
        assert "consistent ✓" not in page.text
