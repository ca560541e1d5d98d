"""Background work that lives as long as the app: started when it starts, stopped when it stops.

Each piece (the PINT sender, the DCSA and TNT delivery workers, the alert watcher, the title
feed) wraps the app's lifespan once more with ``around_lifespan``; the wrappers nest, so every
``stop`` runs, in reverse order, whatever else fails.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from corridor.services.dcsa_outbox import DeliveryWorker

__all__ = ["around_lifespan", "run_worker"]


def around_lifespan(app: FastAPI, start: Callable[[], None], stop: Callable[[], None]) -> None:
    """Run ``start`` when ``app`` starts and ``stop`` when it stops (both off the event loop)."""
    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(running: Any) -> AsyncIterator[Any]:
        await run_in_threadpool(start)
        try:
            async with previous(running) as state:
                yield state
        finally:
            await run_in_threadpool(stop)

    app.router.lifespan_context = lifespan


def run_worker(app: FastAPI, worker: DeliveryWorker, *closing: Callable[[], None]) -> None:
    """Start ``worker`` with the app unless ``worker.autostart`` was turned off before startup
    (tests drive it by hand); stop it, then call each of ``closing``, when the app stops."""

    def start() -> None:
        if worker.autostart:
            worker.start()

    def stop() -> None:
        worker.stop()
        for close in closing:
            close()

    around_lifespan(app, start, stop)
