"""The WSGI object for gunicorn: `gunicorn entrypoints.wsgi:app`."""

from entrypoints.web import create_app

app = create_app()
