"""The bill of lading as a trader reads it, from its DCSA eBL 3.0.3 ``TransportDocument`` JSON.

The document page shows the familiar boxes of a (multimodal) bill of lading: parties, place of
receipt, ports and place of delivery, the rail and sea legs, containers with seals, goods,
freight and clauses. Issued documents passed the DCSA schema, but this module still reads the
JSON defensively: a missing box shows as empty, never as an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_MODES = {"RAIL": "Rail", "TRUCK": "Truck", "BARGE": "Barge", "VESSEL": "Sea"}
_LENGTHS = {"2": "20'", "4": "40'", "L": "45'", "M": "48'"}
_HEIGHTS = {"0": "8'", "2": "8'6\"", "5": "9'6\" high cube", "E": "9'6\" high cube"}
_TYPES = {"G": "general purpose", "R": "reefer", "U": "open top", "P": "flat rack", "T": "tank"}


@dataclass(frozen=True)
class PartyBox:
    name: str
    address: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Place:
    name: str
    locode: str

    @property
    def text(self) -> str:
        if self.name and self.locode:
            return f"{self.name} ({self.locode})"
        return self.name or self.locode or "—"


@dataclass(frozen=True)
class LegRow:
    mode: str
    origin: str
    destination: str
    vehicle: str


@dataclass(frozen=True)
class ContainerRow:
    reference: str
    iso_code: str
    size_type: str
    seals: list[str]
    tare: str


@dataclass(frozen=True)
class GoodsRow:
    description: list[str]
    hs_codes: list[str]
    marks: list[str]
    containers: list[str]
    packages: str
    weight: str
    volume: str


@dataclass(frozen=True)
class ChargeRow:
    name: str
    amount: str
    basis: str
    terms: str


@dataclass(frozen=True)
class Bill:
    """Everything the document page prints about the transport document."""

    reference: str
    type_line: str
    originals: str
    issue_date: str
    shipped_on_board: str
    place_of_issue: str
    shipper: PartyBox
    consignee_line: str
    consignee: PartyBox | None
    notify: list[PartyBox]
    issuing_party: PartyBox
    carrier_code: str
    receipt: Place
    loading: Place
    discharge: Place
    delivery: Place
    legs: list[LegRow]
    containers: list[ContainerRow]
    goods: list[GoodsRow]
    charges: list[ChargeRow]
    freight_terms: str
    clauses: list[str]
    terms: str
    references: list[tuple[str, str]]


def obj(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (the JSON is read defensively)."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)


def party_box(raw: Any) -> PartyBox:
    party = obj(raw)
    address = obj(party.get("address"))
    street = " ".join(_text(address.get(k)) for k in ("streetNumber", "street")).strip()
    city = " ".join(_text(address.get(k)) for k in ("postCode", "city")).strip()
    lines = [line for line in (street, city, _text(address.get("countryCode"))) if line]
    lines += [_text(line) for line in _list(party.get("addressLines"))]
    codes = [
        f"{_text(c.get('codeListName')) or _text(c.get('codeListProvider'))} "
        f"{_text(c.get('partyCode'))}".strip()
        for c in map(obj, _list(party.get("identifyingCodes")))
    ]
    return PartyBox(_text(party.get("partyName")) or "—", lines, codes)


def place(raw: Any) -> Place:
    location = obj(raw)
    return Place(_text(location.get("locationName")), _text(location.get("UNLocationCode")))


def size_type(iso_code: str) -> str:
    """ISO 6346 size and type code in words, e.g. ``45G1`` -> 40' 9'6" high cube general."""
    if len(iso_code) != 4:
        return iso_code
    words = [
        _LENGTHS.get(iso_code[0], ""),
        _HEIGHTS.get(iso_code[1], ""),
        _TYPES.get(iso_code[2], ""),
    ]
    return " ".join(w for w in words if w) or iso_code


def _quantity(raw: Any) -> str:
    value = obj(raw)
    if "value" not in value:
        return ""
    return f"{value.get('value')} {_text(value.get('unit'))}".strip()


def _legs(transports: dict[str, Any]) -> list[LegRow]:
    receipt, loading = (
        place(transports.get("placeOfReceipt")),
        place(transports.get("portOfLoading")),
    )
    discharge = place(transports.get("portOfDischarge"))
    delivery = place(transports.get("placeOfDelivery"))
    legs = []
    if transports.get("preCarriageBy"):
        mode = _text(transports.get("preCarriageBy"))
        legs.append(LegRow(_MODES.get(mode, mode), receipt.text, loading.text, ""))
    voyages = [
        f"{_text(v.get('vesselName'))} {_text(v.get('carrierExportVoyageNumber'))}".strip()
        for v in map(obj, _list(transports.get("vesselVoyages")))
    ]
    legs.append(LegRow("Sea", loading.text, discharge.text, ", ".join(voyages)))
    if transports.get("onCarriageBy"):
        mode = _text(transports.get("onCarriageBy"))
        legs.append(LegRow(_MODES.get(mode, mode), discharge.text, delivery.text, ""))
    return legs


def _containers(document: dict[str, Any]) -> list[ContainerRow]:
    rows = []
    for ute in map(obj, _list(document.get("utilizedTransportEquipments"))):
        equipment = obj(ute.get("equipment"))
        iso = _text(equipment.get("ISOEquipmentCode"))
        seals = [_text(obj(s).get("number")) for s in _list(ute.get("seals"))]
        reference = _text(equipment.get("equipmentReference"))
        tare = _quantity(equipment.get("tareWeight"))
        rows.append(ContainerRow(reference, iso, size_type(iso), seals, tare))
    return rows


def _goods(document: dict[str, Any]) -> list[GoodsRow]:
    rows = []
    for item in map(obj, _list(document.get("consignmentItems"))):
        cargo = [obj(c) for c in _list(item.get("cargoItems"))]
        packages = [obj(c.get("outerPackaging")) for c in cargo]
        rows.append(
            GoodsRow(
                description=[_text(d) for d in _list(item.get("descriptionOfGoods"))],
                hs_codes=[_text(h) for h in _list(item.get("HSCodes"))],
                marks=[_text(m) for m in _list(item.get("shippingMarks"))],
                containers=[_text(c.get("equipmentReference")) for c in cargo],
                packages=", ".join(
                    f"{_text(p.get('numberOfPackages'))} {_text(p.get('description'))}".strip()
                    for p in packages
                ),
                weight=", ".join(_quantity(c.get("cargoGrossWeight")) for c in cargo),
                volume=", ".join(v for c in cargo if (v := _quantity(c.get("cargoGrossVolume")))),
            )
        )
    return rows


def _charges(document: dict[str, Any]) -> list[ChargeRow]:
    return [
        ChargeRow(
            _text(c.get("chargeName")),
            f"{_text(c.get('currencyAmount'))} {_text(c.get('currencyCode'))}".strip(),
            _text(c.get("calculationBasis")),
            {"PRE": "Prepaid", "COL": "Collect"}.get(_text(c.get("paymentTermCode")), ""),
        )
        for c in map(obj, _list(document.get("charges")))
    ]


def _type_line(document: dict[str, Any]) -> str:
    kind = "Sea waybill" if document.get("transportDocumentTypeCode") == "SWB" else "Bill of lading"
    negotiable = "negotiable, to order" if document.get("isToOrder") else "straight, not negotiable"
    medium = "electronic" if document.get("isElectronic") else "paper"
    return f"{kind} ({medium}, {negotiable})"


def _consignee_line(parties: dict[str, Any], to_order: bool) -> str:
    if not to_order:
        return party_box(parties.get("consignee")).name
    if parties.get("endorsee"):
        return f"To order of {party_box(parties.get('endorsee')).name}"
    return "To order (endorsed in blank)"


def _originals(document: dict[str, Any]) -> str:
    with_charges = _text(document.get("numberOfOriginalsWithCharges")) or "0"
    without = _text(document.get("numberOfOriginalsWithoutCharges")) or "0"
    return f"{with_charges} with charges, {without} without charges"


def bill_of_lading(document: dict[str, Any]) -> Bill:
    """The view model of a DCSA transport document."""
    parties = obj(document.get("documentParties"))
    transports = obj(document.get("transports"))
    to_order = document.get("isToOrder") is True
    named = parties.get("endorsee") if to_order else parties.get("consignee")
    freight = {"PRE": "Freight prepaid", "COL": "Freight collect"}
    return Bill(
        reference=_text(document.get("transportDocumentReference")),
        type_line=_type_line(document),
        originals=_originals(document),
        issue_date=_text(document.get("issueDate")),
        shipped_on_board=_text(document.get("displayedShippedOnBoardReceivedForShipment")),
        place_of_issue=place(document.get("placeOfIssue")).text,
        shipper=party_box(parties.get("shipper")),
        consignee_line=_consignee_line(parties, to_order),
        consignee=party_box(named) if named else None,
        notify=[party_box(p) for p in _list(parties.get("notifyParties"))],
        issuing_party=party_box(parties.get("issuingParty")),
        carrier_code=_text(document.get("carrierCode")),
        receipt=place(transports.get("placeOfReceipt")),
        loading=place(transports.get("portOfLoading")),
        discharge=place(transports.get("portOfDischarge")),
        delivery=place(transports.get("placeOfDelivery")),
        legs=_legs(transports),
        containers=_containers(document),
        goods=_goods(document),
        charges=_charges(document),
        freight_terms=freight.get(_text(document.get("freightPaymentTermCode")), ""),
        clauses=[_text(c) for c in _list(document.get("carrierClauses"))],
        terms=_text(document.get("termsAndConditions")),
        references=_references(document),
    )


def _references(document: dict[str, Any]) -> list[tuple[str, str]]:
    bookings = {
        _text(obj(i).get("carrierBookingReference"))
        for i in _list(document.get("consignmentItems"))
    }
    pairs = [
        ("Shipping instructions", _text(document.get("shippingInstructionsReference"))),
        ("Service contract", _text(document.get("serviceContractReference"))),
        ("Booking", ", ".join(sorted(b for b in bookings if b))),
        ("Shipped on board", _text(document.get("shippedOnBoardDate"))),
        ("Planned departure", _text(_transports_value(document, "plannedDepartureDate"))),
        ("Planned arrival", _text(_transports_value(document, "plannedArrivalDate"))),
    ]
    return [(label, value) for label, value in pairs if value]


def _transports_value(document: dict[str, Any], key: str) -> Any:
    return obj(document.get("transports")).get(key)
