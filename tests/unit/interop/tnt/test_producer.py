"""A reporting party's pushed events are bound to it: which codes name it, what is refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.tnt_samples import equipment_event, example

from corridor.domain.party import IdentifyingCode, Party, Role
from corridor.domain.tnt_event import EventRuleError, origin_of
from corridor.interop.dcsa.tnt.producer import ReporterBinding
from corridor.interop.dcsa.tnt.validate import check_tnt_event

PLATFORM = "CRDR"
CARRIER = Party(
    "exco-lines",
    "Example Container Lines",
    frozenset({Role.CARRIER}),
    tuple(
        IdentifyingCode.parse(code)
        for code in (
            "USCC:91500000MA5U7XQ20Y",
            "UEN:201912345R",
            "LEI:5493001CQYZB7K3N9T60",
            "DCSA:did:web:exco.example",
            "SMDG:EXCO",
        )
    ),
    PLATFORM,
)
OWN = {"codeListProvider": PLATFORM, "partyCode": "exco-lines"}
SCAC = {"codeListProvider": "NMFTA", "codeListName": "SCAC", "partyCode": "EXCO"}  # not registered

NAMING = [
    OWN,
    {**OWN, "partyFunction": "CA"},
    {"codeListProvider": "GLEIF", "codeListName": "LEI", "partyCode": "5493001CQYZB7K3N9T60"},
    {"codeListProvider": "GLEIF", "partyCode": " 5493001cqyzb7k3n9t60 "},
    {"codeListProvider": "DCSA", "partyCode": "did:web:exco.example"},
    {"codeListProvider": "ZZZ", "codeListName": "USCC", "partyCode": "91500000MA5U7XQ20Y"},
    {"codeListProvider": "ZZZ", "codeListName": "UEN", "partyCode": "201912345R"},
    {"codeListProvider": "SMDG", "partyCode": "EXCO"},
    {"codeListProvider": "SMDG", "codeListName": "LCL", "partyCode": "exco"},
]
NOT_NAMING = [
    {"codeListProvider": "OTHR", "partyCode": "exco-lines"},  # another platform's party
    {"codeListProvider": PLATFORM, "partyCode": "someone-else"},
    {"codeListProvider": "GLEIF", "codeListName": "DUNS", "partyCode": "5493001CQYZB7K3N9T60"},
    {"codeListProvider": "GLEIF", "partyCode": "5493006SGSTRM8RCH576"},  # another LEI
    {"codeListProvider": "DCSA", "partyCode": "did:web:EXCO.example"},  # DCSA codes keep case
    {"codeListProvider": "ZZZ", "codeListName": "LEI", "partyCode": "5493001CQYZB7K3N9T60"},
    {"codeListProvider": "SMDG", "codeListName": "TCL", "partyCode": "EXCO"},  # not the liners'
    SCAC,
    {"codeListProvider": PLATFORM},
    {"partyCode": "exco-lines"},
    {"codeListProvider": PLATFORM, "partyCode": 7},
    {"codeListProvider": "GLEIF", "codeListName": 5, "partyCode": "5493001CQYZB7K3N9T60"},
    "exco-lines",
    None,
]


def binding() -> ReporterBinding:
    return ReporterBinding(CARRIER)


def routed(*parties: Any, event: dict[str, Any] | None = None) -> dict[str, Any]:
    return {**(event or equipment_event()), "eventRouting": {"originatingParties": list(parties)}}


@pytest.mark.parametrize("code", NAMING)
def test_the_codes_that_name_the_reporter(code: dict[str, Any]) -> None:
    assert binding().names(code)
    event = routed(code)
    assert binding().bind(event) == event  # taken as sent


@pytest.mark.parametrize("code", NOT_NAMING)
def test_any_other_party_is_refused_by_its_place(code: Any) -> None:
    assert not binding().names(code)
    with pytest.raises(EventRuleError) as refused:
        binding().bind(routed(OWN, code))
    assert refused.value.field == "eventRouting.originatingParties[1]"
    assert "Example Container Lines" in refused.value.reason
    assert '"partyCode": "exco-lines"' in refused.value.reason  # says how to name itself


@pytest.mark.parametrize(
    "routing",
    [None, {}, {"originatingParties": []}, {"originatingParties": None}],
)
def test_an_event_without_originating_parties_becomes_the_reporters(
    routing: dict[str, Any] | None,
) -> None:
    event = equipment_event()
    if routing is not None:
        event["eventRouting"] = routing
    sent = copy.deepcopy(event)
    bound: Any = binding().bind(event)
    assert bound["eventRouting"]["originatingParties"] == [OWN]
    assert origin_of(bound) == origin_of(routed(OWN))
    assert event == sent  # the request's object is not changed
    check_tnt_event(bound)  # still a valid TNT 3.0.0 event


def test_the_rest_of_the_routing_is_kept() -> None:
    destination = {"codeListProvider": "GLEIF", "partyCode": "5493006SGSTRM8RCH576"}
    event = {**equipment_event(), "eventRouting": {"destinationParties": [destination]}}
    bound: Any = binding().bind(event)
    assert bound["eventRouting"] == {
        "originatingParties": [OWN],
        "destinationParties": [destination],
    }


def test_a_retraction_is_bound_too() -> None:
    """Without it, a reporter's retraction would hit the events of 'no originating party'."""
    bound: Any = binding().bind({"eventID": "evt-1", "isRetracted": True})
    assert bound == {
        "eventID": "evt-1",
        "isRetracted": True,
        "eventRouting": {"originatingParties": [OWN]},
    }
    with pytest.raises(EventRuleError):
        binding().bind({"eventID": "evt-1", "isRetracted": True, **routed(SCAC, event={})})


@pytest.mark.parametrize(
    ("routing", "field"),
    [
        ("CRDR", "eventRouting"),
        ([OWN], "eventRouting"),
        ({"originatingParties": OWN}, "eventRouting.originatingParties"),
    ],
)
def test_a_routing_of_the_wrong_shape_is_refused(routing: Any, field: str) -> None:
    with pytest.raises(EventRuleError) as refused:
        binding().bind({**equipment_event(), "eventRouting": routing})
    assert refused.value.field == field


def test_the_code_dialect_is_checked_as_sent_and_stored_in_words() -> None:
    [dcsa] = example("tnt300-request-transport.json")["events"]
    assert dcsa["eventRouting"]["originatingParty"]["codeListProvider"] == "SMDG"
    assert dcsa["eventRouting"]["originatingParty"]["partyCode"] == "EXCO"  # DCSA's own example
    bound: Any = binding().bind(dcsa)
    assert bound["eventRouting"] == {
        "originatingParties": [dcsa["eventRouting"]["originatingParty"]]
    }
    assert bound["eventClassification"]["eventClassifier"] == "ACTUAL"
    forged = {**dcsa, "eventRouting": {"originatingParty": SCAC}}
    with pytest.raises(EventRuleError) as refused:
        binding().bind(forged)
    assert refused.value.field == "eventRouting.originatingParty"


def test_what_is_not_an_event_is_left_to_the_event_gate() -> None:
    raws: tuple[object, ...] = ([], "event", 5, None)
    for raw in raws:
        assert binding().bind(raw) is raw


@given(st.lists(st.sampled_from(range(len(NAMING) + len(NOT_NAMING))), min_size=1, max_size=6))
def test_an_event_is_taken_exactly_when_every_originating_party_names_the_reporter(
    picks: list[int],
) -> None:
    """So a reporter never writes under a key that includes another producer."""
    codes = [(NAMING + NOT_NAMING)[pick] for pick in picks]
    event = routed(*codes)
    foreign = [i for i, pick in enumerate(picks) if pick >= len(NAMING)]
    if foreign:
        with pytest.raises(EventRuleError) as refused:
            binding().bind(event)
        assert refused.value.field == f"eventRouting.originatingParties[{foreign[0]}]"
    else:
        assert origin_of(binding().bind(event)) == origin_of(event)  # type: ignore[arg-type]
