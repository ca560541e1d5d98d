"""Plain words for tracking events that are not leg milestones, for the journey's timeline.

SHIPMENT events (DCSA TNT 3.0.0 ``shipmentEventType``, e.g. ``ISSUED``,
``SURRENDERED_FOR_DELIVERY``; TNT 2.2 ``shipmentEventTypeCode``, e.g. ``ISSU``, ``SURR``) are the
document's own milestones: on a transport document they are its title actions. The document
they concern is TNT 3.0 ``shipmentDetails.documentReference.type`` (``TRANSPORT_DOCUMENT``) or
TNT 2.2 ``documentTypeCode`` (``TRD``). Equipment and transport events that move no leg (a
gate-out, a customs release) are named from their sub-type and place.
"""

from __future__ import annotations

from corridor.domain.legs import Place
from corridor.domain.tracking_event import TrackingEvent
from corridor.services.journeys import TitleEvent

__all__ = ["event_words", "title_words"]

SHIPMENT_WORDS = {
    "ISSUED": "issued",
    "ISSU": "issued",
    "SURRENDERED": "surrendered",
    "SURR": "surrendered",
    "SURRENDERED_FOR_DELIVERY": "surrendered for delivery",
    "SURRENDERED_FOR_AMENDMENT": "surrendered for amendment",
    "PENDING_SURRENDER_FOR_DELIVERY": "surrender for delivery requested",
    "PENDING_SURRENDER_FOR_AMENDMENT": "surrender for amendment requested",
    "RELEASED": "released",
    "VOIDED": "voided",
    "VOID": "voided",
    "APPROVED": "approved",
    "APPR": "approved",
    "RECEIVED": "received",
    "RECE": "received",
    "CONFIRMED": "confirmed",
    "CONF": "confirmed",
    "DECLINED": "declined",
    "REJECTED": "rejected",
    "REJE": "rejected",
    "DRAFTED": "drafted",
    "DRFT": "drafted",
    "SUBMITTED": "submitted",
    "SUBM": "submitted",
    "CANCELLED": "cancelled",
    "CANC": "cancelled",
    "COMPLETED": "completed",
}
"""Past tense of shipment event types (TNT 3.0 words and TNT 2.2 codes)."""

DOCUMENT_WORDS = {
    "TRANSPORT_DOCUMENT": "Bill of lading",
    "TRD": "Bill of lading",
    "BOOKING": "Booking",
    "BKG": "Booking",
    "SHIPPING_INSTRUCTIONS": "Shipping instructions",
    "SHI": "Shipping instructions",
    "ARRIVAL_NOTICE": "Arrival notice",
    "ARN": "Arrival notice",
    "DELIVERY_ORDER": "Delivery order",
    "CUSTOMS_CLEARANCE": "Customs clearance",
    "VERIFIED_GROSS_MASS": "Verified gross mass",
    "VGM": "Verified gross mass",
}
"""Names of the documents a SHIPMENT event concerns (TNT 3.0 words and TNT 2.2 codes)."""


def _sentence(code: str) -> str:
    return code.replace("_", " ").lower()


def title_words(event: TitleEvent) -> tuple[str, str]:
    """``("Bill of lading issued", "ISSUED")``: the line and its code, for the timeline."""
    document = DOCUMENT_WORDS.get(event.document_type or "", "Document")
    if event.document_type and event.document_type not in DOCUMENT_WORDS:
        document = _sentence(event.document_type).capitalize()
    what = SHIPMENT_WORDS.get(event.shipment_event_type, _sentence(event.shipment_event_type))
    return f"{document} {what}", event.shipment_event_type


def event_words(event: TrackingEvent) -> str:
    """``Gated out at Singapore (SGSIN)``: an event that moves no leg, by sub-type and place."""
    raw = event.raw.get("eventClassification")
    classification = raw if isinstance(raw, dict) else {}
    subtype = next(
        (
            value
            for key, value in classification.items()
            if key.endswith(("EventType", "EventTypeCode")) and isinstance(value, str)
        ),
        event.event_type or "event",
    )
    where = f" at {Place(event.location).label}" if event.location else ""
    return f"{_sentence(subtype).capitalize()}{where}"
