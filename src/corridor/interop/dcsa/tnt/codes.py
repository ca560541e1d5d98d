"""Four-letter DCSA codes and the TNT 3.0.0 words that replaced them.

TNT 2.2 (``TNT_v2.2.0.yaml``) and the earlier drafts of TNT 3.0 that DCSA's published 3.0 examples
follow (``examples/tnt300-*.json``: ``eventClassifierCode: ACT``, ``equipmentEventTypeCode:
LOAD``, ``typeCode: BKG``) write codes; the TNT 3.0.0 release vendored here writes words
(``eventClassifier: ACTUAL``, ``equipmentEventType: LOADED``, ``type: BOOKING``). Each table maps a
code to its word by the code list's own description (``RECE (Received)`` -> ``RECEIVED``).

Two TNT 2.2 document types have no 3.0.0 word of the same meaning and map to the nearest one
(and back): ``SRM`` (Shipment Release Message) -> ``CONTAINER_RELEASE_ORDER`` and ``CUS``
(Customs Inspection) -> ``CUSTOMS_CLEARANCE``. ``COYA`` (a deprecated facility type, "use OFFD
instead") maps to ``OFF_DOCK_STORAGE`` like ``OFFD``.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "CLASSIFIER",
    "DOCUMENT_TYPE",
    "DOCUMENT_TYPE_V22",
    "EQUIPMENT_EVENT",
    "FACILITY_TYPE",
    "REEFER_EVENT",
    "REFERENCE_TYPE",
    "SEAL_SOURCE",
    "SEAL_TYPE",
    "SHIPMENT_EVENT",
    "SHIPMENT_EVENT_V22",
    "TRANSPORT_EVENT",
    "reverse",
]

CLASSIFIER: Mapping[str, str] = {"PLN": "PLANNED", "EST": "ESTIMATED", "ACT": "ACTUAL"}

SHIPMENT_EVENT: Mapping[str, str] = {
    "AMCF": "AMENDMENT_CONFIRMED",
    "AMCN": "AMENDMENT_CANCELLED",
    "AMDC": "AMENDMENT_DECLINED",
    "AMPR": "AMENDMENT_IN_PROGRESS",
    "AMRE": "AMENDMENT_RECEIVED",
    "APPR": "APPROVED",
    "CACF": "CANCELLATION_CONFIRMED",
    "CADC": "CANCELLATION_DECLINED",
    "CARE": "CANCELLATION_RECEIVED",
    "CMPL": "COMPLETED",
    "CONF": "CONFIRMED",
    "DECL": "DECLINED",
    "DRFT": "DRAFTED",
    "HOLD": "ON_HOLD",
    "ISSU": "ISSUED",
    "PENA": "PENDING_APPROVAL",
    "PENM": "PENDING_AMENDMENT",
    "PENU": "PENDING_UPDATE",
    "PSAM": "PENDING_SURRENDER_FOR_AMENDMENT",
    "PSDL": "PENDING_SURRENDER_FOR_DELIVERY",
    "RECE": "RECEIVED",
    "REJE": "REJECTED",
    "RELS": "RELEASED",
    "REQS": "REQUESTED",
    "SUAM": "SURRENDERED_FOR_AMENDMENT",
    "SUBM": "SUBMITTED",
    "SUDL": "SURRENDERED_FOR_DELIVERY",
    "SURR": "SURRENDERED",
    "UPCF": "UPDATE_CONFIRMED",
    "UPCN": "UPDATE_CANCELLED",
    "UPDC": "UPDATE_DECLINED",
    "UPDT": "UPDATE_IN_PROGRESS",
    "UPRE": "UPDATE_RECEIVED",
    "VOID": "VOIDED",
}
SHIPMENT_EVENT_V22: Mapping[str, str] = {
    code: SHIPMENT_EVENT[code]
    for code in (
        *("RECE", "DRFT", "PENA", "PENU", "REJE", "APPR", "ISSU", "SURR"),
        *("SUBM", "VOID", "CONF", "REQS", "CMPL", "HOLD", "RELS"),
    )
}
"""The 15 ``shipmentEventTypeCode`` values of TNT 2.2."""

TRANSPORT_EVENT: Mapping[str, str] = {"ARRI": "ARRIVED", "DEPA": "DEPARTED"}

EQUIPMENT_EVENT: Mapping[str, str] = {
    "LOAD": "LOADED",
    "DISC": "DISCHARGED",
    "GTIN": "GATED_IN",
    "GTOT": "GATED_OUT",
    "STUF": "STUFFED",
    "STRP": "STRIPPED",
    "PICK": "PICKED_UP",
    "DROP": "DROPPED_OFF",
    "INSP": "INSPECTED",
    "RSEA": "RESEALED",
    "RMVD": "REMOVED",
}

REEFER_EVENT: Mapping[str, str] = {"MEAS": "MEASURED", "ADJU": "ADJUSTED"}

DOCUMENT_TYPE: Mapping[str, str] = {
    "AMF": "ADVANCE_MANIFEST_FILING",
    "ARN": "ARRIVAL_NOTICE",
    "BKG": "BOOKING",
    "CAS": "CARGO_SURVEY",
    "CBR": "CARRIER_BOOKING_REQUEST",
    "CEA": "CERTIFICATE_OF_ANALYSIS",
    "CEO": "CERTIFICATE_OF_ORIGIN",
    "CQU": "CONTRACT_QUOTATION",
    "CRO": "CONTAINER_RELEASE_ORDER",
    "CUC": "CUSTOMS_CLEARANCE",
    "DEI": "DELIVERY_INSTRUCTIONS",
    "DEO": "DELIVERY_ORDER",
    "DGD": "DANGEROUS_GOODS_DECLARATION",
    "FCE": "FUMIGATION_CERTIFICATE",
    "HCE": "HEALTH_CERTIFICATE",
    "ICE": "INSPECTION_CERTIFICATE",
    "INV": "INVOICE",
    "OOG": "OUT_OF_GAUGE_DECLARATION",
    "PCE": "PHYTOSANITARY_CERTIFICATE",
    "SHI": "SHIPPING_INSTRUCTIONS",
    "TRD": "TRANSPORT_DOCUMENT",
    "TRO": "TRANSPORT_ORDER",
    "VCE": "VETERINARY_CERTIFICATE",
    "VGM": "VERIFIED_GROSS_MASS",
}
"""The document type codes of the TNT 3.0 drafts (as in the DCSA examples)."""

DOCUMENT_TYPE_V22: Mapping[str, str] = {
    "CBR": "CARRIER_BOOKING_REQUEST",
    "BKG": "BOOKING",
    "SHI": "SHIPPING_INSTRUCTIONS",
    "SRM": "CONTAINER_RELEASE_ORDER",
    "TRD": "TRANSPORT_DOCUMENT",
    "ARN": "ARRIVAL_NOTICE",
    "VGM": "VERIFIED_GROSS_MASS",
    "CAS": "CARGO_SURVEY",
    "CUS": "CUSTOMS_CLEARANCE",
    "DGD": "DANGEROUS_GOODS_DECLARATION",
    "OOG": "OUT_OF_GAUGE_DECLARATION",
}
"""TNT 2.2 ``documentTypeCode`` (SRM and CUS: nearest word, see the module docstring)."""

REFERENCE_TYPE: Mapping[str, str] = {
    "AAO": "CONSIGNEES_REFERENCE",
    "AES": "AUTOMATED_EXPORT_SYSTEM",
    "BID": "BOOKING_REQUEST_ID",
    "BPR": "BOOKING_PARTY_REFERENCE_NUMBER",
    "CER": "CANADIAN_EXPORT_REPORTING_NUMBER",
    "CR": "CUSTOMERS_REFERENCE",
    "CSI": "CUSTOMER_SHIPMENT_ID",
    "DUE": "DECLARACAO_UNICA_DE_EXPORTACAO",
    "ECR": "EMPTY_CONTAINER_RELEASE_REFERENCE",
    "EQ": "EQUIPMENT_REFERENCE",
    "FF": "FREIGHT_FORWARDERS_REFERENCE",
    "PO": "PURCHASE_ORDER_REFERENCE",
    "RUC": "REGISTRO_UNICO_DEL_CONTRIBUYENTE",
    "SI": "SHIPPERS_REFERENCE",
}

FACILITY_TYPE: Mapping[str, str] = {
    "BOCR": "BORDER",
    "CLOC": "CUSTOMER_LOCATION",
    "COFS": "CONTAINER_FREIGHT_STATION",
    "COYA": "OFF_DOCK_STORAGE",
    "OFFD": "OFF_DOCK_STORAGE",
    "DEPO": "DEPOT",
    "INTE": "INLAND_TERMINAL",
    "POTE": "PORT_TERMINAL",
    "RAMP": "RAMP",
}

SEAL_SOURCE: Mapping[str, str] = {
    "CAR": "CARRIER",
    "SHI": "SHIPPER",
    "PHY": "PHYTOSANITARY",
    "VET": "VETERINARY",
    "CUS": "CUSTOMS",
}
SEAL_TYPE: Mapping[str, str] = {"KLP": "KEYLESS_PADLOCK", "BLT": "BOLT", "WIR": "WIRE"}


def reverse(table: Mapping[str, str]) -> Mapping[str, str]:
    """Word -> code; where two codes share a word, the later one in ``table`` is kept."""
    return {word: code for code, word in table.items()}
