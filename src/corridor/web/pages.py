"""Web pages (placeholder until the web app lands)."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Mount the web app's routes and static files on ``app``."""
