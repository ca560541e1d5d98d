"""Title actions as DCSA Track & Trace 3.0.0 SHIPMENT events, so cargo and title share a timeline.

A bank or an importer following a bill wants to see, beside the containers' movements, when the
bill was issued, surrendered and accepted. TNT 3.0.0's ``EventClassification.shipmentEventType``
has words for the title events of a transport document; the mapping is:

=============================  =====================================  ==========================
Corridor action                ``shipmentEventType``                  note
=============================  =====================================  ==========================
``ISSUE``                      ``ISSUED``
``SURRENDER_FOR_DELIVERY``     ``PENDING_SURRENDER_FOR_DELIVERY``      the carrier must answer
``SURRENDER_FOR_AMENDMENT``    ``PENDING_SURRENDER_FOR_AMENDMENT``
``SACC``                       ``SURRENDERED`` (or                    as the surrender was;
                               ``SURRENDERED_FOR_AMENDMENT``)         see below
``SREJ``                       ``DECLINED``                            the surrender is declined
``VOID``                       ``VOIDED``
=============================  =====================================  ==========================

An accepted surrender for delivery is ``SURRENDERED`` rather than TNT 3.0's narrower
``SURRENDERED_FOR_DELIVERY``: TNT 2.2 has a code for it (``SURR``), so the event reaches 2.2
readers and subscribers too, and for a bill of lading it means the same.

Transfers and endorsements change who holds the bill, not the shipment: TNT has no word for
them, and the signed history already shows them. Node entries (IMPORT, EXPORT, RETURN) are not
events of the shipment either.

Every event is ``ACTUAL``, at the entry's ``actionDateTime``, names the bill as its
``shipmentDetails.documentReference`` (``TRANSPORT_DOCUMENT``), and is routed from the node's
platform. Its ``eventID`` is derived from the entry hash, so writing it twice is harmless.
"""

from __future__ import annotations

from typing import Any

from corridor.domain.title import ActionCode

__all__ = ["SHIPMENT_EVENT_TYPES", "TITLE_EVENT_PREFIX", "title_event"]

TITLE_EVENT_PREFIX = "corridor-title-"
"""The ``eventID`` prefix of the node's own title events; no one else may report under it."""

SHIPMENT_EVENT_TYPES: dict[ActionCode, str] = {
    ActionCode.ISSUE: "ISSUED",
    ActionCode.SURRENDER_FOR_DELIVERY: "PENDING_SURRENDER_FOR_DELIVERY",
    ActionCode.SURRENDER_FOR_AMENDMENT: "PENDING_SURRENDER_FOR_AMENDMENT",
    ActionCode.SREJ: "DECLINED",
    ActionCode.VOID: "VOIDED",
}
_ACCEPTED_SURRENDER = {
    ActionCode.SURRENDER_FOR_DELIVERY: "SURRENDERED",
    ActionCode.SURRENDER_FOR_AMENDMENT: "SURRENDERED_FOR_AMENDMENT",
}
_REASONS = {
    "ISSUED": "the carrier issued the electronic bill of lading",
    "PENDING_SURRENDER_FOR_DELIVERY": "the holder surrendered the bill for delivery",
    "PENDING_SURRENDER_FOR_AMENDMENT": "the holder surrendered the bill for amendment",
    "SURRENDERED": "the carrier accepted the surrender: the cargo may be released",
    "SURRENDERED_FOR_AMENDMENT": "the carrier accepted the surrender for amendment",
    "DECLINED": "the carrier rejected the surrender; the bill went back to its holder",
    "VOIDED": "the carrier voided the electronic bill",
}


def title_event(
    *,
    reference: str,
    code: ActionCode,
    action_date_time: str,
    entry_hash: str,
    platform: str,
    surrendered_for: ActionCode | None = None,
) -> dict[str, Any] | None:
    """The SHIPMENT event of one title entry, or None for an action TNT has no word for.

    ``surrendered_for`` is the surrender a ``SACC`` accepts (the record's pending code).
    """
    if code is ActionCode.SACC:
        if surrendered_for not in _ACCEPTED_SURRENDER:
            return None
        event_type = _ACCEPTED_SURRENDER[surrendered_for]
    elif code in SHIPMENT_EVENT_TYPES:
        event_type = SHIPMENT_EVENT_TYPES[code]
    else:
        return None
    return {
        "eventID": f"{TITLE_EVENT_PREFIX}{entry_hash}",
        "eventRouting": {
            "originatingParties": [
                {"partyCode": platform, "codeListProvider": "ZZZ", "codeListName": "eblPlatform"}
            ]
        },
        "eventDateTime": action_date_time,
        "eventUpdatedDateTime": action_date_time,
        "eventClassification": {
            "eventType": "SHIPMENT",
            "eventClassifier": "ACTUAL",
            "shipmentEventType": event_type,
        },
        "shipmentDetails": {
            "documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": reference}
        },
        "reason": f"Title: {_REASONS[event_type]} ({code.value}, signed entry {entry_hash[:16]})",
    }
