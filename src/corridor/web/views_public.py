"""Public pages, no sign-in: verify a bundle as ``corridor verify`` does, and audit the log.

``/verify`` takes a bundle file (or its pasted JSON, up to 5 MB) and shows VALID with what the
bundle proves, or INVALID with the name of the failed check and its sentence, as TradeTrust's
verifier does. ``/log`` shows the latest signed checkpoint, the stored checkpoints, and checks an
RFC 9162 consistency proof between two tree sizes, computed by the node and checked here with
``ledger.merkle.verify_consistency``.
"""

from __future__ import annotations

import base64
import logging
import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from corridor.api.auth import node_of
from corridor.api.ratelimit import public_rate_limit
from corridor.api.routes_log import verify_result
from corridor.api.schemas import VerifyOut
from corridor.crypto.canonical import parse_json
from corridor.errors import CorridorError, InputError
from corridor.ledger.merkle import verify_consistency
from corridor.services import proofs
from corridor.services.node import Node
from corridor.storage import repository as repo
from corridor.web import session
from corridor.web.forms import TooLargeError, read_form
from corridor.web.templating import page

router = APIRouter(include_in_schema=False)
log = logging.getLogger("corridor.web")
_LIMITED = [Depends(public_rate_limit)]
_TREE_SIZE = re.compile(r"[0-9]{1,16}")


def _verify_page(
    request: Request, result: VerifyOut | None, problem: str | None, status: int = 200
) -> Response:
    context = {"title": "Verify a document", "result": result, "error": problem}
    return page(request, "verify.html", context, status)


@router.get("/verify")
def verify_form(request: Request) -> Response:
    return _verify_page(request, None, None)


def _check(data: bytes) -> VerifyOut:
    bundle = parse_json(data)
    if not isinstance(bundle, dict):
        raise InputError("a bundle is one JSON object; this file holds something else")
    try:
        return verify_result(bundle)
    except CorridorError as failure:
        return VerifyOut(valid=False, check="bundle-format", detail=failure.message)
    except Exception:  # verification fails closed, whatever the file holds
        log.exception("bundle verification failed unexpectedly")
        detail = "the bundle could not be read as a corridor-bundle/1 file"
        return VerifyOut(valid=False, check="bundle-format", detail=detail)


async def _bundle_bytes(request: Request) -> bytes:
    form = await read_form(request, files=("bundle",))
    session.check_csrf(request, form.text(session.CSRF_FIELD))
    data = form.files["bundle"]
    if data is None or not data.strip():
        data = form.text("pasted", 6 * 1024 * 1024).encode()
    if not data.strip():
        raise InputError("choose a bundle file, or paste the bundle's JSON")
    return data


@router.post("/verify", dependencies=_LIMITED)
async def verify(request: Request) -> Response:
    try:
        data = await _bundle_bytes(request)
        result = await run_in_threadpool(_check, data)
    except TooLargeError as refused:
        return _verify_page(request, None, f"Not checked: {refused.message}.", 413)
    except InputError as refused:
        return _verify_page(request, None, f"Not checked: {refused.message}.", 422)
    return _verify_page(request, result, None)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _size(raw: str | None) -> int | None:
    """A tree size typed by the reader: ASCII digits only (``'²'.isdigit()`` is True)."""
    text = "" if raw is None else raw.strip()
    if not text:
        return None
    if not _TREE_SIZE.fullmatch(text):
        raise InputError(f"a tree size is a whole number of leaves, not {text[:20]!r}")
    return int(text)


def consistency(node: Node, first: int, second: int) -> dict[str, Any]:
    """Compute the node's proof and check it independently."""
    proof = proofs.consistency_proof(node, first, second)
    first_root = proofs.root_at(node, first)
    second_root = proofs.root_at(node, second)
    ok = verify_consistency(first, second, first_root, second_root, proof.path)
    return {
        "first": first,
        "second": second,
        "first_root": _b64(first_root),
        "second_root": _b64(second_root),
        "path": [_b64(h) for h in proof.path],
        "consistent": ok,
    }


def _log_context(node: Node, first_raw: str | None, second_raw: str | None) -> dict[str, Any]:
    head = proofs.latest_checkpoint(node)
    with node.engine.connect() as conn:
        stored = repo.checkpoint_notes(conn)
    context: dict[str, Any] = {
        "title": "The log",
        "head": head,
        "root_b64": _b64(head.root_hash),
        "stored": sorted(stored, reverse=True)[:100],
        "proof": None,
        "first": first_raw or "",
        "second": second_raw or "",
    }
    try:
        first, second = _size(first_raw), _size(second_raw)
        if first is not None or second is not None:
            if first is None or second is None:
                raise InputError("give both tree sizes")
            context["proof"] = consistency(node, first, second)
    except CorridorError as refused:
        context["error"] = f"Not checked: {refused.message}."
    return context


@router.get("/log", dependencies=_LIMITED)
def log_page(request: Request, first: str | None = None, second: str | None = None) -> Response:
    context = _log_context(node_of(request), first, second)
    status = 422 if context.get("error") else 200
    return page(request, "log.html", context, status)
