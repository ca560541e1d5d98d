"""Which DCSA TNT 3.0.0 events TNT 2.2 can express, in the words of the facts the store keeps.

TNT 2.2 (``TNT_v2.2.0.yaml``) has three event types and a closed code list for each sub-type;
``interop.dcsa.tnt.v22_out.to_v22`` renders a stored TNT 3.0.0 event the 2.2 way or says it
cannot. The event store selects, in SQL, only events it can (``storage.events``, ``v22=True``), so
a TNT 2.2 page is full; these are the conditions, as TNT 3.0.0 words:

- not retracted (TNT 2.2 has no retraction);
- SHIPMENT: ``shipmentEventType`` one of ``SHIPMENT_EVENT_TYPES`` (the 15 of 2.2) and the primary
  document's type one of ``DOCUMENT_TYPES`` (2.2 ``documentTypeCode``, required);
- TRANSPORT: ``transportEventType`` one of ``TRANSPORT_EVENT_TYPES`` (not ``APPROACHING``), and a
  transport call with a ``transportCallReference`` (2.2 ``transportCallID``, required) and a
  ``modeOfTransport`` of ``MODES_OF_TRANSPORT`` (2.2 has no ``MULTIMODAL``);
- EQUIPMENT: ``equipmentEventType`` one of ``EQUIPMENT_EVENT_TYPES``, and an ``emptyIndicator``
  (2.2 ``emptyIndicatorCode``, required): the one condition the store keeps no column for, so the
  2.2 pages test it on the rendered event (``services.event_pages``);
- IOT and REEFER events: never.

The lists equal the word side of ``interop.dcsa.tnt.codes`` (a test asserts it).
"""

from __future__ import annotations

__all__ = [
    "DOCUMENT_TYPES",
    "EQUIPMENT_EVENT_TYPES",
    "MODES_OF_TRANSPORT",
    "SHIPMENT_EVENT_TYPES",
    "TRANSPORT_EVENT_TYPES",
]

SHIPMENT_EVENT_TYPES = (
    *("RECEIVED", "DRAFTED", "PENDING_APPROVAL", "PENDING_UPDATE", "REJECTED", "APPROVED"),
    *("ISSUED", "SURRENDERED", "SUBMITTED", "VOIDED", "CONFIRMED", "REQUESTED", "COMPLETED"),
    *("ON_HOLD", "RELEASED"),
)
DOCUMENT_TYPES = (
    *("CARRIER_BOOKING_REQUEST", "BOOKING", "SHIPPING_INSTRUCTIONS", "CONTAINER_RELEASE_ORDER"),
    *("TRANSPORT_DOCUMENT", "ARRIVAL_NOTICE", "VERIFIED_GROSS_MASS", "CARGO_SURVEY"),
    *("CUSTOMS_CLEARANCE", "DANGEROUS_GOODS_DECLARATION", "OUT_OF_GAUGE_DECLARATION"),
)
TRANSPORT_EVENT_TYPES = ("ARRIVED", "DEPARTED")
MODES_OF_TRANSPORT = ("VESSEL", "RAIL", "TRUCK", "BARGE")
EQUIPMENT_EVENT_TYPES = (
    *("LOADED", "DISCHARGED", "GATED_IN", "GATED_OUT", "STUFFED", "STRIPPED", "PICKED_UP"),
    *("DROPPED_OFF", "INSPECTED", "RESEALED", "REMOVED"),
)
