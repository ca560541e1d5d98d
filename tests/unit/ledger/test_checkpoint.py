"""Tests for corridor.ledger.checkpoint (C2SP signed-note and tlog-checkpoint).

Known answers come from the Go reference implementation of signed notes
(tests/vectors/signed-note/go-sumdb-note.json) and the C2SP tlog-checkpoint example.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from corridor.errors import InputError, VerificationError
from corridor.ledger.checkpoint import (
    Checkpoint,
    NoteSigner,
    NoteVerifier,
    open_checkpoint,
    open_note,
    parse_checkpoint_body,
    sign_checkpoint,
    sign_note,
)
from corridor.ledger.merkle import MerkleTree, leaf_hash

GO = json.loads(
    (Path(__file__).parents[2] / "vectors" / "signed-note" / "go-sumdb-note.json").read_text(
        "utf-8"
    )
)
TEXT: str = GO["text"]
PETER_LINE: str = GO["peter_signature_line"]
ENOCH_LINE: str = GO["enoch_signature_line"]
PETER_NOTE = TEXT + "\n" + PETER_LINE

# The example of c2sp.org/tlog-checkpoint (its verifier key is not published).
C2SP_EXAMPLE = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5"
    "/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
)

ORIGIN = "corridor.example/cnckg-log"
ROOT = MerkleTree([leaf_hash(b"entry")]).root()
ED25519_TYPE = b"\x01"
ALL_ONES = b"\xff" * 32  # its URL-safe base64 uses '_', outside the standard alphabet


def signer_from_go_key(skey: str) -> NoteSigner:
    """Read Go's ``PRIVATE+KEY+<name>+<key ID>+base64(0x01 || seed)`` signer key format."""
    _, _, name, key_id, encoded = skey.split("+", 4)
    raw = base64.b64decode(encoded)
    assert raw[0] == 1
    signer = NoteSigner(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
    assert signer.key_hash.hex() == key_id
    return signer


def make_signer(name: str = ORIGIN, seed: bytes = b"\x07" * 32) -> NoteSigner:
    return NoteSigner(name, Ed25519PrivateKey.from_private_bytes(seed))


def check_of(error: pytest.ExceptionInfo[VerificationError]) -> str:
    return error.value.check


# --- known answers from the Go reference implementation ---------------------------------------


def test_go_verifier_keys_parse() -> None:
    peter = NoteVerifier.from_verifier_key(GO["peter_verifier_key"])
    assert peter.name == "PeterNeumann"
    assert peter.key_hash == bytes.fromhex("c74f20a3")
    enoch = NoteVerifier.from_verifier_key(GO["enoch_verifier_key"])
    assert (enoch.name, enoch.key_hash.hex()) == ("EnochRoot", "af0cfe78")


def test_go_signer_reproduces_the_reference_signature_byte_for_byte() -> None:
    signer = signer_from_go_key(GO["peter_signer_key"])
    assert signer.verifier_key() == GO["peter_verifier_key"]
    assert sign_note(TEXT, signer) == PETER_NOTE


def test_go_note_opens_and_unknown_signatures_are_ignored() -> None:
    peter = NoteVerifier.from_verifier_key(GO["peter_verifier_key"])
    enoch = NoteVerifier.from_verifier_key(GO["enoch_verifier_key"])
    assert open_note(PETER_NOTE, peter) == TEXT
    both = TEXT + "\n" + PETER_LINE + ENOCH_LINE
    assert open_note(both, peter) == TEXT
    assert open_note(both, enoch) == TEXT
    with pytest.raises(VerificationError) as error:
        open_note(PETER_NOTE, enoch)
    assert check_of(error) == "checkpoint-signature"


def test_go_invalid_signature_by_the_trusted_key_is_rejected() -> None:
    peter = NoteVerifier.from_verifier_key(GO["peter_verifier_key"])
    broken = TEXT + "\n" + PETER_LINE[:60] + "ABCD" + PETER_LINE[60:]
    with pytest.raises(VerificationError, match="does not verify") as error:
        open_note(broken, peter)
    assert check_of(error) == "checkpoint-signature"
    # A good and a bad signature by the same key: the whole note is rejected.
    with pytest.raises(VerificationError):
        open_note(TEXT + "\n" + PETER_LINE + broken.split("\n\n")[1], peter)


@pytest.mark.parametrize(
    "note",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_LINE[:-1],
        "\x01" + TEXT + "\n" + PETER_LINE,
        "\udcff" + TEXT + "\n" + PETER_LINE,  # not encodable as UTF-8
        TEXT + "\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FF"
        "YC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        TEXT + "\n" + PETER_LINE + "Unexpected line.\n",
        TEXT + "\n" + PETER_LINE * 101,
        TEXT + "\n\u2014 PeterNeumann AAAA\n",  # too short for a key ID and a signature
        TEXT + "\n\u2014 PeterNeumann x08go!ZJ\n",  # not base64
        TEXT + "\n- PeterNeumann " + PETER_LINE.split(" ")[2],  # hyphen, not em dash
    ],
    ids=[
        "no-signatures",
        "blank-line-only",
        "no-final-newline",
        "control-character",
        "bad-utf8",
        "space-in-name",
        "trailing-text",
        "101-signatures",
        "short-signature",
        "bad-base64",
        "hyphen",
    ],
)
def test_go_malformed_notes_are_format_errors(note: str) -> None:
    peter = NoteVerifier.from_verifier_key(GO["peter_verifier_key"])
    with pytest.raises(VerificationError) as error:
        open_note(note, peter)
    assert check_of(error) == "checkpoint-format"


def test_one_hundred_signatures_are_accepted() -> None:
    peter = NoteVerifier.from_verifier_key(GO["peter_verifier_key"])
    assert open_note(TEXT + "\n" + PETER_LINE * 100, peter) == TEXT


def test_go_manglings_of_a_verifier_key_are_refused() -> None:
    vkey: str = GO["peter_verifier_key"]
    bad = list(GO["bad_verifier_keys"])
    bad += [vkey[i:j] for i in range(len(vkey)) for j in range(i + 1, len(vkey) + 1)]
    bad.remove(vkey)
    bad += [vkey[:i] + chr(ord(vkey[i]) + 1) + vkey[i + 1 :] for i in range(len(vkey))]
    for mangled in bad:
        with pytest.raises(VerificationError) as error:
            NoteVerifier.from_verifier_key(mangled)
        assert check_of(error) == "checkpoint-key", mangled


@pytest.mark.parametrize(
    ("vkey", "reason"),
    [
        ("PeterNeumann", "<name>"),
        ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "space"),
        ("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "empty"),
        ("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex"),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "base64"),
        ("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "type 0x65"),
        ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "c74f20a3"),
    ],
)
def test_malformed_verifier_keys_say_why(vkey: str, reason: str) -> None:
    with pytest.raises(VerificationError, match=reason) as error:
        NoteVerifier.from_verifier_key(vkey)
    assert error.value.diagnostics().startswith("verification failed at check 'checkpoint-key'")


# --- checkpoints --------------------------------------------------------------------------------


def test_checkpoint_body_layout() -> None:
    checkpoint = Checkpoint(ORIGIN, 1, ROOT)
    root_b64 = base64.b64encode(ROOT).decode()
    assert checkpoint.body() == f"{ORIGIN}\n1\n{root_b64}\n".encode()
    empty = Checkpoint(ORIGIN, 0, hashlib.sha256(b"").digest())
    assert empty.body() == (f"{ORIGIN}\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n".encode())


def test_signed_checkpoint_exact_bytes() -> None:
    signer = make_signer()
    checkpoint = Checkpoint(ORIGIN, 20852163, ROOT)
    note = sign_checkpoint(checkpoint, signer)
    public = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32).public_key().public_bytes_raw()
    key_id = hashlib.sha256(ORIGIN.encode() + b"\n\x01" + public).digest()[:4]
    signature = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32).sign(checkpoint.body())
    expected = (
        f"{ORIGIN}\n20852163\n{base64.b64encode(ROOT).decode()}\n\n"
        f"\u2014 {ORIGIN} {base64.b64encode(key_id + signature).decode()}\n"
    )
    assert note == expected
    assert signer.key_hash == key_id
    assert signer.verifier_key() == (
        f"{ORIGIN}+{key_id.hex()}+{base64.b64encode(ED25519_TYPE + public).decode()}"
    )


def test_sign_and_open_round_trip() -> None:
    signer = make_signer()
    verifier = NoteVerifier.from_verifier_key(signer.verifier_key())
    checkpoint = Checkpoint(ORIGIN, 42, ROOT)
    assert open_checkpoint(sign_checkpoint(checkpoint, signer), verifier) == checkpoint
    assert open_checkpoint(sign_checkpoint(checkpoint, signer), signer.verifier()) == checkpoint


def test_extension_lines_round_trip() -> None:
    signer = make_signer()
    checkpoint = Checkpoint(ORIGIN, 7, ROOT, ("extension one", "two"))
    note = sign_checkpoint(checkpoint, signer)
    assert note.startswith(
        f"{ORIGIN}\n7\n{base64.b64encode(ROOT).decode()}\nextension one\ntwo\n\n"
    )
    assert open_checkpoint(note, signer.verifier()) == checkpoint


def test_cosigned_checkpoint_opens_with_either_key() -> None:
    log, witness = make_signer(), make_signer("witness.example/w1", b"\x09" * 32)
    note = sign_checkpoint(Checkpoint(ORIGIN, 3, ROOT), log)
    cosigned = (
        note + sign_note(Checkpoint(ORIGIN, 3, ROOT).body().decode(), witness).split("\n\n")[1]
    )
    assert open_checkpoint(cosigned, log.verifier()).size == 3
    assert open_checkpoint(cosigned, witness.verifier()).size == 3


def test_c2sp_example_parses_and_is_not_trusted_by_our_key() -> None:
    text = C2SP_EXAMPLE.split("\n\n", maxsplit=1)[0] + "\n"
    checkpoint = parse_checkpoint_body(text)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert base64.b64encode(checkpoint.root_hash).decode() == (
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    )
    assert checkpoint.body().decode() == text
    with pytest.raises(VerificationError, match="no signature by the trusted key") as error:
        open_checkpoint(C2SP_EXAMPLE, make_signer("example.com/behind-the-sofa").verifier())
    assert check_of(error) == "checkpoint-signature"


def test_a_note_signed_by_another_key_is_refused() -> None:
    note = sign_checkpoint(Checkpoint(ORIGIN, 5, ROOT), make_signer(seed=b"\x01" * 32))
    # Same name, other key: the key ID differs, so the signature is not the trusted key's.
    with pytest.raises(VerificationError) as error:
        open_checkpoint(note, make_signer().verifier())
    assert check_of(error) == "checkpoint-signature"
    with pytest.raises(VerificationError) as error:
        open_checkpoint(note, make_signer("other.example/log").verifier())
    assert check_of(error) == "checkpoint-signature"


def test_a_forged_key_id_does_not_pass() -> None:
    signer, impostor = make_signer(), make_signer(seed=b"\x02" * 32)
    body = Checkpoint(ORIGIN, 5, ROOT).body()
    forged = base64.b64encode(signer.key_hash + impostor.sign(body)).decode()
    note = f"{body.decode()}\n\u2014 {ORIGIN} {forged}\n"
    with pytest.raises(VerificationError, match="does not verify") as error:
        open_checkpoint(note, signer.verifier())
    assert check_of(error) == "checkpoint-signature"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\n5\n", "\n6\n"),
        ("\n5\n", "\n05\n"),
        (f"\n{base64.b64encode(ROOT).decode()}\n", f"\n{base64.b64encode(b'x' * 32).decode()}\n"),
        (f"{ORIGIN}\n", "corridor.example/other\n"),
    ],
)
def test_tampered_checkpoints_fail(old: str, new: str) -> None:
    signer = make_signer()
    note = sign_checkpoint(Checkpoint(ORIGIN, 5, ROOT), signer)
    tampered = note.replace(old, new, 1)
    assert tampered != note
    with pytest.raises(VerificationError) as error:
        open_checkpoint(tampered, signer.verifier())
    assert check_of(error) == "checkpoint-signature"


@pytest.mark.parametrize(
    "text",
    [
        f"{ORIGIN}\n5\n{base64.b64encode(ROOT).decode()}",
        f"{ORIGIN}\n5\n",
        f"{ORIGIN}\n05\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n+5\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n 5\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n\u0665\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n1_0\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n18446744073709551616\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n{'9' * 5000}\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n5\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"{ORIGIN}\n5\n{base64.b64encode(ROOT).decode().rstrip('=')}\n",
        f"{ORIGIN}\n5\n{base64.urlsafe_b64encode(ALL_ONES).decode()}\n",
        f"{ORIGIN}\n5\n{base64.b64encode(ROOT).decode()}\n\n",
        f"\n5\n{base64.b64encode(ROOT).decode()}\n",
    ],
)
def test_malformed_checkpoint_bodies(text: str) -> None:
    with pytest.raises(VerificationError) as error:
        parse_checkpoint_body(text)
    assert check_of(error) == "checkpoint-format"


def test_a_signed_but_malformed_body_is_a_format_error() -> None:
    signer = make_signer()
    note = sign_note("just one line\n", signer)
    assert open_note(note, signer.verifier()) == "just one line\n"
    with pytest.raises(VerificationError) as error:
        open_checkpoint(note, signer.verifier())
    assert check_of(error) == "checkpoint-format"


def test_largest_tree_size_round_trips() -> None:
    checkpoint = Checkpoint(ORIGIN, 2**64 - 1, ROOT)
    assert parse_checkpoint_body(checkpoint.body().decode()) == checkpoint


# --- input validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "a b", "a+b", "a\nb", "a\tb", "a\u00a0b", "a\x01b"])
def test_invalid_key_names_are_refused(name: str) -> None:
    key = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
    with pytest.raises(InputError):
        NoteSigner(name, key)
    with pytest.raises(InputError):
        NoteVerifier(name, key.public_key())


@pytest.mark.parametrize(
    ("origin", "size", "root", "extensions"),
    [
        ("", 1, ROOT, ()),
        ("a\nb", 1, ROOT, ()),
        (ORIGIN, -1, ROOT, ()),
        (ORIGIN, 2**64, ROOT, ()),
        (ORIGIN, 1, ROOT[:31], ()),
        (ORIGIN, 1, ROOT, ("",)),
        (ORIGIN, 1, ROOT, ("a\x00",)),
    ],
)
def test_invalid_checkpoints_are_refused(
    origin: str, size: int, root: bytes, extensions: tuple[str, ...]
) -> None:
    with pytest.raises(InputError):
        Checkpoint(origin, size, root, extensions)


@pytest.mark.parametrize("text", ["", "no newline", "bad\x00char\n"])
def test_sign_note_refuses_bad_text(text: str) -> None:
    with pytest.raises(InputError):
        sign_note(text, make_signer())
