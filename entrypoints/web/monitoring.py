"""`GET /metrics`: the town's metrics in Prometheus' text format, for the monitoring system that
holds MADOGUCHI_METRICS_TOKEN (adapters/metrics.py says what is counted)."""

from __future__ import annotations

from flask import Blueprint, Response

from adapters.metrics import CONTENT_TYPE
from entrypoints.web.access import metrics_token
from entrypoints.web.services import container

__all__ = ["monitoring"]

monitoring = Blueprint("monitoring", __name__)


@monitoring.get("/metrics")
@metrics_token
def metrics():  # type: ignore[no-untyped-def]
    return Response(container().metrics().exposition(), mimetype=None,
                    content_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})
