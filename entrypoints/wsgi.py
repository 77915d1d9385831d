"""The WSGI object for gunicorn:
`gunicorn -c python:entrypoints.gunicorn_conf entrypoints.wsgi:app`.

Logging is set up first (entrypoints/logging_setup.py). At start it says where the data keys
live and which adapter each port uses (entrypoints/plugins.py), and refuses keys that do not
open the database's data (entrypoints/key_ring.py); the app sweeps leftover uploads. With the
in-process queue each web process starts delivering the outbox as it loads (what a crash left
due goes out at once, not after the first request), handles the inbound events a crash left
stored and takes up the jobs a killed process left behind; with Celery the workers do."""

import sys

from application.jobs.running import resume_left_behind
from entrypoints.containers import build_container
from entrypoints.key_ring import check_key_ring
from entrypoints.logging_setup import configure_logging
from entrypoints.plugins import log_adapters
from entrypoints.web import create_app

_container = build_container()
configure_logging(_container.config.log_format(), _container.config.log_level())
print(check_key_ring(_container), file=sys.stderr, flush=True)
log_adapters(_container.config())  # the adapter each port uses (ADR 0069), once logged
app = create_app(_container)
if _container.config.task_queue() == "in_process":
    _container.outbox_notifier().wake()
    _container.inbound_workers().wake()  # a sweep: events stored and not handled before a crash
    # jobs a killed process left (queued, or running with a lapsed lease) are taken up again
    resume_left_behind(uow_factory=_container.uow, queue=_container.job_queue(),
                       clock=_container.clock())
