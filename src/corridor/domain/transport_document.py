"""The DCSA eBL 3.0.3 ``TransportDocument``, and the rules DCSA states only in prose.

Models follow ``components.schemas`` of DCSA eBL 3.0.3 (``EBL_v3.0.3.yaml``): ``TransportDocument``,
``Transports``, ``DocumentParties``, ``ConsignmentItem``/``CargoItem`` and
``UtilizedTransportEquipment``. Attribute names are snake_case; aliases are the DCSA names and are
used when dumping. Every model keeps unknown properties (``extra="allow"``), so nothing is lost.
The JSON Schema itself is checked in ``corridor.interop.dcsa.schema``; this module is pure.

``parse_transport_document`` also enforces the rules found in the spec's descriptions:

1. ``isToOrder`` "must be ``false`` if ``transportDocumentTypeCode='SWB'``" (``TransportDocument``).
2. ``Endorsee`` "can only be provided for negotiable BLs (``isToOrder=true``)" (``Endorsee``).
3. ``Consignee`` is "mandatory for non-negotiable BL (``isToOrder=false``)" (``Consignee``).
4. "``Consignee`` and ``Endorsee`` are mutually exclusive" (``Consignee``, ``Endorsee``).
5. For an electronic BOL "``numberOfOriginalsWithoutCharges`` + ``numberOfOriginalsWithCharges``
   must be <= 1" (``numberOfOriginalsWithCharges``).
6. Every ``UNLocationCode``, anywhere in the document, matches ``^[A-Z]{2}[A-Z2-9]{3}$``.
7. An ``equipmentReference`` written as an ISO 6346 number (four letters, then digits only) must
   be a valid one, check digit included (``Equipment``). Other references are left alone: the spec
   allows non-ISO identification per SMDG Recommendation #2.
8. Every cargo item's ``equipmentReference`` names one of ``utilizedTransportEquipments``
   ("A ``cargoItem`` cannot be split across containers", ``CargoItem``).

``bill_kind`` follows ``isToOrder`` (DCSA eBL 3.0.3 ``TransportDocument.isToOrder`` and DCSA PINT
3.0 endorsement): ``false`` is a straight bill; ``true`` with an endorsee is to order; ``true``
without one is blank endorsed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from corridor.domain.equipment import validate_container_number
from corridor.errors import DocumentRuleError, MalformedInputError

__all__ = [
    "UN_LOCODE_PATTERN",
    "BillKind",
    "CargoItem",
    "ConsignmentItem",
    "DocumentParties",
    "Equipment",
    "IdentifiedParty",
    "IdentifyingCode",
    "InvoicePayableAt",
    "IssuingParty",
    "Leg",
    "Location",
    "OuterPackaging",
    "Party",
    "PartyAddress",
    "PartyContactDetail",
    "Seal",
    "TransportDocument",
    "Transports",
    "UtilizedTransportEquipment",
    "VesselVoyage",
    "Weight",
    "parse_transport_document",
]

BillKind = Literal["straight", "to-order", "blank-endorsed"]

UN_LOCODE_PATTERN = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
_CLAIMS_ISO6346 = re.compile(r"[A-Za-z]{4}[0-9]+")
_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> object:
    """Accept only ``YYYY-MM-DD`` strings (OpenAPI ``format: date``) or ``date`` objects."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _FULL_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a real calendar date written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Text = Annotated[str, Field(strict=True)]
Count = Annotated[int, Field(strict=True, ge=0)]
Flag = Annotated[bool, Field(strict=True)]


class _DcsaModel(BaseModel):
    model_config = ConfigDict(
        extra="allow", populate_by_name=True, serialize_by_alias=True, frozen=True
    )


class IdentifyingCode(_DcsaModel):
    """``IdentifyingCode``: a party's code in a code list (LEI, DID, eBL platform, ...)."""

    code_list_provider: Text = Field(alias="codeListProvider")
    party_code: Text = Field(alias="partyCode")
    code_list_name: Text | None = Field(None, alias="codeListName")


class PartyContactDetail(_DcsaModel):
    """``PartyContactDetail``: a named person with a phone and/or an email."""

    name: Text
    phone: Text | None = None
    email: Text | None = None


class PartyAddress(_DcsaModel):
    """``PartyAddress``: the structured address of a party."""

    street: Text
    street_number: Text | None = Field(None, alias="streetNumber")
    post_code: Text | None = Field(None, alias="postCode")
    city: Text
    state_region: Text | None = Field(None, alias="stateRegion")
    country_code: Text = Field(alias="countryCode")


class Party(_DcsaModel):
    """The properties shared by ``Shipper``, ``NotifyParty`` and the other document parties."""

    party_name: Text = Field(alias="partyName")
    address: PartyAddress | None = None
    identifying_codes: tuple[IdentifyingCode, ...] = Field((), alias="identifyingCodes")
    party_contact_details: tuple[PartyContactDetail, ...] = Field((), alias="partyContactDetails")


class IdentifiedParty(Party):
    """``Consignee`` and ``Endorsee``: at least one identifying code is required."""

    identifying_codes: tuple[IdentifyingCode, ...] = Field(alias="identifyingCodes", min_length=1)


class IssuingParty(Party):
    """``IssuingParty``: the carrier (or its agent) issuing the document; address required."""

    address: PartyAddress


class DocumentParties(_DcsaModel):
    """``DocumentParties``: all parties by role (``other`` parties are kept as extras)."""

    shipper: Party
    consignee: IdentifiedParty | None = None
    endorsee: IdentifiedParty | None = None
    issuing_party: IssuingParty = Field(alias="issuingParty")
    notify_parties: tuple[Party, ...] = Field((), alias="notifyParties", max_length=3)


class Location(_DcsaModel):
    """``PlaceOfReceipt``, ``PortOfLoading``, ``PortOfDischarge``, ``PlaceOfDelivery``, ..."""

    location_name: Text | None = Field(None, alias="locationName")
    un_location_code: Text | None = Field(None, alias="UNLocationCode")


class VesselVoyage(_DcsaModel):
    """``VesselVoyage``: a sea-going vessel and its export voyage."""

    vessel_name: Text = Field(alias="vesselName")
    carrier_export_voyage_number: Text = Field(alias="carrierExportVoyageNumber")
    universal_export_voyage_reference: Text | None = Field(
        None, alias="universalExportVoyageReference"
    )
    role: Text | None = None


class Transports(_DcsaModel):
    """``Transports``: dates, places, pre-/on-carriage modes and vessels."""

    planned_arrival_date: IsoDate = Field(alias="plannedArrivalDate")
    planned_departure_date: IsoDate = Field(alias="plannedDepartureDate")
    pre_carriage_by: Text | None = Field(None, alias="preCarriageBy")
    on_carriage_by: Text | None = Field(None, alias="onCarriageBy")
    place_of_receipt: Location | None = Field(None, alias="placeOfReceipt")
    port_of_loading: Location = Field(alias="portOfLoading")
    port_of_discharge: Location = Field(alias="portOfDischarge")
    place_of_delivery: Location | None = Field(None, alias="placeOfDelivery")
    onward_inland_routing: Location | None = Field(None, alias="onwardInlandRouting")
    vessel_voyages: tuple[VesselVoyage, ...] = Field(alias="vesselVoyages", min_length=1)


class Weight(_DcsaModel):
    """``CargoGrossWeight`` / ``TareWeight``: a positive value in KGM or LBR."""

    value: Annotated[float, Field(strict=True, gt=0)]
    unit: Literal["KGM", "LBR"]


class Seal(_DcsaModel):
    """``Seal``: a seal number and who affixed it."""

    number: Text
    source: Literal["CAR", "SHI", "VET", "CUS"] | None = None


class Equipment(_DcsaModel):
    """``Equipment``: the container's reference (ISO 6346 where possible) and size-type code."""

    equipment_reference: Text = Field(alias="equipmentReference")
    iso_equipment_code: Text | None = Field(None, alias="ISOEquipmentCode")
    tare_weight: Weight | None = Field(None, alias="tareWeight")


class UtilizedTransportEquipment(_DcsaModel):
    """``UtilizedTransportEquipment``: one container of the shipment with its seals."""

    equipment: Equipment
    is_shipper_owned: Flag = Field(alias="isShipperOwned")
    seals: tuple[Seal, ...] = Field(min_length=1)


class OuterPackaging(_DcsaModel):
    """``OuterPackaging``: how many packages of what kind."""

    package_code: Text | None = Field(None, alias="packageCode")
    number_of_packages: Annotated[int, Field(strict=True, ge=1)] = Field(alias="numberOfPackages")
    description: Text


class CargoItem(_DcsaModel):
    """``CargoItem``: the part of a consignment item stuffed in one container."""

    equipment_reference: Text = Field(alias="equipmentReference")
    cargo_gross_weight: Weight = Field(alias="cargoGrossWeight")
    outer_packaging: OuterPackaging = Field(alias="outerPackaging")


class ConsignmentItem(_DcsaModel):
    """``ConsignmentItem``: goods under one booking, split over cargo items."""

    carrier_booking_reference: Text = Field(alias="carrierBookingReference")
    description_of_goods: tuple[Text, ...] = Field(alias="descriptionOfGoods")
    hs_codes: tuple[Text, ...] = Field(alias="HSCodes", min_length=1)
    cargo_items: tuple[CargoItem, ...] = Field(alias="cargoItems", min_length=1)


class InvoicePayableAt(_DcsaModel):
    """``InvoicePayableAt``: a UN/LOCODE or, as a fallback, free text."""

    un_location_code: Text | None = Field(None, alias="UNLocationCode")
    free_text: Text | None = Field(None, alias="freeText")


class Leg(NamedTuple):
    """One leg of the carriage: DCSA mode (``RAIL``, ``VESSEL``, ...) and its two UN/LOCODEs."""

    mode: str
    from_locode: str | None
    to_locode: str | None


class TransportDocument(_DcsaModel):
    """DCSA eBL 3.0.3 ``TransportDocument`` (bill of lading or sea waybill)."""

    transport_document_reference: Text = Field(alias="transportDocumentReference", max_length=20)
    transport_document_sub_reference: Text | None = Field(
        None, alias="transportDocumentSubReference"
    )
    transport_document_status: Text = Field(alias="transportDocumentStatus")
    transport_document_type_code: Literal["BOL", "SWB"] = Field(alias="transportDocumentTypeCode")
    is_shipped_on_board_type: Flag = Field(alias="isShippedOnBoardType")
    freight_payment_term_code: Literal["PRE", "COL"] | None = Field(
        None, alias="freightPaymentTermCode"
    )
    is_electronic: Flag = Field(alias="isElectronic")
    is_to_order: Flag = Field(alias="isToOrder")
    number_of_originals_with_charges: Count | None = Field(
        None, alias="numberOfOriginalsWithCharges"
    )
    number_of_originals_without_charges: Count | None = Field(
        None, alias="numberOfOriginalsWithoutCharges"
    )
    shipped_on_board_date: IsoDate | None = Field(None, alias="shippedOnBoardDate")
    received_for_shipment_date: IsoDate | None = Field(None, alias="receivedForShipmentDate")
    issue_date: IsoDate | None = Field(None, alias="issueDate")
    terms_and_conditions: Text = Field(alias="termsAndConditions")
    receipt_type_at_origin: Literal["CY", "SD", "CFS"] = Field(alias="receiptTypeAtOrigin")
    delivery_type_at_destination: Literal["CY", "SD", "CFS"] = Field(
        alias="deliveryTypeAtDestination"
    )
    cargo_movement_type_at_origin: Text = Field(alias="cargoMovementTypeAtOrigin")
    cargo_movement_type_at_destination: Text = Field(alias="cargoMovementTypeAtDestination")
    carrier_code: Text = Field(alias="carrierCode", max_length=4)
    carrier_code_list_provider: Literal["SMDG", "NMFTA"] = Field(alias="carrierCodeListProvider")
    transports: Transports
    invoice_payable_at: InvoicePayableAt = Field(alias="invoicePayableAt")
    party_contact_details: tuple[PartyContactDetail, ...] = Field(
        alias="partyContactDetails", min_length=1
    )
    document_parties: DocumentParties = Field(alias="documentParties")
    consignment_items: tuple[ConsignmentItem, ...] = Field(alias="consignmentItems", min_length=1)
    utilized_transport_equipments: tuple[UtilizedTransportEquipment, ...] = Field(
        alias="utilizedTransportEquipments", min_length=1
    )

    @property
    def bill_kind(self) -> BillKind:
        """``straight`` (not to order), ``to-order`` (endorsee named) or ``blank-endorsed``."""
        if not self.is_to_order:
            return "straight"
        return "to-order" if self.document_parties.endorsee is not None else "blank-endorsed"

    @property
    def shipper_name(self) -> str:
        """The shipper's ``partyName``."""
        return self.document_parties.shipper.party_name

    @property
    def consignee_name(self) -> str | None:
        """The consignee's ``partyName``, if a consignee is named."""
        consignee = self.document_parties.consignee
        return consignee.party_name if consignee is not None else None

    @property
    def endorsee_name(self) -> str | None:
        """The endorsee's ``partyName``, if an endorsee is named."""
        endorsee = self.document_parties.endorsee
        return endorsee.party_name if endorsee is not None else None

    @property
    def issuing_party_name(self) -> str:
        """The issuing party's ``partyName`` (the carrier or its agent)."""
        return self.document_parties.issuing_party.party_name

    @property
    def equipment_references(self) -> tuple[str, ...]:
        """The ``equipmentReference`` of every utilized transport equipment, in order."""
        return tuple(
            ute.equipment.equipment_reference for ute in self.utilized_transport_equipments
        )

    def legs(self) -> tuple[Leg, ...]:
        """Pre-carriage (if the carrier does it), the sea leg, then on-carriage (if any)."""
        t = self.transports
        loading = t.port_of_loading.un_location_code
        discharge = t.port_of_discharge.un_location_code
        legs: list[Leg] = []
        if t.pre_carriage_by is not None:
            receipt = t.place_of_receipt.un_location_code if t.place_of_receipt else None
            legs.append(Leg(t.pre_carriage_by, receipt, loading))
        legs.append(Leg("VESSEL", loading, discharge))
        if t.on_carriage_by is not None:
            delivery = t.place_of_delivery.un_location_code if t.place_of_delivery else None
            legs.append(Leg(t.on_carriage_by, discharge, delivery))
        return tuple(legs)


def parse_transport_document(
    raw: Mapping[str, Any], *, unchecked_container_numbers: frozenset[str] = frozenset()
) -> TransportDocument:
    """Build a ``TransportDocument`` from its DCSA JSON and enforce the rules in the spec text.

    Raises ``MalformedInputError`` if ``raw`` is not an object and ``DocumentRuleError`` (with
    a JSON pointer ``location``) for the first field or rule that fails. Rule 7 skips the
    container numbers in ``unchecked_container_numbers``: an import that reports them as
    warnings instead (``interop.dcsa.transport_document_io``); issuing never passes any.
    """
    if not isinstance(raw, Mapping):
        raise MalformedInputError("a transport document must be a JSON object")
    try:
        document = TransportDocument.model_validate(dict(raw))
    except ValidationError as exc:
        raise _rule_error(exc) from None
    _check_un_location_codes(raw, ())
    for rule in _RULES:
        if rule is _check_container_numbers:
            _check_container_numbers(document, unchecked_container_numbers)
        else:
            rule(document)
    return document


def _rule_error(exc: ValidationError) -> DocumentRuleError:
    first = exc.errors(include_url=False)[0]
    location = _pointer(first["loc"])
    field = next((str(s) for s in reversed(first["loc"]) if isinstance(s, str)), "document")
    if first["type"] == "missing":
        return DocumentRuleError(location, f"{field} is required but missing; add it")
    message = str(first["msg"]).removeprefix("Value error, ")
    shown = repr(first.get("input"))
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return DocumentRuleError(location, f"{field} is invalid: {message} (got {shown})")


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in path)


def _check_un_location_codes(node: object, path: tuple[str | int, ...]) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            here = (*path, str(key))
            if key == "UNLocationCode" and not (
                isinstance(value, str) and UN_LOCODE_PATTERN.fullmatch(value)
            ):
                raise DocumentRuleError(
                    _pointer(here),
                    f"UN/LOCODE {value!r} must be two capital letters of country code and three "
                    "letters or digits 2-9 (e.g. CNQZH for Qinzhou); use the code from the "
                    "UN/LOCODE list",
                )
            _check_un_location_codes(value, here)
    elif isinstance(node, list | tuple):
        for index, item in enumerate(node):
            _check_un_location_codes(item, (*path, index))


def _check_swb_not_to_order(td: TransportDocument) -> None:
    if td.transport_document_type_code == "SWB" and td.is_to_order:
        raise DocumentRuleError(
            "/isToOrder",
            "a sea waybill (SWB) is never negotiable, so it cannot be issued to order; "
            "set isToOrder to false, or issue a bill of lading (BOL)",
        )


def _check_parties(td: TransportDocument) -> None:
    parties = td.document_parties
    if not td.is_to_order and parties.endorsee is not None:
        raise DocumentRuleError(
            "/documentParties/endorsee",
            "an endorsee can only be named on a to-order bill (isToOrder true); "
            "remove the endorsee, or set isToOrder to true and drop the consignee",
        )
    if not td.is_to_order and parties.consignee is None:
        raise DocumentRuleError(
            "/documentParties/consignee",
            "a straight (non-negotiable, isToOrder false) document must name its consignee; "
            "add documentParties.consignee, or set isToOrder to true for a negotiable bill",
        )
    if parties.consignee is not None and parties.endorsee is not None:
        raise DocumentRuleError(
            "/documentParties/consignee",
            "consignee and endorsee are mutually exclusive; a to-order bill names only its "
            "endorsee, so remove the consignee (or leave both out for a blank-endorsed bill)",
        )


def _check_electronic_originals(td: TransportDocument) -> None:
    if td.transport_document_type_code != "BOL" or not td.is_electronic:
        return
    with_charges = td.number_of_originals_with_charges or 0
    without_charges = td.number_of_originals_without_charges or 0
    if with_charges + without_charges <= 1:
        return
    field = "numberOfOriginalsWithoutCharges" if without_charges else "numberOfOriginalsWithCharges"
    raise DocumentRuleError(
        f"/{field}",
        "an electronic bill of lading is a single original, but numberOfOriginalsWithCharges "
        f"({with_charges}) + numberOfOriginalsWithoutCharges ({without_charges}) = "
        f"{with_charges + without_charges}; the sum must be at most 1, so set one of them "
        "to 1 and the other to 0",
    )


def _check_container_numbers(
    td: TransportDocument, unchecked: frozenset[str] = frozenset()
) -> None:
    for index, ute in enumerate(td.utilized_transport_equipments):
        reference = ute.equipment.equipment_reference
        if reference not in unchecked and _CLAIMS_ISO6346.fullmatch(reference):
            location = f"/utilizedTransportEquipments/{index}/equipment/equipmentReference"
            validate_container_number(reference, location)


def _check_cargo_equipment_references(td: TransportDocument) -> None:
    known = set(td.equipment_references)
    for i, item in enumerate(td.consignment_items):
        for j, cargo in enumerate(item.cargo_items):
            if cargo.equipment_reference not in known:
                raise DocumentRuleError(
                    f"/consignmentItems/{i}/cargoItems/{j}/equipmentReference",
                    f"cargo item is stuffed in {cargo.equipment_reference!r}, which is not "
                    f"among utilizedTransportEquipments ({', '.join(sorted(known))}); "
                    "correct the reference or add that equipment",
                )


_RULES: tuple[Callable[[TransportDocument], None], ...] = (
    _check_swb_not_to_order,
    _check_parties,
    _check_electronic_originals,
    _check_container_numbers,
    _check_cargo_equipment_references,
)
