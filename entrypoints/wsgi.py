"""The WSGI object for gunicorn:
`gunicorn -c python:entrypoints.gunicorn_conf entrypoints.wsgi:app`.

At start it says where the data keys live and refuses keys that do not open the database's
data (entrypoints/key_ring.py); the app sweeps leftover uploads."""

import sys

from entrypoints.containers import build_container
from entrypoints.key_ring import check_key_ring
from entrypoints.web import create_app

_container = build_container()
print(check_key_ring(_container), file=sys.stderr, flush=True)
app = create_app(_container)
