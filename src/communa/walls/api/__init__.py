"""The walls API: posts, comments, likes, shares, hides, reports, suggestions, tracked links and
the feed, and (on `boards_router`) discussion boards, event attendance, documents and photo
albums.

Every endpoint parses its input, calls the walls actions or selectors, and turns the result into
a schema. Every answer that shows posts records their impressions with the platform "api".
A post is created from a JSON body, or from a multipart form whose `payload` field holds the
same JSON, with `images` files and an optional `document` file. The modules keep the operation
ids of the two modules they grew from (`OPERATION_ID_PREFIX`).
"""

from importlib import import_module

from communa.walls.api.routers import boards_router, router

# Each module registers its operations on import, in this order (the order of the old modules).
for _module in ("posts", "interactions", "discussions", "files", "links"):
    import_module(f"{__name__}.{_module}")

__all__ = ["boards_router", "router"]
