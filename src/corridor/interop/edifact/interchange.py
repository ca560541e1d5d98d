"""UN/EDIFACT interchanges: the service string advice, the envelope and its messages.

The syntax rules are ISO 9735 (syntax versions 3 and 4); pydifact tokenises the text (the UNA
service string advice, separators, the release character). This module only assembles the
envelope around the messages::

    [UNA:+.? ']                   service string advice (optional; the defaults are ``:+.? '``)
    UNB ... 0020 control ref      interchange header: sender, recipient, date, control reference
      [UNG ... UNE]               functional group (optional; read through)
      UNH 0062 ref + S009 type    message header: reference and type (``IFTSTA:D:99B:UN``)
      ...                         the message's own segments
      UNT 0074 count + 0062 ref   message trailer: segment count (UNH and UNT included), same ref
    UNZ 0036 count + 0020 ref     interchange trailer: message (or group) count, same control ref

A text that does not start with UNA or UNB is not an interchange: ``open_interchange`` raises
``MalformedInputError``. Everything after that is reported, never raised: a message whose trailer
is missing or disagrees with its header, a segment outside any message, an interchange cut off
inside a segment (pydifact's ``EDISyntaxError``) or missing its UNZ each become one
``RejectedRecord`` whose ``where`` names the message (``message 2 (UNH ref 0002)``) or the
envelope segment, and every complete message is still delivered.

Segments carry their position: 1-based within their message (UNH is segment 1, as UNT counts
them), or within the interchange for envelope segments.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pydifact.control.characters import Characters
from pydifact.exceptions import EDISyntaxError
from pydifact.parser import Parser
from pydifact.tokenizer import Tokenizer

from corridor.errors import MalformedInputError
from corridor.interop.event_records import RejectedRecord

__all__ = [
    "InterchangeHeader",
    "Message",
    "Segment",
    "SegmentError",
    "open_interchange",
]

_UNA_LENGTH = 9
_DEFAULT_ADVICE = "UNA:+.? '"
_RawSegment = list[str | list[str]]
_ENVELOPE_TAGS = frozenset({"UNB", "UNZ", "UNG", "UNE"})


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: its tag and data elements, each a tuple of components (simple = one)."""

    tag: str
    elements: tuple[tuple[str, ...], ...]
    position: int

    def value(self, element: int, component: int = 0) -> str:
        """Component ``component`` of data element ``element`` (both 0-based); '' if absent."""
        if element >= len(self.elements):
            return ""
        parts = self.elements[element]
        return parts[component].strip() if component < len(parts) else ""


class SegmentError(Exception):
    """A segment a reader cannot use; caught by the reader and reported with ``where``."""

    def __init__(self, segment: Segment | None, reason: str) -> None:
        super().__init__(reason)
        self.segment = segment
        self.reason = reason


@dataclass(frozen=True, slots=True)
class InterchangeHeader:
    """What UNB says about the interchange."""

    syntax: str
    sender: str
    recipient: str
    prepared: str
    control_reference: str


@dataclass(frozen=True, slots=True)
class Message:
    """One UNH ... UNT message, its trailer already checked against its header."""

    number: int
    reference: str
    message_type: str
    version: str
    release: str
    segments: tuple[Segment, ...]

    @property
    def label(self) -> str:
        return f"message {self.number} (UNH ref {self.reference})"

    def where(self, segment: Segment | None) -> str:
        """``message 2 (UNH ref 0002), segment 17 STS``, or the message alone."""
        if segment is None:
            return self.label
        return f"{self.label}, segment {segment.position} {segment.tag}"


@dataclass
class _OpenMessage:
    number: int
    segments: list[Segment] = field(default_factory=list)

    @property
    def reference(self) -> str:
        return self.segments[0].value(0)

    @property
    def label(self) -> str:
        return f"message {self.number} (UNH ref {self.reference})"


def open_interchange(
    text: str,
) -> tuple[InterchangeHeader, Iterator[Message | RejectedRecord]]:
    """Read the UNB header of ``text`` and return it with an iterator over its messages.

    Raises ``MalformedInputError`` when ``text`` is not a UN/EDIFACT interchange at all.
    """
    characters, body = _service_string_advice(text)
    raw = _raw_segments(body, characters)
    first = next(raw, None)
    if isinstance(first, RejectedRecord) or first is None or first[0] != "UNB":
        found = "nothing" if not isinstance(first, list) else f"a {first[0]!r} segment"
        raise MalformedInputError(
            "this is not a UN/EDIFACT interchange: it must start with UNA or UNB, but "
            f"{found} came first; export the status messages as an EDIFACT interchange"
        )
    unb = _segment(first, 1)
    header = InterchangeHeader(
        syntax=":".join(unb.elements[0]) if unb.elements else "",
        sender=unb.value(1),
        recipient=unb.value(2),
        prepared=":".join(unb.elements[3]) if len(unb.elements) > 3 else "",
        control_reference=unb.value(4),
    )
    return header, _messages(raw, header)


def _service_string_advice(text: str) -> tuple[Characters, str]:
    body = text.lstrip("\ufeff \t\r\n")
    if body.startswith("UNA"):
        if len(body) < _UNA_LENGTH:
            raise MalformedInputError("the UNA service string advice is cut short")
        return Characters.from_str(body[:_UNA_LENGTH]), body[_UNA_LENGTH:].lstrip("\r\n")
    return Characters.from_str(_DEFAULT_ADVICE), body


def _raw_segments(body: str, characters: Characters) -> Iterator[_RawSegment | RejectedRecord]:
    """pydifact's raw segments; a syntax error ends the stream with one ``RejectedRecord``."""
    tokens = Tokenizer().get_tokens(body, characters)
    try:
        yield from Parser().convert_tokens_to_raw_segments(tokens)
    except EDISyntaxError as error:
        detail = str(error).removeprefix("EDIFACT Syntax Error: ").rstrip(".")
        yield RejectedRecord("interchange", f"the text stops being EDIFACT here ({detail})")


def _segment(raw: _RawSegment, position: int) -> Segment:
    tag, *elements = raw
    return Segment(
        tag=tag if isinstance(tag, str) else ":".join(tag),
        elements=tuple(_parts(element) for element in elements),
        position=position,
    )


def _parts(element: str | list[str]) -> tuple[str, ...]:
    return tuple(element) if isinstance(element, list) else (element,)


def _messages(
    raw: Iterator[_RawSegment | RejectedRecord], header: InterchangeHeader
) -> Iterator[Message | RejectedRecord]:
    where = f"interchange {header.control_reference}"
    current: _OpenMessage | None = None
    counts = {"UNH": 0, "UNG": 0}
    for position, item in enumerate(raw, start=2):
        if isinstance(item, RejectedRecord):
            yield from _cut_short(item, current, f"{where}, segment {position}")
            return
        segment = _segment(item, position)
        counts[segment.tag] = counts.get(segment.tag, 0) + 1
        if segment.tag in _ENVELOPE_TAGS or segment.tag == "UNH":
            if current is not None:
                yield _unterminated(current)
                current = None
            if segment.tag == "UNZ":
                yield from _check_trailer(segment, header, counts["UNG"] or counts["UNH"], where)
                yield from _after_trailer(raw, where)
                return
            if segment.tag == "UNH":
                current = _OpenMessage(counts["UNH"])
        if current is None:
            if segment.tag not in _ENVELOPE_TAGS:
                yield RejectedRecord(
                    f"{where}, segment {position} {segment.tag}",
                    "this segment is outside any UNH ... UNT message; it was skipped",
                )
            continue
        current.segments.append(_renumbered(segment, len(current.segments) + 1))
        if segment.tag == "UNT":
            yield _closed(current)
            current = None
    if current is not None:
        yield _unterminated(current)
    yield RejectedRecord(where, "the interchange has no UNZ trailer: it is truncated")


def _cut_short(
    problem: RejectedRecord, current: _OpenMessage | None, where: str
) -> Iterator[RejectedRecord]:
    if current is not None:
        yield RejectedRecord(
            f"{current.label}, segment {len(current.segments) + 1}",
            f"{problem.reason}: the message is cut short, none of its statuses were read",
        )
    yield RejectedRecord(
        where, f"{problem.reason}: the interchange is truncated, nothing after it was read"
    )


def _after_trailer(
    raw: Iterator[_RawSegment | RejectedRecord], where: str
) -> Iterator[RejectedRecord]:
    extra = next(raw, None)
    if extra is not None:
        yield RejectedRecord(where, "data follows the UNZ trailer; it was not read")


def _renumbered(segment: Segment, position: int) -> Segment:
    return Segment(segment.tag, segment.elements, position)


def _unterminated(message: _OpenMessage) -> RejectedRecord:
    return RejectedRecord(
        message.label,
        f"the message has no UNT trailer after its {len(message.segments)} segments: "
        "it is truncated, and none of its statuses were read",
    )


def _closed(message: _OpenMessage) -> Message | RejectedRecord:
    unh, unt = message.segments[0], message.segments[-1]
    count, reference = unt.value(0), unt.value(1)
    if reference != message.reference:
        return RejectedRecord(
            message.label,
            f"UNT closes message reference {reference!r}, not {message.reference!r}: "
            "the message is damaged",
        )
    if count != str(len(message.segments)):
        return RejectedRecord(
            message.label,
            f"UNT counts {count or 'no'} segments but the message has {len(message.segments)} "
            "(UNH and UNT included): segments were lost or added",
        )
    return Message(
        number=message.number,
        reference=message.reference,
        message_type=unh.value(1, 0),
        version=unh.value(1, 1),
        release=unh.value(1, 2),
        segments=tuple(message.segments),
    )


def _check_trailer(
    unz: Segment, header: InterchangeHeader, count: int, where: str
) -> Iterator[RejectedRecord]:
    if unz.value(1) != header.control_reference:
        yield RejectedRecord(
            f"{where}, segment {unz.position} UNZ",
            f"UNZ closes interchange {unz.value(1)!r}, not {header.control_reference!r}",
        )
    elif unz.value(0) != str(count):
        yield RejectedRecord(
            f"{where}, segment {unz.position} UNZ",
            f"UNZ counts {unz.value(0) or 'no'} messages but the interchange has {count}",
        )
