"""The plain words the pages use for action codes, statuses and kinds of bill."""

from __future__ import annotations

from corridor.domain.title import ActionCode, BillKind, Status, TitleRecord

BUTTONS: dict[ActionCode, str] = {
    ActionCode.ENDORSE_TO_ORDER: "Endorse to order",
    ActionCode.ENDORSE: "Endorse (final)",
    ActionCode.TRANSFER: "Transfer possession",
    ActionCode.BLANK_ENDORSE: "Endorse in blank",
    ActionCode.SIGN: "Sign",
    ActionCode.SURRENDER_FOR_DELIVERY: "Surrender for delivery",
    ActionCode.SURRENDER_FOR_AMENDMENT: "Surrender for amendment",
    ActionCode.SACC: "Accept surrender",
    ActionCode.SREJ: "Reject surrender",
    ActionCode.VOID: "Void (switch to paper)",
}
"""Submit button of each action form."""

RECIPIENT_LABELS: dict[ActionCode, str] = {
    ActionCode.ENDORSE_TO_ORDER: "Endorse to order of",
    ActionCode.ENDORSE: "Endorse to (no further endorsement)",
    ActionCode.TRANSFER: "Transfer possession to",
}
"""Label of the recipient select, for the actions whose recipient the party chooses."""

HINTS: dict[ActionCode, str] = {
    ActionCode.ENDORSE_TO_ORDER: "The new endorsee may endorse the bill further.",
    ActionCode.ENDORSE: "The new endorsee cannot endorse the bill further.",
    ActionCode.TRANSFER: "Hands the bill over; the new holder controls it.",
    ActionCode.BLANK_ENDORSE: "Makes it a bearer bill: whoever holds it may claim the goods.",
    ActionCode.SIGN: "Adds your signature without changing who holds the bill.",
    ActionCode.SURRENDER_FOR_DELIVERY: "Returns the bill to the carrier to take delivery.",
    ActionCode.SURRENDER_FOR_AMENDMENT: "Returns the bill to the carrier to amend it.",
    ActionCode.SACC: "The surrender is final; the cargo is released.",
    ActionCode.SREJ: "Hands the bill back to the party that surrendered it.",
    ActionCode.VOID: "Ends the electronic bill, e.g. to switch to paper.",
}

DONE: dict[str, str] = {
    ActionCode.ISSUE: "Issued",
    ActionCode.TRANSFER: "Transferred possession",
    ActionCode.ENDORSE: "Endorsed (final)",
    ActionCode.ENDORSE_TO_ORDER: "Endorsed to order",
    ActionCode.BLANK_ENDORSE: "Endorsed in blank",
    ActionCode.SIGN: "Signed",
    ActionCode.SURRENDER_FOR_DELIVERY: "Surrendered for delivery",
    ActionCode.SURRENDER_FOR_AMENDMENT: "Surrendered for amendment",
    ActionCode.SACC: "Surrender accepted",
    ActionCode.SREJ: "Surrender rejected",
    ActionCode.VOID: "Voided",
    ActionCode.IMPORT: "Arrived from another platform (PINT)",
    ActionCode.EXPORT: "Accepted by the other platform (PINT)",
    ActionCode.RETURN: "Came back: the other platform refused it (PINT)",
}
"""Past tense of each action, for the timeline and the flash message."""

STATUSES: dict[str, str] = {
    Status.ISSUED: "Issued",
    Status.SURRENDER_PENDING: "Surrender pending",
    Status.SURRENDERED: "Surrendered (delivered)",
    Status.SURRENDERED_FOR_AMENDMENT: "Surrendered for amendment",
    Status.VOID: "Void",
    Status.EXPORTED: "Exported to another platform",
}


def sentence(text: str) -> str:
    """``text`` ending in one full stop (party names often end in "Ltd.")."""
    return text if text.endswith(".") else text + "."


def done(code: str) -> str:
    return DONE.get(code, code)


def status(code: str) -> str:
    return STATUSES.get(code, code)


def endorsement(record: TitleRecord, names: dict[str, str]) -> str:
    """The endorsement status of the bill in one sentence."""
    if record.kind is BillKind.STRAIGHT:
        consignee = names.get(record.consignee or "", record.consignee or "?")
        return f"Straight bill, not negotiable: consignee {consignee}"
    if record.kind is BillKind.BLANK_ENDORSED:
        return "Endorsed in blank: a bearer bill; whoever holds it is the holder"
    endorsee = names.get(record.endorsee or "", record.endorsee or "?")
    if record.may_endorse:
        return f"To order of {endorsee} (may endorse further)"
    return f"Endorsed to {endorsee} (final endorsee; cannot endorse further)"
