"""``corridor events import|list`` end to end: formats, refusals with their place, exit codes."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.cli_runs import isolate, run_cli
from tests.tnt_samples import EXAMPLES, V22_EXAMPLE, V30_EXAMPLES, container, equipment_event

from corridor.cli import events_cmd
from corridor.cli.events_cmd import guess_format, reader_for
from corridor.errors import InputError

VECTORS = Path(__file__).parents[1] / "vectors"
IFTSTA = VECTORS / "edifact" / "iftsta_d99b_chongqing_singapore.edi"
RAIL_CSV = VECTORS / "rail_csv" / "chongqing_qinzhou_rail.csv"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def run(*args: str | Path, code: int = 0) -> Any:
    return run_cli(*args, code=code)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "node"
    run("init", "--home", path)
    return path


def summary_line(result: Any) -> str:
    line: str = result.stdout.strip().splitlines()[-1]
    return line


def test_the_dcsa_examples_import_then_are_duplicates(home: Path) -> None:
    for name in (V22_EXAMPLE, *V30_EXAMPLES):
        line = summary_line(run("events", "import", EXAMPLES / name, "--home", home))
        assert "(dcsa-json)" in line
        assert "rejected 0" in line
        assert "duplicate 0" in line
    again = summary_line(run("events", "import", EXAMPLES / V22_EXAMPLE, "--home", home))
    assert again.endswith(
        "read 7: stored 0, updated 0, retracted 0, duplicate 7, superseded 0, rejected 0"
    )


def test_bad_records_are_reported_with_their_place_and_the_rest_loads(
    home: Path, tmp_path: Path
) -> None:
    bad = equipment_event("bad", equipment="CQLU0000018")
    broken = equipment_event("broken")
    broken["eventClassification"]["eventClassifier"] = "XYZ"
    good = equipment_event("good", equipment=container(7))
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps({"events": [good, bad, broken]}), encoding="utf-8")
    result = run("events", "import", path, "--home", home)
    assert summary_line(result).endswith(
        "stored 1, updated 0, retracted 0, duplicate 0, superseded 0, rejected 2"
    )
    errors = result.stderr.strip().splitlines()
    assert errors[0].startswith(
        "events[1]: equipmentDetails.equipmentReference: 'CQLU0000018' fails"
    )
    assert errors[1] == (
        "events[2]: eventClassification.eventClassifier: "
        "'XYZ' is not one of ACTUAL, ESTIMATED, PLANNED"
    )
    listed = run("events", "list", "--equipment", container(7), "--home", home).stdout
    assert "EQUIPMENT LOADED" in listed
    assert "1 events" in listed


def test_nothing_readable_exits_2_and_an_unreadable_file_5(home: Path, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"events": [1, 2', encoding="utf-8")
    result = run("events", "import", garbage, "--home", home, code=2)
    assert "line 1, column 17: not JSON: unexpected end of the text" in result.stderr
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    run("events", "import", empty, "--home", home, code=2)
    missing = run("events", "import", tmp_path / "nope.json", "--home", home, code=5)
    assert missing.stderr.startswith("error: ")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'[{"eventID": "\xe9"}]')
    assert "not UTF-8" in run("events", "import", latin, "--home", home, code=2).stderr


def test_the_format_is_guessed_from_extension_then_content(tmp_path: Path) -> None:
    assert guess_format(Path("a.JSON"), "") == "dcsa-json"
    assert guess_format(Path("a.edi"), "") == "iftsta"
    assert guess_format(Path("a.csv"), "") == "csv"
    assert guess_format(Path("feed"), '\ufeff  [{"eventID": 1}]') == "dcsa-json"
    assert guess_format(Path("feed"), "UNA:+.? 'UNB+UNOC:3") == "iftsta"
    assert guess_format(Path("feed"), "event_time,classifier,event") == "csv"
    with pytest.raises(InputError, match="unknown format"):
        reader_for("xml")


def test_a_missing_reader_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> Any:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr("corridor.cli.events_cmd.importlib.import_module", missing)
    with pytest.raises(InputError, match="no UN/EDIFACT IFTSTA reader"):
        reader_for("iftsta")


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.skipif(
    not _has("corridor.interop.edifact.iftsta"),
    reason="the IFTSTA reader (corridor.interop.edifact.iftsta) is not in this build",
)
def test_an_iftsta_interchange_imports_as_its_dcsa_json_equivalent(
    home: Path, tmp_path: Path
) -> None:
    copied = tmp_path / "status.txt"  # no telling extension: the content says EDIFACT
    shutil.copy(IFTSTA, copied)
    first = summary_line(run("events", "import", copied, "--home", home))
    assert "(iftsta)" in first
    assert "rejected 0" in first
    equivalent = IFTSTA.with_suffix(".equivalent.json")
    again = summary_line(run("events", "import", equivalent, "--home", home))
    assert ": stored 0, updated 0," in again
    assert "rejected 0" in again


@pytest.mark.skipif(
    not _has("corridor.interop.rail_csv"),
    reason="the rail CSV reader (corridor.interop.rail_csv) is not in this build",
)
def test_a_rail_csv_imports_and_its_bad_lines_are_named(home: Path) -> None:
    first = summary_line(run("events", "import", RAIL_CSV, "--home", home))
    assert "(csv)" in first
    assert "rejected 0" in first
    bad = run("events", "import", RAIL_CSV.with_name("bad_lines.csv"), "--home", home)
    assert all(line.startswith("line ") for line in bad.stderr.strip().splitlines())


@pytest.mark.skipif(
    not _has("corridor.interop.edifact.iftsta"),
    reason="the IFTSTA reader (corridor.interop.edifact.iftsta) is not in this build",
)
def test_an_interchange_is_read_in_the_character_set_its_unb_declares(
    home: Path, tmp_path: Path
) -> None:
    text = IFTSTA.read_text("utf-8").replace("rail container centre", "gare de conteneurs é", 1)
    latin = tmp_path / "latin1.edi"  # UNB+UNOC: ISO 8859-1, as the vector declares
    latin.write_bytes(text.encode("iso-8859-1"))
    assert "rejected 0" in summary_line(run("events", "import", latin, "--home", home))
    ascii_only = tmp_path / "unoa.edi"
    ascii_only.write_bytes(text.replace("UNB+UNOC", "UNB+UNOA", 1).encode("iso-8859-1"))
    refused = run("events", "import", ascii_only, "--home", home, code=2)
    assert "declares UNOA (ascii) but byte" in refused.stderr


@pytest.mark.parametrize(
    ("data", "byte"),
    [(b"ab\xc3\xa9cd\xe2\x82\xacx\xff", 10), (b"abc\xc3\xa9\xffzz", 5), (b"abcd\xe2\x82", 4)],
)
def test_a_file_is_checked_to_be_utf8_piece_by_piece_and_the_bad_byte_named(
    monkeypatch: pytest.MonkeyPatch, data: bytes, byte: int
) -> None:
    monkeypatch.setattr(events_cmd, "_CHECK_PIECE", 4)  # pieces end inside characters
    with pytest.raises(InputError, match=f"not UTF-8 text \\(byte {byte}\\)"):
        events_cmd._utf8_bytes(Path("feed.json"), data)
    good = '\ufeff["é€😀"]'.encode()
    assert events_cmd._utf8_bytes(Path("feed.json"), good) == '["é€😀"]'.encode()


def test_a_json_file_with_a_byte_order_mark_imports(home: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.json"
    feed.write_bytes(b"\xef\xbb\xbf" + json.dumps({"events": [equipment_event()]}).encode())
    result = run("events", "import", feed, "--home", home)
    assert "read 1: stored 1" in result.stdout


def test_a_json_file_after_many_blank_lines_is_guessed_as_json(home: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.dat"
    feed.write_text("\n" * 70 + json.dumps({"events": [equipment_event()]}), encoding="utf-8")
    assert "(dcsa-json): read 1: stored 1" in run("events", "import", feed, "--home", home).stdout


def test_bytes_of_a_text_file_are_counted_from_the_start_even_after_a_bom(tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    with pytest.raises(InputError, match=r"\(byte 5\)"):
        events_cmd._utf8_text(feed, b"\xef\xbb\xbfab\xff")
