"""The WSGI object for gunicorn:
`gunicorn -c python:entrypoints.gunicorn_conf entrypoints.wsgi:app`."""

from entrypoints.web import create_app

app = create_app()
