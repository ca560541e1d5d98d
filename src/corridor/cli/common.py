"""What every ``corridor`` command shares: consoles, the --home option, error mapping.

The CLI is the only place that maps errors to exit codes.

Exit codes: 0 success; 1 verification failed; 2 bad input (the input is refused, nothing was
written); 3 the title register refused the action; 4 a concurrent action won; 5 the node itself
(missing home, configuration, storage, database unreachable, file system). Every error is
printed as one line on stderr.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from corridor.errors import (
    AccessError,
    ConflictError,
    CorridorError,
    InputError,
    NodeError,
    TitleError,
    VerificationError,
)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_CODES: tuple[tuple[type[CorridorError], int], ...] = (
    (VerificationError, 1),
    (InputError, 2),
    (AccessError, 2),
    (TitleError, 3),
    (ConflictError, 4),
    (NodeError, 5),
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="Node directory (default $CORRIDOR_HOME or ./.corridor)."),
]


def exit_code_for(error: CorridorError) -> int:
    for kind, code in EXIT_CODES:
        if isinstance(error, kind):
            return code
    return 5


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print a CorridorError as one line and exit with its code; never a stack trace."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CorridorError as exc:
            text = exc.diagnostics() if isinstance(exc, VerificationError) else exc.message
            err.print(f"error: {text}", markup=False, soft_wrap=True)
            raise typer.Exit(exit_code_for(exc)) from None
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            err.print(f"error: database: {reason}", markup=False, soft_wrap=True)
            raise typer.Exit(5) from None
        except OSError as exc:
            err.print(f"error: {exc.strerror or exc}: {exc.filename or ''}", markup=False)
            raise typer.Exit(5) from None
        except KeyboardInterrupt:
            err.print("interrupted; acknowledged actions are durable, others were not taken")
            raise typer.Exit(130) from None

    return wrapper
