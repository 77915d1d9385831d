"""The WSGI object for gunicorn: `gunicorn entrypoints.wsgi:app`.

With the in-process queue each web process starts delivering the outbox as it loads (what a
crash left due goes out at once, not after the first request); with Celery the workers do."""

from entrypoints.web import create_app

app = create_app()
if app.extensions["madoguchi"].config.task_queue() == "in_process":
    app.extensions["madoguchi"].outbox_notifier().wake()
