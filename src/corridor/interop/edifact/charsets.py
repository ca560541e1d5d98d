"""Decoding an interchange by the syntax identifier its UNB declares (ISO 9735, element 0001).

An EDIFACT file is bytes in the character set its UNB segment names: ``UNB+UNOC:3+...`` is ISO
8859-1, not UTF-8, so a carrier's Latin-1 "é" must not make the file unreadable. The table below
is ISO 9735's level A to K and the UTF-8 levels W and Y. Without a recognisable UNB the bytes are
read as UTF-8 (the interchange reader then reports what is missing).
"""

from __future__ import annotations

import re

from corridor.errors import MalformedInputError

__all__ = ["decode_interchange", "looks_like_edifact"]

_CODECS = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "iso-8859-1",
    "UNOD": "iso-8859-2",
    "UNOE": "iso-8859-5",
    "UNOF": "iso-8859-7",
    "UNOG": "iso-8859-3",
    "UNOH": "iso-8859-4",
    "UNOI": "iso-8859-6",
    "UNOJ": "iso-8859-8",
    "UNOK": "iso-8859-9",
    "UNOW": "utf-8",
    "UNOY": "utf-8",
}
# UNA (optional, 9 characters) then UNB, its element separator, and the syntax identifier.
_HEADER = re.compile(rb"^\s*(?:UNA.{6})?\s*UNB(?P<sep>.)(?P<syntax>UNO[A-Z])", re.DOTALL)


def looks_like_edifact(data: bytes) -> bool:
    """True if the bytes open with an UNA or UNB service segment."""
    return data.lstrip()[:3] in (b"UNA", b"UNB")


def decode_interchange(data: bytes, name: str = "the interchange") -> str:
    """The text of an interchange, decoded as its UNB syntax identifier says."""
    match = _HEADER.match(data)
    syntax = match["syntax"].decode("ascii") if match else "UNOW"
    codec = _CODECS.get(syntax, "utf-8")
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise MalformedInputError(
            f"{name} declares {syntax} ({codec}) but byte {error.start} is not {codec}"
        ) from None
