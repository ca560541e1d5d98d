"""The scripted corridor journey: one rail-sea eBL from Chongqing to Singapore.

A fresh node; the parties of a real-looking shipment of auto parts in two 40' high-cube
containers; a to-order bill issued by the multimodal carrier to the exporter (to order of the
exporter), endorsed and passed to the exporter's bank in Chongqing (which finances the export),
from it to the importer's bank in Singapore, and to the importer, who surrenders it at Singapore
for delivery; the carrier accepts; the bundle is exported and verified offline.

Every step is a real signed, logged action; ``run_script`` yields a line per step.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from corridor.domain.party import IdentifyingCode, Role
from corridor.domain.title import ActionCode
from corridor.services.bundle import build_bundle
from corridor.services.demo_events import corridor_journeys, history_journeys
from corridor.services.events import EventStore
from corridor.services.node import Node
from corridor.services.verify import verify_bundle


@dataclass(frozen=True)
class DemoParty:
    key: str
    name: str
    roles: frozenset[Role]
    codes: tuple[str, ...]


DEMO_PARTIES = (
    DemoParty(
        "carrier",
        "Western Land-Sea Multimodal (Chongqing) Co., Ltd.",
        frozenset({Role.CARRIER}),
        ("USCC:91500000MA5U7XQ20Y",),
    ),
    DemoParty(
        "exporter",
        "Chongqing Yuxin Auto Parts Export Co., Ltd.",
        frozenset({Role.SHIPPER, Role.TRADER}),
        ("USCC:91500112MA60B3KW0J",),
    ),
    DemoParty(
        "cq_bank",
        "Chongqing Yangtze Commercial Bank",
        frozenset({Role.BANK}),
        ("USCC:91500000202885760W", "LEI:5493001CQYZB7K3N9T60"),
    ),
    DemoParty(
        "sg_bank",
        "Straits Merchant Bank Singapore",
        frozenset({Role.BANK}),
        ("UEN:197000090G", "LEI:5493006SGSTRM8RCH576"),
    ),
    DemoParty(
        "importer",
        "Lion City Auto Components Pte. Ltd.",
        frozenset({Role.CONSIGNEE, Role.TRADER}),
        ("UEN:201912345R",),
    ),
)


def demo_document() -> dict[str, Any]:
    text = resources.files("corridor.demo").joinpath("chongqing_singapore_td.json").read_text()
    document: dict[str, Any] = json.loads(text)
    return document


def seed_parties(node: Node) -> dict[str, str]:
    """Register the demo parties; return their ids by role key."""
    ids = {}
    for party in DEMO_PARTIES:
        codes = [IdentifyingCode.parse(c) for c in party.codes]
        ids[party.key] = node.add_party(party.name, party.roles, codes).party_id
    return ids


Step = tuple[str, Callable[[], str]]


def run_script(node: Node, bundle_path: Path) -> Iterator[str]:
    """Run the journey on ``node`` (fresh), yielding one line per step."""
    ids = seed_parties(node)
    for party in DEMO_PARTIES:
        yield f"party     {ids[party.key]:<45} {', '.join(sorted(party.roles))}"
    document = demo_document()
    receipt = node.issue(document, carrier=ids["carrier"], to=ids["exporter"])
    ref = receipt.document_reference
    yield (
        f"ISSUE     {ref}: rail CNCQI -> CNQZH, sea CNQZH -> SGSIN, 2 x 40' HC; "
        f"to order of {ids['exporter']}; checksum {receipt.record.document_checksum[:16]}..."
    )
    steps: list[tuple[ActionCode, str, str | None, str]] = [
        (ActionCode.ENDORSE_TO_ORDER, "exporter", "cq_bank", "export finance in Chongqing"),
        (ActionCode.TRANSFER, "exporter", "cq_bank", "bill handed to the Chongqing bank"),
        (ActionCode.ENDORSE_TO_ORDER, "cq_bank", "sg_bank", "documents presented to Singapore"),
        (ActionCode.TRANSFER, "cq_bank", "sg_bank", "bill handed to the Singapore bank"),
        (ActionCode.ENDORSE, "sg_bank", "importer", "importer paid; endorsed to it"),
        (ActionCode.TRANSFER, "sg_bank", "importer", "bill released to the importer"),
        (ActionCode.SURRENDER_FOR_DELIVERY, "importer", "carrier", "cargo arrived at SGSIN"),
        (ActionCode.SACC, "carrier", "importer", "surrender accepted; cargo released"),
    ]
    for code, actor, recipient, why in steps:
        done = node.act(
            ref, code, actor=ids[actor], recipient=None if recipient is None else ids[recipient]
        )
        yield (
            f"{code:<9} {ids[actor]} -> {ids[recipient] if recipient else '-'} ({why}); "
            f"status {done.record.status}, log leaf {done.leaf_index}"
        )
    bundle = build_bundle(node, ref)
    bundle_path.write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")
    yield f"EXPORT    {bundle_path} ({len(bundle['entries'])} signed entries with proofs)"
    verified = verify_bundle(bundle)
    yield (
        f"VERIFY    valid offline: {verified.entries} entries, checkpoint size "
        f"{verified.checkpoint.size}, final status {verified.record.status}"
    )


@dataclass(frozen=True)
class DemoDocument:
    reference: str
    story: str
    steps: tuple[Step3, ...]


Step3 = tuple[ActionCode, str, str | None]  # an action, its actor and its recipient (role keys)

_TO_SG_BANK: tuple[Step3, ...] = (
    (ActionCode.ENDORSE_TO_ORDER, "exporter", "cq_bank"),
    (ActionCode.TRANSFER, "exporter", "cq_bank"),
    (ActionCode.ENDORSE_TO_ORDER, "cq_bank", "sg_bank"),
    (ActionCode.TRANSFER, "cq_bank", "sg_bank"),
)
_TO_IMPORTER = (
    *_TO_SG_BANK,
    (ActionCode.ENDORSE, "sg_bank", "importer"),
    (ActionCode.TRANSFER, "sg_bank", "importer"),
)

_DELIVERED: tuple[Step3, ...] = (
    *_TO_IMPORTER,
    (ActionCode.SURRENDER_FOR_DELIVERY, "importer", "carrier"),
    (ActionCode.SACC, "carrier", "importer"),
)

DEMO_DOCUMENTS = (
    DemoDocument("WLSM26CQSG0101", "just issued to the exporter", ()),
    DemoDocument("WLSM26CQSG0102", "financed: with the Chongqing bank", _TO_SG_BANK[:2]),
    DemoDocument("WLSM26CQSG0103", "in transit: with the Singapore bank", _TO_SG_BANK),
    DemoDocument(
        "WLSM26CQSG0104",
        "arrived: surrender awaiting the carrier",
        (*_TO_IMPORTER, (ActionCode.SURRENDER_FOR_DELIVERY, "importer", "carrier")),
    ),
    DemoDocument(
        "WLSM26CQSG0105",
        "delivered: surrendered and accepted",
        _DELIVERED,
    ),
)


def document_with_reference(reference: str) -> dict[str, Any]:
    """The demo bill of lading under another transport document reference."""
    document = demo_document()
    document["transportDocumentReference"] = reference
    return document


def seed_corridor(node: Node, *, history: int = 0) -> dict[str, str]:
    """Parties and the five demo bills in different states on a fresh node; party ids by key.

    Each bill's journey is placed around the node's clock (``services.demo_events``): one
    container on the train, one at Qinzhou overdue for its vessel, one at sea, one discharged,
    one delivered; their tracking events go into the event store. ``history`` past journeys
    (issued, surrendered and accepted, with their events) give the corridor page its charts and
    the ETA its leg durations.
    """
    ids = seed_parties(node)
    now = node.clock()
    steps = {demo.reference: demo.steps for demo in DEMO_DOCUMENTS}
    journeys = corridor_journeys(now)
    for journey in journeys:
        _issue_with_steps(node, ids, journey.document, steps[journey.reference])
    for journey in history_journeys(now, history) if history else ():
        _issue_with_steps(node, ids, journey.document, _DELIVERED)
        journeys.append(journey)
    EventStore(node).ingest_events([event for j in journeys for event in j.events], "demo")
    return ids


def _issue_with_steps(
    node: Node, ids: dict[str, str], document: dict[str, Any], steps: tuple[Step3, ...]
) -> None:
    reference = document["transportDocumentReference"]
    node.issue(document, carrier=ids["carrier"], to=ids["exporter"])
    for code, actor, recipient in steps:
        node.act(
            reference,
            code,
            actor=ids[actor],
            recipient=None if recipient is None else ids[recipient],
        )
