"""Run by test_crash.py in a child process: act as fast as possible, print each ack, get killed."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from corridor.domain.title import ActionCode
from corridor.services.node import Node


def main(home: str, refs: list[str], first: str, second: str) -> None:
    node = Node.open(Path(home))
    lock = threading.Lock()

    def client(ref: str) -> None:
        holder, other = first, second
        while True:
            receipt = node.act(ref, ActionCode.TRANSFER, actor=holder, recipient=other)
            with lock:
                print(f"ACK {ref} {receipt.sequence}", flush=True)
            holder, other = other, holder

    for ref in refs:
        threading.Thread(target=client, args=(ref,), daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[4:], sys.argv[2], sys.argv[3])
