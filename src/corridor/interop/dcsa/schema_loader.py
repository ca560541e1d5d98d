"""Load the vendored DCSA OpenAPI documents and register them for ``$ref`` resolution.

The files live in ``spec/`` beside this module, copied byte for byte from DCSA (Apache-2.0; the
list and checksums are in ``spec/README.md``). Each is parsed once and cached.

YAML is read without the implicit ``timestamp`` resolver: ``yaml.safe_load`` turns an unquoted
``2024-09-04T09:41:00Z`` (as in the EBL_SUR example) into a ``datetime``, which is not JSON and
fails ``type: string``. Here every unquoted date or date-time stays the string the spec wrote.

Each spec is a ``referencing`` resource under its own base URI (``_BASE_URI`` + file name), all
in one registry, so a ``$ref`` into another vendored file (``EBL_v3.0.3.yaml#/components/...``)
resolves too. (None of the DCSA files refers to another today.)
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Mapping
from typing import Any, ClassVar

import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from corridor.errors import MalformedInputError, NotFoundError

__all__ = [
    "EBL_SPEC_FILE",
    "END_SPEC_FILE",
    "ISS_SPEC_FILE",
    "PINT_SPEC_FILE",
    "SUR_SPEC_FILE",
    "TNT22_SPEC_FILE",
    "TNT30_SPEC_FILE",
    "VENDORED_SPECS",
    "component_schemas",
    "load_spec",
    "registry",
    "spec_uri",
]

EBL_SPEC_FILE = "EBL_v3.0.3.yaml"
PINT_SPEC_FILE = "EBL_PINT_v3.0.0.yaml"
ISS_SPEC_FILE = "EBL_ISS_v3.0.3.yaml"
SUR_SPEC_FILE = "EBL_SUR_v3.0.3.yaml"
END_SPEC_FILE = "EBL_END_v3.0.3.yaml"
TNT22_SPEC_FILE = "TNT_v2.2.0.yaml"
TNT30_SPEC_FILE = "TNT_v3.0.0.yaml"

VENDORED_SPECS: Mapping[str, str] = {
    EBL_SPEC_FILE: "DCSA eBL 3.0.3",
    PINT_SPEC_FILE: "DCSA eBL PINT 3.0.0",
    ISS_SPEC_FILE: "DCSA eBL Issuance 3.0.3",
    SUR_SPEC_FILE: "DCSA eBL Surrender 3.0.3",
    END_SPEC_FILE: "DCSA eBL Endorsement Chain 3.0.3",
    TNT22_SPEC_FILE: "DCSA Track & Trace 2.2.0",
    TNT30_SPEC_FILE: "DCSA Track & Trace 3.0.0",
}
"""Every vendored spec file, with the name a user reads in an error message."""

_BASE_URI = "https://corridor.invalid/dcsa/spec/"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _SpecLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe YAML loader that keeps unquoted dates and date-times as strings."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def spec_uri(spec_file: str) -> str:
    """The base URI under which ``spec_file`` is registered for ``$ref`` resolution."""
    _check_vendored(spec_file)
    return _BASE_URI + spec_file


@functools.cache
def load_spec(spec_file: str) -> Mapping[str, Any]:
    """Return the vendored OpenAPI document ``spec_file`` (parsed once, then cached).

    Raises ``NotFoundError`` if ``spec_file`` is not one of ``VENDORED_SPECS``.
    """
    _check_vendored(spec_file)
    text = importlib.resources.files("corridor.interop.dcsa").joinpath("spec", spec_file)
    document: Any = yaml.load(text.read_text(encoding="utf-8"), Loader=_SpecLoader)  # noqa: S506
    if not isinstance(document, dict):
        raise MalformedInputError(f"{spec_file} is not a YAML mapping")
    return document


def component_schemas(spec_file: str) -> Mapping[str, Any]:
    """``components.schemas`` of the vendored ``spec_file``."""
    schemas = load_spec(spec_file).get("components", {}).get("schemas", {})
    if not isinstance(schemas, dict):
        raise MalformedInputError(f"{spec_file} has no components.schemas mapping")
    return schemas


@functools.cache
def registry() -> Registry[Any]:
    """A registry holding every vendored spec, each under its own ``spec_uri``."""
    return Registry().with_resources(
        (spec_uri(spec_file), Resource.from_contents(load_spec(spec_file), DRAFT4))
        for spec_file in VENDORED_SPECS
    )


def _check_vendored(spec_file: str) -> None:
    if spec_file not in VENDORED_SPECS:
        raise NotFoundError(
            f"{spec_file!r} is not a vendored DCSA spec; the vendored specs are "
            f"{', '.join(VENDORED_SPECS)} (in corridor/interop/dcsa/spec)"
        )
