"""gunicorn settings: `gunicorn -c python:entrypoints.gunicorn_conf entrypoints.wsgi:app`.

The access log names the path without its query string and without the referrer (either may
carry personal data or a signed token)."""

from entrypoints.web.access_log import GUNICORN_ACCESS_LOG_FORMAT

access_log_format = GUNICORN_ACCESS_LOG_FORMAT
