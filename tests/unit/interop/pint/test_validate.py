"""The PINT receiver's checks against envelopes built by the independent peer simulator."""

from __future__ import annotations

from typing import Any

import pytest

from corridor.errors import MalformedInputError
from corridor.interop.dcsa.pint import Accepted, ResponseCode, Verdict, validate_envelope

from .conftest import Memory, Registry, peer_module

CARRIER, SHIPPER, BANK, IMPORTER = (
    peer_module.CARRIER,
    peer_module.SHIPPER,
    peer_module.BANK,
    peer_module.IMPORTER,
)
tx = peer_module.tx


def run(envelope: dict[str, Any], registry: Registry, memory: Memory) -> Verdict | Accepted:
    return validate_envelope(envelope, this_platform="CORR", keys=registry, known=memory)


def refused(result: Verdict | Accepted, code: ResponseCode, words: str = "") -> Verdict:
    assert isinstance(result, Verdict), result
    assert result.code is code, result.reason
    assert words in result.reason
    return result


def test_valid_envelope_is_accepted_with_nothing_missing(peer: Any, registry, memory) -> None:
    chain = peer.chain(*peer.standard_hops())
    result = run(peer.envelope(chain), registry, memory)
    assert isinstance(result, Accepted)
    assert result.missing == ()
    transfer = result.transfer
    assert transfer.recipient_id == "lioncity"
    assert transfer.sending_platform == "WAVE"
    assert transfer.last_checksum == peer_module.ascii_sha256(chain[-1])
    assert transfer.transport_document_checksum == peer.td_checksum
    assert transfer.chain == tuple(chain)


def test_single_hop_issue_straight_to_this_platform(peer, registry, memory) -> None:
    chain = peer.chain(("BOLE", [tx("ISSUE", CARRIER, IMPORTER)]))
    assert isinstance(run(peer.envelope(chain), registry, memory), Accepted)


@pytest.mark.parametrize("alg", ["RS256", "PS256", "ES256", "EdDSA"])
def test_every_algorithm_is_accepted(alg: str, peer, registry, memory) -> None:
    for code in ("BOLE", "WAVE", "WLSM"):
        signer = peer_module.Signer.generate(code, alg)
        peer.signers[code] = signer
        registry.keys = {k: v for k, v in registry.keys.items() if k[0] != code}
        registry.keys[(code, signer.kid)] = signer.public_key
    chain = peer.chain(*peer.standard_hops())
    assert isinstance(run(peer.envelope(chain), registry, memory), Accepted)


def test_declared_document_not_held_is_missing(peer, registry, memory) -> None:
    held = peer_module.Document("invoice.pdf", b"%PDF invoice")
    wanted = peer_module.Document("packing-list.pdf", b"%PDF packing list")
    memory.held.add(held.checksum)
    envelope = peer.envelope(peer.chain(*peer.standard_hops()), (held, wanted))
    result = run(envelope, registry, memory)
    assert isinstance(result, Accepted)
    assert result.missing == (wanted.checksum,)
    assert [d.checksum for d in result.transfer.documents] == [held.checksum, wanted.checksum]


# --- BSIG -----------------------------------------------------------------------------------


def test_flipped_bit_in_manifest(peer, registry, memory) -> None:
    envelope = peer.envelope(peer.chain(*peer.standard_hops()))
    envelope["envelopeManifestSignedContent"] = peer_module.flip_bit(
        envelope["envelopeManifestSignedContent"]
    )
    refused(run(envelope, registry, memory), ResponseCode.BSIG, "envelopeManifestSignedContent")


@pytest.mark.parametrize(("index", "segment"), [(0, 2), (1, 2), (0, 1), (1, 1)])
def test_flipped_bit_in_a_chain_entry(index: int, segment: int, peer, registry, memory) -> None:
    chain = peer.chain(*peer.standard_hops())
    chain[index] = peer_module.flip_bit(chain[index], segment)
    envelope = peer.envelope(chain)
    result = refused(run(envelope, registry, memory), ResponseCode.BSIG)
    assert result.last_checksum == peer_module.ascii_sha256(chain[-1])


def test_flipped_bit_in_issuance_manifest(peer, registry, memory) -> None:
    issuance = peer_module.flip_bit(peer.issuance_manifest())
    first = peer.entry(
        "BOLE", [tx("ISSUE", CARRIER, IMPORTER)], issuanceManifestSignedContent=issuance
    )
    refused(run(peer.envelope([first]), registry, memory), ResponseCode.BSIG, "issuance")


def test_entry_signed_by_another_platform(peer, registry, memory) -> None:
    hops = peer.standard_hops()
    chain = peer.chain(*hops)
    wave_signer = peer.signers["WAVE"]
    peer.signers["WAVE"] = peer.signers["BOLE"]  # BOLE's key claims to be WAVE's hop
    forged = peer.entry("WAVE", hops[1][1], chain[0])
    peer.signers["WAVE"] = wave_signer
    refused(run(peer.envelope([chain[0], forged]), registry, memory), ResponseCode.BSIG)


def test_unknown_platform_has_no_key(peer, registry, memory) -> None:
    registry.keys = {k: v for k, v in registry.keys.items() if k[0] != "WAVE"}
    envelope = peer.envelope(peer.chain(*peer.standard_hops()))
    refused(run(envelope, registry, memory), ResponseCode.BSIG, "no key registered for WAVE")


# --- BENV -----------------------------------------------------------------------------------


def test_broken_checksum_chain(peer, registry, memory) -> None:
    hops = peer.standard_hops()
    first = peer.entry(*hops[0])
    other_first = peer.entry("BOLE", [tx("ISSUE", CARRIER, SHIPPER)])
    second = peer.entry("WAVE", hops[1][1], other_first)
    refused(run(peer.envelope([first, second]), registry, memory), ResponseCode.BENV, "previous")


def test_manifest_names_another_last_entry(peer, registry, memory) -> None:
    chain = peer.chain(*peer.standard_hops())
    envelope = peer.envelope(chain[:1], sender="WAVE")
    envelope["envelopeTransferChain"] = chain
    refused(run(envelope, registry, memory), ResponseCode.BENV, "lastEnvelope")


def test_changed_transport_document(peer, registry, memory) -> None:
    envelope = peer.envelope(peer.chain(*peer.standard_hops()))
    envelope["transportDocument"]["numberOfOriginalsWithCharges"] = 2
    refused(run(envelope, registry, memory), ResponseCode.BENV, "checksum")


def test_first_transaction_not_issue(peer, registry, memory) -> None:
    chain = peer.chain(("BOLE", [tx("TRANSFER", SHIPPER, IMPORTER)]))
    refused(run(peer.envelope(chain), registry, memory), ResponseCode.BENV, "not ISSUE")


def test_issue_twice(peer, registry, memory) -> None:
    chain = peer.chain(
        ("BOLE", [tx("ISSUE", CARRIER, SHIPPER)]), ("BOLE", [tx("ISSUE", CARRIER, IMPORTER)])
    )
    refused(run(peer.envelope(chain), registry, memory), ResponseCode.BENV, "second ISSUE")


def test_transfer_after_sacc(peer, registry, memory) -> None:
    hops = [
        *peer.standard_hops()[:1],
        (
            "WAVE",
            [
                tx("SURRENDER_FOR_DELIVERY", BANK, CARRIER),
                tx("SACC", CARRIER, BANK),
                tx("TRANSFER", BANK, IMPORTER),
            ],
        ),
    ]
    refused(run(peer.envelope(peer.chain(*hops)), registry, memory), ResponseCode.BENV, "SURREND")


def test_surrender_not_to_issuing_carrier(peer, registry, memory) -> None:
    hops = [*peer.standard_hops()[:1], ("WAVE", [tx("SURRENDER_FOR_DELIVERY", BANK, IMPORTER)])]
    refused(
        run(peer.envelope(peer.chain(*hops)), registry, memory),
        ResponseCode.BENV,
        "issuing carrier",
    )


def test_action_by_a_party_without_control(peer, registry, memory) -> None:
    hops = [("BOLE", [tx("ISSUE", CARRIER, SHIPPER), tx("TRANSFER", BANK, IMPORTER)])]
    refused(run(peer.envelope(peer.chain(*hops)), registry, memory), ResponseCode.BENV)


def test_unknown_action_code(peer, registry, memory) -> None:
    hops = [("BOLE", [tx("ISSUE", CARRIER, SHIPPER), tx("TRNS", SHIPPER, IMPORTER)])]
    refused(run(peer.envelope(peer.chain(*hops)), registry, memory), ResponseCode.BENV, "TRNS")


def test_recipient_on_another_platform(peer, registry, memory) -> None:
    chain = peer.chain(("BOLE", [tx("ISSUE", CARRIER, SHIPPER), tx("TRANSFER", SHIPPER, BANK)]))
    refused(run(peer.envelope(chain), registry, memory), ResponseCode.BENV, "platform WAVE")


def test_recipient_unknown_locally(peer, registry, memory) -> None:
    stranger = peer_module.party("Someone Else", "CORR", ("CORR", "nobody"))
    chain = peer.chain(("BOLE", [tx("ISSUE", CARRIER, stranger)]))
    refused(run(peer.envelope(chain), registry, memory), ResponseCode.BENV, "not exactly one")


def test_control_tracking_registry(peer, registry, memory) -> None:
    first = peer.entry(
        "BOLE", [tx("ISSUE", CARRIER, IMPORTER)], controlTrackingRegistry="https://ctr.example/x"
    )
    refused(run(peer.envelope([first]), registry, memory), ResponseCode.BENV, "controlTracking")


def test_payload_breaking_the_schema(peer, registry, memory) -> None:
    first = peer.entry("BOLE", [])
    refused(run(peer.envelope([first]), registry, memory), ResponseCode.BENV, "transactions")


def test_straight_bill_is_never_endorsed(peer, registry, memory) -> None:
    peer.td["isToOrder"] = False
    refused(
        run(peer.envelope(peer.chain(*peer.standard_hops())), registry, memory),
        ResponseCode.BENV,
        "straight",
    )


# --- DISE, DUPE, malformed -------------------------------------------------------------------


def test_forked_chain_is_disputed(peer, registry, memory) -> None:
    hops = peer.standard_hops()
    known = peer.chain(hops[0], ("WAVE", [tx("TRANSFER", BANK, SHIPPER)]))
    memory.chains[peer.td_checksum] = {peer_module.ascii_sha256(jws) for jws in known}
    fork = [known[0], peer.entry("WAVE", hops[1][1], known[0])]
    refused(run(peer.envelope(fork), registry, memory), ResponseCode.DISE, "forks")


def test_same_last_checksum_is_duplicate(peer, registry, memory) -> None:
    doc = peer_module.Document("invoice.pdf", b"%PDF")
    chain = peer.chain(*peer.standard_hops())
    memory.accepted.add(peer_module.ascii_sha256(chain[-1]))
    memory.chains[peer.td_checksum] = {peer_module.ascii_sha256(jws) for jws in chain}
    result = refused(run(peer.envelope(chain, (doc,)), registry, memory), ResponseCode.DUPE)
    assert result.duplicate_of == chain[-1]
    assert result.received == (doc.checksum,)


def test_resend_after_the_node_passed_the_ebl_on_is_still_duplicate(peer, registry, memory) -> None:
    chain = peer.chain(*peer.standard_hops())
    memory.accepted.add(peer_module.ascii_sha256(chain[-1]))
    later = peer_module.ascii_sha256("a later entry this node signed when it passed the eBL on")
    memory.chains[peer.td_checksum] = {peer_module.ascii_sha256(jws) for jws in chain} | {later}
    refused(run(peer.envelope(chain), registry, memory), ResponseCode.DUPE)


def test_an_ebl_held_live_here_is_disputed(peer, registry, memory) -> None:
    memory.live.add(peer.td_checksum)
    chain = peer.chain(*peer.standard_hops())
    refused(run(peer.envelope(chain), registry, memory), ResponseCode.DISE, "second time")


@pytest.mark.parametrize(
    "envelope",
    [
        [],
        {},
        {"envelopeTransferChain": []},
        {"envelopeTransferChain": [1]},
        {"envelopeTransferChain": ["a.b.c"], "envelopeManifestSignedContent": "x"},
        {"envelopeTransferChain": ["a.b.c"], "transportDocument": {}},
    ],
)
def test_no_findable_last_entry_is_malformed(envelope: Any, registry, memory) -> None:
    with pytest.raises(MalformedInputError):
        run(envelope, registry, memory)
