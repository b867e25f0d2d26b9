"""Kernel tasks: a ping that proves the worker runs what the web enqueues."""

from django_tasks import task


@task()
def ping(message: str) -> str:
    """Echo the message back, so a caller can see its task done by a worker."""
    return f"pong: {message}"
