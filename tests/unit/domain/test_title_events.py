"""Title actions as TNT 3.0.0 SHIPMENT events (``corridor.domain.title_events``)."""

from __future__ import annotations

import pytest

from corridor.domain.title import ActionCode
from corridor.domain.title_events import title_event
from corridor.domain.tnt_event import check_event
from corridor.interop.dcsa.schema import schema_errors
from corridor.interop.dcsa.schema_loader import TNT30_SPEC_FILE

HASH = "3f" * 32


def _event(code: ActionCode, surrendered_for: ActionCode | None = None) -> dict[str, object] | None:
    return title_event(
        reference="WLSM26CQSG0001",
        code=code,
        action_date_time="2026-03-18T09:30:00Z",
        entry_hash=HASH,
        platform="CQCO",
        surrendered_for=surrendered_for,
    )


@pytest.mark.parametrize(
    ("code", "surrendered_for", "shipment_event_type"),
    [
        (ActionCode.ISSUE, None, "ISSUED"),
        (ActionCode.SURRENDER_FOR_DELIVERY, None, "PENDING_SURRENDER_FOR_DELIVERY"),
        (ActionCode.SURRENDER_FOR_AMENDMENT, None, "PENDING_SURRENDER_FOR_AMENDMENT"),
        (ActionCode.SACC, ActionCode.SURRENDER_FOR_DELIVERY, "SURRENDERED"),
        (ActionCode.SACC, ActionCode.SURRENDER_FOR_AMENDMENT, "SURRENDERED_FOR_AMENDMENT"),
        (ActionCode.SREJ, None, "DECLINED"),
        (ActionCode.VOID, None, "VOIDED"),
    ],
)
def test_title_actions_map_to_valid_shipment_events(
    code: ActionCode, surrendered_for: ActionCode | None, shipment_event_type: str
) -> None:
    event = _event(code, surrendered_for)
    assert event is not None
    assert schema_errors(TNT30_SPEC_FILE, "Event", event) == []
    facts = check_event(event)
    assert event["eventClassification"] == {
        "eventType": "SHIPMENT",
        "eventClassifier": "ACTUAL",
        "shipmentEventType": shipment_event_type,
    }
    assert event["shipmentDetails"] == {
        "documentReference": {"type": "TRANSPORT_DOCUMENT", "reference": "WLSM26CQSG0001"}
    }
    assert event["eventID"] == f"corridor-title-{HASH}"
    assert facts is not None


@pytest.mark.parametrize(
    "code",
    [
        ActionCode.TRANSFER,
        ActionCode.ENDORSE,
        ActionCode.ENDORSE_TO_ORDER,
        ActionCode.BLANK_ENDORSE,
        ActionCode.SIGN,
        ActionCode.IMPORT,
        ActionCode.EXPORT,
        ActionCode.RETURN,
    ],
)
def test_actions_without_a_shipment_word_give_no_event(code: ActionCode) -> None:
    assert _event(code) is None


def test_an_acceptance_without_its_surrender_gives_no_event() -> None:
    assert _event(ActionCode.SACC) is None
