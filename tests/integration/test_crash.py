"""Invariant 4: a crash never loses an acknowledged action and never yields two controllers.

A child process transfers several eBLs back and forth as fast as it can, printing each
acknowledgement; it is killed with SIGKILL mid-stream. Reopened, the node must hold every
acknowledged action, audit clean, and give each eBL exactly one controller.
"""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from corridor.domain.party import Role
from corridor.services.audit import audit
from corridor.services.node import Node

WORKER = Path(__file__).with_name("crash_worker.py")
ACKS_BEFORE_KILL = 60


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_kill_during_group_commit_loses_no_acknowledged_action(
    make_node: Callable[..., Node], td: dict[str, Any]
) -> None:
    node = make_node()
    carrier = node.add_party("Carrier Co", frozenset({Role.CARRIER})).party_id
    first = node.add_party("First Holder Ltd", frozenset({Role.TRADER})).party_id
    second = node.add_party("Second Holder Ltd", frozenset({Role.TRADER})).party_id
    refs = []
    for i in range(4):
        doc = copy.deepcopy(td)
        doc["transportDocumentReference"] = f"CRASH{i:04d}"
        doc["documentParties"].pop("endorsee")
        doc["documentParties"]["issuingParty"]["partyName"] = "Carrier Co"
        refs.append(node.issue(doc, carrier=carrier, to=first).document_reference)
    node.close()

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("CORRIDOR_DATABASE_URL", None)
    acked: dict[str, int] = {}
    with subprocess.Popen(
        [sys.executable, str(WORKER), str(node.home), first, second, *refs],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as child:
        assert child.stdout is not None
        for count, line in enumerate(child.stdout, start=1):
            _, ref, sequence = line.split()
            acked[ref] = max(acked.get(ref, 0), int(sequence))
            if count >= ACKS_BEFORE_KILL:
                child.send_signal(signal.SIGKILL)
                break
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert len(acked) == len(refs)

    reopened = Node.open(node.home)
    try:
        for ref, sequence in acked.items():
            record = reopened.record(ref).record
            assert record.version >= sequence, f"{ref}: acknowledged #{sequence} was lost"
            assert record.controller in (first, second)
        report = audit(reopened)
        assert report.ok, report.problems
    finally:
        reopened.close()
