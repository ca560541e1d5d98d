"""Reading POSTed forms with a size cap; the form (and its temporary files) is closed at once."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile

from corridor.errors import InputError

MAX_UPLOAD = 5 * 1024 * 1024
"""The largest bundle or transport document a form accepts (5 MB)."""
_MAX_BODY = MAX_UPLOAD + 256 * 1024
_MAX_FIELD = 6 * 1024 * 1024
_LENGTH = re.compile(r"[0-9]{1,20}")


class TooLargeError(InputError):
    """The request body or an uploaded file is larger than the form accepts."""


@dataclass(frozen=True)
class Submitted:
    """A submitted form: its text fields (trimmed) and the files asked for."""

    fields: dict[str, str]
    files: dict[str, bytes | None]

    def text(self, name: str, limit: int = 2000) -> str:
        """A text field; absent gives ''; longer than ``limit`` is cut."""
        return self.fields.get(name, "")[:limit]


async def _file_bytes(value: UploadFile) -> bytes | None:
    data = await value.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise TooLargeError(f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    if not data and not value.filename:
        return None
    return data


async def read_form(request: Request, files: Sequence[str] = ()) -> Submitted:
    """Read the form, refusing bodies larger than ``MAX_UPLOAD`` (plus room for other fields)."""
    declared = request.headers.get("content-length", "")
    if _LENGTH.fullmatch(declared) and int(declared) > _MAX_BODY:
        raise TooLargeError(f"the upload is larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    fields: dict[str, str] = {}
    found: dict[str, bytes | None] = dict.fromkeys(files)
    async with request.form(max_files=4, max_fields=200, max_part_size=_MAX_FIELD) as form:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name in found and found[name] is None:
                    found[name] = await _file_bytes(value)
            elif name not in fields:
                fields[name] = value.strip()
    return Submitted(fields, found)
