"""The planner's pages, by subject: rubrics (`rubrics`), plans and slots (`plans`), promotions
(`promotions`), drafts and approval (`drafts`), the calendar and the mix advisor (`calendar`).
`urls.py` names them from here."""

from communa.planner.views.calendar import calendar
from communa.planner.views.drafts import approvals, draft, move, new_draft
from communa.planner.views.rubrics import rubric_update, rubrics

__all__ = ["approvals", "calendar", "draft", "move", "new_draft", "rubric_update", "rubrics"]
