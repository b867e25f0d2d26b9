"""The planner's pages, by subject: rubrics (`rubrics`), plans and slots (`plans`), promotions
(`promotions`), drafts and approval (`drafts`), the calendar and the mix advisor (`calendar`).
`urls.py` names them from here."""

from communa.planner.views.rubrics import rubric_update, rubrics

__all__ = ["rubric_update", "rubrics"]
