"""One exception tree for Corridor.

Every error a user can meet is a ``CorridorError``. Each carries a one-line ``message`` that says
what was wrong, where, and (where useful) what to do; ``cli`` prints it and maps the class to an
exit code, ``api`` maps it to an RFC 9457 problem detail.

::

    CorridorError
    ├── InputError                 the other side sent something we refuse
    │   ├── MalformedInputError    not parseable (bad JSON, bad encoding, wrong shape)
    │   ├── DocumentRuleError      a transport document breaks a DCSA rule (``location``)
    │   ├── PartyCodeError         an identifying code fails its check (USCC, UEN, LEI, ...)
    │   └── NotFoundError          an unknown party, document or key
    │       └── UnknownPartyError
    ├── TitleError                 the title register refuses the action
    │   ├── NotControllerError     the actor does not control the eBL (invariant 1)
    │   ├── TransitionError        the action is not allowed in the record's state
    │   └── ChainError             a submitted entry does not chain to the document's last entry
    ├── AccessError                who is calling may not do this
    │   ├── AuthenticationError    no valid token or session (HTTP 401)
    │   └── PermissionDeniedError  authenticated, but not allowed (HTTP 403)
    ├── ConflictError              a concurrent action won; retry against the new state
    │   └── IdempotencyConflictError  the same idempotency key is still being processed
    ├── VerificationError          an offline check failed; ``check`` names which one
    ├── CryptoError                a key could not be loaded, decrypted or used
    └── NodeError                  the node itself: missing home, bad configuration, storage failure
        └── StorageError
"""

from __future__ import annotations


class CorridorError(Exception):
    """Base of every error Corridor raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(CorridorError):
    """The input is refused; nothing was written."""


class MalformedInputError(InputError):
    """The input could not be parsed at all."""


class DocumentRuleError(InputError):
    """A transport document breaks a rule of DCSA eBL 3.0.3.

    ``location`` is a JSON-pointer-like path to the failing field, e.g.
    ``/documentParties/endorsee``.
    """

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class PartyCodeError(InputError):
    """An identifying code does not pass its own check."""


class NotFoundError(InputError):
    """Something named by the caller does not exist."""


class UnknownPartyError(NotFoundError):
    """No party with that id or name is registered on this node."""


class TitleError(CorridorError):
    """The title register refuses the action; the record is unchanged."""


class NotControllerError(TitleError):
    """The actor is not the controller of the eBL."""


class TransitionError(TitleError):
    """The action is not allowed in the record's current state or for this kind of bill."""


class ChainError(TitleError):
    """A submitted entry does not chain to the last entry of its document."""


class AccessError(CorridorError):
    """The caller may not do this."""


class AuthenticationError(AccessError):
    """No valid API token or web session was presented."""


class PermissionDeniedError(AccessError):
    """The caller is known but this is not theirs to do."""


class ConflictError(CorridorError):
    """A concurrent action on the same document won; the caller may retry."""


class IdempotencyConflictError(ConflictError):
    """A request with the same idempotency key is still in progress (or ended without an answer)."""


class VerificationError(CorridorError):
    """An offline verification check failed. Verification fails closed.

    ``check`` is the short name of the failed check (``document-checksum``, ``entry-signature``,
    ``chain``, ``controller``, ``inclusion-proof``, ``checkpoint-signature``, ...).
    """

    def __init__(self, check: str, detail: str) -> None:
        super().__init__(f"{check}: {detail}")
        self.check = check
        self.detail = detail

    def diagnostics(self) -> str:
        """The one sentence a user reads."""
        return f"verification failed at check '{self.check}': {self.detail}"


class CryptoError(CorridorError):
    """A key could not be generated, loaded, decrypted or used."""


class NodeError(CorridorError):
    """The node is missing, misconfigured or its storage failed."""


class StorageError(NodeError):
    """The database refused or failed an operation."""
