"""What runs in the background: the job queues (in this process, the embedded default, or
Celery workers on Redis) and the outbox dispatcher's pump."""
