"""The walls API's routers: posts and comments (`walls`), boards, events and files (`boards`)."""

from ninja import Router

router = Router(tags=["walls"])
boards_router = Router(tags=["boards"])
