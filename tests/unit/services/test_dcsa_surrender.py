"""DCSA EBL_SUR 3.0.3, platform side: surrender requests to the carrier's system and answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from corridor.domain.title import ActionCode, Status
from corridor.errors import ConflictError, DocumentRuleError, NotFoundError, TransitionError
from corridor.interop.dcsa.schema import SUR_SPEC_FILE, schema_errors
from corridor.services.dcsa_surrender import Surrenders, surrender_hook
from corridor.services.platforms import Platforms

from .conftest import PlatformSide

REF = "WLSM26CQSG0001"


def _surrendered(platform: PlatformSide, sim: Any, code: ActionCode, **extra: Any) -> None:
    """Issue the demo bill to the exporter (its endorsee), sign it, and surrender it."""
    node, ids = platform.node, platform.ids
    node.issue(sim.td(REF), carrier=ids["carrier"], to=ids["exporter"])
    node.act(REF, ActionCode.SIGN, actor=ids["exporter"])
    node.act(REF, code, actor=ids["exporter"], recipient=ids["carrier"], **extra)


def _surrenders(platform: PlatformSide) -> Surrenders:
    return Surrenders(platform.node, platform.outbox)


def _request_sent(platform: PlatformSide) -> dict[str, Any]:
    assert platform.outbox.deliver_due() == 1
    call = platform.carrier.calls[-1]
    assert call.method == "POST"
    assert call.url == "http://carrier.test/v3/ebl-surrender-requests"
    assert schema_errors(SUR_SPEC_FILE, "SurrenderRequestDetails", call.body) == []
    body: dict[str, Any] = call.body
    return body


def _answer(platform: PlatformSide, reference: str, action: str, **extra: Any) -> None:
    body = {"surrenderRequestReference": reference, "action": action, **extra}
    assert schema_errors(SUR_SPEC_FILE, "SurrenderRequestAnswer", body) == []
    _surrenders(platform).answer(json.dumps(body))


def test_a_surrender_for_delivery_sends_sreq_with_the_chain(
    platform: PlatformSide, sim: Any
) -> None:
    _surrendered(platform, sim, ActionCode.SURRENDER_FOR_DELIVERY)
    sent = _surrenders(platform).request(REF)
    assert sent is not None
    body = _request_sent(platform)
    assert body["surrenderRequestReference"] == sent.surrender_request_reference
    assert len(sent.surrender_request_reference) >= 32
    assert body["transportDocumentReference"] == REF
    assert body["surrenderRequestCode"] == "SREQ"
    chain = body["endorsementChain"]
    assert [link["actionCode"] for link in chain] == ["ISSUE", "SIGN", "SURRENDER_FOR_DELIVERY"]
    assert chain[1]["recipient"] == {
        "eblPlatform": "NONE",
        "partyName": "NONE",
        "identifyingCodes": [{"codeListProvider": "NONE", "partyCode": "NONE"}],
    }
    carrier = platform.ids["carrier"]
    assert chain[2]["recipient"]["identifyingCodes"][0] == {
        "codeListProvider": "CRDR",
        "partyCode": carrier,
    }
    history = platform.node.history(REF)
    assert [link["auditReference"] for link in chain] == [h.row.entry_hash for h in history]


def test_a_surrender_for_amendment_sends_areq_with_its_reason(
    platform: PlatformSide, sim: Any
) -> None:
    _surrendered(
        platform, sim, ActionCode.SURRENDER_FOR_AMENDMENT, reason_code="SWTP", comments="to paper"
    )
    _surrenders(platform).request(REF)
    body = _request_sent(platform)
    assert body["surrenderRequestCode"] == "AREQ"
    assert body["reasonCode"] == "SWTP"
    assert body["comments"] == "to paper"


def test_asking_again_returns_the_same_request(platform: PlatformSide, sim: Any) -> None:
    _surrendered(platform, sim, ActionCode.SURRENDER_FOR_DELIVERY)
    first = _surrenders(platform).request(REF)
    again = _surrenders(platform).request(REF)
    assert first is not None
    assert again is not None
    assert again.surrender_request_reference == first.surrender_request_reference
    assert platform.outbox.deliver_due() == 1


def test_no_carrier_system_means_no_request(platform: PlatformSide, sim: Any) -> None:
    Platforms(platform.node).remove(sim.CARRIER_CODE)
    _surrendered(platform, sim, ActionCode.SURRENDER_FOR_DELIVERY)
    assert _surrenders(platform).request(REF) is None
    assert platform.outbox.deliver_due() == 0


def test_only_a_pending_surrender_is_requested(platform: PlatformSide, sim: Any) -> None:
    ids = platform.ids
    platform.node.issue(sim.td(REF), carrier=ids["carrier"], to=ids["exporter"])
    with pytest.raises(TransitionError, match="no surrender pending"):
        _surrenders(platform).request(REF)


def test_surr_accepts_the_surrender(platform: PlatformSide, sim: Any) -> None:
    _surrendered(platform, sim, ActionCode.SURRENDER_FOR_DELIVERY)
    sent = _surrenders(platform).request(REF)
    assert sent is not None
    _answer(platform, sent.surrender_request_reference, "SURR")
    record = platform.node.record(REF).record
    assert record.status is Status.SURRENDERED
    last = platform.node.history(REF)[-1].payload
    assert last.action_code is ActionCode.SACC
    assert last.actor == platform.ids["carrier"]
    with pytest.raises(ConflictError, match="already answered"):
        _answer(platform, sent.surrender_request_reference, "SREJ", comments="again")


def test_surr_of_an_amendment_surrenders_for_amendment(platform: PlatformSide, sim: Any) -> None:
    _surrendered(platform, sim, ActionCode.SURRENDER_FOR_AMENDMENT, reason_code="COD")
    sent = _surrenders(platform).request(REF)
    assert sent is not None
    _answer(platform, sent.surrender_request_reference, "SURR")
    assert platform.node.record(REF).record.status is Status.SURRENDERED_FOR_AMENDMENT


def test_srej_returns_the_bill_to_the_surrenderer(platform: PlatformSide, sim: Any) -> None:
    _surrendered(platform, sim, ActionCode.SURRENDER_FOR_DELIVERY)
    sent = _surrenders(platform).request(REF)
    assert sent is not None
    _answer(platform, sent.surrender_request_reference, "SREJ", comments="freight unpaid")
    record = platform.node.record(REF).record
    assert record.status is Status.ISSUED
    assert record.possessor == platform.ids["exporter"]
    assert platform.node.history(REF)[-1].payload.comments == "freight unpaid"


def test_srej_needs_comments(platform: PlatformSide, sim: Any) -> None:
    _surrendered(platform, sim, ActionCode.SURRENDER_FOR_DELIVERY)
    sent = _surrenders(platform).request(REF)
    assert sent is not None
    with pytest.raises(DocumentRuleError) as caught:
        _answer(platform, sent.surrender_request_reference, "SREJ")
    assert caught.value.location == "/comments"
    assert platform.node.record(REF).record.status is Status.SURRENDER_PENDING


def test_an_unknown_reference_is_not_found(platform: PlatformSide) -> None:
    with pytest.raises(NotFoundError):
        _answer(platform, "never-sent", "SURR")


def test_an_answer_to_a_surrender_no_longer_pending_is_a_conflict(
    platform: PlatformSide, sim: Any
) -> None:
    node, ids = platform.node, platform.ids
    _surrendered(platform, sim, ActionCode.SURRENDER_FOR_DELIVERY)
    stale = _surrenders(platform).request(REF)
    assert stale is not None
    node.act(REF, ActionCode.SREJ, actor=ids["carrier"], recipient=ids["exporter"], comments="no")
    node.act(
        REF, ActionCode.SURRENDER_FOR_DELIVERY, actor=ids["exporter"], recipient=ids["carrier"]
    )
    fresh = _surrenders(platform).request(REF)
    assert fresh is not None
    assert fresh.surrender_request_reference != stale.surrender_request_reference
    with pytest.raises(ConflictError, match="no longer pending"):
        _answer(platform, stale.surrender_request_reference, "SURR")
    assert node.record(REF).record.status is Status.SURRENDER_PENDING
    _answer(platform, fresh.surrender_request_reference, "SURR")
    assert node.record(REF).record.status is Status.SURRENDERED


def test_a_malformed_answer_is_refused(platform: PlatformSide) -> None:
    with pytest.raises(DocumentRuleError) as caught:
        _surrenders(platform).answer(b'{"surrenderRequestReference": "x", "action": "OK"}')
    assert caught.value.location == "/action"


def test_the_surrender_hook_queues_the_request_as_the_surrender_lands(
    platform: PlatformSide, sim: Any
) -> None:
    woken: list[str] = []
    platform.node.on_surrender = surrender_hook(_surrenders(platform), lambda: woken.append("w"))
    _surrendered(platform, sim, ActionCode.SURRENDER_FOR_DELIVERY)
    (sent,) = _surrenders(platform).sent(REF)
    assert woken == ["w"]
    assert _request_sent(platform)["surrenderRequestReference"] == sent.surrender_request_reference


def test_the_surrender_hook_never_fails_the_surrender(
    platform: PlatformSide, sim: Any, caplog: pytest.LogCaptureFixture
) -> None:
    def failing(_reference: str) -> None:
        raise ConflictError("the bill changed meanwhile")

    surrenders = _surrenders(platform)
    surrenders.request = failing  # type: ignore[method-assign]
    woken: list[str] = []
    platform.node.on_surrender = surrender_hook(surrenders, lambda: woken.append("w"))
    with caplog.at_level("WARNING", logger="corridor.dcsa"):
        _surrendered(platform, sim, ActionCode.SURRENDER_FOR_DELIVERY)
    assert platform.node.record(REF).record.status is Status.SURRENDER_PENDING
    assert woken == []
    assert "the bill changed meanwhile" in caplog.text


def test_no_hook_call_without_a_carrier_system_or_for_other_actions(
    platform: PlatformSide, sim: Any
) -> None:
    Platforms(platform.node).remove(sim.CARRIER_CODE)
    woken: list[str] = []
    platform.node.on_surrender = surrender_hook(_surrenders(platform), lambda: woken.append("w"))
    _surrendered(platform, sim, ActionCode.SURRENDER_FOR_DELIVERY)
    assert woken == []
    assert _surrenders(platform).sent(REF) == []
