"""``corridor events import|list``: tracking events (DCSA Track & Trace) in and out of the store.

``import FILE`` reads DCSA JSON (TNT 3.0 ``{"events": [...]}``, a TNT 2.2 or 3.0 array),
UN/EDIFACT IFTSTA or the rail operators' CSV, and stores every good event
(``services.events``). The format is ``--format`` or guessed: from the extension (``.json``,
``.edi``/``.edifact``/``.iftsta``, ``.csv``), else from the first characters (``{``/``[``: JSON;
``UNA``/``UNB``/``UNH``: EDIFACT; otherwise CSV). Each refused record is printed on stderr with
its place (``line 12: ...``, ``events[3]: ...``) and the rest still load; a summary follows.
A DCSA JSON file is read an event at a time as it is stored (``interop.json_array``), so its
size is bounded by disk, not memory; the progress bar then counts records without a total.
Exit code 0 if at least one event was read, 2 if none could be (every record refused, or none
found), 5 if the file cannot be read at all.
"""

from __future__ import annotations

import codecs
import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from corridor.cli.common import HomeOption, err, handle_errors, out
from corridor.cli.context import opened_node
from corridor.domain.tnt_query import EventFilter
from corridor.errors import InputError, NodeError
from corridor.interop.dcsa.tnt.reader import read_dcsa_json
from corridor.interop.edifact.charsets import decode_interchange, looks_like_edifact
from corridor.interop.event_records import ParsedRecord
from corridor.services.events import EventStore, IngestSummary

app = typer.Typer(no_args_is_help=True)

Reader = Callable[[str], Iterator[ParsedRecord]]
FORMATS = ("dcsa-json", "iftsta", "csv")
_EXTENSIONS = {
    ".json": "dcsa-json",
    ".edi": "iftsta",
    ".edifact": "iftsta",
    ".iftsta": "iftsta",
    ".csv": "csv",
}
_LAZY_READERS = {
    "iftsta": ("corridor.interop.edifact.iftsta", "read_iftsta", "UN/EDIFACT IFTSTA"),
    "csv": ("corridor.interop.rail_csv", "read_rail_csv", "rail CSV"),
}
_SHOWN_REJECTIONS = 1000
# A byte order mark and JSON's whitespace, before the characters that tell the format.
_LEADING_SPACE = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*+")
_CHECK_PIECE = 1 << 20


def guess_format(path: Path, text: str) -> str:
    """The format of ``path``: by extension, else by its first characters."""
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension is not None:
        return by_extension
    start = text.lstrip("\ufeff \t\r\n")[:3]
    if start[:1] in ("{", "["):
        return "dcsa-json"
    if start in ("UNA", "UNB", "UNH"):
        return "iftsta"
    return "csv"


def reader_for(fmt: str) -> Reader:
    """The reader of ``fmt``; IFTSTA and CSV readers are imported only when asked for."""
    if fmt == "dcsa-json":
        return read_dcsa_json
    if fmt not in _LAZY_READERS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    module_name, function, label = _LAZY_READERS[fmt]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise InputError(
            f"this build of Corridor has no {label} reader ({module_name}); "
            "convert the file to DCSA JSON or use a newer Corridor"
        ) from None
    found: Reader = getattr(module, function)
    return found


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise NodeError(f"cannot read {path}: {error.strerror}") from None


def _utf8_text(path: Path, data: bytes) -> str:
    """UTF-8 text, or an EDIFACT interchange in the character set its UNB declares."""
    if looks_like_edifact(data):
        return decode_interchange(data, str(path))
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(path, bom + error.start) from None


def _utf8_bytes(path: Path, data: bytes) -> bytes:
    """``data`` less a byte order mark, once checked to be UTF-8 piece by piece (a large file
    is never held twice, as bytes and as text; only a byte order mark costs a copy). Pieces end
    where a character starts. Bytes are counted from the file's start."""
    start = 0
    while start < len(data):
        end = min(len(data), start + _CHECK_PIECE)
        while start + 1 < end < len(data) and data[end] & 0xC0 == 0x80:  # a continuation byte
            end -= 1
        try:
            data[start:end].decode("utf-8")
        except UnicodeDecodeError as error:
            raise _not_utf8(path, start + error.start) from None
        start = end
    return data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data


def _not_utf8(path: Path, byte: int) -> InputError:
    return InputError(f"{path} is not UTF-8 text (byte {byte}); save it as UTF-8")


@app.command("import")
@handle_errors
def import_events(
    file: Annotated[Path, typer.Argument(help="The file of events.", show_default=False)],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="dcsa-json, iftsta or csv (default: guessed)."),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Import tracking events; bad records are reported and the rest still load."""
    data = _read_bytes(file)
    head = _LEADING_SPACE.match(data).end()  # type: ignore[union-attr]
    chosen = fmt or guess_format(file, data[head : head + 3].decode("utf-8", "replace"))
    reader = reader_for(chosen)
    records: Iterable[ParsedRecord]
    if chosen == "dcsa-json":  # read as it is stored: one event in memory at a time
        data = _utf8_bytes(file, data)
        records, total = read_dcsa_json(data), None
    else:
        listed = list(reader(_utf8_text(file, data)))
        records, total = listed, len(listed)
    with opened_node(home) as node:
        summary = _ingest(EventStore(node), records, total)
    for rejection in summary.rejected[:_SHOWN_REJECTIONS]:
        err.print(str(rejection), markup=False, soft_wrap=True)
    if len(summary.rejected) > _SHOWN_REJECTIONS:
        err.print(f"... and {len(summary.rejected) - _SHOWN_REJECTIONS} more refused records")
    counts = summary.as_dict()
    out.print(
        f"{file} ({chosen}): read {counts['read']}: stored {counts['stored']}, "
        f"updated {counts['updated']}, retracted {counts['retracted']}, "
        f"duplicate {counts['duplicate']}, superseded {counts['superseded']}, "
        f"rejected {counts['rejected']}",
        markup=False,
    )
    if counts["read"] == counts["rejected"]:
        raise typer.Exit(2)


def _ingest(store: EventStore, records: Iterable[ParsedRecord], total: int | None) -> IngestSummary:
    """Ingest with a progress bar on a terminal (a count of records where the total is not
    known before the end: a DCSA JSON file is read as it is stored)."""
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("records"))
    quiet = not err.is_terminal  # a bar only where someone watches it
    with Progress(*columns, console=err, transient=True, disable=quiet) as progress:
        task = progress.add_task("events", total=total)
        return store.ingest(records, progress=lambda n: progress.advance(task, n))


@app.command("list")
@handle_errors
def list_events(
    document: Annotated[
        str | None, typer.Option("--document", help="Events about this document (any type).")
    ] = None,
    equipment: Annotated[
        str | None, typer.Option("--equipment", help="Events of this container.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most.")] = 50,
    home: HomeOption = None,
) -> None:
    """The latest events stored, oldest first (retracted ones left out)."""
    where = EventFilter(document_reference=document, equipment_reference=equipment)
    with opened_node(home) as node:
        found = EventStore(node).page(where, limit=limit, before=2**62)
    table = Table("when", "event", "classifier", "where", "equipment", "documents")
    for stored in found:
        event = orjson.loads(stored.event_json)
        classification = event.get("eventClassification", {})
        kind = classification.get("eventType", "")
        subtype = next((v for k, v in classification.items() if k.endswith("EventType")), "")
        details = event.get("shipmentDetails", {})
        documents = [
            details.get("documentReference"),
            *details.get("additionalDocumentReferences", ()),
        ]
        table.add_row(
            event.get("eventDateTime", ""),
            f"{kind} {subtype}".strip(),
            classification.get("eventClassifier", ""),
            (event.get("eventLocation") or {}).get("UNLocationCode", ""),
            (event.get("equipmentDetails") or {}).get("equipmentReference", ""),
            ", ".join(d["reference"] for d in documents if d),
        )
    out.print(table)
    out.print(f"{len(found)} events", markup=False)
