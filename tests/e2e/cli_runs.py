"""Running ``corridor`` in-process for the CLI tests: a clean environment, and one runner.

``isolate`` takes away the variables that would point a test at a real node and moves into the
test's own directory. ``run_cli`` runs ``corridor ARGS`` and asserts the exit code and that no
traceback reached the user; ``strict`` also asserts that a success prints nothing on stderr but
``note:`` lines and that a failure is one ``error:`` line (with ``quiet_errors``, and nothing on
stdout).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corridor.cli.main import app

__all__ = ["isolate", "run_cli"]


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("CORRIDOR_DATABASE_URL", "CORRIDOR_HOME", "CORRIDOR_MASTER_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.chdir(tmp_path)


def run_cli(
    *args: str | Path, code: int = 0, strict: bool = False, quiet_errors: bool = False
) -> Any:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    if strict and code == 0:
        notes = [line for line in result.stderr.splitlines() if line.strip()]
        assert all(line.startswith("note: ") for line in notes), result.stderr
    elif strict:
        if quiet_errors:
            assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("error: ")
    return result
