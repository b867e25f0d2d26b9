"""The planner's pages, by subject: rubrics (`rubrics`), plans and slots (`plans`), promotions
(`promotions`), the mix targets (`targets`), drafts and approval (`drafts`), the calendar and the
mix advisor (`calendar`). `urls.py` names them from here."""

from communa.planner.views.calendar import calendar
from communa.planner.views.drafts import approvals, draft, move, new_draft
from communa.planner.views.plans import (
    plan,
    plan_copy,
    plan_delete,
    plans,
    slot,
    slot_add,
    slot_delete,
)
from communa.planner.views.promotions import promotion, promotion_delete, promotions
from communa.planner.views.rubrics import rubric_update, rubrics
from communa.planner.views.targets import targets

__all__ = [
    "approvals",
    "calendar",
    "draft",
    "move",
    "new_draft",
    "plan",
    "plan_copy",
    "plan_delete",
    "plans",
    "promotion",
    "promotion_delete",
    "promotions",
    "rubric_update",
    "rubrics",
    "slot",
    "slot_add",
    "slot_delete",
    "targets",
]
