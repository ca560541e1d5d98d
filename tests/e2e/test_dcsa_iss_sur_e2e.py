"""Two nodes over real HTTP on loopback: a carrier's system issues through a platform (EBL_ISS)
and answers the holder's surrender (EBL_SUR); each side runs its app and background worker."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

from corridor.api.app import create_app
from corridor.domain.title import ActionCode, Status
from corridor.services.dcsa_carrier import CarrierSystem
from corridor.services.dcsa_outbox import Outbox
from corridor.services.dcsa_surrender import Surrenders
from corridor.services.demo import demo_document, seed_parties
from corridor.services.node import Node
from corridor.services.platforms import Platforms

REF = "WLSM26CQSG0001"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Served:
    def __init__(self, node: Node) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        app = create_app(node, web=False)
        app.state.dcsa_worker.interval = 0.1
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 15
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    platform = Node.create(tmp_path / "p", database_url=f"sqlite:///{tmp_path / 'p.db'}")
    carrier = Node.create(
        tmp_path / "c", platform="WLSC", database_url=f"sqlite:///{tmp_path / 'c.db'}"
    )
    yield platform, carrier
    platform.close()
    carrier.close()


def test_issue_and_surrender_between_a_carrier_system_and_a_platform(
    nodes: tuple[Node, Node],
) -> None:
    platform, carrier = nodes
    ids = seed_parties(platform)
    system = CarrierSystem(carrier)
    with Served(platform) as served_platform, Served(carrier) as served_carrier:
        Platforms(platform).add(
            "WLSM",
            "Western Land-Sea carrier system",
            served_carrier.url,
            [system.carrier_public_pem("WLSM")],
        )
        Platforms(carrier).add("CRDR", "Corridor platform", served_platform.url)
        exporter = platform.party(ids["exporter"])
        issue_to = {
            "partyName": exporter.name,
            "sendToPlatform": "CRDR",
            "identifyingCodes": [{"codeListProvider": "CRDR", "partyCode": exporter.party_id}],
        }
        document = demo_document()
        outbox = Outbox(carrier)
        outbox_id = CarrierSystem(carrier, outbox).send_issuance(
            document, platform="CRDR", issue_to=issue_to
        )
        assert outbox.deliver(outbox_id).status == "DELIVERED"
        outbox.close()
        _until(lambda: system.issuance_status(REF).sent.response_code is not None, "ISSU")
        assert system.issuance_status(REF).sent.response_code == "ISSU"
        assert platform.record(REF).record.possessor == ids["exporter"]

        platform.act(
            REF, ActionCode.SURRENDER_FOR_DELIVERY, actor=ids["exporter"], recipient=ids["carrier"]
        )
        # The running node's surrender hook queued the request; no one has to ask for it.
        (sent,) = Surrenders(platform).sent(REF)
        _until(lambda: bool(system.surrender_requests()), "the surrender request")
        (received,) = system.surrender_requests()
        assert received.surrender_request_reference == sent.surrender_request_reference
        system.answer_surrender(received.surrender_request_reference, accept=True)
        _until(lambda: platform.record(REF).record.status is Status.SURRENDERED, "the surrender")
        assert platform.history(REF)[-1].payload.actor == ids["carrier"]
