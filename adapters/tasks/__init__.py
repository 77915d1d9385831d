"""Task queues: in-process (the embedded default) and Celery on Redis."""
