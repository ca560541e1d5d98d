"""The README's tour in a real browser: Playwright driving Debian's Chromium, headless.

``corridor demo`` runs as a subprocess on a free port; the test reads the sign-in links it
prints (each opens a "Sign in as <party>?" page: one click on its button signs in) and walks
the tour: the carrier issues an eBL (uploading DCSA JSON), the exporter endorses it to order of
the Chongqing bank and hands it over, the bank passes it to the Singapore bank, which endorses
and hands it to the importer, who surrenders it; the carrier accepts. The bundle is downloaded
and checked on the verify page, then tampered with. One page is checked at phone width.
Screenshots go to ``test-artifacts/screenshots/``.

Needs ``/usr/bin/chromium`` and the ``playwright`` Python package (never ``playwright
install``): ``apt-get install -y chromium; pip install playwright``.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from corridor.services.demo import DEMO_PARTIES, document_with_reference

CHROMIUM = Path("/usr/bin/chromium")
ENABLE = "apt-get install -y chromium; pip install playwright"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
NAMES = {party.key: party.name for party in DEMO_PARTIES}
REF = "WLSM26TOUR01"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.slow

# CI sets CORRIDOR_REQUIRE_BROWSER=1: there a missing browser is a failure, not a skip.


def _missing(reason: str) -> None:
    if os.environ.get("CORRIDOR_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason, allow_module_level=True)


try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    _missing(f"the playwright module is missing: {ENABLE}")
if not CHROMIUM.exists():  # pragma: no cover - depends on the machine
    _missing(f"{CHROMIUM} is missing: {ENABLE}")


@dataclass(frozen=True)
class Demo:
    base: str
    links: dict[str, str]
    files: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _corridor_command() -> list[str]:
    script = Path(sys.executable).with_name("corridor")
    if script.exists():
        return [str(script)]
    found = shutil.which("corridor")
    if found:
        return [found]
    return [sys.executable, "-c", "from corridor.cli.main import app; app()"]


def _pump(stream: Any, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def _read_links(lines: queue.Queue[str], process: subprocess.Popen[str]) -> dict[str, str]:
    """Party key -> sign-in link, from the demo's output (a name line, then its link)."""
    links: dict[str, str] = {}
    key = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            assert process.poll() is None, "corridor demo exited early"
            continue
        words = line.split()
        if words and words[0] in NAMES:
            key = words[0]
        match = re.search(r"(http://\S+/signin\?token=cor_\S+)", line)
        if match and key:
            links[key] = match.group(1)
        if line.startswith("Serving at"):
            return links
    raise AssertionError(f"corridor demo printed no 'Serving at' line; links so far {links}")


def _wait_until_serving(base: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the demo server did not answer")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    files = tmp_path_factory.mktemp("browser")
    port = _free_port()
    command = [*_corridor_command(), "demo", "--home", str(files / "home")]
    command += ["--no-browser", "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORRIDOR_")}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**env, "COLUMNS": "250", "NO_COLOR": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    pump = threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True)
    pump.start()
    try:
        links = _read_links(lines, process)
        base = f"http://127.0.0.1:{port}"
        _wait_until_serving(base)
        assert set(links) == set(NAMES), links
        yield Demo(base, links, files)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        pump.join(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def shot(page: Page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def sign_in(page: Page, demo: Demo, key: str) -> None:
    """Open the printed link; it asks "Sign in as <party>?" and one click signs in."""
    page.goto(demo.links[key])
    expect(page.get_by_role("heading", name=f"Sign in as {NAMES[key]}?")).to_be_visible()
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{demo.base}/")
    assert "token=" not in page.url
    expect(page.get_by_test_id("signed-in-as")).to_have_text(NAMES[key])


def open_document(page: Page) -> None:
    page.get_by_role("link", name=REF).first.click()
    expect(page.get_by_test_id("reference")).to_have_text(REF)


def expect_title(page: Page, holder: str, endorsement: str, status: str = "Issued") -> None:
    expect(page.get_by_test_id("holder")).to_have_text(NAMES[holder])
    expect(page.get_by_test_id("endorsement")).to_contain_text(endorsement)
    expect(page.get_by_test_id("status")).to_have_text(status)


def endorse_and_transfer(page: Page, to: str, *, final: bool = False) -> None:
    label = "Endorse to (no further endorsement)" if final else "Endorse to order of"
    page.get_by_label(label).select_option(label=NAMES[to])
    page.get_by_role("button", name="Endorse (final)" if final else "Endorse to order").click()
    expect(page.get_by_role("status")).to_contain_text("Endorsed")
    expect(page.get_by_label("Transfer possession to")).to_have_value(re.compile(".+"))
    page.get_by_role("button", name="Transfer possession").click()
    expect(page.get_by_role("status")).to_contain_text(f"now held by {NAMES[to]}")


def issue_by_upload(page: Page, demo: Demo) -> None:
    document = demo.files / f"{REF}.json"
    document.write_text(json.dumps(document_with_reference(REF), indent=2))
    page.get_by_role("link", name="Issue", exact=True).click()
    page.get_by_label("Issue to (the first holder)").select_option(label=NAMES["exporter"])
    page.get_by_label("DCSA eBL 3.0.3 TransportDocument (JSON file)").set_input_files(document)
    page.get_by_role("button", name="Issue eBL").click()
    expect(page).to_have_url(f"{demo.base}/documents/{REF}")
    expect(page.get_by_role("status")).to_contain_text(f"Issued {REF}")


def verify(page: Page, bundle: Path) -> None:
    page.get_by_role("link", name="Verify", exact=True).click()
    page.get_by_label("Bundle file").set_input_files(bundle)
    page.get_by_role("button", name="Verify", exact=True).click()


def test_the_tour(browser: Browser, demo: Demo) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, demo, "carrier")
    shot(page, "01-carrier-home")
    issue_by_upload(page, demo)
    expect_title(page, "exporter", f"To order of {NAMES['exporter']}")
    shot(page, "02-issued")

    sign_in(page, demo, "exporter")
    open_document(page)
    endorse_and_transfer(page, "cq_bank")
    expect_title(page, "cq_bank", f"To order of {NAMES['cq_bank']}")
    shot(page, "03-with-chongqing-bank")

    sign_in(page, demo, "cq_bank")
    open_document(page)
    endorse_and_transfer(page, "sg_bank")
    expect_title(page, "sg_bank", f"To order of {NAMES['sg_bank']}")
    shot(page, "04-with-singapore-bank")

    sign_in(page, demo, "sg_bank")
    open_document(page)
    endorse_and_transfer(page, "importer", final=True)
    expect_title(page, "importer", f"Endorsed to {NAMES['importer']}")
    shot(page, "05-with-importer")

    sign_in(page, demo, "importer")
    open_document(page)
    page.get_by_role("button", name="Surrender for delivery").click()
    expect_title(page, "carrier", NAMES["importer"], status="Surrender pending")
    shot(page, "06-surrendered")

    sign_in(page, demo, "carrier")
    open_document(page)
    page.get_by_role("button", name="Accept surrender").click()
    expect(page.get_by_test_id("status")).to_have_text("Surrendered (delivered)")
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(9)
    expect(page.get_by_text("✓ verified")).to_have_count(9)
    shot(page, "07-delivered")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="What you can do now")).to_be_hidden()
    shot(page, "08-print")
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download bundle").click()
    bundle = demo.files / "tour.bundle.json"
    download.value.save_as(bundle)
    verify(page, bundle)
    expect(page.get_by_test_id("verdict")).to_contain_text("VALID")
    expect(page.get_by_test_id("verdict")).to_contain_text(REF)
    shot(page, "09-verify-valid")

    data = bundle.read_bytes()
    tampered = demo.files / "tampered.bundle.json"
    tampered.write_bytes(data.replace(b"Brake discs", b"Brake disks", 1))
    verify(page, tampered)
    expect(page.get_by_test_id("verdict")).to_contain_text("INVALID")
    expect(page.get_by_test_id("failed-check")).to_have_text("document-checksum")
    shot(page, "10-verify-tampered")
    context.close()


def test_the_journey_and_the_corridor(browser: Browser, demo: Demo) -> None:
    """The demo's tracking events on a bill's page and on the corridor page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, demo, "cq_bank")
    page.goto(f"{demo.base}/documents/WLSM26CQSG0102")
    journey = page.get_by_test_id("journey")
    expect(journey.get_by_test_id("journey-alerts")).to_contain_text(
        "No vessel departure from Qinzhou (CNQZH)"
    )
    expect(journey.get_by_test_id("eta")).to_be_visible()
    expect(journey.get_by_test_id("journey-legs").locator("tbody tr")).to_have_count(2)
    expect(journey.get_by_test_id("journey-map")).to_be_visible()
    expect(journey.get_by_test_id("journey-timeline")).to_contain_text("Bill of lading issued")
    shot(page, "13-journey-overdue")
    page.get_by_role("link", name="Corridor", exact=True).click()
    expect(page.get_by_test_id("corridor-performance").locator("svg")).to_have_count(3)
    expect(page.get_by_test_id("corridor-figures")).to_contain_text("Dwell at Qinzhou")
    shot(page, "14-corridor")
    context.close()


def test_phone_width_has_no_horizontal_scroll(browser: Browser, demo: Demo) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, demo, "carrier")
    for path in ("/", "/documents/WLSM26CQSG0102", "/corridor", "/issue", "/verify", "/log"):
        page.goto(demo.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.goto(f"{demo.base}/documents/WLSM26CQSG0104")
    shot(page, "11-phone-document", full_page=False)
    page.goto(f"{demo.base}/issue")
    shot(page, "12-phone-issue", full_page=False)
    context.close()
