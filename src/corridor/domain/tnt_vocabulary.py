"""The closed code lists of DCSA Track & Trace 3.0.0, in the standard's own words.

DCSA TNT 3.0.0 (``TNT_v3.0.0.yaml``, ``components.schemas``) types every code as a plain string
and lists its values in the property's description (``- `LOADED` - Loaded``); the schema has no
``enum``. These tuples are those lists, copied in the spec's order: Corridor refuses a value that
is not on the list, because the text, not the schema, is where TNT 3.0 defines them.
``tests/unit/domain/test_tnt_vocabulary.py`` reads the vendored spec and asserts every tuple here
equals its description's list, so a new DCSA release cannot drift silently.

Two lists in the spec are open ("including but not limited to"): ``Party.codeListProvider`` and
``Party.codeListName``. They are not here and any value is accepted.

``CLOSED_LISTS`` maps ``(schema, property)`` to its list; ``SUBTYPE_PROPERTY`` names, for each
``eventType``, the ``EventClassification`` property that carries its sub-type.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "CLASSIFIERS",
    "CLOSED_LISTS",
    "DOCUMENT_TYPES",
    "EQUIPMENT_EVENT_TYPES",
    "EVENT_TYPES",
    "FACILITY_TYPES",
    "IOT_EVENT_TYPES",
    "MODES_OF_TRANSPORT",
    "REEFER_EVENT_TYPES",
    "SHIPMENT_EVENT_TYPES",
    "SHIPMENT_REFERENCE_TYPES",
    "SUBTYPE_PROPERTY",
    "TRANSPORT_EVENT_TYPES",
]

EVENT_TYPES = ("SHIPMENT", "TRANSPORT", "EQUIPMENT", "IOT", "REEFER")
CLASSIFIERS = ("ACTUAL", "ESTIMATED", "PLANNED")

SHIPMENT_EVENT_TYPES = (
    "AMENDMENT_CANCELLED",
    "AMENDMENT_CONFIRMED",
    "AMENDMENT_DECLINED",
    "AMENDMENT_IN_PROGRESS",
    "AMENDMENT_RECEIVED",
    "APPROVED",
    "CANCELLATION_CONFIRMED",
    "CANCELLATION_DECLINED",
    "CANCELLATION_RECEIVED",
    "CANCELLED",
    "COMPLETED",
    "CONFIRMED",
    "DECLINED",
    "DRAFTED",
    "ISSUED",
    "ON_HOLD",
    "PENDING_AMENDMENT",
    "PENDING_APPROVAL",
    "PENDING_SURRENDER_FOR_AMENDMENT",
    "PENDING_SURRENDER_FOR_DELIVERY",
    "PENDING_UPDATE",
    "RECEIVED",
    "REJECTED",
    "RELEASED",
    "REQUESTED",
    "SUBMITTED",
    "SURRENDERED",
    "SURRENDERED_FOR_AMENDMENT",
    "SURRENDERED_FOR_DELIVERY",
    "UPDATE_CANCELLED",
    "UPDATE_CONFIRMED",
    "UPDATE_DECLINED",
    "UPDATE_IN_PROGRESS",
    "UPDATE_RECEIVED",
    "VOIDED",
)
TRANSPORT_EVENT_TYPES = ("APPROACHING", "ARRIVED", "DEPARTED")
EQUIPMENT_EVENT_TYPES = (
    "AVAILABLE_FOR_DROP_OFF",
    "AVAILABLE_FOR_PICKUP",
    "CROSSED",
    "CUSTOMS_RELEASED",
    "CUSTOMS_SELECTED_FOR_INSPECTION",
    "CUSTOMS_SELECTED_FOR_SCAN",
    "DISCHARGED",
    "DROPPED_OFF",
    "GATED_IN",
    "GATED_OUT",
    "INSPECTED",
    "LOADED",
    "PICKED_UP",
    "REMOVED",
    "RESEALED",
    "STRIPPED",
    "STUFFED",
)
IOT_EVENT_TYPES = (
    "BREADCRUMB",
    "DEVICE_STATUS",
    "DOOR_CLOSED",
    "DOOR_OPENED",
    "GEOFENCE_ENTRY",
    "GEOFENCE_EXIT",
    "MOTION_START",
    "MOTION_STOP",
    "PAIRING",
    "UNPAIRING",
)
REEFER_EVENT_TYPES = ("ADJUSTED", "MEASURED")

DOCUMENT_TYPES = (
    "ADVANCE_MANIFEST_FILING",
    "ARRIVAL_NOTICE",
    "BOOKING",
    "CARGO_SURVEY",
    "CARRIER_BOOKING_REQUEST",
    "CERTIFICATE_OF_ANALYSIS",
    "CERTIFICATE_OF_ORIGIN",
    "CONTAINER_RELEASE_ORDER",
    "CONTRACT_QUOTATION",
    "CUSTOMS_CLEARANCE",
    "DANGEROUS_GOODS_DECLARATION",
    "DELIVERY_INSTRUCTIONS",
    "DELIVERY_ORDER",
    "FUMIGATION_CERTIFICATE",
    "HEALTH_CERTIFICATE",
    "INSPECTION_CERTIFICATE",
    "INVOICE",
    "OUT_OF_GAUGE_DECLARATION",
    "PHYTOSANITARY_CERTIFICATE",
    "PROOF_OF_DELIVERY",
    "SHIPPING_INSTRUCTIONS",
    "TRANSPORT_DOCUMENT",
    "TRANSPORT_ORDER",
    "VERIFIED_GROSS_MASS",
    "VETERINARY_CERTIFICATE",
)
SHIPMENT_REFERENCE_TYPES = (
    "CONSIGNEES_REFERENCE",
    "AUTOMATED_EXPORT_SYSTEM",
    "BOOKING_REQUEST_ID",
    "BOOKING_PARTY_REFERENCE_NUMBER",
    "CANADIAN_EXPORT_REPORTING_NUMBER",
    "CUSTOMERS_REFERENCE",
    "CUSTOMER_SHIPMENT_ID",
    "DECLARACAO_UNICA_DE_EXPORTACAO",
    "EMPTY_CONTAINER_RELEASE_REFERENCE",
    "EQUIPMENT_REFERENCE",
    "FREIGHT_FORWARDERS_REFERENCE",
    "PURCHASE_ORDER_REFERENCE",
    "REGISTRO_UNICO_DEL_CONTRIBUYENTE",
    "SHIPPERS_REFERENCE",
)
SHIPMENT_LOCATION_TYPES = (
    "FULL_CONTAINER_DROP_OFF",
    "INTERMEDIATE_EXPORT_STOP_OFF",
    "ONWARD_INLAND_ROUTING",
    "ORIGIN_OF_GOODS",
    "PLACE_OF_DELIVERY",
    "PLACE_OF_RECEIPT",
    "PORT_OF_DISCHARGE",
    "PORT_OF_LOADING",
    "PRE_CARRIAGE_FROM",
    "PROHIBITED_TRANSSHIPMENT_PORT",
    "REQUESTED_TRANSSHIPMENT_PORT",
)
FACILITY_TYPES = (
    "BORDER",
    "CUSTOMER_LOCATION",
    "DEPOT",
    "CONTAINER_FREIGHT_STATION",
    "INLAND_TERMINAL",
    "OFF_DOCK_STORAGE",
    "PORT_TERMINAL",
    "RAMP",
    "WAYPOINT",
)
MODES_OF_TRANSPORT = ("VESSEL", "RAIL", "TRUCK", "BARGE", "MULTIMODAL")
EMPTY_INDICATORS = ("EMPTY", "LADEN")
TRANSPORT_PHASES = ("EXPORT", "IMPORT", "TRANSSHIPMENT")
SEAL_SOURCES = (
    "CARRIER",
    "CONSOLIDATOR",
    "CUSTOMER",
    "CUSTOMS",
    "PHYTOSANITARY",
    "SHIPPER",
    "TERMINAL",
    "VETERINARY",
)
SEAL_TYPES = ("KEYLESS_PADLOCK", "BOLT", "WIRE")
SEAL_PLACEMENTS = ("DOOR", "VENT")
POWER_STATUSES = ("INACTIVE", "POWER_OFF", "POWER_ON", "UNKNOWN")
IOT_TECHNOLOGIES = ("SMART_CONTAINER", "PASSIVE_TAG", "NONE", "UNKNOWN")
TEMPERATURE_UNITS = ("CEL", "FAH")
AIR_EXCHANGE_UNITS = ("MQH", "FQH")
COA_PROBE_KEYS = ("P19", "P20", "P21", "P22")
FACILITY_CODE_LIST_PROVIDERS = ("SMDG", "BIC")
FEEDBACK_SEVERITIES = ("ERROR", "WARN", "INFO")

CLOSED_LISTS: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("ClassifiedDateTime", "classifier"): CLASSIFIERS,
    ("DocumentReference", "type"): DOCUMENT_TYPES,
    ("EquipmentDetails", "emptyIndicator"): EMPTY_INDICATORS,
    ("EquipmentDetails", "transportPhase"): TRANSPORT_PHASES,
    ("EventClassification", "eventType"): EVENT_TYPES,
    ("EventClassification", "eventClassifier"): CLASSIFIERS,
    ("EventClassification", "shipmentEventType"): SHIPMENT_EVENT_TYPES,
    ("EventClassification", "transportEventType"): TRANSPORT_EVENT_TYPES,
    ("EventClassification", "equipmentEventType"): EQUIPMENT_EVENT_TYPES,
    ("EventClassification", "iotEventType"): IOT_EVENT_TYPES,
    ("EventClassification", "reeferEventType"): REEFER_EVENT_TYPES,
    ("Facility", "facilityCodeListProvider"): FACILITY_CODE_LIST_PROVIDERS,
    ("FeedbackElement", "severity"): FEEDBACK_SEVERITIES,
    ("IotDetails", "iotEquipmentTechnology"): IOT_TECHNOLOGIES,
    ("IotDetails", "powerStatus"): POWER_STATUSES,
    ("Location", "facilityType"): FACILITY_TYPES,
    ("ReeferDetails", "powerStatus"): POWER_STATUSES,
    ("ReeferDetails", "temperatureUnit"): TEMPERATURE_UNITS,
    ("ReeferParameters", "airExchangeUnit"): AIR_EXCHANGE_UNITS,
    ("Seal", "source"): SEAL_SOURCES,
    ("Seal", "type"): SEAL_TYPES,
    ("Seal", "placement"): SEAL_PLACEMENTS,
    ("ShipmentDetails", "shipmentLocationType"): SHIPMENT_LOCATION_TYPES,
    ("ShipmentReference", "type"): SHIPMENT_REFERENCE_TYPES,
    ("TemperatureProbeMeasurement", "COAProbeUDMKey"): COA_PROBE_KEYS,
    ("TransportCall", "modeOfTransport"): MODES_OF_TRANSPORT,
}
"""``(components.schemas name, property)`` -> the values its description allows."""

SUBTYPE_PROPERTY: Mapping[str, str] = {
    "SHIPMENT": "shipmentEventType",
    "TRANSPORT": "transportEventType",
    "EQUIPMENT": "equipmentEventType",
    "IOT": "iotEventType",
    "REEFER": "reeferEventType",
}
"""For each ``eventType``, the ``EventClassification`` property holding its sub-type."""
