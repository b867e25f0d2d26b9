"""The engagement API's router (one for every engagement module)."""

from ninja import Router

router = Router(tags=["engagement"])
