"""The planner API's router (one for every planner module)."""

from ninja import Router

router = Router(tags=["planner"])
