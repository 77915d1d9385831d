"""gunicorn settings: `gunicorn -c python:entrypoints.gunicorn_conf entrypoints.wsgi:app`.

The access log names the path without its query string and without the referrer (either may
carry personal data or a signed token), and the request id. With MADOGUCHI_LOG_FORMAT=json (the
production default) gunicorn's own lines are JSON lines like the app's
(entrypoints/logging_setup.py)."""

import os

from entrypoints.logging_setup import gunicorn_logconfig
from entrypoints.web.access_log import GUNICORN_ACCESS_LOG_FORMAT

access_log_format = GUNICORN_ACCESS_LOG_FORMAT
logconfig_dict = gunicorn_logconfig(os.environ)
