"""The planner API: rubrics (R8.1), content plans and slots (R8.2), drafts and approval (R8.3),
the calendar, the mix advisor (R8.4) and promotions (R8.6).

Every endpoint parses its input, calls the planner's or walls' actions and selectors, and turns
the result into a schema.
"""

from importlib import import_module

from communa.planner.api.routers import router

# Each module registers its operations on import.
for _module in ("rubrics", "plans", "promotions", "drafts", "calendar"):
    import_module(f"{__name__}.{_module}")

__all__ = ["router"]
