"""The engagement API: polls, contests and draws, recognition, forms and guides (R6).

Every endpoint parses its input, calls engagement's actions and selectors, and turns the result
into a schema.
"""

from importlib import import_module

from communa.engagement.api.routers import router

# Each module registers its operations on import.
MODULES: tuple[str, ...] = ("contests", "forms", "guides", "polls", "recognition")
for _module in MODULES:
    import_module(f"{__name__}.{_module}")

__all__ = ["router"]
