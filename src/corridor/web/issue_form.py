"""The issue form: from form fields to a DCSA eBL 3.0.3 transport document, and back from a
``DocumentRuleError``'s JSON pointer to the form field it is about.

The form starts from the demo corridor's bill of lading (``services.demo``) and overwrites the
boxes a carrier's clerk usually changes: reference, parties, places and legs, containers and
seals, goods and weights. Everything else (terms, charges, dates) stays as in the template.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from corridor.domain.party import Party
from corridor.errors import InputError, MalformedInputError
from corridor.web.render import obj, party_box

PLACES = {
    "receipt": "placeOfReceipt",
    "loading": "portOfLoading",
    "discharge": "portOfDischarge",
    "delivery": "placeOfDelivery",
}
_UVR = re.compile(r"^\d{2}[0-9A-Z]{2}[NEWSR]$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FormFieldError(InputError):
    """A form field could not be turned into the document (e.g. a weight that is no number)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_text(values: Mapping[str, str]) -> None:
    """Refuse control characters (NUL and the like) in the typed fields; newlines and tabs are
    fine."""
    for name, value in values.items():
        if _CONTROL.search(value):
            raise FormFieldError(name, "must not contain control characters")


def check_strings(document: Any) -> None:
    """Refuse an uploaded document with a NUL character in any string (databases refuse it)."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and "\x00" in value:
            raise MalformedInputError("the document must not contain NUL characters (\\u0000)")


def _pointer_fields() -> list[tuple[re.Pattern[str], str]]:
    pairs = [
        (r"/transportDocumentReference", "reference"),
        (r"/documentParties/shipper", "shipper"),
        (r"/documentParties/endorsee", "to_order_of"),
        (r"/documentParties/consignee", "consignee"),
        (r"/documentParties/notifyParties", "notify"),
        (r"/isToOrder", "bill_kind"),
        (r"/transports/preCarriageBy", "pre_carriage"),
        (r"/transports/vesselVoyages/\d+/vesselName", "vessel"),
        (r"/transports/vesselVoyages", "voyage"),
        (r"/utilizedTransportEquipments/(\d+)/seals", "seal_{0}"),
        (r"/utilizedTransportEquipments/(\d+)", "container_{0}"),
        (r"/consignmentItems/(\d+)/descriptionOfGoods", "goods_{0}"),
        (r"/consignmentItems/(\d+)/HSCodes", "hs_{0}"),
        (r"/consignmentItems/(\d+)/cargoItems/\d+/cargoGrossWeight", "weight_{0}"),
        (r"/consignmentItems/(\d+)/cargoItems/\d+/outerPackaging", "packages_{0}"),
        (r"/consignmentItems/(\d+)", "goods_{0}"),
    ]
    for key, name in PLACES.items():
        pairs.insert(0, (rf"/transports/{name}/locationName", f"{key}_name"))
        pairs.insert(1, (rf"/transports/{name}", f"{key}_locode"))
    return [(re.compile("^" + pattern + "(/|$)"), field) for pattern, field in pairs]


_POINTERS = _pointer_fields()


def field_for(location: str, known: Mapping[str, str]) -> str | None:
    """The form field a DCSA error ``location`` is about, if the form has that field."""
    for pattern, template in _POINTERS:
        match = pattern.match(location)
        if match:
            field = template.format(*match.groups()[:-1]) if "{0}" in template else template
            return field if field in known else None
    return None


def defaults(document: dict[str, Any], issue_to: str) -> dict[str, str]:
    """The form's initial values, read from ``document``."""
    parties = obj(document.get("documentParties"))
    transports = obj(document.get("transports"))
    voyage = obj((transports.get("vesselVoyages") or [{}])[0])
    notify = (parties.get("notifyParties") or [{}])[0]
    values = {
        "reference": str(document.get("transportDocumentReference", "")),
        "shipper": party_box(parties.get("shipper")).name,
        "bill_kind": "to-order" if document.get("isToOrder") else "straight",
        "to_order_of": party_box(parties.get("endorsee")).name,
        "consignee": party_box(parties.get("consignee")).name,
        "notify": party_box(notify).name,
        "pre_carriage": str(transports.get("preCarriageBy", "")),
        "vessel": str(voyage.get("vesselName", "")),
        "voyage": str(voyage.get("carrierExportVoyageNumber", "")),
        "issue_to": issue_to,
    }
    for key, name in PLACES.items():
        location = obj(transports.get(name))
        values[f"{key}_name"] = str(location.get("locationName", ""))
        values[f"{key}_locode"] = str(location.get("UNLocationCode", ""))
    for i, ute in enumerate(document.get("utilizedTransportEquipments", [])):
        values[f"container_{i}"] = str(obj(ute.get("equipment")).get("equipmentReference", ""))
        values[f"seal_{i}"] = ", ".join(str(s.get("number", "")) for s in ute.get("seals", []))
    for i, item in enumerate(document.get("consignmentItems", [])):
        cargo = obj((item.get("cargoItems") or [{}])[0])
        values[f"goods_{i}"] = "\n".join(item.get("descriptionOfGoods", []))
        values[f"hs_{i}"] = ", ".join(item.get("HSCodes", []))
        values[f"weight_{i}"] = str(obj(cargo.get("cargoGrossWeight")).get("value", ""))
        packages = obj(cargo.get("outerPackaging")).get("numberOfPackages", "")
        values[f"packages_{i}"] = str(packages)
    return values


def _named_party(
    current: Any, name: str, parties: Mapping[str, Party], field: str
) -> dict[str, Any]:
    """A document party for a registered party chosen by name (the template's, if the same)."""
    if isinstance(current, dict) and current.get("partyName") == name:
        return copy.deepcopy(current)
    party = parties.get(name)
    if party is None:
        raise FormFieldError(field, f"choose a party registered on this node (not {name!r})")
    codes = [
        {"codeListProvider": "ZZZ", "codeListName": str(code.scheme), "partyCode": code.value}
        for code in party.codes
    ]
    return {"partyName": party.name, "identifyingCodes": codes}


def _plain_party(current: Any, name: str) -> dict[str, Any] | None:
    if not name:
        return None
    if isinstance(current, dict) and current.get("partyName") == name:
        return copy.deepcopy(current)
    return {"partyName": name}


def _set_parties(
    doc: dict[str, Any], values: Mapping[str, str], known: Mapping[str, Party]
) -> None:
    parties = doc["documentParties"]
    shipper = _plain_party(parties.get("shipper"), values.get("shipper", ""))
    if shipper is None:
        raise FormFieldError("shipper", "the shipper's name is required")
    parties["shipper"] = shipper
    current = parties.pop("endorsee", None) or parties.pop("consignee", None)
    kind = values.get("bill_kind", "to-order")
    doc["isToOrder"] = kind != "straight"
    if kind == "straight":
        name = values.get("consignee", "")
        parties["consignee"] = _named_party(current, name, known, "consignee")
    elif kind == "to-order":
        name = values.get("to_order_of", "")
        parties["endorsee"] = _named_party(current, name, known, "to_order_of")
    notify = _plain_party((parties.get("notifyParties") or [None])[0], values.get("notify", ""))
    parties.pop("notifyParties", None)
    if notify is not None:
        parties["notifyParties"] = [notify]


def _set_transports(doc: dict[str, Any], values: Mapping[str, str]) -> None:
    transports = doc["transports"]
    for key, name in PLACES.items():
        location = {
            k: v
            for k, v in (
                ("locationName", values.get(f"{key}_name", "")),
                ("UNLocationCode", values.get(f"{key}_locode", "").upper()),
            )
            if v
        }
        transports.pop(name, None)
        if location:
            transports[name] = location
    transports.pop("preCarriageBy", None)
    if values.get("pre_carriage"):
        transports["preCarriageBy"] = values["pre_carriage"]
    voyage = transports["vesselVoyages"][0]
    voyage["vesselName"] = values.get("vessel", "")
    voyage["carrierExportVoyageNumber"] = values.get("voyage", "")
    voyage.pop("universalExportVoyageReference", None)
    if _UVR.fullmatch(values.get("voyage", "")):
        voyage["universalExportVoyageReference"] = values["voyage"]


def _set_equipment(doc: dict[str, Any], values: Mapping[str, str]) -> None:
    renamed: dict[str, str] = {}
    for i, ute in enumerate(doc["utilizedTransportEquipments"]):
        old = ute["equipment"]["equipmentReference"]
        new = values.get(f"container_{i}", "").upper()
        ute["equipment"]["equipmentReference"] = new
        renamed[old] = new
        seals = [s.strip() for s in values.get(f"seal_{i}", "").split(",") if s.strip()]
        ute["seals"] = [{"number": number, "source": "CAR"} for number in seals]
    for item in doc["consignmentItems"]:
        for cargo in item["cargoItems"]:
            cargo["equipmentReference"] = renamed.get(cargo["equipmentReference"], "")


_WHOLE = re.compile(r"[0-9]{1,9}")
_DECIMAL = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,6})?")


def _number(values: Mapping[str, str], field: str, kind: type[float] | type[int]) -> float | int:
    """A number typed in ASCII digits ('1,200.5' is fine; '²', 'nan', '1e999' are not)."""
    text = values.get(field, "").replace(",", "").strip()
    if not (_WHOLE if kind is int else _DECIMAL).fullmatch(text):
        what = "a whole number" if kind is int else "a number"
        raise FormFieldError(field, f"must be {what}")
    return kind(text)


def _set_goods(doc: dict[str, Any], values: Mapping[str, str]) -> None:
    for i, item in enumerate(doc["consignmentItems"]):
        lines = [line.strip() for line in values.get(f"goods_{i}", "").splitlines()]
        item["descriptionOfGoods"] = [line for line in lines if line]
        hs_codes = re.split(r"[\s,]+", values.get(f"hs_{i}", ""))
        item["HSCodes"] = [code for code in hs_codes if code]
        cargo = item["cargoItems"][0]
        cargo["cargoGrossWeight"]["value"] = _number(values, f"weight_{i}", float)
        cargo["outerPackaging"]["numberOfPackages"] = _number(values, f"packages_{i}", int)


def build(template: dict[str, Any], values: Mapping[str, str], known: Mapping[str, Party]) -> Any:
    """The transport document the form describes, starting from ``template``."""
    doc = copy.deepcopy(template)
    doc["transportDocumentReference"] = values.get("reference", "")
    _set_parties(doc, values, known)
    _set_transports(doc, values)
    _set_equipment(doc, values)
    _set_goods(doc, values)
    return doc
