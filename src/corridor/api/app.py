"""The node as an HTTP service: the API under ``/api/v1``, the web app, ``/metrics``.

``create_app(node)`` builds the ASGI app around an open ``Node``; ``corridor serve`` and
``corridor demo`` run it with uvicorn. FastAPI runs the (blocking) route functions in its thread
pool, so many requests wait on the group committer at once and are committed together.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import Response

from corridor import __version__
from corridor.api import metrics, openapi, problems
from corridor.api.dcsa_v303 import install_worker as install_dcsa_worker
from corridor.api.hygiene import RequestHygiene
from corridor.api.lifespan import around_lifespan
from corridor.api.ratelimit import RateLimiter
from corridor.api.routes_alerts import install_worker as install_alert_worker
from corridor.api.routes_alerts import router as alerts_router
from corridor.api.routes_dcsa_end import router as dcsa_end_router
from corridor.api.routes_dcsa_iss import router as dcsa_iss_router
from corridor.api.routes_dcsa_sur import router as dcsa_sur_router
from corridor.api.routes_documents import router as documents_router
from corridor.api.routes_log import router as log_router
from corridor.api.routes_parties import router as parties_router
from corridor.api.routes_pint import router as pint_router
from corridor.api.routes_pint_envelopes import router as pint_envelopes_router
from corridor.api.routes_platforms import router as platforms_router
from corridor.api.routes_tnt_subscriptions import install_worker as install_tnt_worker
from corridor.api.routes_tnt_subscriptions import router as tnt_subscriptions_router
from corridor.api.routes_tnt_v22 import router as tnt_v22_router
from corridor.api.routes_tnt_v30 import router as tnt_v30_router
from corridor.services.access import Access
from corridor.services.events import EventStore
from corridor.services.journey_events import node_event_source
from corridor.services.journeys import JourneySources
from corridor.services.node import Node
from corridor.services.pint_keys import PintKeys
from corridor.services.pint_receiver import PintReceiver
from corridor.services.pint_sender import PintSender
from corridor.services.title_feed import TitleFeed
from corridor.web.pages import install as install_web

DESCRIPTION = """
The HTTP API of a Corridor node: DCSA eBL 3.0.3 transport documents, the title register with
DCSA PINT 3.0 action codes, the node's RFC 9162 Merkle log, and DCSA Track & Trace 2.2 and 3.0
tracking events.

Authenticate with a party's API token: `Authorization: Bearer cor_<id>_<secret>`
(`corridor token create PARTY`). Every state-changing call accepts an `Idempotency-Key` header.
Errors are RFC 9457 problem details (`application/problem+json`) that name the failing field.
"""


def create_app(node: Node, *, rate_limiter: RateLimiter | None = None, web: bool = True) -> FastAPI:
    """The ASGI app for ``node``; ``rate_limiter`` None uses the default public limits."""
    app = FastAPI(
        title="Corridor node API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.node = node
    app.state.access = Access(node)
    app.state.rate_limiter = rate_limiter if rate_limiter is not None else RateLimiter()
    app.state.metrics = metrics.Metrics(node)
    event_store = EventStore(node)
    journey_events = node_event_source(node, event_store)
    app.state.journey_sources = JourneySources.for_node(node, events=journey_events)
    _feed_title_events(app, TitleFeed(node, event_store))
    pint_keys = PintKeys(node)
    app.state.pint_receiver = PintReceiver(node, pint_keys)
    app.state.pint_sender = PintSender(node, pint_keys)
    _run_pint_sender(app, app.state.pint_sender)
    problems.install(app)
    openapi.install(app)
    metrics.install(app, app.state.metrics)
    app.add_middleware(RequestHygiene)
    app.include_router(documents_router)
    app.include_router(parties_router)
    app.include_router(platforms_router)
    app.include_router(log_router)
    app.include_router(dcsa_end_router)
    app.include_router(pint_router)
    app.include_router(pint_envelopes_router)
    app.include_router(dcsa_iss_router)
    app.include_router(dcsa_sur_router)
    install_dcsa_worker(app, node)
    app.include_router(tnt_v22_router)
    app.include_router(tnt_subscriptions_router)
    app.include_router(tnt_v30_router)
    install_tnt_worker(app, node)
    app.include_router(alerts_router)
    install_alert_worker(app, node)

    @app.get("/metrics", include_in_schema=False)
    def prometheus() -> Response:
        rendered: Response = app.state.metrics.render()
        return rendered

    if web:
        install_web(app)
    return app


def _feed_title_events(app: FastAPI, feed: TitleFeed) -> None:
    """Title actions become SHIPMENT events: catch up at start, then after each action."""

    def start() -> None:
        feed.sync()
        feed.node.after_commit.append(feed.after_commit)

    around_lifespan(app, start, lambda: feed.node.after_commit.remove(feed.after_commit))


def _run_pint_sender(app: FastAPI, sender: PintSender) -> None:
    """Deliver outbound PINT envelopes in the background while the app runs."""
    around_lifespan(app, sender.start, sender.stop)
