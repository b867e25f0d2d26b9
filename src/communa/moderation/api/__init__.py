"""The moderation API: one router made of the queue, playbook, checks and audit routers."""

from ninja import Router

from communa.moderation.api import audit, checks, playbook, queue

router = Router(tags=["moderation"])
for part in (queue.router, audit.router, playbook.router, checks.router):
    router.add_router("/", part)

__all__ = ["router"]
