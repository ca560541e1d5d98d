"""``corridor alerts check|list``: journey alerts (overdue milestones, containers left behind)
and their delivery to subscribers.

``check`` runs the alert watcher once (``services.alert_watch``: the overdue alerts of every live
document, one callback queued per subscription and alert, never twice) and, unless
``--no-deliver``, attempts the callbacks now due, as the server's background worker does every
few seconds. ``list`` shows the current alerts, with how far their callbacks got, and queues
nothing. Documents whose journey cannot be built are named on stderr with the reason.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from corridor.cli.common import HomeOption, err, handle_errors, out
from corridor.cli.context import opened_node
from corridor.domain.journey_alerts import Alert, AlertKind
from corridor.services.alert_subscriptions import AlertSubscriptions
from corridor.services.alert_watch import (
    AlertScan,
    AlertWatcher,
    node_journey_sources,
    scan_alerts,
)
from corridor.storage.event_subscriptions import DELIVERED, FAILED, PENDING

app = typer.Typer(no_args_is_help=True)

_DELIVER_BATCH = 50


def _report_unreadable(scan: AlertScan) -> None:
    for reference, why in scan.unreadable:
        err.print(f"{reference}: left out: {why}", markup=False, soft_wrap=True)


def _hours(minutes: float) -> str:
    hours = int(minutes // 60)
    return f"{hours} h" if hours < 72 else f"{hours // 24} d {hours % 24} h"


@app.command("check")
@handle_errors
def check(
    deliver: Annotated[
        bool,
        typer.Option("--deliver/--no-deliver", help="Attempt the due callbacks now (default)."),
    ] = True,
    home: HomeOption = None,
) -> None:
    """Run the alert watcher once: queue each new overdue alert for its subscribers."""
    attempted = 0
    with opened_node(home) as node:
        run = AlertWatcher(node, node_journey_sources(node)).check()
        if deliver:
            subscriptions = AlertSubscriptions(node)
            try:
                while (done := subscriptions.deliver_due(_DELIVER_BATCH)) > 0:
                    attempted += done
                    if done < _DELIVER_BATCH:
                        break
            finally:
                subscriptions.close()
    _report_unreadable(run.scan)
    line = (
        f"{len(run.scan.alerts)} journey alerts in {run.scan.documents} live documents; "
        f"{run.queued} new callbacks queued"
    )
    if deliver:
        line += f"; {attempted} delivery attempts"
    out.print(line, markup=False)


@app.command("list")
@handle_errors
def list_alerts(
    document: Annotated[
        str | None, typer.Option("--document", help="Only this transport document's alerts.")
    ] = None,
    home: HomeOption = None,
) -> None:
    """The current overdue alerts (queues nothing), with their callbacks' state."""
    with opened_node(home) as node:
        references = None if document is None else [node.record(document).record.document_reference]
        scan = scan_alerts(node, node_journey_sources(node), node.clock(), references)
        counts = AlertSubscriptions(node).delivery_counts({a.id for a in scan.alerts})
    _report_unreadable(scan)
    table = Table("document", "alert kind", "planned", "late", "callbacks", "alert")
    for alert in scan.alerts:
        told = counts[alert.id]
        table.add_row(
            alert.document_reference,
            f"{_kind_words(alert)} at {alert.place.label}",
            alert.planned.strftime("%Y-%m-%d %H:%M UTC"),
            _hours(alert.overdue_by.total_seconds() / 60),
            f"{told[DELIVERED]} delivered, {told[PENDING]} pending, {told[FAILED]} failed",
            f"{alert.message}\n{alert.id}",
        )
    out.print(table)
    as_of = scan.as_of.strftime("%Y-%m-%d %H:%M UTC")
    out.print(f"{len(scan.alerts)} journey alerts as of {as_of}", markup=False)


def _kind_words(alert: Alert) -> str:
    if alert.kind is AlertKind.CONTAINER_LEFT_BEHIND:
        return "container left behind"
    return f"{alert.milestone.name.lower()} overdue"
